#include "model/chandy_lamport/chandy_lamport.hpp"

#include <stdexcept>

#include "model/core/hash.hpp"

namespace weir::model::chandy_lamport {

namespace {

using core::mix;

std::string pname(unsigned p) { return std::string("p").append(std::to_string(p)); }

std::string msg_name(unsigned from, const ChandyLamport::Msg& m) {
  std::string s = m.marker ? "marker-" : "m";
  return s.append(std::to_string(from)).append(".").append(std::to_string(m.seq));
}

}  // namespace

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all = {
      {Mutant::NonFifo, "non-fifo", "channels reorder: a message may overtake the marker sent before it"},
  };
  return all;
}

std::optional<std::string> invalid(const Options& o) {
  if (o.processes < 2 || o.processes > 16) return "--processes must be 2..16";
  if (o.messages > 100) return "--messages must be at most 100";
  return std::nullopt;
}

struct ChandyLamport::Recorder {
  cut::Recorder x{"chandy-lamport"};
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> snapshot_event;
  std::vector<std::vector<std::uint64_t>> recording;  // to * N + from: what the channel state holds so far
};

std::vector<ChandyLamport::State> ChandyLamport::init_states() const {
  State s;
  s.procs.assign(n(), Proc{});
  s.channels.assign(n() * n(), {});
  return {s};
}

void ChandyLamport::actions(const State& s, std::vector<Action>& out) const {
  if (!s.procs[0].recorded) out.push_back(Action{Kind::Initiate, 0, 0, 0});
  for (unsigned p = 0; p < n(); ++p)
    if (s.procs[p].sent < o_.messages)
      for (unsigned q = 0; q < n(); ++q)
        if (q != p) out.push_back(Action{Kind::Send, static_cast<std::uint8_t>(p), static_cast<std::uint8_t>(q), 0});
  for (unsigned p = 0; p < n(); ++p)
    for (unsigned q = 0; q < n(); ++q) {
      const auto& c = s.channels[p * n() + q];
      const std::size_t reachable = o_.mutant == Mutant::NonFifo ? c.size() : std::min<std::size_t>(c.size(), 1);
      for (std::size_t k = 0; k < reachable; ++k)
        out.push_back(Action{Kind::Deliver, static_cast<std::uint8_t>(p), static_cast<std::uint8_t>(q),
                             static_cast<std::uint8_t>(k)});
    }
}

// Records p's state and sends a marker on every outgoing channel, before anything else.
void ChandyLamport::record(State& s, unsigned p, Recorder* r) const {
  Proc& me = s.procs[p];
  me.recorded = true;
  if (r) r->snapshot_event[p] = r->x.snapshot(r->ids[p], 1, -1);
  for (unsigned q = 0; q < n(); ++q) {
    if (q == p) continue;
    Msg m{me.seq++, true, true};
    if (r) r->x.send(r->ids[p], p * 256 + m.seq, msg_name(p, m), 0, -1, r->ids[q]);
    s.channels[p * n() + q].push_back(m);
  }
}

void ChandyLamport::step(State& s, const Action& a, Recorder* r) const {
  switch (a.kind) {
    case Kind::Initiate: record(s, 0, r); return;
    case Kind::Send: {
      Proc& p = s.procs[a.from];
      Msg m{p.seq++, false, p.recorded};
      ++p.sent;
      if (r) r->x.send(r->ids[a.from], a.from * 256 + m.seq, msg_name(a.from, m), 0, -1, r->ids[a.to]);
      s.channels[a.from * n() + a.to].push_back(m);
      return;
    }
    case Kind::Deliver: {
      auto& c = s.channels[a.from * n() + a.to];
      const Msg m = c[a.pos];
      c.erase(c.begin() + a.pos);
      Proc& q = s.procs[a.to];
      const std::uint16_t bit = static_cast<std::uint16_t>(1u << a.from);
      if (m.marker) {
        if (!q.recorded) record(s, a.to, r);  // records first: the marker's arrival is after the cut
        Proc& rq = s.procs[a.to];
        rq.closed |= bit;
        // The channel's state is final: a message sent before the marker still in flight is lost to it.
        for (const Msg& left : c)
          if (!left.marker && !left.post) s.bad_channel = true;
        if (r) {
          r->x.recv(r->ids[a.to], a.from * 256 + m.seq, -1);
          r->x.channel_state(r->snapshot_event[a.to], r->ids[a.from], r->recording[a.to * n() + a.from]);
        }
        return;
      }
      if (!q.recorded && m.post) s.bad_cut = true;  // in q's cut, sent outside p's
      const bool recording = q.recorded && !(q.closed & bit);
      if (recording && m.post) s.bad_channel = true;  // recorded, though sent after the cut
      if (r) {
        r->x.recv(r->ids[a.to], a.from * 256 + m.seq, -1);
        if (recording) r->recording[a.to * n() + a.from].push_back(a.from * 256 + m.seq);
      }
      return;
    }
  }
}

