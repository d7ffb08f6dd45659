#include "model/capybara/capybara.hpp"

#include <algorithm>

#include "checker/explore/explore.hpp"
#include "model/core/hash.hpp"

namespace weir::model::capybara {

namespace {

using core::mix;

std::uint64_t pack(const Capybara::Tcb& t) {
  return t.snd_una | t.snd_nxt << 8 | t.rcv_nxt << 16 | static_cast<std::uint64_t>(t.app_read) << 24 |
         static_cast<std::uint64_t>(t.ooo) << 32;
}

std::uint64_t pack(const Capybara::Msg& m) {
  return static_cast<std::uint64_t>(m.kind) | m.from << 4 | m.to << 8 | m.seq << 12 | std::uint64_t{m.ack} << 20 |
         std::uint64_t{m.src} << 28 | std::uint64_t{m.load} << 32 | pack(m.tcb) * 0x100000001b3ULL;
}

unsigned index_of(std::uint8_t node) { return node - Capybara::Server0; }
std::uint8_t node_of(unsigned server) { return static_cast<std::uint8_t>(Capybara::Server0 + server); }

bool owner_stage(Capybara::Stage st) {
  return st == Capybara::Stage::Established || st == Capybara::Stage::Preparing || st == Capybara::Stage::Installed;
}

const char* stage_name(Capybara::Stage st) {
  switch (st) {
    case Capybara::Stage::Idle: return "idle";
    case Capybara::Stage::Established: return "established";
    case Capybara::Stage::Preparing: return "preparing";
    case Capybara::Stage::Migrated: return "migrated";
    case Capybara::Stage::Buffering: return "buffering";
    case Capybara::Stage::Installed: return "installed";
  }
  return "?";
}

std::string node_name(std::uint8_t n) {
  switch (n) {
    case Capybara::Client: return "client";
    case Capybara::Switch: return "switch";
    case Capybara::Server0: return "server A";
    default: return "server B";
  }
}

}  // namespace

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all = {
      {Mutant::NoBuffering, "no-buffering", "the target drops the client's segments that arrive before the state"},
      {Mutant::LoadBeforeReady, "load-before-ready",
       "the directory entry is installed as PREPARE passes the switch, before the target has the migration"},
      {Mutant::OriginKeepsServing, "origin-keeps-serving", "the origin keeps its socket and serves after serializing"},
      {Mutant::NoSourceRewrite, "no-source-rewrite", "the switch passes the target's packets with the target's address"},
      {Mutant::DropReceiveQueue, "drop-receive-queue", "the origin serializes without its receive queue"},
  };
  return all;
}

std::optional<std::string> invalid(const Options& o) {
  if (o.client_bytes > 8 || o.server_bytes > 8) return "--client-bytes and --server-bytes must be at most 8";
  if (o.migrations < 1 || o.migrations > 4) return "--migrations must be 1..4 (with none, nothing of Capybara happens)";
  return std::nullopt;
}

std::vector<Capybara::State> Capybara::init_states() const {
  State s;
  s.entry = Server0;
  s.origin = Server0;
  s.migrations = static_cast<std::uint8_t>(o_.migrations);
  s.servers[0].stage = Stage::Established;
  s.servers[0].socket = true;
  return {s};
}

bool Capybara::quiet(const State& s) const {
  return s.flight.empty() && s.servers[0].buffer.empty() && s.servers[1].buffer.empty();
}

