#include "cli/cut_output.hpp"

#include "cli/report_files.hpp"

#include <sstream>

namespace weir::cli {

namespace {

const char* kind_name(cut::Kind k) {
  switch (k) {
    case cut::Kind::Send: return "send";
    case cut::Kind::Recv: return "recv";
    case cut::Kind::Local: return "local";
    case cut::Kind::Snapshot: return "snapshot";
  }
  return "?";
}

nlohmann::json event_json(const cut::Execution& x, std::uint32_t i) {
  if (i == cut::kNone) return nullptr;
  const cut::Event& e = x.events[i];
  const cut::Process& p = x.processes[e.process];
  nlohmann::json j = {{"process", p.name},
                      {"group", p.group == cut::Group::In ? "in" : "out"},
                      {"index", e.index},
                      {"kind", kind_name(e.kind)}};
  if (e.line > 0) j["line"] = e.line;
  if (e.message != cut::kNone) j["msg"] = x.message_id(e.message);
  if (e.kind == cut::Kind::Snapshot) j["ssid"] = e.ssid;
  if (e.has_time) j["time"] = x.time(i);
  return j;
}

nlohmann::json messages_json(const cut::Execution& x, const std::vector<std::uint32_t>& ms) {
  nlohmann::json j = nlohmann::json::array();
  for (std::uint32_t m : ms) j.push_back(x.message_id(m));
  return j;
}

nlohmann::json violation_json(const cut::Execution& x, const cut::Violation& v) {
  nlohmann::json j = {{"ssid", v.ssid}, {"explanation", cut::explain(x, v)}};
  switch (v.kind) {
    case cut::ViolationKind::Incomplete:
      j["kind"] = "incomplete";
      j["process"] = x.processes[v.process].name;
      break;
    case cut::ViolationKind::ChannelState:
      j["kind"] = "channel-state";
      j["snapshot"] = event_json(x, v.snapshot);
      j["from"] = x.processes[v.from].name;
      j["missing"] = messages_json(x, v.missing);
      j["extra"] = messages_json(x, v.extra);
      break;
    case cut::ViolationKind::UnclosedChannel:
      j["kind"] = "unclosed-channel";
      j["snapshot"] = event_json(x, v.snapshot);
      j["from"] = x.processes[v.from].name;
      break;
    case cut::ViolationKind::Inconsistent: {
      j["kind"] = "inconsistent";
      j["outside"] = event_json(x, v.outside);
      j["inside"] = event_json(x, v.inside);
      j["snapshot_outside"] = event_json(x, v.snapshot_outside);
      j["snapshot_inside"] = event_json(x, v.snapshot_inside);
      nlohmann::json chain = nlohmann::json::array();
      for (std::uint32_t e : v.chain) chain.push_back(event_json(x, e));
      j["chain"] = std::move(chain);
      nlohmann::json hops = nlohmann::json::array();
      for (std::uint32_t p : cut::out_group_hops(x, v)) hops.push_back(x.processes[p].name);
      j["out_group"] = std::move(hops);
      break;
    }
  }
  return j;
}

std::size_t out_group(const cut::Execution& x) {
  std::size_t n = 0;
  for (const cut::Process& p : x.processes) n += p.group == cut::Group::Out;
  return n;
}

}  // namespace

nlohmann::json cut_json(const std::string& file, const cut::Execution& x, const cut::Result& r) {
  nlohmann::json violations = nlohmann::json::array();
  for (const cut::Violation& v : r.violations) violations.push_back(violation_json(x, v));
  return {{"file", file},
          {"verdict", r.consistent ? "consistent" : "inconsistent"},
          {"events", r.events},
          {"processes", x.processes.size()},
          {"out_group_processes", out_group(x)},
          {"snapshots", r.snapshots},
          {"violations", std::move(violations)}};
}

void print_cut_human(std::ostream& out, const std::string& file, const cut::Execution& x, const cut::Result& r) {
  out << file << ": " << (r.consistent ? "consistent" : "INCONSISTENT") << ": " << r.snapshots.size()
      << (r.snapshots.size() == 1 ? " snapshot" : " snapshots");
  if (!r.snapshots.empty()) {
    out << " (ssid";
    for (std::size_t i = 0; i < r.snapshots.size() && i < 8; ++i) out << (i ? ", " : " ") << r.snapshots[i];
    if (r.snapshots.size() > 8) out << ", ...";
    out << ")";
  }
  out << ", " << r.events << " events on " << x.processes.size() << " processes (" << out_group(x)
      << " out-group)\n";
  if (r.snapshots.empty()) out << "  note: no snapshot events, so there is no cut to judge\n";
  for (const cut::Violation& v : r.violations) out << "  " << cut::explain(x, v) << "\n";
}

JudgedExecution write_and_judge(const cut::Execution& x, const std::string& file, const std::string& indent) {
  std::string name = "(not written)";
  if (!file.empty() && write_file(file, cut::to_jsonl(x), "the execution")) name = file;
  const cut::Result r = std::get<cut::Result>(cut::check(x));  // a program's run has no causal cycle
  JudgedExecution v;
  v.json = cut_json(name, x, r);
  std::ostringstream text;
  print_cut_human(text, name, x, r);
  std::istringstream lines(text.str());
  for (std::string line; std::getline(lines, line);) v.text.append(indent).append(line).append("\n");
  return v;
}

}  // namespace weir::cli
