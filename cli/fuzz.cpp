// `weir fuzz beaver|pegasus [options]`: seeded simulations of a protocol's cores until a
// run fails or the budget ends; a failure is shrunk and written as a reproducer, beside
// the file the checker judged (an execution for Beaver, a history for Pegasus).
// `weir fuzz --replay FILE` runs a reproducer again.
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"
#include "checker/input/json.hpp"
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/report_files.hpp"
#include "cli/shard_output.hpp"
#include "harness/beaver/judge.hpp"
#include "harness/pegasus/judge.hpp"

namespace weir::cli {
namespace {

namespace hb = harness::beaver;
namespace hp = harness::pegasus;
constexpr const char* kFormat = "weir-fuzz-reproducer";
constexpr int kVersion = 1;

// What differs between protocols: the scenario's knobs, the cores' mutants, and what the
// checker judged.
struct Beaver {
  using Scenario = hb::Scenario;
  using Outcome = hb::Outcome;
  static constexpr const char* kName = "beaver";
  static auto mutants() { return core::beaver::mutants(); }
  static auto parse_mutant(std::string_view n) { return core::beaver::parse_mutant(n); }
  template <class F>
  static void knobs(Scenario& s, F&& f) {
    f("gateways", s.gateways, 1, 16, "gateways that mark the clients' traffic");
    f("backends", s.backends, 1, 64, "backends: the in-group whose snapshot is taken");
    f("services", s.services, 0, 16, "out-group services that send what they get back in through a gateway");
    f("clients", s.clients, 1, 64, "clients");
    f("requests", s.requests, 1, 10000, "requests per client");
    f("snapshots", s.snapshots, 1, 250, "snapshots the initiator takes");
    f("request-gap-max", s.request_gap_max, 1, 1'000'000, "most time between a client's requests, us");
    f("hop-min", s.hop_min, 1, 1'000'000, "shortest hop of an external chain, us (tau_min: three hops)");
    f("hop-max", s.hop_max, 1, 1'000'000, "longest hop of an external chain, us");
    f("entry-skew-max", s.entry_skew_max, 1, 1'000'000, "most time from the initiator to a gateway, us");
    f("reply-max", s.reply_max, 1, 1'000'000, "most time from a gateway back to the initiator, us");
    f("link-max", s.link_max, 1, 1'000'000, "most delay on every other link, us");
    f("threshold", s.threshold, 0, 1'000'000, "the initiator accepts when its gateways entered less than this apart, us");
    f("chatter", s.in_group_chatter, 0, 1, "probability a backend tells another backend of a request");
    f("drop", s.drop, 0, 0.9, "probability a packet to or among backends is lost");
    f("duplicate", s.duplicate, 0, 0.9, "probability a packet to or among backends arrives twice");
    f("control-duplicate", s.control_duplicate, 0, 0.9, "probability a request or reply of the initiator arrives twice");
    f("via-gateway", s.in_group_via_gateway, 0, 1, "probability in-group chatter goes through a gateway");
    f("lagging-gateway", s.lagging_gateway, 0, 1, "probability gateway g0 starts behind (ids at the wrap edge)");
    f("rejoining-gateway", s.rejoining_gateway, 0, 1,
      "probability g0 rejoins 8191 behind just before in-group traffic brings a new id");
    f("dscp-remark", s.dscp_remark, 0, 1, "probability a router hop remarks DSCP (outside Beaver's assumptions)");
    f("partitions", s.partitions, 0, 1000, "times a gateway, backend or service is cut off");
    f("partition-max", s.partition_max, 1, 1'000'000, "longest a partition lasts, us");
  }
  static Outcome run(const Scenario& s) { return hb::run(s); }
  static std::string draw_mix(Scenario& s, const sim::FixedKnob& fixed) { return hb::draw_mix(s, fixed); }
  static std::optional<std::string> failure(const Outcome& o) { return hb::failure(o); }
  static hb::Shrunk shrink(const Scenario& s) { return hb::shrink(s); }
  static std::size_t size(const Outcome& o) { return o.execution.events.size(); }
  static const char* unit() { return "recorded events"; }
  static std::string judged(const Outcome& o, const std::string& reproducer) {
    const auto file = side_file(reproducer, ".execution.jsonl");
    if (!file) return "the run's execution is not written: the reproducer is not a regular file in a writable folder";
    if (!write_file(*file, cut::to_jsonl(o.execution), "the run's execution")) return "the run's execution could not be written";
    std::string line = "the run as an execution for weir check cut: " + *file + " (" +
                       std::to_string(o.execution.events.size()) + " events; accepted snapshots:";
    for (std::uint32_t n : o.accepted) line.append(" ").append(std::to_string(n));
    return line + ")";
  }
};

struct Pegasus {
  using Scenario = hp::Scenario;
  using Outcome = hp::Outcome;
  static constexpr const char* kName = "pegasus";
  static auto mutants() { return core::pegasus::mutants(); }
  static auto parse_mutant(std::string_view n) { return core::pegasus::parse_mutant(n); }
  template <class F>
  static void knobs(Scenario& s, F&& f) {
    f("servers", s.servers, 1, 32, "servers behind the switch");
    f("clients", s.clients, 1, 200, "clients");
    f("operations", s.operations, 1, core::pegasus::kMaxOperationsPerClient,
      "operations per client (at most 128: the header's request id is 8 bits)");
    f("keys", s.keys, 1, 1000, "keys");
    f("hot", s.hot, 0, 1000, "keys the switch replicates (the first ones)");
    f("reads", s.reads, 0, 1, "share of gets; the rest are puts");
    f("link-min", s.link_min, 1, 1'000'000, "least delay on a link, us");
    f("link-max", s.link_max, 1, 1'000'000, "most delay on a link, us");
    f("retry-after", s.retry_after, 1, 1'000'000, "a client resends a request not answered by then, us");
    f("drop", s.drop, 0, 0.9, "probability a packet is lost");
    f("duplicate", s.duplicate, 0, 0.9, "probability a packet arrives twice");
    f("partitions", s.partitions, 0, 1000, "times the switch or a server is cut off");
    f("partition-max", s.partition_max, 1, 1'000'000, "longest a partition lasts, us");
  }
  static Outcome run(const Scenario& s) { return hp::run(s); }
  static std::string draw_mix(Scenario& s, const sim::FixedKnob& fixed) { return hp::draw_mix(s, fixed); }
  static std::optional<std::string> failure(const Outcome& o) { return hp::failure(o); }
  static hp::Shrunk shrink(const Scenario& s) { return hp::shrink(s); }
  static std::size_t size(const Outcome& o) { return o.operations; }
  static const char* unit() { return "operations"; }
  static std::string judged(const Outcome& o, const std::string& reproducer) {
    const auto file = side_file(reproducer, ".history.jsonl");
    if (!file) return "the clients' history is not written: the reproducer is not a regular file in a writable folder";
    if (!write_file(*file, o.history, "the clients' history")) return "the clients' history could not be written";
    return "the clients' history for weir check lin --spec kv: " + *file + " (" + std::to_string(o.operations) +
           " operations)";
  }
};

struct Common {
  std::uint64_t runs = 1000;
  std::uint64_t seed = 1;
  double time_limit = 0;
  std::string mutant = "none";
  bool check_determinism = false;
  bool no_shrink = false;
  bool no_swarm = false;   // every seed runs the scenario as given, without drawing a mix
  std::string reproducer;  // default: fuzz-PROTOCOL.json
  ShardArgs shard;
};

template <class P>
std::string mutant_name(const typename P::Scenario& s) {
  return std::string(P::mutants()[static_cast<std::size_t>(s.mutant)].name);
}

template <class P>
nlohmann::json to_json(typename P::Scenario s) {
  nlohmann::json j = {{"format", kFormat}, {"version", kVersion}, {"protocol", P::kName}, {"seed", s.seed},
                      {"mutant", mutant_name<P>(s)}};
  P::knobs(s, [&](const char* name, const auto& v, double, double, const char*) { j["scenario"][name] = v; });
  return j;
}

template <class P>
std::variant<typename P::Scenario, std::string> from_json(const nlohmann::json& j) {
  typename P::Scenario s;
  const auto seed = j.find("seed");
  if (seed == j.end() || !seed->is_number_unsigned()) return std::string("\"seed\" must be a whole number");
  s.seed = seed->get<std::uint64_t>();
  const auto mutant = j.find("mutant");
  if (mutant == j.end() || !mutant->is_string() || !P::parse_mutant(mutant->get<std::string>()))
    return std::string("\"mutant\" must name one of the ") + P::kName + " cores' mutants";
  s.mutant = *P::parse_mutant(mutant->get<std::string>());
  const auto sc = j.find("scenario");
  if (sc == j.end() || !sc->is_object()) return std::string("\"scenario\" must be an object");
  std::string bad;
  P::knobs(s, [&](const char* name, auto& v, double lo, double hi, const char*) {
    using T = std::decay_t<decltype(v)>;
    const auto it = sc->find(name);
    if (it == sc->end()) return;
    const bool ok = it->is_number() && (std::is_floating_point_v<T> || it->is_number_unsigned()) &&
                    it->template get<double>() >= lo && it->template get<double>() <= hi;
    if (!ok) bad = name;
    else v = it->template get<T>();
  });
  if (!bad.empty()) return "scenario \"" + bad + "\" is out of range";
  return s;
}

// Writes the reproducer and says so; returns the size of its run (P::unit()).
// nothing when the reproducer could not be written (said on stderr: exit 2).
template <class P>
std::optional<std::size_t> report(const typename P::Scenario& s, const std::string& what, const std::string& reproducer) {
  const typename P::Outcome o = P::run(s);
  if (!write_file(reproducer, json_text(to_json<P>(s)) + "\n", "the reproducer")) return std::nullopt;
  std::cout << "  " << what << "\n"
            << "  reproducer: " << reproducer << " (replay it: weir fuzz --replay " << reproducer << ")\n"
            << "  " << P::judged(o, reproducer) << "\n";
  return P::size(o);
}

template <class P>
int replay_as(const typename P::Scenario& s) {
  const typename P::Outcome o = P::run(s);
  std::cout << P::kName << " (mutant " << mutant_name<P>(s) << ", seed " << s.seed << "): " << o.run.events
            << " simulated events, " << P::size(o) << " " << P::unit() << "\n";
  if (auto why = P::failure(o)) {
    std::cout << "  reproduced: " << *why << "\n";
    return kViolation;
  }
  std::cout << "  not reproduced: the run passes its checks\n";
  return kHolds;
}

int replay(const std::string& path) {
  const std::string name = input::display_name(path);
  auto text = input::read(path);
  if (auto* why = std::get_if<std::string>(&text)) {
    std::cerr << name << ": " << *why << "\n";
    return kBadInput;
  }
  auto parsed = input::parse_json(std::get<input::Text>(text).view());
  if (auto* why = std::get_if<std::string>(&parsed)) {
    std::cerr << name << ": " << *why << "\n";
    return kBadInput;
  }
  const nlohmann::json j = std::get<nlohmann::json>(std::move(parsed));
  auto fail = [&](const std::string& why) {
    std::cerr << name << ": " << why << "\n";
    return kBadInput;
  };
  if (!j.is_object() || j.value("format", nlohmann::json()) != kFormat)
    return fail("not a weir fuzz reproducer (no \"format\": \"weir-fuzz-reproducer\")");
  if (j.value("version", nlohmann::json()) != kVersion) return fail("unsupported reproducer version");
  const nlohmann::json protocol = j.value("protocol", nlohmann::json());
  if (protocol == Beaver::kName) {
    auto s = from_json<Beaver>(j);
    if (auto* why = std::get_if<std::string>(&s)) return fail(*why);
    return replay_as<Beaver>(std::get<Beaver::Scenario>(s));
  }
  if (protocol == Pegasus::kName) {
    auto s = from_json<Pegasus>(j);
    if (auto* why = std::get_if<std::string>(&s)) return fail(*why);
    return replay_as<Pegasus>(std::get<Pegasus::Scenario>(s));
  }
  return fail("\"protocol\" must be \"beaver\" or \"pegasus\"");
}

// The knobs given on the command line: a swarm mix leaves them as given.
using GivenKnobs = std::map<std::string, CLI::Option*, std::less<>>;

template <class P>
int fuzz(const Common& a, typename P::Scenario scenario, const GivenKnobs& knobs) {
  const auto m = P::parse_mutant(a.mutant);
  if (!m) {
    std::string names;
    for (const auto& info : P::mutants()) names.append(names.empty() ? "" : ", ").append(info.name);
    std::cerr << "weir: fuzz " << P::kName << ": --mutant " << input::excerpt(a.mutant) << ": not a mutant of the "
              << P::kName << " cores; their mutants: " << names << "\n";
    return kBadInput;
  }
  scenario.mutant = *m;
  swarm::Shard shard;
  if (!a.shard.parse(std::string("fuzz ") + P::kName, shard)) return kBadInput;
  const std::string reproducer =
      a.reproducer.empty() ? sharded_name(std::string("fuzz-") + P::kName + ".json", shard) : a.reproducer;
  // This shard's seeds: its share of seed .. seed + runs - 1.
  const swarm::Range share = swarm::share(shard, a.runs);
  const std::uint64_t first_seed = a.seed + share.first, runs = share.end - share.first;
  swarm::Result result;
  result.kind = "fuzz";
  result.runs = swarm::Range{first_seed, first_seed + runs};
  auto finish = [&](int code, std::uint64_t done, std::uint64_t events) {
    result.counts = {{"runs", done}, {"events", events}};
    result.outcome = code == kViolation ? "violation" : code == kUnknown ? "unknown" : "sampled";
    return write_shard_result(a.shard, std::move(result), shard, code) ? code : kBadInput;
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t done = 0, events = 0, unknown = 0;
  for (; done < runs; ++done) {
    if (a.time_limit > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > a.time_limit)
      break;
    typename P::Scenario s = scenario;
    s.seed = first_seed + done;
    const std::string mix = a.no_swarm ? std::string() : P::draw_mix(s, [&](std::string_view knob) {
      const auto it = knobs.find(knob);
      return it != knobs.end() && it->second->count() > 0;
    });
    const typename P::Outcome o = P::run(s);
    events += o.run.events;
    if (a.check_determinism && P::run(s).run.trace_hash != o.run.trace_hash) {
      std::cerr << "weir: internal error: seed " << s.seed
                << " gave two different runs: the simulator is not deterministic (a bug in weir)\n";
      return kInternal;
    }
    auto why = P::failure(o);
    if (!why) continue;
    if (*why == hp::kCheckerOutOfTime) {  // no verdict on this seed: counted, never a pass
      ++unknown;
      continue;
    }
    std::cout << P::kName << " (mutant " << a.mutant << "): FAILURE at seed " << s.seed << ", run " << done + 1 << ":\n";
    if (!mix.empty()) std::cout << "  mix: " << mix << "\n";
    typename P::Scenario shown = s;
    if (!a.no_shrink) {
      const auto sh = P::shrink(s);
      shown = sh.scenario;
      why = sh.what;
      std::cout << "  shrunk in " << sh.runs << " runs: " << P::size(o) << " " << P::unit() << " -> "
                << P::size(P::run(shown)) << " (seed " << shown.seed << ")\n";
    }
    const auto size = report<P>(shown, *why, reproducer);
    if (!size) return kBadInput;
    result.reproducer = swarm::Reproducer{"weir fuzz --replay", *why, *size, P::unit(), to_json<P>(shown)};
    return finish(kViolation, done + 1, events);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (done == 0 || unknown == done) {
    std::cout << P::kName << " (mutant " << a.mutant << "): unknown: " << (done == 0 ? "no run was made (the time limit came first)"
                                                                          : "the checker ran out of time on every run")
              << "\n";
    return finish(kUnknown, done, events);
  }
  if (unknown)
    std::cout << "  " << unknown << " run(s) not judged: the checker ran out of time on their history\n";
  std::cout << P::kName << " (mutant " << a.mutant << "): " << done << " runs, seeds " << first_seed << ".."
            << first_seed + done - 1 << ", no failure (" << events << " simulated events in " << secs
            << " s; no failure is no proof)\n";
  if (!a.no_swarm)
    std::cout << "  each seed drew its own mix of the knobs not given (swarm testing; --no-swarm runs the scenario as given)\n";
  return finish(kHolds, done, events);
}

void add_common(CLI::App* c, Common& a) {
  c->add_option("--runs", a.runs, "seeded runs (seed, seed+1, ...)")->check(whole_in(1, 1'000'000'000))->capture_default_str();
  c->add_option("--seed", a.seed, "the first seed")->check(whole_in(0, UINT64_MAX / 2))->capture_default_str();
  c->add_option("--time-limit", a.time_limit, "stop after this many seconds")->check(number_in(0, 1e7));
  c->add_option("--mutant", a.mutant, "plant a bug in the cores (see --help of the protocol)")->capture_default_str();
  c->add_flag("--check-determinism", a.check_determinism, "run every seed twice and compare the traces");
  c->add_flag("--no-shrink", a.no_shrink, "report a failure as found, without shrinking it");
  c->add_flag("--no-swarm", a.no_swarm,
              "run every seed with the scenario as given; by default each seed draws its own mix of the interference and "
              "timing knobs not given (swarm testing), printed with a failure");
  c->add_option("--reproducer", a.reproducer, "where to write a failure's reproducer (default: fuzz-PROTOCOL.json)");
  add_shard_options(c, a.shard, "a contiguous share of the seeds");
}

template <class P>
void add_knobs(CLI::App* c, typename P::Scenario& s, GivenKnobs& given) {
  P::knobs(s, [&](const char* name, auto& v, double lo, double hi, const char* help) {
    using T = std::decay_t<decltype(v)>;
    auto* o = c->add_option(std::string("--") + name, v, help);
    given[name] = o;
    if constexpr (std::is_floating_point_v<T>) o->check(number_in(lo, hi));
    else o->check(whole_in(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
    o->capture_default_str();
  });
}

template <class P>
std::string mutant_list() {
  std::string s = "mutants (--mutant NAME):\n";
  for (const auto& m : P::mutants()) s.append("  ").append(m.name).append(": ").append(m.what).append("\n");
  return s;
}

}  // namespace

Runner add_fuzz(CLI::App& app) {
  struct Args {
    Common common;
    std::string replay;
    hb::Scenario beaver;
    hp::Scenario pegasus;
    GivenKnobs beaver_knobs, pegasus_knobs;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("fuzz", kFuzzAbout);
  cmd->add_option("--replay", args->replay, "run a reproducer written by an earlier failure");
  CLI::App* b = cmd->add_subcommand("beaver", "Beaver's gateway, backend and initiator cores, judged by check cut");
  CLI::App* p = cmd->add_subcommand("pegasus", "Pegasus's switch, server and client cores, judged by check lin");
  add_common(b, args->common);
  add_common(p, args->common);
  add_knobs<Beaver>(b, args->beaver, args->beaver_knobs);
  add_knobs<Pegasus>(p, args->pegasus, args->pegasus_knobs);
  b->footer(mutant_list<Beaver>());
  p->footer(mutant_list<Pegasus>());
  return [args, b, p]() -> int {
    if (!args->replay.empty()) return replay(args->replay);
    if (b->parsed()) return fuzz<Beaver>(args->common, args->beaver, args->beaver_knobs);
    if (p->parsed()) return fuzz<Pegasus>(args->common, args->pegasus, args->pegasus_knobs);
    std::cerr << "weir fuzz: name a protocol (beaver, pegasus) or --replay FILE\n";
    return kBadInput;
  };
}

}  // namespace weir::cli
