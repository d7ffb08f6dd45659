// `weir fuzz beaver [options]`: seeded simulations of Beaver's cores until a run fails or
// the budget ends; a failure is shrunk, written as a reproducer and as the execution the
// checker judged. `weir fuzz --replay FILE` runs a reproducer again.
#include <chrono>
#include <fstream>
#include <iostream>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "harness/beaver/judge.hpp"

namespace weir::cli {
namespace {

namespace hb = harness::beaver;
constexpr const char* kFormat = "weir-fuzz-reproducer";
constexpr int kVersion = 1;

struct FuzzArgs {
  std::uint64_t runs = 1000;
  std::uint64_t seed = 1;
  double time_limit = 0;
  std::string mutant = "none";
  bool check_determinism = false;
  bool no_shrink = false;
  std::string replay;
  std::string reproducer = "fuzz-beaver.json";
  hb::Scenario scenario;
};

// The scenario's knobs, each with its JSON name: the reproducer stores them all.
template <class F>
void each_knob(hb::Scenario& s, F&& f) {
  f("gateways", s.gateways);
  f("backends", s.backends);
  f("services", s.services);
  f("clients", s.clients);
  f("requests", s.requests);
  f("snapshots", s.snapshots);
  f("request-gap-max", s.request_gap_max);
  f("hop-min", s.hop_min);
  f("hop-max", s.hop_max);
  f("entry-skew-max", s.entry_skew_max);
  f("reply-max", s.reply_max);
  f("link-max", s.link_max);
  f("threshold", s.threshold);
  f("chatter", s.in_group_chatter);
  f("drop", s.drop);
  f("duplicate", s.duplicate);
}

nlohmann::json to_json(hb::Scenario s) {
  nlohmann::json j = {{"format", kFormat}, {"version", kVersion}, {"protocol", "beaver"}, {"seed", s.seed},
                      {"mutant", std::string(core::beaver::mutants()[static_cast<std::size_t>(s.mutant)].name)}};
  each_knob(s, [&](const char* name, const auto& v) { j["scenario"][name] = v; });
  return j;
}

std::variant<hb::Scenario, std::string> from_json(const std::string& path) {
  auto text = input::read(path);
  if (auto* why = std::get_if<std::string>(&text)) return *why;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(std::get<input::Text>(text).view());
  } catch (const nlohmann::json::exception& e) {
    return std::string("not JSON: ") + e.what();
  }
  if (!j.is_object() || j.value("format", nlohmann::json()) != kFormat)
    return std::string("not a weir fuzz reproducer (no \"format\": \"weir-fuzz-reproducer\")");
  if (j.value("version", nlohmann::json()) != kVersion) return std::string("unsupported reproducer version");
  if (j.value("protocol", nlohmann::json()) != "beaver") return std::string("\"protocol\" must be \"beaver\"");
  hb::Scenario s;
  const auto seed = j.find("seed");
  if (seed == j.end() || !seed->is_number_unsigned()) return std::string("\"seed\" must be a whole number");
  s.seed = seed->get<std::uint64_t>();
  const auto mutant = j.find("mutant");
  if (mutant == j.end() || !mutant->is_string() || !core::beaver::parse_mutant(mutant->get<std::string>()))
    return std::string("\"mutant\" must name one of the Beaver core's mutants");
  s.mutant = *core::beaver::parse_mutant(mutant->get<std::string>());
  const auto sc = j.find("scenario");
  if (sc == j.end() || !sc->is_object()) return std::string("\"scenario\" must be an object");
  std::string bad;
  each_knob(s, [&](const char* name, auto& v) {
    using T = std::decay_t<decltype(v)>;
    const auto it = sc->find(name);
    if (it == sc->end()) return;
    if constexpr (std::is_floating_point_v<T>) {
      if (!it->is_number() || it->template get<double>() < 0 || it->template get<double>() > 1) bad = name;
      else v = it->template get<double>();
    } else {
      if (!it->is_number_unsigned() || it->template get<std::uint64_t>() > 1'000'000) bad = name;
      else v = static_cast<T>(it->template get<std::uint64_t>());
    }
  });
  if (!bad.empty()) return "scenario \"" + bad + "\" is out of range";
  return s;
}

// Writes the reproducer and the execution; prints what failed and how to replay it.
void report_failure(const hb::Scenario& s, const std::string& what, const std::string& reproducer) {
  const hb::Outcome o = hb::run(s);
  std::cout << "  " << what << "\n";
  std::ofstream(reproducer) << json_text(to_json(s)) << "\n";
  std::string execution = reproducer;
  if (execution.size() > 5 && execution.compare(execution.size() - 5, 5, ".json") == 0) execution.resize(execution.size() - 5);
  execution.append(".execution.jsonl");
  std::ofstream(execution) << cut::to_jsonl(o.execution);
  std::cout << "  reproducer: " << reproducer << " (replay it: weir fuzz --replay " << reproducer << ")\n"
            << "  the run as an execution for weir check cut: " << execution << " (" << o.execution.events.size()
            << " events; accepted snapshots:";
  for (std::uint32_t n : o.accepted) std::cout << " " << n;
  std::cout << ")\n";
}

int replay(const std::string& path) {
  auto read = from_json(path);
  if (auto* why = std::get_if<std::string>(&read)) {
    std::cerr << input::display_name(path) << ": " << *why << "\n";
    return kBadInput;
  }
  const hb::Scenario& s = std::get<hb::Scenario>(read);
  const hb::Outcome o = hb::run(s);
  std::cout << "beaver (mutant " << core::beaver::mutants()[static_cast<std::size_t>(s.mutant)].name << ", seed "
            << s.seed << "): " << o.run.events << " simulated events, " << o.execution.events.size()
            << " recorded\n";
  if (auto why = hb::failure(o)) {
    std::cout << "  reproduced: " << *why << "\n";
    return kViolation;
  }
  std::cout << "  not reproduced: every accepted snapshot is consistent\n";
  return kHolds;
}

int run(FuzzArgs a) {
  if (!a.replay.empty()) return replay(a.replay);
  const auto m = core::beaver::parse_mutant(a.mutant);
  if (!m) {
    std::string names;
    for (const auto& info : core::beaver::mutants()) names.append(names.empty() ? "" : ", ").append(info.name);
    std::cerr << "weir: fuzz beaver: --mutant " << input::excerpt(a.mutant) << ": not a mutant of the Beaver core; its mutants: "
              << names << "\n";
    return kBadInput;
  }
  a.scenario.mutant = *m;
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t done = 0, events = 0;
  for (; done < a.runs; ++done) {
    if (a.time_limit > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > a.time_limit)
      break;
    hb::Scenario s = a.scenario;
    s.seed = a.seed + done;
    const hb::Outcome o = hb::run(s);
    events += o.run.events;
    if (a.check_determinism) {
      const hb::Outcome again = hb::run(s);
      if (again.run.trace_hash != o.run.trace_hash) {
        std::cerr << "weir: internal error: seed " << s.seed
                  << " gave two different runs: the simulator is not deterministic (a bug in weir)\n";
        return kInternal;
      }
    }
    if (auto why = hb::failure(o)) {
      std::cout << "beaver (mutant " << a.mutant << "): FAILURE at seed " << s.seed << ", run " << done + 1 << ":\n";
      hb::Scenario shown = s;
      if (!a.no_shrink) {
        const std::size_t before = o.execution.events.size();
        const hb::Shrunk sh = hb::shrink(s);
        shown = sh.scenario;
        std::cout << "  shrunk in " << sh.runs << " runs: " << before << " recorded events -> "
                  << hb::run(shown).execution.events.size() << " (requests " << s.requests << " -> "
                  << shown.requests << ", snapshots " << s.snapshots << " -> " << shown.snapshots << ", seed "
                  << shown.seed << ")\n";
        why = sh.what;
      }
      report_failure(shown, *why, a.reproducer);
      return kViolation;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "beaver (mutant " << a.mutant << "): " << done << " runs, seeds " << a.seed << ".." << a.seed + done - 1
            << ", no failure (" << events << " simulated events in " << secs << " s; no failure is no proof)\n";
  return kHolds;
}

}  // namespace

Runner add_fuzz(CLI::App& app) {
  auto args = std::make_shared<FuzzArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz", "fuzz an implementation's cores in the deterministic simulator");
  cmd->add_option("--replay", args->replay, "run a reproducer written by an earlier failure");
  CLI::App* b = cmd->add_subcommand("beaver", "Beaver's gateway, backend and initiator cores");
  b->add_option("--runs", args->runs, "seeded runs (seed, seed+1, ...)")->check(whole_in(1, 1'000'000'000))->capture_default_str();
  b->add_option("--seed", args->seed, "the first seed")->check(whole_in(0, UINT64_MAX / 2))->capture_default_str();
  b->add_option("--time-limit", args->time_limit, "stop after this many seconds")->check(number_in(0, 1e7));
  b->add_option("--mutant", args->mutant, "plant a bug in the cores (none, mark-after-forward, ...)")->capture_default_str();
  b->add_flag("--check-determinism", args->check_determinism, "run every seed twice and compare the traces");
  b->add_flag("--no-shrink", args->no_shrink, "report a failure as found, without shrinking it");
  b->add_option("--reproducer", args->reproducer, "where to write a failure's reproducer")->capture_default_str();
  hb::Scenario& s = args->scenario;
  b->add_option("--gateways", s.gateways, "gateways")->check(whole_in(1, 16))->capture_default_str();
  b->add_option("--backends", s.backends, "in-group backends")->check(whole_in(1, 64))->capture_default_str();
  b->add_option("--services", s.services, "out-group services that send back in")->check(whole_in(0, 16))->capture_default_str();
  b->add_option("--clients", s.clients, "clients")->check(whole_in(1, 64))->capture_default_str();
  b->add_option("--requests", s.requests, "requests per client")->check(whole_in(1, 10000))->capture_default_str();
  b->add_option("--snapshots", s.snapshots, "snapshots the initiator takes")->check(whole_in(1, 250))->capture_default_str();
  b->add_option("--hop-min", s.hop_min, "external chain hop latency, least (3 hops: tau_min)")->check(whole_in(1, 1'000'000))->capture_default_str();
  b->add_option("--hop-max", s.hop_max, "external chain hop latency, most")->check(whole_in(1, 1'000'000))->capture_default_str();
  b->add_option("--entry-skew-max", s.entry_skew_max, "initiator -> gateway delay, most")->check(whole_in(1, 1'000'000))->capture_default_str();
  b->add_option("--threshold", s.threshold, "accept when t1 - t0 is below this")->check(whole_in(0, 1'000'000))->capture_default_str();
  b->add_option("--drop", s.drop, "loss probability on links to and among backends")->check(number_in(0, 0.9))->capture_default_str();
  b->add_option("--duplicate", s.duplicate, "duplication probability on those links")->check(number_in(0, 0.9))->capture_default_str();
  return [args] { return run(*args); };
}

}  // namespace weir::cli
