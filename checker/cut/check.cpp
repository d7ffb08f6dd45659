// The one pass: events in a causal order, each process carrying the highest snapshot id
// whose out-of-cut events lie in its causal past (none at first), and where that value came
// from, so that a violation can be traced back to the event that started it.
#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include "checker/cut/cut.hpp"
#include "checker/cut/detail/channels.hpp"

namespace weir::cut {

namespace {

class Pass {
 public:
  explicit Pass(const Execution& x)
      : x_(x),
        cursor_(x.processes.size(), 0),
        taint_(x.processes.size()),
        source_(x.processes.size(), kNone),
        blocked_(x.processes.size(), 0),
        waiting_next_(x.processes.size(), kNone),
        msgs_(x.messages.size()) {}

  // Reads the events in file order, but a process whose next event receives a message
  // not yet sent waits for that send; so any file order works, and a file already in a
  // causal order (the usual trace) is one straight pass.
  void run() {
    const std::size_t n = x_.events.size();
    for (std::uint32_t i = 0; i < n; ++i) {
      const Event& e = x_.events[i];
      const std::uint32_t p = e.process;
      // Event i is p's next exactly when p's cursor is at its index (else it is behind a
      // wait, and runs when the wait ends). Stepping it here, not through advance(), keeps
      // the usual file (already in a causal order) one tight loop.
      if (blocked_[p] || cursor_[p] != e.index) continue;
      if (!wait_for_send(p, e)) {
        step(p, i, e);
        ++cursor_[p];
      }
      while (!ready_.empty()) {
        const std::uint32_t w = ready_.back();
        ready_.pop_back();
        advance(w, i);
      }
    }
  }

  // A receive still waiting once every event was read waits for a send that comes after
  // it in happened-before: a causal cycle.
  std::optional<ReadError> cycle() const {
    std::uint32_t worst = kNone;
    for (std::uint32_t p = 0; p < x_.processes.size(); ++p) {
      if (!blocked_[p]) continue;
      const std::uint32_t e = x_.processes[p].events[cursor_[p]];
      if (worst == kNone || e < worst) worst = e;
    }
    if (worst == kNone) return std::nullopt;
    const Event& r = x_.events[worst];
    const Message& m = x_.messages[r.message];
    std::string why = "events out of order: the receive of message '" + x_.message_id(r.message) + "' must happen before its own send (";
    why.append(describe(x_, m.send)).append("): happened-before has a cycle");
    return ReadError{x_.file, r.line, why};
  }

  std::vector<Violation> violations;
  // Every snapshot as (ssid, process), gathered on the way: walking each process's events
  // again afterwards would visit the execution in an order that misses the cache at
  // almost every event.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> taken;

 private:
  // Runs p's events up to event `limit` (a later one waits for the main loop).
  void advance(std::uint32_t p, std::uint32_t limit) {
    const std::vector<std::uint32_t>& evs = x_.processes[p].events;
    while (cursor_[p] < evs.size()) {
      const std::uint32_t i = evs[cursor_[p]];
      if (i > limit) return;
      const Event& e = x_.events[i];
      if (wait_for_send(p, e)) return;
      step(p, i, e);
      ++cursor_[p];
    }
  }

  // A receive whose message is not sent yet blocks p until the send.
  bool wait_for_send(std::uint32_t p, const Event& e) {
    if (e.kind != Kind::Recv) return false;  // (only a send or receive has a message)
    MessageState& m = msgs_[e.message];
    if (m.sent) return false;
    blocked_[p] = 1;
    waiting_next_[p] = m.link;
    m.link = p;
    return true;
  }

  void step(std::uint32_t p, std::uint32_t i, const Event& e) {
    switch (e.kind) {
      case Kind::Send: {
        MessageState& m = msgs_[e.message];
        for (std::uint32_t w = m.link; w != kNone; w = waiting_next_[w]) {
          blocked_[w] = 0;
          ready_.push_back(w);
        }
        m.sent = true;
        m.has_taint = taint_[p].has_value();
        m.taint = taint_[p].value_or(0);
        m.link = source_[p];
        return;
      }
      case Kind::Recv:
        if (later(msgs_[e.message].taint_if_any(), taint_[p])) {
          taint_[p] = msgs_[e.message].taint;
          source_[p] = i;
        }
        return;
      case Kind::Snapshot:
        taken.emplace_back(e.ssid, p);
        // An event in p's cut depends on an event outside the cut of snapshot ssid.
        if (taint_[p] && *taint_[p] >= e.ssid) report(i, e);
        if (later(e.ssid, taint_[p])) {
          taint_[p] = e.ssid;
          source_[p] = i;
        }
        return;
      case Kind::Local: return;
    }
  }

  // Whether taint a is later (a higher snapshot id) than b; none is below every id.
  static bool later(std::optional<std::uint64_t> a, std::optional<std::uint64_t> b) { return a && (!b || *a > *b); }

