// `weir trace check|extract FILE... --protocol pegasus|beaver|capybara`: a production capture judged.
// The capture is read once, in time order over every file (trace/), the protocol's
// extraction makes the clients' history (trace/pegasus), and the checker judges it; the
// witness's operations are named by their frames, as Wireshark numbers them.
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "checker/lin/lin.hpp"
#include "cli/cli.hpp"
#include "cli/lin_output.hpp"
#include "cli/options.hpp"
#include "cli/report_files.hpp"
#include "checker/bound/bound.hpp"
#include "checker/cut/cut.hpp"
#include "cli/trace_capybara.hpp"
#include "trace/beaver.hpp"
#include "trace/pegasus.hpp"

namespace weir::cli {
namespace {

struct TraceArgs {
  std::vector<std::string> files;
  std::string protocol;
  std::vector<std::string> identifiers;
  std::string out;
  double timeout = 60;
  double dedupe_us = 1000;
  bool json = false;
  // Beaver
  std::string in_group;
  std::optional<std::uint16_t> control_port;  // beaver 7100, capybara 7300
  std::string service;  // capybara
  std::optional<double> threshold;
};

std::string time_us(std::uint64_t ns) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu.%03llu us", static_cast<unsigned long long>(ns / 1000),
                static_cast<unsigned long long>(ns % 1000));
  return buf;
}

// A capture with datagrams that could not be reassembled holds packets Weir did not read:
// what passed is not a verdict on the whole capture.
int not_judged_fragments(const std::string& name, const trace::Stats& stats) {
  std::cerr << "weir: trace: " << name << ": unknown: " << stats.unreassembled
            << " IPv4 datagram(s) whose fragments could not be reassembled (one missing, "
               "overlapping with other bytes, or not complete within 30 s): what they carry was not judged\n";
  return kUnknown;
}

// The capture as Pegasus operations, or a bad-input exit already reported.
std::variant<trace::pegasus::Extraction, int> extract_pegasus(const TraceArgs& a, trace::Stats& stats) {
  trace::pegasus::Options o;
  if (!a.identifiers.empty()) o.identifiers.clear();
  for (const std::string& id : a.identifiers) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(id.c_str(), &end, 0);
    if (id.empty() || *end != '\0' || v > 0xffff) {
      std::cerr << "weir: trace: --identifier " << id << ": not a 16-bit number (0x5047, 0x1573)\n";
      return kBadInput;
    }
    o.identifiers.push_back(static_cast<std::uint16_t>(v));
  }
  trace::pegasus::Extractor x(o);
  trace::Options ro;
  ro.dedupe_window_ns = static_cast<std::uint64_t>(a.dedupe_us * 1000);
  if (auto e = trace::read(a.files, [&](const trace::Packet& p) { x.add(p); }, stats, ro)) {
    std::cerr << "weir: trace: " << e->message() << "\n";
    return kBadInput;
  }
  return std::move(x).finish();
}

std::string op_frames(const TraceArgs& a, const trace::pegasus::Op& op) {
  std::string s = std::string("request ") + trace::frame_name(a.files, op.call_frame.file, op.call_frame.frame) + " at " + time_us(op.call_ns);
  if (op.ret_frame)
    s.append(", reply ").append(trace::frame_name(a.files, op.ret_frame->file, op.ret_frame->frame)).append(" at ").append(time_us(*op.ret_ns));
  else
    s.append(", no reply in the capture");
  return s;
}