void Capybara::actions(const State& s, std::vector<Action>& out) const {
  if (s.c_snd_nxt < o_.client_bytes) out.push_back(Action{Act::ClientSend, 0, 0});
  for (unsigned w = 0; w < 2; ++w) {
    const Server& sv = s.servers[w];
    if (!sv.socket) continue;
    const auto i = static_cast<std::uint8_t>(w);
    if (sv.tcb.snd_nxt < o_.server_bytes) out.push_back(Action{Act::ServerSend, i, 0});
    if (sv.tcb.app_read < sv.tcb.rcv_nxt) out.push_back(Action{Act::AppRead, i, 0});
    if (s.migrations > 0 && node_of(w) == s.origin && (sv.stage == Stage::Established || sv.stage == Stage::Installed))
      out.push_back(Action{Act::Migrate, i, 0});
    if (quiet(s) && sv.tcb.snd_una < sv.tcb.snd_nxt) out.push_back(Action{Act::ServerTimer, i, 0});
  }
  if (quiet(s) && s.c_snd_una < s.c_snd_nxt) out.push_back(Action{Act::ClientTimer, 0, 0});
  for (std::size_t k = 0; k < s.flight.size(); ++k) {
    if (k > 0 && s.flight[k] == s.flight[k - 1]) continue;  // equal messages are interchangeable
    const Msg& m = s.flight[k];
    const auto i = static_cast<std::uint8_t>(k);
    out.push_back(Action{Act::Deliver, i, 0});
    if (m.kind == Kind::Prepare && m.to != Switch) out.push_back(Action{Act::Deliver, i, 1});  // the target refuses
    const bool client_leg = m.from == Client || m.to == Client;
    if (o_.lossy && client_leg) out.push_back(Action{Act::Drop, i, 0});
  }
}

void Capybara::send(State& s, Msg m) const {
  s.flight.insert(std::lower_bound(s.flight.begin(), s.flight.end(), m), m);
}

// In order: take it and whatever was waiting behind it; later: keep it; earlier: a copy.
void Capybara::receive(std::uint8_t& rcv_nxt, std::uint8_t& ooo, std::uint8_t seq) {
  if (seq > rcv_nxt) {
    ooo = static_cast<std::uint8_t>(ooo | 1u << (seq - rcv_nxt - 1));
    return;
  }
  if (seq < rcv_nxt) return;
  ++rcv_nxt;
  while (ooo & 1u) {
    ooo = static_cast<std::uint8_t>(ooo >> 1);
    ++rcv_nxt;
  }
  ooo = static_cast<std::uint8_t>(ooo >> 1);
}

void Capybara::stage(State& s, unsigned who, Stage to) const {
  const Stage from = s.servers[who].stage;
  const bool legal = (from == Stage::Established && to == Stage::Preparing) ||
                     (from == Stage::Installed && to == Stage::Preparing) ||
                     (from == Stage::Preparing && (to == Stage::Established || to == Stage::Migrated)) ||
                     ((from == Stage::Idle || from == Stage::Migrated) && to == Stage::Buffering) ||
                     (from == Stage::Buffering && to == Stage::Installed);
  if (!legal) s.illegal = true;
  s.servers[who].stage = to;
}

// The switch: the client's packets go where the directory says; the servers' go to the
// client with the origin's address; control passes through and installs the entry.
void Capybara::at_switch(State& s, const Msg& m) const {
  Msg f = m;
  f.from = Switch;
  if (m.from == Client) {
    f.to = s.entry;
  } else if (m.kind == Kind::Data || m.kind == Kind::Reset) {
    f.to = Client;
    f.src = o_.mutant == Mutant::NoSourceRewrite ? m.from : static_cast<std::uint8_t>(Server0);
  } else if (m.kind == Kind::Prepare) {
    f.to = m.from == Server0 ? Server1 : Server0;  // the target: the other server
    f.src = m.from;
    if (o_.mutant == Mutant::LoadBeforeReady) s.entry = f.to;
  } else if (m.kind == Kind::PrepareAck) {
    f.to = s.origin;
    if (m.load && o_.mutant != Mutant::LoadBeforeReady) s.entry = m.from;
  }
  send(s, f);
}

void Capybara::at_client(State& s, const Msg& m) const {
  if (m.src != Server0) s.foreign = true;  // not the 5-tuple it opened: it would reset
  if (m.kind == Kind::Reset) {
    s.reset = true;
    return;
  }
  s.c_snd_una = std::max(s.c_snd_una, m.ack);
  if (m.seq == kNoByte) return;
  receive(s.c_rcv_nxt, s.c_ooo, m.seq);
  Msg a;
  a.from = Client;
  a.to = Switch;
  a.ack = s.c_rcv_nxt;
  send(s, a);
}

