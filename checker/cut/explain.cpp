// Violations in words.
#include <string>

#include "checker/cut/cut.hpp"

namespace weir::cut {

namespace {

std::string kind_word(const Execution& x, const Event& e) {
  switch (e.kind) {
    case Kind::Send: return "send " + x.message_id(e.message);
    case Kind::Recv: return "recv " + x.message_id(e.message);
    case Kind::Local: return "local";
    case Kind::Snapshot: return "snapshot " + std::to_string(e.ssid);
  }
  return "?";
}

std::string message_list(const Execution& x, const std::vector<std::uint32_t>& ms) {
  std::string s;
  for (std::uint32_t m : ms) {
    if (!s.empty()) s.append(", ");
    s.append(x.message_id(m));
  }
  return s;
}

}  // namespace

std::string describe(const Execution& x, std::uint32_t event) {
  const Event& e = x.events[event];
  std::string s = x.processes[e.process].name;
  s.append(" #").append(std::to_string(e.index));
  if (e.line > 0) s.append(" (line ").append(std::to_string(e.line)).append(")");
  return s.append(": ").append(kind_word(x, e));
}

std::vector<std::uint32_t> out_group_hops(const Execution& x, const Violation& v) {
  std::vector<std::uint32_t> hops;
  for (std::uint32_t e : v.chain) {
    const std::uint32_t p = x.events[e].process;
    if (x.processes[p].group == Group::Out && (hops.empty() || hops.back() != p)) hops.push_back(p);
  }
  return hops;
}

std::string explain(const Execution& x, const Violation& v) {
  const std::string n = std::to_string(v.ssid);
  switch (v.kind) {
    case ViolationKind::Incomplete:
      return "snapshot " + n + " is incomplete: in-group process " + x.processes[v.process].name +
             " never records it";
    case ViolationKind::ChannelState: {
      std::string s = "snapshot " + n + ": the state recorded at " + describe(x, v.snapshot) + " for the channel from " +
                      x.processes[v.from].name + " is wrong";
      if (!v.missing.empty())
        s.append("; it lacks ").append(message_list(x, v.missing)).append(" (sent before the sender's cut, not received before the recorder's)");
      if (!v.extra.empty())
        s.append("; it holds ").append(message_list(x, v.extra)).append(" (not in flight across the cut)");
      return s;
    }
    case ViolationKind::UnclosedChannel:
      return "snapshot " + n + ": " + describe(x, v.snapshot) + " records channel states but none for the channel from " +
             x.processes[v.from].name + ", which sends to it: that channel's recording never ended (its marker never " +
             "arrived?)";
    case ViolationKind::Inconsistent: break;
  }
  const Event& out = x.events[v.outside];
  const Event& in = x.events[v.inside];
  std::string s = "snapshot " + n + " is not causally consistent: " + describe(x, v.outside) + " comes after " +
                  x.processes[out.process].name + "'s snapshot";
  if (v.snapshot_outside != kNone && x.events[v.snapshot_outside].line > 0)
    s.append(" (line ").append(std::to_string(x.events[v.snapshot_outside].line)).append(")");
  s.append(", yet it happened before ").append(describe(x, v.inside)).append(", which is in the cut (");
  s.append(x.processes[in.process].name).append(" records snapshot ").append(n);
  if (x.events[v.snapshot_inside].line > 0)
    s.append(" later, line ").append(std::to_string(x.events[v.snapshot_inside].line));
  else
    s.append(" after it");
  s.append(").\n  causal chain:");
  for (std::size_t i = 0; i < v.chain.size(); ++i) {
    const Event& e = x.events[v.chain[i]];
    s.append(i == 0 ? " " : (e.kind == Kind::Recv ? " -> " : " => "));
    s.append(x.processes[e.process].name);
    if (x.processes[e.process].group == Group::Out) s.append(" (out-group)");
    s.append(" ").append(kind_word(x, e));
    if (e.line > 0) s.append(" [line ").append(std::to_string(e.line)).append("]");
  }
  const std::vector<std::uint32_t> hops = out_group_hops(x, v);
  if (!hops.empty()) {
    s.append("\n  the chain leaves the group and comes back through out-group ");
    for (std::size_t i = 0; i < hops.size(); ++i) {
      if (i > 0) s.append(", ");
      s.append(x.processes[hops[i]].name);
    }
  }
  return s;
}

}  // namespace weir::cut