// The capture's Beaver extraction, or a bad-input exit already reported.
std::variant<trace::beaver::Extraction, int> extract_beaver(const TraceArgs& a, trace::Stats& stats) {
  trace::beaver::Options o;
  o.control_port = a.control_port.value_or(7100);
  o.threshold_us = a.threshold;
  if (!a.in_group.empty()) {
    o.in_group = packet::parse_prefix(a.in_group);
    if (!o.in_group) {
      std::cerr << "weir: trace: --in-group " << a.in_group << ": not PREFIX/LEN (e.g. 10.1.0.0/16)\n";
      return kBadInput;
    }
  }
  trace::beaver::Extractor x(o);
  trace::Options ro;
  ro.dedupe_window_ns = 0;  // every sighting: a message is sent at its first and received at its last
  if (auto e = trace::read(a.files, [&](const trace::Packet& p) { x.add(p); }, stats, ro)) {
    std::cerr << "weir: trace: " << e->message() << "\n";
    return kBadInput;
  }
  return std::move(x).finish([&](trace::beaver::FrameRef f) { return trace::frame_name(a.files, f.file, f.frame); });
}

int check_beaver(const TraceArgs& a, bool write_only) {
  trace::Stats stats;
  auto got = extract_beaver(a, stats);
  if (auto* code = std::get_if<int>(&got)) return *code;
  const trace::beaver::Extraction& ex = std::get<trace::beaver::Extraction>(got);
  const std::string name = a.files.size() == 1 ? a.files[0] : std::to_string(a.files.size()) + " captures";
  // With --json, the words go nowhere and one object says the same.
  std::ostringstream sink;
  std::ostream& out = a.json ? static_cast<std::ostream&>(sink) : std::cout;
  nlohmann::json j = {{"file", name}, {"protocol", "beaver"}, {"frames", stats.frames}, {"messages", ex.messages},
                      {"gateways", ex.gateways}, {"backends", ex.backends}, {"problems", ex.problems}};
  auto verdict = [&](const char* v, int code) {
    if (a.json) {
      j["verdict"] = v;
      std::cout << json_text(j) << "\n";
    }
    return code;
  };
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s.append(s.empty() ? "" : ", ").append(x);
    return s.empty() ? std::string("none") : s;
  };
  out << name << ": beaver, " << stats.frames << " frames, " << ex.messages << " messages (" << ex.encapsulated
            << " encapsulated sightings, " << ex.control << " controller messages, " << ex.other << " other packets)\n"
            << "  gateways: " << list(ex.gateways) << "; backends: " << list(ex.backends) << "; VIP: " << list(ex.vips) << "\n";
  std::size_t judged = 0;
  const bool requested = std::any_of(ex.snapshots.begin(), ex.snapshots.end(), [](const auto& s) { return s.t0_ns.has_value(); });
  for (const auto& s : ex.snapshots) {
    // The snapshots the controller started (or, without its traffic, every id marked).
    if (requested ? !s.t0_ns : s.first_marked_ns.empty()) continue;
    judged += s.judged;
    out << "  snapshot " << s.ssid;
    if (s.t0_ns && !s.replies_ns.empty()) {
      std::uint64_t t1 = 0;
      for (const auto& [g, t] : s.replies_ns) t1 = std::max(t1, t);
      out << ": t1 - t0 = " << time_us(t1 - *s.t0_ns);
    }
    if (s.accepted) out << (*s.accepted ? ", accepted" : ", rejected or undecided");
    out << (s.judged ? ", judged" : ", not judged") << "\n";
    nlohmann::json js = {{"ssid", s.ssid}, {"judged", s.judged}};
    if (s.accepted) js["accepted"] = *s.accepted;
    j["snapshots"].push_back(js);
  }
  if (write_only) {
    if (!write_file(a.out, ex.execution_jsonl, "the execution")) return kBadInput;
    out << "  the execution for weir check cut: " << a.out << "\n";
    return verdict("written", kHolds);
  }
  if (!a.out.empty() && !write_file(a.out, ex.execution_jsonl, "the execution")) return kBadInput;
  if (ex.execution_jsonl.empty() || (ex.encapsulated == 0 && ex.control == 0)) {
    std::cerr << "weir: trace: " << name << ": no Beaver traffic between processes in the capture: nothing to judge\n";
    return kBadInput;
  }
  auto parsed = cut::parse_execution(ex.execution_jsonl, name);
  if (auto* e = std::get_if<cut::ReadError>(&parsed)) {
    std::cerr << "weir: internal error: the extracted execution does not read back: " << e->message() << "\n";
    return kInternal;
  }
  const cut::Execution& exe = std::get<cut::Execution>(parsed);
  auto checked = cut::check(exe);
  if (auto* e = std::get_if<cut::ReadError>(&checked)) {
    std::cerr << "weir: trace: the capture's execution cannot be judged: " << e->message() << "\n";
    return kBadInput;
  }
  const cut::Result& r = std::get<cut::Result>(checked);
  for (const std::string& p : ex.problems) out << "  VIOLATION: " << p << "\n";
  if (r.consistent && !ex.problems.empty()) return verdict("violation", kViolation);
  // A snapshot no backend recorded is judged on nothing: unknown, never consistent.
  if (r.consistent && (judged == 0 || r.snapshots.empty())) {
    out << "  unknown: no snapshot to judge (none started or marked" << (a.threshold ? ", or none accepted under the threshold" : "")
              << ")\n";
    return verdict("unknown", kUnknown);
  }
  if (r.consistent && ex.problems.empty() && stats.unreassembled) {
    verdict("unknown", kUnknown);
    return not_judged_fragments(name, stats);
  }
  if (r.consistent) {
    out << "  consistent: " << judged << " snapshot(s) judged over " << exe.events.size() << " events\n";
    return verdict(ex.problems.empty() ? "consistent" : "violation", ex.problems.empty() ? kHolds : kViolation);
  }
  const cut::Violation& v = r.violations.front();
  out << "  INCONSISTENT: " << cut::explain(exe, v) << "\n  the frames of those events:\n";
  j["inconsistent"] = {{"ssid", v.ssid}, {"explanation", cut::explain(exe, v)}};
  std::vector<std::uint32_t> shown = v.chain;
  for (std::uint32_t e : {v.outside, v.inside, v.snapshot_outside, v.snapshot_inside})
    if (e != cut::kNone && std::find(shown.begin(), shown.end(), e) == shown.end()) shown.push_back(e);
  for (std::uint32_t e : shown) {
    const std::uint32_t line = exe.events[e].line;
    if (line == 0 || line > ex.event_frames.size()) continue;
    const auto& f = ex.event_frames[line - 1];
    const std::string where = f.frame == 0 ? std::string("at the end of the capture") : trace::frame_name(a.files, f.file, f.frame);
    out << "    " << cut::describe(exe, e) << ": " << where << "\n";
    j["inconsistent"]["frames"].push_back({{"event", cut::describe(exe, e)}, {"frame", where}});
  }
  return verdict("inconsistent", kViolation);
}