// A segment of the client's, at a server, by stage.
void Capybara::data_at_server(State& s, unsigned who, const Msg& m) const {
  Server& sv = s.servers[who];
  const bool serving = sv.socket && (owner_stage(sv.stage) || o_.mutant == Mutant::OriginKeepsServing);
  if (serving) {
    sv.tcb.snd_una = std::max(sv.tcb.snd_una, m.ack);
    if (m.seq == kNoByte) return;
    receive(sv.tcb.rcv_nxt, sv.tcb.ooo, m.seq);
    Msg a;
    a.from = node_of(who);
    a.to = Switch;
    a.ack = sv.tcb.rcv_nxt;
    send(s, a);
    return;
  }
  switch (sv.stage) {
    case Stage::Buffering:
      if (o_.mutant != Mutant::NoBuffering) sv.buffer.push_back(m);
      return;
    case Stage::Migrated: {  // late: pass it on to where the connection went
      Msg f = m;
      f.from = node_of(who);
      f.to = node_of(1 - who);
      send(s, f);
      return;
    }
    default: {  // no such connection here: TCP answers with a reset
      Msg r;
      r.kind = Kind::Reset;
      r.from = node_of(who);
      r.to = Switch;
      send(s, r);
      return;
    }
  }
}

void Capybara::at_server(State& s, unsigned who, const Msg& m, std::uint8_t choice) const {
  Server& sv = s.servers[who];
  const std::uint8_t me = node_of(who);
  switch (m.kind) {
    case Kind::Data: data_at_server(s, who, m); return;
    case Kind::Prepare: {
      Msg a;
      a.kind = Kind::PrepareAck;
      a.from = me;
      a.to = Switch;
      a.load = choice == 0;
      if (a.load) stage(s, who, Stage::Buffering);
      send(s, a);
      return;
    }
    case Kind::PrepareAck: {
      if (!m.load) {  // refused: carry on
        stage(s, who, Stage::Established);
        return;
      }
      // Drain, remove the socket, serialize, send the state.
      Msg st;
      st.kind = Kind::State;
      st.from = me;
      st.to = node_of(1 - who);
      st.truth = sv.tcb;
      st.tcb = sv.tcb;
      if (o_.mutant == Mutant::DropReceiveQueue) st.tcb.app_read = st.tcb.rcv_nxt;  // the queue is left behind
      if (o_.mutant != Mutant::OriginKeepsServing) sv.socket = false;
      stage(s, who, Stage::Migrated);
      send(s, st);
      return;
    }
    case Kind::State: {
      sv.tcb = m.tcb;
      if (m.tcb != m.truth) s.mismatch = true;
      sv.socket = true;
      stage(s, who, Stage::Installed);
      s.origin = me;  // the next migration starts here
      Msg a;
      a.kind = Kind::StateAck;
      a.from = me;
      a.to = m.from;
      send(s, a);
      std::vector<Msg> held;
      held.swap(sv.buffer);
      for (const Msg& b : held) data_at_server(s, who, b);  // replay, in arrival order
      return;
    }
    case Kind::StateAck: return;  // the origin's part is done; it keeps passing late segments on
    case Kind::Reset: return;
  }
}

