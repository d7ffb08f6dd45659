// Executions back to JSON Lines (what models and the harness hand to users).
#include <nlohmann/json.hpp>

#include "checker/cut/cut.hpp"

namespace weir::cut {

std::string to_jsonl(const Execution& x) {
  std::string out;
  std::vector<std::uint8_t> seen(x.processes.size(), 0);
  for (std::uint32_t i = 0; i < x.events.size(); ++i) {
    const Event& e = x.events[i];
    const Process& p = x.processes[e.process];
    nlohmann::ordered_json j;
    j["process"] = p.name;
    if (!seen[e.process]) j["group"] = p.group == Group::In ? "in" : "out";  // the first event fixes it
    seen[e.process] = 1;
    switch (e.kind) {
      case Kind::Send: j["kind"] = "send"; break;
      case Kind::Recv: j["kind"] = "recv"; break;
      case Kind::Local: j["kind"] = "local"; break;
      case Kind::Snapshot: j["kind"] = "snapshot"; break;
    }
    if (e.message != kNone) {
      j["msg"] = x.message_id(e.message);
      const Message& m = x.messages[e.message];
      if (e.kind == Kind::Send && m.to != kNone) j["to"] = x.processes[m.to].name;
    }
    if (e.kind == Kind::Snapshot || (e.message != kNone && e.ssid > 0)) j["ssid"] = e.ssid;
    if (e.has_time) j["time"] = x.time(i);
    if (e.channels != kNone) {
      nlohmann::ordered_json c = nlohmann::ordered_json::object();
      for (const ChannelState& s : x.channel_states[e.channels]) {
        nlohmann::ordered_json ids = nlohmann::ordered_json::array();
        for (std::uint32_t m : s.messages) ids.push_back(x.message_id(m));
        c[x.processes[s.from].name] = std::move(ids);
      }
      j["channels"] = std::move(c);
    }
    out.append(j.dump()).append("\n");
  }
  return out;
}

}  // namespace weir::cut