// min, median, 99th percentile, max of `v` (sorted here).
nlohmann::json summary(std::vector<double> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]; };
  return {{"n", v.size()}, {"min", v.front()}, {"p50", at(0.5)}, {"p99", at(0.99)}, {"max", v.back()}};
}

std::string shown(const nlohmann::json& s) {
  if (s.is_null()) return "none seen";
  char buf[160];
  std::snprintf(buf, sizeof buf, "min %.3f, p50 %.3f, p99 %.3f, max %.3f us (%zu)", s["min"].get<double>(), s["p50"].get<double>(),
                s["p99"].get<double>(), s["max"].get<double>(), s["n"].get<std::size_t>());
  return buf;
}

int delays(const TraceArgs& a, bool with_bound) {
  if (a.protocol != "beaver") {
    std::cerr << "weir: trace " << (with_bound ? "bound" : "delays") << ": Beaver's delays only (--protocol beaver)\n";
    return kBadInput;
  }
  trace::Stats stats;
  auto got = extract_beaver(a, stats);
  if (auto* code = std::get_if<int>(&got)) return *code;
  const trace::beaver::Delays& d = std::get<trace::beaver::Extraction>(got).delays;
  nlohmann::json j;
  std::vector<double> to_gw, to_init, hops;
  for (const auto& [g, v] : d.to_gateway) {
    j["to_gateway"][g] = summary(v);
    to_gw.insert(to_gw.end(), v.begin(), v.end());
  }
  for (const auto& [g, v] : d.to_initiator) {
    j["to_initiator"][g] = summary(v);
    to_init.insert(to_init.end(), v.begin(), v.end());
  }
  j["spread"] = summary(d.spread);
  j["hop"]["gateway_to_backend"] = summary(d.gateway_to_backend);
  j["hop"]["backend_to_outside"] = summary(d.backend_to_outside);
  j["hop"]["outside_to_gateway"] = summary(d.outside_to_gateway);
  for (const auto* v : {&d.gateway_to_backend, &d.backend_to_outside, &d.outside_to_gateway}) hops.insert(hops.end(), v->begin(), v->end());
  if (!with_bound) {
    if (a.json) {
      std::cout << json_text(j) << "\n";
      return kHolds;
    }
    std::cout << "beaver delays in " << (a.files.size() == 1 ? a.files[0] : std::to_string(a.files.size()) + " captures") << ":\n";
    for (const auto& [g, v] : d.to_gateway) std::cout << "  controller -> gateway " << g << " entry: " << shown(summary(v)) << "\n";
    for (const auto& [g, v] : d.to_initiator)
      std::cout << "  gateway " << g << " entry -> reply at the controller: " << shown(summary(v)) << "\n";
    std::cout << "  spread of the entries per snapshot: " << shown(j["spread"]) << "\n"
              << "  external chain hops: gateway -> backend " << shown(j["hop"]["gateway_to_backend"]) << "\n"
              << "                       backend -> out-group " << shown(j["hop"]["backend_to_outside"]) << "\n"
              << "                       out-group -> gateway " << shown(j["hop"]["outside_to_gateway"]) << "\n";
    if (!hops.empty())
      std::cout << "  shortest external chain seen as 3 x the shortest hop: tau_min >= " << 3 * *std::min_element(hops.begin(), hops.end())
                << " us\n";
    return kHolds;
  }
  if (to_gw.empty() || to_init.empty() || hops.empty() || !a.threshold) {
    std::cerr << "weir: trace bound: needs --threshold and, in the capture, the controller's requests and replies and "
                 "packets of an external chain\n";
    return kBadInput;
  }
  auto range = [](const std::vector<double>& v) {
    return bound::Delay{std::max(0.0, *std::min_element(v.begin(), v.end())), *std::max_element(v.begin(), v.end())};
  };
  bound::BoundParams p;
  p.gateways = static_cast<unsigned>(d.to_gateway.size());
  p.to_gateway = range(to_gw);
  p.to_initiator = range(to_init);
  p.hop = range(hops);
  p.threshold = *a.threshold;
  if (auto why = bound::invalid(p)) {
    std::cerr << "weir: trace bound: the measured delays are not a valid bound: " << *why << "\n";
    return kBadInput;
  }
  const bound::Verdict v = bound::check(p);
  const bound::Synthesis syn = bound::synthesize(p, 0.001);
  std::cout << "beaver bound for the delays observed: " << p.gateways << " gateways, controller -> gateway " << p.to_gateway.min
            << ".." << p.to_gateway.max << " us, gateway -> controller " << p.to_initiator.min << ".." << p.to_initiator.max
            << " us, chain hop " << p.hop.min << ".." << p.hop.max << " us (tau_min " << bound::tau_min(p) << " us)\n";
  if (syn.any_threshold_is_safe) std::cout << "  any threshold is safe: the entries cannot spread as far as tau_min\n";
  else std::cout << "  largest safe threshold: accept when t1 - t0 < " << syn.largest_safe << " us\n";
  std::cout << "  threshold " << *a.threshold << " us: " << (v.holds ? "SAFE for these delays" : "UNSAFE for these delays") << "\n";
  if (a.json) std::cout << json_text({{"delays", j}, {"safe", v.holds}, {"largest_safe", syn.any_threshold_is_safe ? nlohmann::json(nullptr) : nlohmann::json(syn.largest_safe)}}) << "\n";
  return v.holds ? kHolds : kViolation;
}