std::optional<Capybara::State> Capybara::next(const State& s0, const Action& a) const {
  State s = s0;
  switch (a.act) {
    case Act::ClientSend: {
      Msg d;
      d.from = Client;
      d.to = Switch;
      d.seq = s.c_snd_nxt++;
      d.ack = s.c_rcv_nxt;
      send(s, d);
      break;
    }
    case Act::ClientTimer: {
      if (!s.lost) s.stalled = true;
      Msg d;
      d.from = Client;
      d.to = Switch;
      d.seq = s.c_snd_una;
      d.ack = s.c_rcv_nxt;
      send(s, d);
      break;
    }
    case Act::ServerSend:
    case Act::ServerTimer: {
      Tcb& t = s.servers[a.index].tcb;
      if (a.act == Act::ServerTimer && !s.lost) s.stalled = true;
      Msg d;
      d.from = node_of(a.index);
      d.to = Switch;
      d.seq = a.act == Act::ServerSend ? t.snd_nxt++ : t.snd_una;
      d.ack = t.rcv_nxt;
      send(s, d);
      break;
    }
    case Act::AppRead: {
      Tcb& t = s.servers[a.index].tcb;
      // The service's app sees the client's stream once, in order, whichever server it is on.
      if (t.app_read != s.app_total) s.misread = true;
      ++t.app_read;
      ++s.app_total;
      break;
    }
    case Act::Migrate: {
      --s.migrations;
      stage(s, a.index, Stage::Preparing);
      Msg p;
      p.kind = Kind::Prepare;
      p.from = node_of(a.index);
      p.to = Switch;
      send(s, p);
      break;
    }
    case Act::Drop:
      s.flight.erase(s.flight.begin() + a.index);
      s.lost = true;
      break;
    case Act::Deliver: {
      const Msg m = s.flight[a.index];
      s.flight.erase(s.flight.begin() + a.index);
      if (m.to == Switch) at_switch(s, m);
      else if (m.to == Client) at_client(s, m);
      else at_server(s, index_of(m.to), m, a.choice);
      break;
    }
  }
  if (s.servers[0].socket && s.servers[1].socket) s.two_owners = true;
  return s;
}

std::uint64_t Capybara::fingerprint(const State& s) const {
  std::uint64_t h = mix(s.c_snd_una | s.c_snd_nxt << 8 | s.c_rcv_nxt << 16 | s.entry << 24 | std::uint64_t{s.app_total} << 48 |
                            std::uint64_t{s.c_ooo} << 56 |
                            std::uint64_t{s.origin} << 32 | std::uint64_t{s.migrations} << 40,
                        s.lost | s.reset << 1 | s.foreign << 2 | s.stalled << 3 | s.two_owners << 4 | s.illegal << 5 |
                            s.mismatch << 6 | s.misread << 7);
  for (const Server& sv : s.servers) {
    h = mix(h, static_cast<std::uint64_t>(sv.stage) | std::uint64_t{sv.socket} << 8 | pack(sv.tcb) << 16);
    h = mix(h, sv.buffer.size());
    for (const Msg& m : sv.buffer) h = mix(h, pack(m));
  }
  h = mix(h, s.flight.size());
  for (const Msg& m : s.flight) h = mix(h, pack(m));
  return h;
}

const char* Capybara::violated(const State& s) const {
  if (s.foreign) return "every packet the client receives carries the original 5-tuple";
  if (s.reset) return "the client never receives a reset";
  if (s.two_owners) return "at most one server owns the established connection";
  if (s.mismatch) return "the target installs the state the origin had when it serialized";
  if (s.illegal) return "stages move only along legal transitions";
  if (s.misread) return "both byte streams arrive exactly";
  if (s.stalled) return "the client never waits for a timeout unless a packet was lost";
  // When nothing more can happen, every byte has arrived and been read.
  std::vector<Action> acts;
  actions(s, acts);
  if (acts.empty()) {
    if (s.c_rcv_nxt != o_.server_bytes || s.app_total != o_.client_bytes) return "both byte streams arrive exactly";
  }
  return nullptr;
}

std::string Capybara::describe(const State& s) const {
  std::string d = "client sent ";
  d.append(std::to_string(s.c_snd_nxt)).append(" (acked ").append(std::to_string(s.c_snd_una)).append("), got ");
  d.append(std::to_string(s.c_rcv_nxt)).append("; directory -> ").append(node_name(s.entry));
  for (unsigned w = 0; w < 2; ++w) {
    const Server& sv = s.servers[w];
    d.append("; ").append(node_name(node_of(w))).append(" ").append(stage_name(sv.stage));
    if (sv.socket) d.append(" (socket)");
    d.append(" rcv ").append(std::to_string(sv.tcb.rcv_nxt)).append(" read ").append(std::to_string(sv.tcb.app_read));
    d.append(" sent ").append(std::to_string(sv.tcb.snd_nxt)).append(" acked ").append(std::to_string(sv.tcb.snd_una));
    if (!sv.buffer.empty()) d.append(" holding ").append(std::to_string(sv.buffer.size()));
  }
  d.append("; in flight ").append(std::to_string(s.flight.size()));
  return d;
}

