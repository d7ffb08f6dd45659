// `weir replay --impl beaver|pegasus [options]`: the protocol's runs with its data plane
// on DPDK (harness/live), seed after seed, each judged by the checker (check cut on
// Beaver's recorded execution, check lin on Pegasus's history); the first failure is
// printed with the checker's witness. `--record DIR` keeps the pcaps of every port, the
// execution or history and a summary of the run reported. `--sweep` is the timing-bound
// experiment (cli/replay_sweep.cpp).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "checker/cut/cut.hpp"
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/replay.hpp"
#include "cli/report_files.hpp"
#include "harness/beaver/judge.hpp"
#include "harness/pegasus/judge.hpp"

namespace weir::cli {
namespace replay {

harness::beaver::Scenario beaver_scenario(const Args& a) {
  harness::beaver::Scenario s;
  s.gateways = a.gateways;
  s.backends = a.backends;
  s.services = a.services;
  s.clients = a.clients.value_or(1);
  s.requests = a.requests;
  s.snapshots = a.snapshots;
  s.threshold = a.threshold;
  if (a.skew) {  // each gateway after its own delay, the first and last `skew` apart
    s.entry_fixed = true;
    s.entry_skew_max = *a.skew;
  }
  // The shortest external chain is three hops (gateway -> in-group -> out-group ->
  // gateway): each at least chain / 3, up to half again as long.
  s.hop_min = std::max<sim::Time>(1, (a.chain + 2) / 3);
  s.hop_max = s.hop_min + s.hop_min / 2;
  s.link_max = a.delay;
  s.drop = a.loss;
  s.duplicate = a.duplicate;
  s.dscp_remark = a.dscp_remark;
  s.lagging_gateway = a.lagging_gateway;
  return s;
}

harness::pegasus::Scenario pegasus_scenario(const Args& a) {
  harness::pegasus::Scenario s;
  s.servers = a.servers;
  s.clients = a.clients.value_or(4);
  s.operations = a.ops;
  s.keys = a.keys;
  s.hot = a.hot;
  s.link_max = std::max<sim::Time>(s.link_min, a.delay);
  s.drop = a.loss;
  s.duplicate = a.duplicate;
  return s;
}

namespace {

// What differs between the protocols: the scenario, the run, the verdict, what was judged.
struct Beaver {
  using Scenario = harness::beaver::Scenario;
  using Run = live::BeaverRun;
  static constexpr const char* kName = "beaver";
  static constexpr const char* kHops = "gateways";
  static Scenario scenario(const Args& a) { return beaver_scenario(a); }
  static Run run(live::Rig& rig, const Scenario& s, const live::Options& o) { return rig.beaver(s, o); }
  static std::string draw_mix(Scenario& s, const sim::FixedKnob& f) { return harness::beaver::draw_mix(s, f); }
  static std::optional<std::string> failure(const Run& r) { return harness::beaver::failure(r.outcome); }
  static std::optional<std::uint8_t> mutant(const std::string& n) {
    auto m = core::beaver::parse_mutant(n);
    return m ? std::optional<std::uint8_t>(static_cast<std::uint8_t>(*m)) : std::nullopt;
  }
  static void set_mutant(Scenario& s, std::uint8_t m) { s.mutant = static_cast<core::beaver::Mutant>(m); }
  static std::string mutant_names() {
    std::string n;
    for (const auto& m : core::beaver::mutants()) n.append(n.empty() ? "" : ", ").append(m.name);
    return n;
  }
  struct Tally {
    std::uint64_t accepted = 0, rejected = 0;
  };
  static void count(Tally& t, const Run& r) {
    t.accepted += r.outcome.accepted.size();
    t.rejected += r.outcome.rejected.size();
  }
  static std::string said(const Tally& t) {
    return std::to_string(t.accepted + t.rejected) + " snapshots (" + std::to_string(t.accepted) + " accepted and consistent, " +
           std::to_string(t.rejected) + " rejected)";
  }
  static std::optional<std::string> judged(const Run& r, const std::string& dir, nlohmann::json& summary) {
    const std::string file = dir + "/execution.jsonl";
    if (!write_file(file, cut::to_jsonl(r.outcome.execution), "the run's execution")) return std::nullopt;
    summary["execution"] = file;
    summary["accepted"] = r.outcome.accepted;
    summary["rejected"] = r.outcome.rejected;
    return "the execution for weir check cut: " + file;
  }
};

struct Pegasus {
  using Scenario = harness::pegasus::Scenario;
  using Run = live::PegasusRun;
  static constexpr const char* kName = "pegasus";
  static constexpr const char* kHops = "switch";
  static Scenario scenario(const Args& a) { return pegasus_scenario(a); }
  static Run run(live::Rig& rig, const Scenario& s, const live::Options& o) { return rig.pegasus(s, o); }
  static std::string draw_mix(Scenario& s, const sim::FixedKnob& f) { return harness::pegasus::draw_mix(s, f); }
  static std::optional<std::string> failure(const Run& r) { return harness::pegasus::failure(r.outcome); }
  static std::optional<std::uint8_t> mutant(const std::string& n) {
    auto m = core::pegasus::parse_mutant(n);
    return m ? std::optional<std::uint8_t>(static_cast<std::uint8_t>(*m)) : std::nullopt;
  }
  static void set_mutant(Scenario& s, std::uint8_t m) { s.mutant = static_cast<core::pegasus::Mutant>(m); }
  static std::string mutant_names() {
    std::string n;
    for (const auto& m : core::pegasus::mutants()) n.append(n.empty() ? "" : ", ").append(m.name);
    return n;
  }
  struct Tally {
    std::uint64_t operations = 0;
  };
  static void count(Tally& t, const Run& r) { t.operations += r.outcome.operations; }
  static std::string said(const Tally& t) { return std::to_string(t.operations) + " operations, linearizable"; }
  static std::optional<std::string> judged(const Run& r, const std::string& dir, nlohmann::json& summary) {
    const std::string file = dir + "/history.jsonl";
    if (!write_file(file, r.outcome.history, "the clients' history")) return std::nullopt;
    summary["history"] = file;
    summary["operations"] = r.outcome.operations;
    return "the history for weir check lin --spec kv: " + file;
  }
};

// Why a run failed: the checker's witness, or the data plane's own fault (a leak).
template <class P>
std::optional<std::string> failure(const typename P::Run& r) {
  if (auto why = P::failure(r)) return why;
  if (r.buffers_in_use != 0)
    return "the data plane leaked " + std::to_string(r.buffers_in_use) + " mbufs: they never came back to the pool";
  return std::nullopt;
}

std::uint64_t frames(const std::vector<live::PortStats>& ports) {
  std::uint64_t n = 0;
  for (const auto& p : ports) n += p.received;
  return n;
}

// The run reported again, recorded: deterministic, so it is the same run. False (the
// cause said) when a file could not be written.
template <class P>
bool record(live::Rig& rig, const typename P::Scenario& s, const std::string& dir, const std::optional<std::string>& why) {
  std::filesystem::create_directories(dir);
  live::Options o;
  o.record_dir = dir;
  const typename P::Run r = P::run(rig, s, o);
  nlohmann::json summary = {{"impl", P::kName}, {"data_plane", "dpdk net_ring, in-process"}, {"seed", s.seed},
                            {"verdict", why ? "violation" : "holds"}, {"buffers_in_use", r.buffers_in_use}, {"pcaps", r.pcaps}};
  if (why) summary["witness"] = *why;
  for (const auto& p : r.ports)
    summary["ports"].push_back({{"name", p.name}, {"received", p.received}, {"sent", p.sent}, {"refused", p.refused},
                                {"dropped", p.dropped}, {"no_room", p.no_room}, {"tx_full", p.tx_full}});
  const auto judged = P::judged(r, dir, summary);
  if (!judged || !write_file(dir + "/summary.json", summary.dump(2) + "\n", "the run's summary")) return false;
  std::cout << "  recorded in " << dir << ": " << r.pcaps.size() << " pcaps (every port in and out, and the nodes' own traffic), " << *judged
            << ", summary.json\n";
  return true;
}

template <class P>
int replay(const Args& a) {
  typename P::Scenario base = P::scenario(a);
  const auto m = P::mutant(a.mutant);
  if (!m) {
    std::cerr << "weir: replay " << P::kName << ": --mutant " << a.mutant << ": not a mutant of the " << P::kName
              << " cores; their mutants: " << P::mutant_names() << "\n";
    return kBadInput;
  }
  P::set_mutant(base, *m);
  auto made = live::Rig::make();
  if (auto* why = std::get_if<std::string>(&made)) {
    std::cerr << "weir: replay: DPDK would not start: " << *why << "\n";
    return kInternal;
  }
  live::Rig& rig = *std::get<std::unique_ptr<live::Rig>>(made);
  std::cout << P::kName << " on DPDK (the " << P::kHops << " on net_ring ports, in-process; mutant " << a.mutant << ")\n";
  const auto t0 = std::chrono::steady_clock::now();
  typename P::Tally tally;
  std::uint64_t done = 0, through = 0, unknown = 0;
  typename P::Scenario s = base;
  for (; done < a.runs; ++done) {
    if (a.duration > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > a.duration) break;
    s = base;
    s.seed = a.seed + done;
    const std::string mix =
        a.no_swarm ? std::string() : P::draw_mix(s, [&](std::string_view knob) { return a.given.count(knob) > 0; });
    const typename P::Run r = P::run(rig, s, {});
    through += frames(r.ports);
    if (auto why = failure<P>(r); why && *why == harness::pegasus::kCheckerOutOfTime) {
      ++unknown;  // no verdict on this seed: counted, never a pass and never a violation
      continue;
    } else if (why) {
      std::cout << "  VIOLATION at seed " << s.seed << " (run " << done + 1 << "): " << *why << "\n";
      if (!mix.empty()) std::cout << "  mix: " << mix << "\n";
      if (a.record.empty())
        std::cout << "  record it: weir replay --impl " << P::kName << " ... --seed " << s.seed << " --runs 1 --record DIR\n";
      else if (!record<P>(rig, s, a.record, why))
        return kBadInput;
      return kViolation;
    }
    P::count(tally, r);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (done == 0 || unknown == done) {
    std::cout << "  unknown: " << (done == 0 ? "no run was made (the duration came first)" : "the checker ran out of time on every run")
              << "\n";
    return kUnknown;
  }
  if (unknown) std::cout << "  " << unknown << " run(s) not judged: the checker ran out of time on their history\n";
  std::cout << "  holds: " << done << " runs (seeds " << a.seed << ".." << a.seed + done - 1 << "), " << P::said(tally)
            << "; " << through << " frames through DPDK in " << secs << " s, every mbuf back in its pool\n";
  if (!a.no_swarm)
    std::cout << "  each seed drew its own mix of the knobs not given (swarm testing; --no-swarm runs the options as given)\n";
  if (!a.record.empty() && done > 0 && !record<P>(rig, s, a.record, std::nullopt)) return kBadInput;
  return kHolds;
}

}  // namespace
}  // namespace replay

namespace {
// --record DIR, checked before any run: a folder Weir can make and write, named in UTF-8 (the
// name goes into summary.json). An existing file or an unmakeable folder is bad input, said
// with its cause, not an exception out of the run (exit 4).
std::optional<std::string> unusable_record_dir(const std::string& dir) {
  try {
    (void)nlohmann::json(dir).dump();
  } catch (const nlohmann::json::exception&) {
    return std::string("is not UTF-8 (the name is written into summary.json)");
  }
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) return std::string("exists and is not a folder");
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot be made: " + ec.message();
  if (access(dir.c_str(), W_OK) != 0) return std::string("is not writable");
  return std::nullopt;
}
}  // namespace

Runner add_replay(CLI::App& app) {
  auto a = std::make_shared<replay::Args>();
  CLI::App* c = app.add_subcommand("replay", kReplayAbout);
  c->add_option("--impl", a->impl, "the protocol: beaver, pegasus or capybara")->required()->check(CLI::IsMember({"beaver", "pegasus", "capybara"}));
  c->add_option("--seed", a->seed, "the first run's seed")->check(whole_in(0, UINT64_MAX / 2))->capture_default_str();
  CLI::Option* runs = c->add_option("--runs", a->runs, "runs (seed, seed+1, ...; capybara: 1)")->check(whole_in(1, 1'000'000'000))->capture_default_str();
  c->add_option("--duration", a->duration, "stop after this many seconds")->check(number_in(0, 1e7));
  c->add_option("--mutant", a->mutant, "plant a bug in the cores (names: weir fuzz beaver|pegasus --help)")->capture_default_str();
  c->add_option("--record", a->record, "keep the reported run's pcaps, execution or history, and summary.json here");
  c->add_flag("--no-swarm", a->no_swarm,
              "beaver, pegasus: run every seed with the options as given; by default each seed draws its own mix of the "
              "interference and timing not given (loss, duplication, partitions, lagging gateway, delays), printed with a "
              "violation");
  CLI::Option* delay = c->add_option("--delay", a->delay, "per-hop delay, 1..US (uniform: packets overtake each other)")->check(whole_in(1, 1'000'000))->capture_default_str();
  CLI::Option* loss = c->add_option("--loss", a->loss, "beaver: on links to and among backends; pegasus: on every link")->check(number_in(0, 0.9));
  CLI::Option* duplicate = c->add_option("--duplicate", a->duplicate, "as --loss, the probability a packet arrives twice")->check(number_in(0, 0.9));
  c->add_option("--clients", a->clients, "clients (beaver 1, pegasus 4)")->check(whole_in(1, 64));
  // Beaver
  c->add_option("--gateways", a->gateways, "beaver: gateways")->check(whole_in(1, 16))->capture_default_str();
  c->add_option("--backends", a->backends, "beaver: backends (the in-group)")->check(whole_in(1, 64))->capture_default_str();
  c->add_option("--services", a->services, "beaver: out-group services that send back in")->check(whole_in(0, 16))->capture_default_str();
  c->add_option("--requests", a->requests, "beaver: requests per client")->check(whole_in(1, 10000))->capture_default_str();
  c->add_option("--snapshots", a->snapshots, "beaver: snapshots per run")->check(whole_in(1, 250))->capture_default_str();
  CLI::Option* skew = c->add_option("--skew", a->skew, "beaver: the gateways enter US apart (gateway g after 1 + US*g/(G-1)); default: 1..60 at random")
      ->check(whole_in(0, 1'000'000));
  CLI::Option* chain = c->add_option("--chain", a->chain, "beaver: the shortest external chain, tau_min, US (three hops)")->check(whole_in(3, 1'000'000))->capture_default_str();
  CLI::Option* threshold = c->add_option("--threshold", a->threshold, "beaver: accept when t1 - t0 is below this, US")->check(whole_in(0, 1'000'000))->capture_default_str();
  c->add_option("--dscp-remark", a->dscp_remark, "beaver: probability a router hop remarks DSCP")->check(number_in(0, 1));
  CLI::Option* lagging = c->add_option("--lagging-gateway", a->lagging_gateway, "beaver: probability one gateway starts behind")->check(number_in(0, 1))->capture_default_str();
  c->add_option("--backend", a->backend, "beaver: core (in-process) or xdp (eBPF in network namespaces, end to end)")
      ->check(CLI::IsMember({"core", "xdp"}))
      ->capture_default_str();
  c->add_option("--messages", a->messages, "beaver --backend xdp: client requests through the gateway")->check(whole_in(1, 10000))->capture_default_str();
  c->add_flag("--sweep", a->sweep, "beaver: the timing-bound experiment over skews x chains");
  c->add_option("--skews", a->skews, "beaver --sweep: FROM:TO:STEP, US")->capture_default_str();
  c->add_option("--chains", a->chains, "beaver --sweep: FROM:TO:STEP, US")->capture_default_str();
  c->add_option("--svg", a->svg, "beaver --sweep: where to draw the plot")->capture_default_str();
  // Pegasus
  CLI::Option* servers = c->add_option("--servers", a->servers, "pegasus: servers; capybara: 2")->check(whole_in(1, 32))->capture_default_str();
  c->add_option("--ops", a->ops, "pegasus: operations per client (at most 128: the header's request id is 8 bits)")->check(whole_in(1, core::pegasus::kMaxOperationsPerClient))->capture_default_str();
  c->add_option("--keys", a->keys, "pegasus: keys")->check(whole_in(1, 1000))->capture_default_str();
  c->add_option("--hot", a->hot, "pegasus: keys the switch replicates")->check(whole_in(0, 1000))->capture_default_str();
  // Capybara
  c->add_option("--migrations", a->migrations, "capybara: migrations per run, one at a time, there and back")->check(whole_in(0, 10000))->capture_default_str();
  c->add_option("--bytes", a->bytes, "capybara: bytes each way per connection")->check(whole_in(1, 1ull << 34))->capture_default_str();
  c->add_option("--drain-us", a->drain_us, "capybara: after the freeze, for packets already past the switch")->check(whole_in(0, 1'000'000))->capture_default_str();
  c->add_option("--refuse-every", a->refuse_every, "capybara: each target refuses every K-th PREPARE (PREPARE_ACK without LOAD)")->check(whole_in(0, 1000))->capture_default_str();
  c->add_flag("--json", a->json, "beaver --sweep, capybara: the result as one JSON object on stdout");
  // Replay's options as weir fuzz names the knobs they set (a mix leaves them as given).
  const std::vector<std::pair<const char*, CLI::Option*>> knobs = {
      {"drop", loss}, {"duplicate", duplicate}, {"link-max", delay}, {"lagging-gateway", lagging},
      {"entry-skew-max", skew}, {"hop-min", chain}, {"hop-max", chain}, {"threshold", threshold}};
  return [a, runs, servers, knobs]() -> int {
    for (const auto& [name, option] : knobs)
      if (option->count() > 0) a->given.insert(name);
    if (!a->record.empty())
      if (auto why = unusable_record_dir(a->record)) {
        std::cerr << "weir: replay: --record " << a->record << ": " << *why << "\n";
        return kBadInput;
      }
    if (a->impl == "capybara") {
      a->runs_given = runs->count() > 0;
      return replay::capybara(*a, servers->count() > 0 ? a->servers : 2);
    }
    if (a->impl == "pegasus") {
      if (a->sweep) {
        std::cerr << "weir: replay: --sweep is Beaver's timing-bound experiment (--impl beaver)\n";
        return kBadInput;
      }
      return replay::replay<replay::Pegasus>(*a);
    }
    if (a->sweep) return replay::sweep(*a);
    if (a->backend == "xdp") return replay::xdp(*a);
    return replay::replay<replay::Beaver>(*a);
  };
}

}  // namespace weir::cli