int check(const TraceArgs& a, bool write_only) {
  if (a.protocol == "beaver") return check_beaver(a, write_only);
  if (a.protocol == "capybara") {
    if (write_only) {
      std::cerr << "weir: trace extract: a Capybara capture is judged as it is (weir trace check --protocol capybara); "
                   "there is no history or execution to extract\n";
      return kBadInput;
    }
    return trace_check_capybara({a.files, a.service, a.control_port.value_or(packet::capybara::kControlPort), a.dedupe_us, a.json});
  }
  trace::Stats stats;
  auto got = extract_pegasus(a, stats);
  if (auto* code = std::get_if<int>(&got)) return *code;
  const trace::pegasus::Extraction& x = std::get<trace::pegasus::Extraction>(got);
  const std::string history = trace::pegasus::history_jsonl(x.ops);
  std::size_t pending = 0;
  for (const auto& op : x.ops) pending += !op.ret_ns;
  std::string name = a.files.size() == 1 ? a.files[0] : std::to_string(a.files.size()) + " captures";
  if (!a.json)
    std::cout << name << ": pegasus, " << stats.frames << " frames (" << stats.duplicates
              << " seen again at another capture point, " << stats.not_ethernet << " not Ethernet"
              << (stats.out_of_order ? ", " + std::to_string(stats.out_of_order) + " stamped before the frame preceding them" : "")
              << "), " << x.ops.size()
              << " operations from " << x.requests << " request and " << x.replies << " reply sightings (" << pending
              << " with no reply in the capture, " << x.late << " late copies, " << x.other << " other packets, "
              << x.malformed << " malformed)\n";
  if (x.requests == 0 && x.replies == 0 && x.malformed == 0) {
    std::cerr << "weir: trace: " << name << ": no Pegasus traffic in the capture (no request or reply with "
              << (a.identifiers.empty() ? "identifier 0x5047 or 0x1573" : "the --identifier given") << "): nothing to judge\n";
    return kBadInput;
  }
  if (write_only) {
    if (!write_file(a.out, history, "the history")) return kBadInput;
    if (!a.json) std::cout << "  the history for weir check lin --spec kv: " << a.out << "\n";
    return kHolds;
  }
  if (x.ops.empty()) {
    std::cerr << "weir: trace: " << name << ": Pegasus packets but no request in the capture (replies only): no operation to judge\n";
    return kUnknown;
  }
  lin::ReadOptions ro;
  ro.spec = spec::SpecKind::Kv;
  ro.format = lin::Format::Jsonl;
  auto h = lin::parse_history(history, name, ro);
  if (auto* e = std::get_if<lin::ReadError>(&h)) {
    std::cerr << "weir: internal error: the extracted history does not read back: " << e->message() << "\n";
    return kInternal;
  }
  const lin::History& hist = std::get<lin::History>(h);
  lin::CheckOptions co;
  co.timeout_seconds = a.timeout;
  const lin::Result r = lin::check(hist, co);
  if (!a.out.empty() && !write_file(a.out, history, "the history")) return kBadInput;
  // The operations the witness names, with their frames (history line i+1 is ops[i]).
  std::vector<std::size_t> named;
  if (r.witness) {
    const lin::Witness& w = *r.witness;
    std::set<std::size_t> seen;
    auto add = [&](std::size_t i) {
      if (seen.insert(i).second) named.push_back(i);
    };
    if (!w.prefix.empty()) add(w.prefix.back());
    add(w.blocked);
    for (const auto& c : w.candidates) add(c.op);
    for (std::size_t i : w.concurrent) add(i);
  }
  if (a.json) {
    nlohmann::json j = lin_json(name, hist, r);
    j["frames"] = stats.frames;
    j["operations"] = x.ops.size();
    for (std::size_t i : named) {
      const auto& op = x.ops[hist.ops[i].line - 1];
      nlohmann::json f = {{"line", hist.ops[i].line}, {"request_frame", trace::frame_name(a.files, op.call_frame.file, op.call_frame.frame)}};
      if (op.ret_frame) f["reply_frame"] = trace::frame_name(a.files, op.ret_frame->file, op.ret_frame->frame);
      j["witness_frames"].push_back(f);
    }
    std::cout << json_text(j) << "\n";
  } else {
    print_lin_human(std::cout, "  the clients' history", hist, r);
    if (!named.empty()) {
      std::cout << "  the frames of those operations (history line: frames):\n";
      for (std::size_t i : named)
        std::cout << "    line " << hist.ops[i].line << ": " << op_frames(a, x.ops[hist.ops[i].line - 1]) << "\n";
    }
  }
  if (r.verdict == lin::Verdict::Violation) return kViolation;
  if (r.verdict == lin::Verdict::Ok && stats.unreassembled) return not_judged_fragments(name, stats);
  return r.verdict == lin::Verdict::Ok ? kHolds : kUnknown;
}

