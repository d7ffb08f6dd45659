// `weir explore MODEL [options]`: model-check a protocol model.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "checker/explore/explore.hpp"
#include "cli/cli.hpp"
#include "model/bench/ring.hpp"

namespace weir::cli {
namespace {

struct ExploreArgs {
  explore::Options opts;
  bool json = false;
  bool list = false;
};

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

void progress_line(const explore::Progress& p) {
  std::fprintf(stderr, "  %s states, %s unique, depth %u, %.0f states/s, %.0f MB\n", with_commas(p.states).c_str(),
               with_commas(p.unique).c_str(), p.depth, p.seconds > 0 ? p.unique / p.seconds : 0.0,
               p.bytes / 1048576.0);
}

int report(const std::string& title, const ExploreArgs& a, const explore::Result& r) {
  const explore::Progress& p = r.stats;
  const int code = r.outcome == explore::Outcome::Violation ? kViolation
                   : r.outcome == explore::Outcome::Bounded ? kUnknown
                                                            : kHolds;
  if (a.json) {
    nlohmann::json j = {{"model", title},
                        {"outcome", r.outcome == explore::Outcome::Complete    ? "complete"
                                    : r.outcome == explore::Outcome::Violation ? "violation"
                                                                               : "bounded"},
                        {"unique_states", p.unique},
                        {"states", p.states},
                        {"depth", p.depth},
                        {"seconds", p.seconds},
                        {"bytes", p.bytes}};
    if (!r.bound.empty()) j["bound"] = r.bound;
    if (!r.invariant.empty()) j["invariant"] = r.invariant;
    std::cout << j.dump() << "\n";
    return code;
  }
  std::cout << title << ": ";
  switch (r.outcome) {
    case explore::Outcome::Complete: std::cout << "holds, every reachable state explored"; break;
    case explore::Outcome::Violation:
      std::cout << "VIOLATION of " << r.invariant << " at depth " << r.violation_depth;
      break;
    case explore::Outcome::Bounded:
      std::cout << "unknown: stopped by " << r.bound << " before the search was complete";
      break;
  }
  std::printf("\n  %s unique states, %s transitions, depth %u, %.2f s (%.2f M states/s), %.1f MB (%.1f bytes/state)\n",
              with_commas(p.unique).c_str(), with_commas(p.states).c_str(), p.depth, p.seconds,
              p.seconds > 0 ? p.unique / p.seconds / 1e6 : 0.0, p.bytes / 1048576.0,
              p.unique ? static_cast<double>(p.bytes) / static_cast<double>(p.unique) : 0.0);
  return code;
}

template <class M>
int run(const std::string& title, const M& model, const ExploreArgs& a) {
  explore::ProgressFn progress;
  if (!a.json) progress = progress_line;
  return report(title, a, explore::bfs(model, a.opts, progress));
}

}  // namespace

Runner add_explore(CLI::App& app) {
  auto args = std::make_shared<ExploreArgs>();
  auto ring = std::make_shared<model::bench::RingOptions>();
  CLI::App* cmd = app.add_subcommand("explore", "model-check a protocol model (breadth-first, every core)");
  cmd->add_flag("--list", args->list, "print every model with its options");
  auto common = [&](CLI::App* m) {
    m->add_option("--max-states", args->opts.max_states, "stop after this many unique states (exit 3)");
    m->add_option("--max-depth", args->opts.max_depth, "explore no deeper than this (exit 3 if states remain)");
    m->add_option("--timeout", args->opts.timeout_seconds, "stop after this many seconds (exit 3)");
    m->add_option("--threads", args->opts.threads, "worker threads (default: one per core)");
    m->add_flag("--json", args->json, "one JSON object on stdout");
  };
  CLI::App* r = cmd->add_subcommand("ring", "engine benchmark: counters passed around a ring (../shared/bench/ring.pml)");
  r->add_option("--nodes", ring->nodes, "N: nodes on the ring")->capture_default_str();
  r->add_option("--values", ring->values, "K: counter values 0..K-1")->capture_default_str();
  r->add_option("--capacity", ring->capacity, "B: capacity of each node's inbound channel")->capture_default_str();
  common(r);
  return [cmd, r, args, ring]() -> int {
    if (args->list || cmd->get_subcommands().empty()) {
      std::cout << "models:\n"
                << "  ring      " << r->get_description() << "\n"
                << "            --nodes N (4)  --values K (3)  --capacity B (1); no mutants\n";
      return args->list ? kHolds : kBadInput;
    }
    if (auto why = model::bench::Ring::invalid(*ring)) {
      std::cerr << "weir: explore ring: " << *why << "\n";
      return kBadInput;
    }
    std::string title = "ring (N=";
    title.append(std::to_string(ring->nodes)).append(", K=").append(std::to_string(ring->values));
    title.append(", B=").append(std::to_string(ring->capacity)).append(")");
    return run(title, model::bench::Ring(*ring), *args);
  };
}

}  // namespace weir::cli
