// weir bound beaver [--gateways G] [--to-gateway MIN:MAX] [--to-initiator MIN:MAX] [--hop MIN:MAX]
//                   [--hops K] [--threshold T] [--on measured|spread] [--synthesize [--step S]]
//                   [--execution FILE] [--json]
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "checker/bound/bound.hpp"
#include "checker/input/input.hpp"
#include "checker/explore/explore.hpp"
#include "cli/cli.hpp"
#include "cli/cut_output.hpp"
#include "cli/options.hpp"
#include "checker/explore/counterexample.hpp"
#include "model/beaver/beaver.hpp"

namespace weir::cli {
namespace {

struct BoundArgs {
  unsigned gateways = 2;
  std::string to_gateway = "0:10", to_initiator = "0:10", hop = "11:1000";
  unsigned hops = 3;
  double threshold = 33;
  std::string on = "measured";
  bool synthesize = false;
  double step = 0.001;
  std::string execution_file = "bound-beaver.execution.jsonl";
  std::string scenario_file = "bound-beaver.scenario.json";
  bool json = false;
};

std::optional<std::string> parse_delay(const std::string& text, const char* option, bound::Delay& d) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no colon");
    std::size_t used = 0;
    const std::string lo = text.substr(0, colon), hi = text.substr(colon + 1);
    d.min = std::stod(lo, &used);
    if (used != lo.size()) throw std::invalid_argument("trailing");
    d.max = std::stod(hi, &used);
    if (used != hi.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return std::string(option) + ": expected MIN:MAX in microseconds (e.g. 2:10), not '" + input::excerpt(text) + "'";
  }
  return std::nullopt;
}

std::string fmt(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", v);
  return text;
}

nlohmann::json schedule_json(const bound::Schedule& s) {
  return {{"enter", s.enter},           {"reply", s.reply},
          {"t1", s.t1},                 {"spread", s.spread},
          {"first_gateway", s.first_gateway}, {"last_gateway", s.last_gateway},
          {"chain_start", s.chain_start}, {"chain_end", s.chain_end},
          {"hops", s.hops}};
}

bool whole(double v) { return v >= 0 && v < 1e6 && v == static_cast<double>(static_cast<long long>(v)); }

// The schedule as a run of the Beaver model (model/beaver, play_schedule), written as a
// counterexample that `weir explore --replay` walks. The cause, when it cannot be.
std::optional<std::string> play_in_model(const bound::BoundParams& p, const bound::Schedule& s, const BoundArgs& a,
                                         nlohmann::json& j) {
  for (double v : {p.to_gateway.min, p.to_gateway.max, p.to_initiator.min, p.hop.min})
    if (!whole(v)) return "the bounds are not whole units";
  for (double v : s.enter)
    if (!whole(v)) return "the entry times are not whole units";
  if (!whole(s.chain_start)) return "the chain does not start on a whole unit";
  const auto unit = [](double v) { return static_cast<unsigned>(v); };
  model::beaver::TimedRun run;
  run.gateways = p.gateways;
  run.hop = unit(p.hop.min);  // the chain at its fastest; a slower one only helps the gateways
  run.enter_min = unit(p.to_gateway.min);
  run.window = unit(p.to_gateway.max);
  run.reply_min = unit(p.to_initiator.min);
  run.measured = p.on == bound::Acceptance::Measured;
  // A whole quantity q is below the threshold T exactly when q < ceil(T).
  run.threshold = static_cast<unsigned>(std::ceil(p.threshold));
  run.chain_start = unit(s.chain_start);
  for (double e : s.enter) run.enter.push_back(unit(e));
  run.first = s.first_gateway;
  run.last = s.last_gateway;
  auto played = model::beaver::play_schedule(run);
  if (auto* why = std::get_if<std::string>(&played)) return *why;
  const model::beaver::PlayedRun& r = std::get<model::beaver::PlayedRun>(played);
  explore::Counterexample cx{"beaver", r.options, 0, r.path, r.invariant, r.steps};
  const bool written = !explore::write_counterexample(cx, a.scenario_file);
  j["scenario"] = {{"file", written ? a.scenario_file : ""}, {"steps", r.path.size()}, {"invariant", r.invariant}};
  if (!a.json)
    std::cout << "  the Beaver model plays the schedule (" << r.path.size() << " steps, 1 step = 1 us): VIOLATION of \""
              << r.invariant << "\"\n"
              << "    replay it: weir explore --replay " << a.scenario_file << "\n";
  return std::nullopt;
}

// Writes the schedule as an execution, judges it, and says what `weir check cut` says.
void confirm(const bound::BoundParams& p, const bound::Schedule& s, const BoundArgs& a, nlohmann::json& j) {
  const JudgedExecution v = write_and_judge(bound::execution(p, s), a.execution_file, "    ");
  if (a.json) {
    j["execution"] = v.json;
    return;
  }
  for (const std::string& line : bound::narrate(p, s)) std::cout << "    " << line << "\n";
  std::cout << "  the schedule as an execution for weir check cut:\n" << v.text;
}

void counterexample(const bound::BoundParams& p, const bound::Schedule& s, const BoundArgs& a, nlohmann::json& j) {
  j["counterexample"] = schedule_json(s);
  confirm(p, s, a, j);
  if (auto why = play_in_model(p, s, a, j)) {
    j["scenario"] = {{"not_played", *why}};
    if (!a.json) std::cout << "  not played in the Beaver model: " << *why << "\n";
  }
}

int run(const BoundArgs& a) {
  bound::BoundParams p;
  p.gateways = a.gateways;
  p.hops = a.hops;
  p.threshold = a.threshold;
  p.on = a.on == "spread" ? bound::Acceptance::Spread : bound::Acceptance::Measured;
  for (auto [text, option, d] : {std::tuple{&a.to_gateway, "--to-gateway", &p.to_gateway},
                                 std::tuple{&a.to_initiator, "--to-initiator", &p.to_initiator},
                                 std::tuple{&a.hop, "--hop", &p.hop}}) {
    if (auto why = parse_delay(*text, option, *d)) {
      std::cerr << "weir: bound beaver: " << *why << "\n";
      return kBadInput;
    }
  }
  if (auto why = bound::invalid(p)) {
    std::cerr << "weir: bound beaver: " << *why << "\n";
    return kBadInput;
  }
  if (!(a.step > 0)) {
    std::cerr << "weir: bound beaver: --step " << a.step << ": must be above 0\n";
    return kBadInput;
  }
  const char* quantity = p.on == bound::Acceptance::Measured ? "t1 - t0" : "the spread of entries";
  nlohmann::json j = {{"gateways", p.gateways},
                      {"to_gateway", {p.to_gateway.min, p.to_gateway.max}},
                      {"to_initiator", {p.to_initiator.min, p.to_initiator.max}},
                      {"hop", {p.hop.min, p.hop.max}},
                      {"hops", p.hops},
                      {"tau_min", bound::tau_min(p)},
                      {"on", a.on}};
  if (!a.json) {
    std::cout << "beaver bound: " << p.gateways << " gateways, initiator->gateway " << fmt(p.to_gateway.min) << ".."
              << fmt(p.to_gateway.max) << " us, gateway->initiator " << fmt(p.to_initiator.min) << ".."
              << fmt(p.to_initiator.max) << " us, external chains of 3.." << p.hops << " hops of " << fmt(p.hop.min)
              << ".." << fmt(p.hop.max) << " us (tau_min " << fmt(bound::tau_min(p)) << " us)\n";
  }
  if (a.synthesize) {
    const bound::Synthesis s = bound::synthesize(p, a.step);
    j["synthesis"] = {{"any_threshold_is_safe", s.any_threshold_is_safe}, {"seconds", s.seconds}};
    if (!s.any_threshold_is_safe) {
      j["synthesis"]["largest_safe_threshold"] = s.largest_safe;
      j["synthesis"]["step"] = s.step;
    }
    if (!a.json) {
      if (s.any_threshold_is_safe) {
        std::cout << "  any threshold is safe: no external chain can outrun the gateways' entries (z3, "
                  << fmt(s.seconds) << " s)\n";
      } else {
        std::cout << "  largest safe threshold: accept when " << quantity << " < " << fmt(s.largest_safe)
                  << " us (z3, " << fmt(s.seconds) << " s)\n";
        if (s.counterexample)
          std::cout << "  one step above, at " << fmt(s.largest_safe) << " + " << fmt(s.step)
                    << " us, an accepted snapshot can be inconsistent:\n";
        else  // the least quantity is attained, so this means a bug, and it is said
          std::cout << "  one step above, at " << fmt(s.largest_safe) << " + " << fmt(s.step)
                    << " us, z3 found no schedule to show (unexpected: the least quantity is attained)\n";
      }
    }
    if (s.counterexample) {
      bound::BoundParams above = p;
      above.threshold = s.largest_safe + s.step;
      counterexample(above, *s.counterexample, a, j["synthesis"]);
    }
    if (a.json) std::cout << json_text(j) << "\n";
    return kHolds;  // an answer, not a verdict on a given threshold
  }
  const bound::Verdict v = bound::check(p);
  j["threshold"] = p.threshold;
  j["verdict"] = v.holds ? "holds" : "violated";
  j["seconds"] = v.seconds;
  if (!a.json) {
    std::cout << "  accept when " << quantity << " < " << fmt(p.threshold) << " us: ";
    if (v.holds)
      std::cout << "bound holds, no accepted snapshot can be inconsistent (z3: unsat, " << fmt(v.seconds) << " s)\n";
    else
      std::cout << "VIOLATED, an accepted snapshot can be inconsistent (z3: sat, " << fmt(v.seconds) << " s):\n";
  }
  if (v.counterexample) counterexample(p, *v.counterexample, a, j);
  if (a.json) std::cout << json_text(j) << "\n";
  return v.holds ? kHolds : kViolation;
}

}  // namespace

