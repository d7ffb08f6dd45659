#include "cli/explore_report.hpp"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"

namespace weir::cli {
namespace {

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

const char* outcome_name(const explore::Result& r, bool vacuous) {
  switch (r.outcome) {
    case explore::Outcome::Complete: return vacuous ? "vacuous" : "complete";
    case explore::Outcome::Violation: return "violation";
    case explore::Outcome::Sampled: return "sampled";
    case explore::Outcome::Bounded: return "bounded";
  }
  return "?";
}

}  // namespace

void progress_line(const explore::Progress& p) {
  std::fprintf(stderr, "  %s states, %s unique, depth %u, %.0f states/s, %.0f MB\n", with_commas(p.states).c_str(),
               with_commas(p.unique).c_str(), p.depth, p.seconds > 0 ? p.unique / p.seconds : 0.0,
               p.bytes / 1048576.0);
}

void print_steps(const std::vector<std::string>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) std::cout << "    " << i << ". " << steps[i] << "\n";
}

int report(const Report& how, const explore::Result& r) {
  const explore::Progress& p = r.stats;
  const std::vector<std::string> unreached = r.unreached();
  const bool vacuous = r.outcome == explore::Outcome::Complete && !unreached.empty();
  const int code = r.outcome == explore::Outcome::Violation                          ? kViolation
                   : r.outcome == explore::Outcome::Bounded || vacuous ? kUnknown
                                                                                      : kHolds;
  const bool sim = how.mode == SearchMode::Simulate;
  if (how.json) {
    nlohmann::json j = {{"model", how.title},
                        {"mode", sim ? "simulate" : how.mode == SearchMode::Dfs ? "dfs" : "bfs"},
                        {"outcome", outcome_name(r, vacuous)},
                        {"unique_states", p.unique},
                        {"states", p.states},
                        {"depth", p.depth},
                        {"seconds", p.seconds},
                        {"bytes", p.bytes},
                        {"goals", nlohmann::json::array()}};
    for (std::size_t i = 0; i < r.goals.size(); ++i)
      j["goals"].push_back({{"goal", r.goals[i]}, {sim ? "runs" : "reached", r.goal_hits[i]}});
    if (vacuous) j["unreached"] = unreached;
    if (!r.bound.empty()) j["bound"] = r.bound;
    if (!r.invariant.empty()) {
      j["invariant"] = r.invariant;
      j["counterexample"] = {{"file", how.written}, {"init", r.init_index}, {"actions", r.path}, {"steps", how.steps}};
      if (how.execution) j["counterexample"]["execution"] = how.execution->json;
    }
    std::cout << json_text(j) << "\n";
    return code;
  }
  std::cout << how.title << ": ";
  switch (r.outcome) {
    case explore::Outcome::Complete:
      if (vacuous) {
        std::cout << "holds, but vacuously: every reachable state explored and it never reached";
        for (std::size_t i = 0; i < unreached.size(); ++i) std::cout << (i ? ", nor" : "") << " \"" << unreached[i] << "\"";
      } else {
        std::cout << "holds, every reachable state explored";
      }
      break;
    case explore::Outcome::Violation:
      std::cout << "VIOLATION of \"" << r.invariant << "\" at depth " << r.violation_depth;
      break;
    case explore::Outcome::Bounded:
      std::cout << "unknown: stopped by " << r.bound << " before the search was complete";
      break;
    case explore::Outcome::Sampled:
      std::cout << "no violation in " << with_commas(p.unique) << " random runs of up to " << how.sim_depth
                << " steps (seed " << how.seed << "; a simulation is not a proof)";
      break;
  }
  if (sim) {
    std::printf("\n  %s runs, %s steps, %.2f s\n", with_commas(p.unique).c_str(), with_commas(p.states).c_str(),
                p.seconds);
  } else {
    std::printf("\n  %s unique states, %s transitions, depth %u, %.2f s (%.2f M states/s), %.1f MB (%.1f bytes/state)\n",
                with_commas(p.unique).c_str(), with_commas(p.states).c_str(), p.depth, p.seconds,
                p.seconds > 0 ? p.unique / p.seconds / 1e6 : 0.0, p.bytes / 1048576.0,
                p.unique ? static_cast<double>(p.bytes) / static_cast<double>(p.unique) : 0.0);
  }
  if (!r.goals.empty() && r.outcome != explore::Outcome::Violation) {
    std::cout << "  goals" << (sim ? " (runs that reached each)" : "") << ":\n";
    for (std::size_t i = 0; i < r.goals.size(); ++i) {
      std::cout << "    " << r.goals[i] << ": ";
      if (sim) std::cout << with_commas(r.goal_hits[i]) << "\n";
      else std::cout << (r.goal_hits[i] ? "reached" : "never reached") << "\n";
    }
  }
  if (r.outcome == explore::Outcome::Violation) {
    std::cout << "  counterexample, " << r.path.size() << " steps"
              << (sim ? " (a random run: not the shortest)"
                  : how.mode == SearchMode::Dfs ? " (depth-first: not the shortest)"
                                                : " (shortest: breadth-first)");
    if (!how.written.empty()) std::cout << ", written to " << how.written;
    std::cout << ":\n";
    print_steps(how.steps);
    if (how.execution) std::cout << how.execution->text;
    if (!how.written.empty()) std::cout << "  replay it: weir explore --replay " << how.written << "\n";
  }
  return code;
}

}  // namespace weir::cli