void add_inputs(CLI::App* c, TraceArgs& a) {
  // "-" is standard input, as for every command (libpcap reads it as a capture).
  c->add_option("files", a.files, "captures (pcap or pcapng), one per capture point; - for standard input")
      ->required()
      ->check(CLI::ExistingFile | CLI::IsMember({"-"}));
  c->add_option("--protocol", a.protocol, "beaver, pegasus or capybara")->required()->check(CLI::IsMember({"beaver", "pegasus", "capybara"}));
  c->add_option("--identifier", a.identifiers, "pegasus: the header's identifier (repeat; default both 0x5047 and 0x1573)");
  c->add_option("--dedupe-window-us", a.dedupe_us, "the same bytes at two capture points closer than this are one packet")
      ->check(number_in(0, 1e9))
      ->capture_default_str();
  c->add_option("--in-group", a.in_group, "beaver: the backends' prefix (default: where gateways encapsulate to)");
  c->add_option("--control-port", a.control_port, "beaver: the controller's UDP port (7100); capybara: the agents' (7300)");
  c->add_option("--service", a.service, "capybara: the address and port clients connect to (10.9.0.100:8000)");
  c->add_option("--threshold", a.threshold, "beaver: judge only snapshots accepted under it (t1 - t0 < US)")->check(number_in(0, 1e12));
}

}  // namespace