Runner add_bound(CLI::App& app) {
  auto args = std::make_shared<BoundArgs>();
  CLI::App* cmd = app.add_subcommand("bound", kBoundAbout);
  cmd->require_subcommand(1);
  CLI::App* b = cmd->add_subcommand("beaver", "Beaver's optimistic gateway marking (Theorem 2): is the threshold safe?");
  b->add_option("--gateways", args->gateways, "G: gateways")->check(whole_in(1, 64))->capture_default_str();
  b->add_option("--to-gateway", args->to_gateway, "initiator -> gateway one-way delay, MIN:MAX us")->capture_default_str();
  b->add_option("--to-initiator", args->to_initiator, "gateway -> initiator one-way delay, MIN:MAX us")
      ->capture_default_str();
  b->add_option("--hop", args->hop, "latency of one hop of an external chain, MIN:MAX us")->capture_default_str();
  b->add_option("--hops", args->hops, "longest external chain considered, in hops (at least 3)")
      ->check(whole_in(3, 16))
      ->capture_default_str();
  b->add_option("--threshold", args->threshold, "accept when the measured quantity is below this, us")
      ->check(number_in(0, bound::kMaxMicroseconds))
      ->capture_default_str();
  b->add_option("--on", args->on, "what the threshold bounds: measured (t1 - t0) or spread (of entry times)")
      ->check(CLI::IsMember({"measured", "spread"}))
      ->capture_default_str();
  b->add_flag("--synthesize", args->synthesize, "find the largest safe threshold instead of checking one");
  b->add_option("--step", args->step, "with --synthesize: the step above it to show a counterexample at, us (above 0)")
      ->check(number_in(0, bound::kMaxMicroseconds))
      ->capture_default_str();
  b->add_option("--execution", args->execution_file, "where to write a counterexample as an execution")
      ->capture_default_str();
  b->add_option("--scenario", args->scenario_file, "where to write a counterexample as a Beaver model run")
      ->capture_default_str();
  b->add_flag("--json", args->json, "one JSON object on stdout");
  return [args] { return run(*args); };
}

}  // namespace weir::cli