std::string Capybara::describe(const State& s, const Action& a) const {
  const std::string who = node_name(node_of(a.index));
  switch (a.act) {
    case Act::ClientSend: return "client sends byte " + std::to_string(s.c_snd_nxt);
    case Act::ClientTimer: return "client's retransmission timer fires: resends byte " + std::to_string(s.c_snd_una);
    case Act::ServerSend: return who + " sends byte " + std::to_string(s.servers[a.index].tcb.snd_nxt);
    case Act::ServerTimer: return who + "'s retransmission timer fires";
    case Act::AppRead: return who + "'s app reads byte " + std::to_string(s.servers[a.index].tcb.app_read);
    case Act::Migrate: return who + " starts a migration: PREPARE_MIGRATION";
    case Act::Drop: return "the network loses a packet";
    case Act::Deliver: break;
  }
  const Msg& m = s.flight[a.index];
  std::string what;
  switch (m.kind) {
    case Kind::Data:
      what = m.seq == kNoByte ? "ack " + std::to_string(m.ack) : "byte " + std::to_string(m.seq);
      break;
    case Kind::Prepare: what = "PREPARE_MIGRATION"; break;
    case Kind::PrepareAck: what = m.load ? "PREPARE_MIGRATION_ACK (LOAD)" : "PREPARE_MIGRATION_ACK (refused)"; break;
    case Kind::State: what = "CONNECTION_STATE"; break;
    case Kind::StateAck: what = "the state's acknowledgement"; break;
    case Kind::Reset: what = "RST"; break;
  }
  std::string d = node_name(m.to) + " receives " + what + " from " + node_name(m.from);
  if (m.to == Client) d.append(" (source address ").append(node_name(m.src)).append(")");
  if (m.kind == Kind::Prepare && m.to != Switch) d.append(a.choice ? ": refuses" : ": accepts");
  return d;
}

// A delivery is an arrow from the packet's sender to its receiver; every other step is
// one actor's (the network's, for a loss).
std::pair<std::string, std::string> Capybara::parties(const State& s, const Action& a) const {
  switch (a.act) {
    case Act::ClientSend:
    case Act::ClientTimer: return {node_name(Client), ""};
    case Act::ServerSend:
    case Act::ServerTimer:
    case Act::AppRead:
    case Act::Migrate: return {node_name(node_of(a.index)), ""};
    case Act::Drop: return {"network", ""};
    case Act::Deliver: break;
  }
  const Msg& m = s.flight[a.index];
  return {node_name(m.from), node_name(m.to)};
}

}  // namespace weir::model::capybara

namespace weir::model::capybara {

namespace {
// Every goal, in a fixed order; goals_that_apply() says which a configuration has.
constexpr const char* kGoals[] = {"a migration completes (the target installs the state)",
                                  "a client segment is buffered at the target and replayed",
                                  "a second migration completes (the connection comes back)"};
}  // namespace

std::uint32_t Capybara::goals_that_apply() const {
  return 1u | (o_.client_bytes >= 1 ? 2u : 0u) | (o_.migrations >= 2 ? 4u : 0u);
}

std::vector<std::string> Capybara::goals() const { return explore::applicable_goals(kGoals, goals_that_apply()); }

std::uint32_t Capybara::reached(const State& from, const Action&, const State& to) const {
  std::uint32_t raw = 0;  // bits in kGoals's order
  for (unsigned i = 0; i < 2; ++i) {
    if (from.servers[i].stage == Stage::Installed || to.servers[i].stage != Stage::Installed) continue;
    raw |= 1u;
    if (!from.servers[i].buffer.empty()) raw |= 2u;
    // Server 0 owns the connection first: it installs only when a migration brings it back.
    if (i == 0) raw |= 4u;
  }
  return explore::applicable_bits(raw, goals_that_apply());
}

}  // namespace weir::model::capybara
