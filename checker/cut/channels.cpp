#include <algorithm>
#include <optional>
#include <unordered_map>

#include "checker/cut/detail/channels.hpp"

namespace weir::cut::detail {

namespace {

// Where each process takes each snapshot: (process, ssid) -> position among its events.
struct SnapshotIndex {
  struct Hash {
    std::size_t operator()(const std::pair<std::uint32_t, std::uint64_t>& k) const {
      return std::hash<std::uint64_t>{}(k.second * 0x9E3779B97F4A7C15ull ^ k.first);
    }
  };
  std::unordered_map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t, Hash> at;

  explicit SnapshotIndex(const Execution& x) {
    for (const Event& e : x.events)
      if (e.kind == Kind::Snapshot) at.emplace(std::make_pair(e.process, e.ssid), e.index);
  }
  // Position of p's snapshot n among p's events, or kNone.
  std::uint32_t of(std::uint32_t p, std::uint64_t n) const {
    auto it = at.find({p, n});
    return it == at.end() ? kNone : it->second;
  }
};

// Per process, the in-group processes that send to it (ascending): the channels a snapshot
// that records channel states must close.
std::vector<std::vector<std::uint32_t>> in_group_senders(const Execution& x) {
  std::vector<std::vector<std::uint32_t>> senders(x.processes.size());
  for (const Message& m : x.messages) {
    if (m.send == kNone) continue;
    const std::uint32_t p = x.events[m.send].process;
    const std::uint32_t q = m.recv != kNone ? x.events[m.recv].process : m.to;
    if (q == kNone || q == p || x.processes[p].group != Group::In) continue;
    senders[q].push_back(p);
  }
  for (auto& s : senders) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
  }
  return senders;
}

}  // namespace

void check_channel_states(const Execution& x, const std::function<bool(std::uint64_t)>& judged,
                          std::vector<Violation>& out) {
  std::vector<std::uint32_t> expected;
  std::vector<std::uint32_t> recorded;
  std::vector<std::vector<std::uint32_t>> senders;  // made on the first snapshot that needs it
  std::optional<SnapshotIndex> cuts;
  for (std::uint32_t s = 0; s < x.events.size(); ++s) {
    const Event& snap = x.events[s];
    if (snap.kind != Kind::Snapshot || snap.channels == kNone || !judged(snap.ssid)) continue;
    const std::uint32_t q = snap.process;
    if (senders.empty()) senders = in_group_senders(x);
    if (!cuts) cuts.emplace(x);
    for (std::uint32_t p : senders[q]) {
      const auto& states = x.channel_states[snap.channels];
      if (std::any_of(states.begin(), states.end(), [p](const ChannelState& c) { return c.from == p; })) continue;
      Violation v;
      v.kind = ViolationKind::UnclosedChannel;
      v.ssid = snap.ssid;
      v.snapshot = s;
      v.from = p;
      out.push_back(std::move(v));
    }
    for (const ChannelState& c : x.channel_states[snap.channels]) {
      const std::uint32_t cut_p = cuts->of(c.from, snap.ssid);
      if (cut_p == kNone) continue;  // reported as incomplete
      expected.clear();
      const std::vector<std::uint32_t>& sender = x.processes[c.from].events;
      for (std::uint32_t k = 0; k < cut_p; ++k) {
        const Event& e = x.events[sender[k]];
        if (e.kind != Kind::Send) continue;
        const Message& m = x.messages[e.message];
        const bool to_q = m.recv != kNone ? x.events[m.recv].process == q : m.to == q;
        // The first receive is the earliest on q: in the cut when it precedes the snapshot.
        const bool received_in_cut = m.recv != kNone && x.events[m.recv].index < snap.index;
        if (to_q && !received_in_cut) expected.push_back(e.message);
      }
      recorded = c.messages;
      std::sort(expected.begin(), expected.end());
      std::sort(recorded.begin(), recorded.end());
      Violation v;
      v.kind = ViolationKind::ChannelState;
      v.ssid = snap.ssid;
      v.snapshot = s;
      v.from = c.from;
      std::set_difference(expected.begin(), expected.end(), recorded.begin(), recorded.end(),
                          std::back_inserter(v.missing));
      std::set_difference(recorded.begin(), recorded.end(), expected.begin(), expected.end(),
                          std::back_inserter(v.extra));
      if (!v.missing.empty() || !v.extra.empty()) out.push_back(std::move(v));
    }
  }
}

}  // namespace weir::cut::detail