  // Walks back from the receive that brought the taint in to the send that started it.
  void report(std::uint32_t snapshot_event, const Event& s) {
    for (const Violation& v : violations)
      if (v.ssid == s.ssid) return;  // one witness per snapshot
    Violation v;
    v.kind = ViolationKind::Inconsistent;
    v.ssid = s.ssid;
    v.snapshot_inside = snapshot_event;
    std::uint32_t at = source_[s.process];  // a receive: p's own snapshots are all below s.ssid
    std::vector<std::uint32_t> backwards;
    while (at != kNone && x_.events[at].kind == Kind::Recv) {
      backwards.push_back(at);
      const std::uint32_t m = x_.events[at].message;
      backwards.push_back(x_.messages[m].send);
      at = msgs_[m].link;
    }
    v.snapshot_outside = at;
    // p's own snapshots are all below s.ssid (the Builder keeps ids increasing), so the
    // taint came in by a receive and the chain has at least a send and its receive.
    if (backwards.empty()) throw std::logic_error("check cut: a violation with no causal chain");
    v.chain.assign(backwards.rbegin(), backwards.rend());
    v.outside = v.chain.front();
    v.inside = v.chain.back();
    violations.push_back(std::move(v));
  }

  const Execution& x_;
  std::vector<std::uint32_t> cursor_;  // per process: its next event, as an index into its events
  // Per process: the highest ssid with an out-of-cut event in its past, if any. Optional
  // rather than "ssid + 1", which would wrap at the largest id and hide a violation.
  std::vector<std::optional<std::uint64_t>> taint_;
  std::vector<std::uint32_t> source_;  // per process: the event that set taint_ (its snapshot or a receive)
  std::vector<std::uint8_t> blocked_;
  std::vector<std::uint32_t> waiting_next_;  // per process: the next process waiting on the same message
  // Per message, in one 16-byte record so that a send or a receive touches one cache line
  // (it was four arrays): before the send, the processes waiting for it; after, the
  // sender's taint and where that came from.
  struct MessageState {
    std::uint64_t taint = 0;       // when has_taint
    std::uint32_t link = kNone;    // not sent: the first process waiting; sent: the sender's source_
    bool sent = false;
    bool has_taint = false;
    std::optional<std::uint64_t> taint_if_any() const {
      return has_taint ? std::optional<std::uint64_t>(taint) : std::nullopt;
    }
  };
  std::vector<MessageState> msgs_;
  std::vector<std::uint32_t> ready_;
};

// An in-group process that never records an id some other process records leaves that
// snapshot without a cut on it; each such id is reported once, naming the first process
// (in the order processes appear) that lacks it. One sort of (id, process) pairs: linear
// but for the sort, where comparing every process with every id was cubic.
// `taken` is every (ssid, process) of a snapshot event, sorted.
void find_incomplete(const Execution& x, const std::vector<std::pair<std::uint64_t, std::uint32_t>>& taken,
                     Result& r) {
  std::vector<std::uint32_t> recorders;  // in-group processes with events, ascending
  for (std::uint32_t p = 0; p < x.processes.size(); ++p) {
    // A process with no events (named only as a destination) has nothing to cut.
    if (x.processes[p].group == Group::In && !x.processes[p].events.empty()) recorders.push_back(p);
  }
  for (std::size_t i = 0; i < taken.size();) {
    const std::uint64_t n = taken[i].first;
    // A process records an id at most once, so the processes that took n are distinct and
    // ascending: the first place they differ from `recorders` names the first one missing.
    std::size_t k = 0;
    while (k < recorders.size() && i + k < taken.size() && taken[i + k].first == n &&
           taken[i + k].second == recorders[k])
      ++k;
    if (k < recorders.size()) {
      Violation v;
      v.kind = ViolationKind::Incomplete;
      v.ssid = n;
      v.process = recorders[k];
      r.violations.push_back(std::move(v));
    }
    while (i < taken.size() && taken[i].first == n) ++i;
  }
}

}  // namespace

std::variant<Result, ReadError> check(const Execution& x) {
  Pass pass(x);
  pass.run();
  if (auto cycle = pass.cycle()) return *cycle;
  Result r;
  r.events = x.events.size();
  std::sort(pass.taken.begin(), pass.taken.end());
  for (const auto& [ssid, p] : pass.taken)
    if (r.snapshots.empty() || r.snapshots.back() != ssid) r.snapshots.push_back(ssid);
  find_incomplete(x, pass.taken, r);
  // A cut that misses a process is reported as such; whether the rest of it is
  // consistent is not a question it can answer.
  std::unordered_set<std::uint64_t> incomplete_ids;
  for (const Violation& v : r.violations) incomplete_ids.insert(v.ssid);
  auto incomplete = [&](std::uint64_t n) { return incomplete_ids.count(n) > 0; };
  for (Violation& v : pass.violations)
    if (!incomplete(v.ssid)) r.violations.push_back(std::move(v));
  detail::check_channel_states(x, [&](std::uint64_t n) { return !incomplete(n); }, r.violations);
  std::stable_sort(r.violations.begin(), r.violations.end(),
                   [](const Violation& a, const Violation& b) { return a.ssid < b.ssid; });
  r.consistent = r.violations.empty();
  return r;
}

}  // namespace weir::cut