std::optional<ChandyLamport::State> ChandyLamport::next(const State& s, const Action& a) const {
  State t = s;
  step(t, a, nullptr);
  return t;
}

std::uint64_t ChandyLamport::fingerprint(const State& s) const {
  std::uint64_t h = s.bad_cut * 2 + s.bad_channel;
  for (const Proc& p : s.procs) h = mix(h, p.recorded | p.sent << 1 | p.seq << 9 | std::uint64_t{p.closed} << 17);
  for (const auto& c : s.channels) {
    h = mix(h, c.size());
    for (const Msg& m : c) h = mix(h, m.seq | m.marker << 8 | m.post << 9);
  }
  return h;
}

const char* ChandyLamport::violated(const State& s) const {
  if (s.bad_cut) return "the cut is consistent";
  if (s.bad_channel) return "channel states are exact";
  return nullptr;
}

std::string ChandyLamport::describe(const State& s) const {
  std::string d = "recorded:";
  for (unsigned p = 0; p < n(); ++p)
    if (s.procs[p].recorded) d.append(" ").append(pname(p));
  d.append("; in flight:");
  bool any = false;
  for (unsigned p = 0; p < n(); ++p)
    for (unsigned q = 0; q < n(); ++q)
      for (const Msg& m : s.channels[p * n() + q]) {
        d.append(" ").append(msg_name(p, m)).append("->").append(pname(q));
        any = true;
      }
  if (!any) d.append(" nothing");
  return d;
}

std::string ChandyLamport::describe(const State& s, const Action& a) const {
  switch (a.kind) {
    case Kind::Initiate: return "p0 initiates: records its state, sends markers";
    case Kind::Send: {
      std::string d = pname(a.from);
      d.append(" sends m").append(std::to_string(a.from)).append(".").append(std::to_string(s.procs[a.from].seq));
      return d.append(" to ").append(pname(a.to));
    }
    case Kind::Deliver: {
      const Msg& m = s.channels[a.from * n() + a.to][a.pos];
      std::string d = pname(a.to);
      d.append(" receives ").append(msg_name(a.from, m)).append(" from ").append(pname(a.from));
      if (a.pos > 0) d.append(" (overtaking ").append(std::to_string(a.pos)).append(" sent before it)");
      if (m.marker && !s.procs[a.to].recorded) d.append(": records its state first, sends markers");
      return d;
    }
  }
  return "?";
}

// A send is its sender's step (the message waits in its channel); the arrow is drawn
// when it is delivered.
std::pair<std::string, std::string> ChandyLamport::parties(const State&, const Action& a) const {
  switch (a.kind) {
    case Kind::Initiate: return {pname(0), ""};
    case Kind::Send: return {pname(a.from), ""};
    case Kind::Deliver: return {pname(a.from), pname(a.to)};
  }
  return {"", ""};
}

cut::Execution ChandyLamport::execution(std::uint32_t init, const std::vector<std::uint32_t>& path) const {
  Recorder r;
  for (unsigned p = 0; p < n(); ++p) r.ids.push_back(r.x.process(pname(p), cut::Group::In));
  r.snapshot_event.assign(n(), cut::kNone);
  r.recording.assign(n() * n(), {});
  State s = init_states().at(init);
  std::vector<Action> acts;
  for (std::uint32_t i : path) {
    acts.clear();
    actions(s, acts);
    if (i >= acts.size()) throw std::out_of_range("the path does not fit the model");
    step(s, acts[i], &r);
  }
  // A channel still being recorded at the end of the path is closed as its marker will
  // close it: with what it recorded so far and the messages sent before the cut that are
  // still in flight on it (a marker not yet sent, if its sender has not recorded).
  for (unsigned q = 0; q < n(); ++q) {
    if (!s.procs[q].recorded) continue;
    for (unsigned p = 0; p < n(); ++p) {
      if (p == q || (s.procs[q].closed >> p & 1u)) continue;
      std::vector<std::uint64_t> keys = r.recording[q * n() + p];
      for (const Msg& m : s.channels[p * n() + q])
        if (!m.marker && !m.post) keys.push_back(p * 256 + m.seq);
      r.x.channel_state(r.snapshot_event[q], r.ids[p], keys);
    }
  }
  for (unsigned p = 0; p < n(); ++p)
    if (!s.procs[p].recorded) r.x.snapshot(r.ids[p], 1, -1);
  return std::move(r.x).finish();
}

}  // namespace weir::model::chandy_lamport

namespace weir::model::chandy_lamport {

std::vector<std::string> ChandyLamport::goals() const {
  return {"a non-empty channel state is recorded"};
}

std::uint32_t ChandyLamport::reached(const State& from, const Action& a, const State&) const {
  if (a.kind != Kind::Deliver) return 0;
  const Msg& m = from.channels[a.from * n() + a.to][a.pos];
  const Proc& q = from.procs[a.to];
  // An application message that arrives while its channel is being recorded joins its state.
  return !m.marker && q.recorded && !(q.closed & (1u << a.from)) ? 1u : 0u;
}

}  // namespace weir::model::chandy_lamport