Runner add_trace(CLI::App& app) {
  auto a = std::make_shared<TraceArgs>();
  CLI::App* cmd = app.add_subcommand("trace", kTraceAbout);
  cmd->require_subcommand(1);
  CLI::App* chk = cmd->add_subcommand("check", "judge a capture: pegasus by check lin on the clients' history, beaver by check cut, capybara by the model's invariants");
  add_inputs(chk, *a);
  chk->add_option("--out", a->out, "also write the extracted history here");
  chk->add_option("--timeout", a->timeout, "seconds for the checker")->check(number_in(0.001, 1e6))->capture_default_str();
  chk->add_flag("--json", a->json, "one JSON object on stdout");
  CLI::App* ext = cmd->add_subcommand("extract", "write the capture as a history (pegasus) for weir check lin");
  add_inputs(ext, *a);
  ext->add_option("--out", a->out, "where to write it")->required();
  CLI::App* del = cmd->add_subcommand("delays", "Beaver's delays measured in a capture: entries, spread, chain hops");
  add_inputs(del, *a);
  del->add_flag("--json", a->json, "one JSON object on stdout");
  CLI::App* bnd = cmd->add_subcommand("bound", "is the threshold safe for the delays measured in a capture (weir bound)");
  add_inputs(bnd, *a);
  bnd->add_flag("--json", a->json, "also one JSON object on stdout");
  return [a, ext, del, bnd]() -> int {
    if (del->parsed()) return delays(*a, false);
    if (bnd->parsed()) return delays(*a, true);
    return check(*a, ext->parsed());
  };
}

}  // namespace weir::cli
