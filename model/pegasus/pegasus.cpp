#include "model/pegasus/pegasus.hpp"

#include <bit>

#include "checker/explore/explore.hpp"


namespace weir::model::pegasus {
namespace {

// `prefix` followed by n (GCC 12 warns falsely on a literal + std::to_string(n)).
std::string with_number(std::string_view prefix, unsigned n) {
  std::string s(prefix);
  return s.append(std::to_string(n));
}

}  // namespace

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all = {
      {Mutant::NoVersionCheck, "no-version-check", "servers apply any write, whatever its version"},
      {Mutant::CompleteOnForward, "complete-on-forward",
       "the switch raises ver_completed when it forwards a write, not when the write completes"},
      {Mutant::ReadAnyServer, "read-any-server", "reads of replicated keys go to any server, not a member of rset"},
      {Mutant::NoDedup, "no-dedup", "servers apply a retried write again"},
      {Mutant::RestampRetries, "restamp-retries", "the switch gives a write that reaches it again a new version"},
      {Mutant::FrozenCompleted, "frozen-completed",
       "the switch stops advancing ver_completed of a key once it is not replicated"},
      {Mutant::UnsafeUnreplicate, "unsafe-unreplicate",
       "the switch unreplicates a key although its home server may not hold the newest version"},
  };
  return all;
}

std::optional<std::string> invalid(const Options& o) {
  if (o.clients < 1 || o.clients > kMaxClients) return with_number("--clients must be between 1 and ", kMaxClients);
  if (o.servers < 1 || o.servers > kMaxServers) return with_number("--servers must be between 1 and ", kMaxServers);
  if (o.ops < 1 || o.ops > kMaxOps) return with_number("--ops must be between 1 and ", kMaxOps);
  if (o.keys < 1 || o.keys > kMaxKeys) return with_number("--keys must be between 1 and ", kMaxKeys);
  if (o.retries > 3) return "--retries must be at most 3";
  if (o.max_versions > 200) return "--max-versions must be at most 200";
  if (o.reconfigs > 4) return "--reconfigs must be at most 4";
  return std::nullopt;
}

Model make_model(const Options& o) {
  core::NetworkOptions net;
  net.delivery = core::Delivery::Unordered;
  net.lossy = o.lossy;
  net.duplicating = o.duplicating;
  return Model(Pegasus(o), net);
}

Actor Pegasus::start(ActorId id, Out& out) const {
  Actor a;
  if (is_client(id)) {
    out.set_timer(kNextOp);
  } else if (id == switch_id()) {
    // The hot key starts replicated on its home server, which holds version 0.
    a.directory = 1;
    for (unsigned k = 0; k < o_.keys; ++k) a.rset[k] = static_cast<std::uint8_t>(1u << home(k));
    a.reconfigs_left = static_cast<std::uint8_t>(o_.reconfigs);
    if (o_.reconfigs > 0) out.set_timer(kReconfigure);
  }
  return a;
}

unsigned Pegasus::targets(const Actor& sw, const Msg& m) const {
  if (!replicated(sw, m.key)) return 1u << home(m.key);
  if (m.op == OpKind::Write || o_.mutant == Mutant::ReadAnyServer) return (1u << o_.servers) - 1;  // any server
  return sw.rset[m.key];  // a member of rset
}

namespace {
// The n-th server (counting from 0) in a set of them.
unsigned nth_member(unsigned set, unsigned n) {
  for (; n > 0; --n) set &= set - 1;
  return static_cast<unsigned>(std::countr_zero(set));
}
}  // namespace

void Pegasus::reconfigure(Actor& sw, unsigned k) const {
  if (sw.reconfigs_left == 0) return;
  const auto bit = static_cast<std::uint8_t>(1u << k);
  if (!replicated(sw, k)) {
    // Every completed write of an unreplicated key is on its home server.
    sw.directory |= bit;
    sw.rset[k] = static_cast<std::uint8_t>(1u << home(k));
  } else {
    // Only when no write lives on another server alone: the home server holds the
    // newest version stamped. Until then the switch waits (and tries again).
    const bool home_has_newest = (sw.rset[k] >> home(k) & 1u) && sw.ver_completed[k] == sw.ver_newest[k];
    if (!home_has_newest && o_.mutant != Mutant::UnsafeUnreplicate) return;
    sw.directory &= static_cast<std::uint8_t>(~bit);
  }
  --sw.reconfigs_left;
}

std::uint32_t Pegasus::msg_choices(ActorId id, const Actor& a, ActorId, const Msg& m) const {
  if (id == switch_id() && m.kind == Msg::Kind::Request && !broadcast())
    return static_cast<std::uint32_t>(std::max(1, std::popcount(targets(a, m))));
  return 1;
}

std::uint32_t Pegasus::timer_choices(ActorId id, const Actor&, core::TimerId t) const {
  // A client's next operation: a read or a write of any key.
  if (is_client(id) && t == kNextOp) return 2 * o_.keys;
  if (id == switch_id() && t == kReconfigure) return o_.keys;  // which key's entry changes
  return 1;
}

void Pegasus::on_timer(ActorId id, Actor& a, core::TimerId t, std::uint32_t choice, Out& out) const {
  if (id == switch_id() && t == kReconfigure) {
    reconfigure(a, choice);
    if (a.reconfigs_left > 0) out.set_timer(kReconfigure);
    return;
  }
  if (!is_client(id)) return;
  if (t == kNextOp) {
    if (a.waiting || a.next_op >= o_.ops) return;
    Msg m;
    m.kind = Msg::Kind::Request;
    m.client = static_cast<std::uint8_t>(id);
    m.req = a.next_op;
    m.op = choice % 2 == 0 ? OpKind::Read : OpKind::Write;
    m.key = static_cast<std::uint8_t>(choice / 2);
    // Every write writes a value of its own, so that a read tells which write it saw.
    if (m.op == OpKind::Write) m.value = static_cast<std::uint8_t>(1 + id * kMaxOps + a.next_op);
    a.pending = m;
    a.waiting = true;
    a.retries_left = static_cast<std::uint8_t>(o_.retries);
    ++a.next_op;
    out.record({false, m.client, m.req, m.op, m.key, m.value});
    out.send(switch_id(), m);
    // On a duplicating network the request stays in flight and may arrive again at any
    // time (see model/core/actors.hpp): a retry would add nothing, and is left to it.
    if (a.retries_left > 0 && !o_.duplicating) out.set_timer(kRetry);
  } else if (t == kRetry && a.waiting && a.retries_left > 0) {
    --a.retries_left;
    out.send(switch_id(), a.pending);  // the same request id: servers filter it
    if (a.retries_left > 0) out.set_timer(kRetry);
  }
}

void Pegasus::on_msg(ActorId id, Actor& a, ActorId from, const Msg& m, std::uint32_t choice, Out& out) const {
  if (is_client(id)) {
    if (m.kind != Msg::Kind::Reply || !a.waiting || m.req != a.pending.req) return;  // stale or duplicate
    a.waiting = false;
    out.cancel_timer(kRetry);
    out.record({true, m.client, m.req, m.op, m.key, m.op == OpKind::Read ? m.value : std::uint8_t{0}});
    if (a.next_op < o_.ops) out.set_timer(kNextOp);
    return;
  }
  if (id == switch_id()) {
    if (m.kind == Msg::Kind::Request) {
      // One write, one version (see pegasus.hpp): a copy of the client's newest request
      // gets the version that request got; an older request is stale.
      const unsigned c = m.client;
      if (m.req + 1u < a.newest_req[c]) return;
      const bool again = m.req + 1u == a.newest_req[c];
      Msg fwd = m;
      if (m.op == OpKind::Write) {
        if (again && o_.mutant != Mutant::RestampRetries) {
          fwd.ver = a.stamped[c];
        } else {
          if (a.ver_next > max_versions()) return;  // the exploration's bound (see Options)
          fwd.ver = a.ver_next++;
          a.ver_newest[m.key] = std::max(a.ver_newest[m.key], fwd.ver);
          a.stamped[c] = fwd.ver;
        }
      }
      a.newest_req[c] = static_cast<std::uint8_t>(m.req + 1);
      const unsigned t = targets(a, m);
      if (t == 0) return;  // cannot happen: rset is never empty
      if (broadcast()) {
        for (unsigned left = t; left; left &= left - 1) out.send(server_id(std::countr_zero(left)), fwd);
        return;
      }
      const unsigned to = nth_member(t, choice % std::popcount(t));
      if (o_.mutant == Mutant::CompleteOnForward && replicated(a, m.key) && m.op == OpKind::Write &&
          fwd.ver > a.ver_completed[m.key]) {
        a.ver_completed[m.key] = fwd.ver;  // too early: the server has not applied it yet
        a.rset[m.key] = static_cast<std::uint8_t>(1u << to);
      }
      out.send(server_id(to), fwd);
      return;
    }
    // A reply to a request its client has already followed with a newer one: the client
    // no longer waits for it, and nothing in it is news (the newer request's own replies
    // carry the servers' versions). Dropping it keeps the completion rule's input to the
    // replies of live requests; it is safe, since ignoring a reply only leaves rset and
    // ver_completed where they were.
    if (m.req + 1u < a.newest_req[m.client]) return;
    // A reply: the completion rule, then on to the client.
    // ver_completed is kept for every key (see pegasus.hpp); rset matters while replicated.
    const bool frozen = o_.mutant == Mutant::FrozenCompleted && !replicated(a, m.key);
    if (o_.mutant != Mutant::CompleteOnForward && !frozen) {
      const unsigned s = server_index(from);
      if (m.ver > a.ver_completed[m.key]) {
        a.ver_completed[m.key] = m.ver;
        a.rset[m.key] = static_cast<std::uint8_t>(1u << s);
      } else if (m.ver == a.ver_completed[m.key]) {
        a.rset[m.key] = static_cast<std::uint8_t>(a.rset[m.key] | (1u << s));
      }
    }
    if (replicated(a, m.key) && m.ver > a.ver_completed[m.key]) a.forwarded_above = true;
    if (m.op == OpKind::Write && m.ver > a.ver_completed[m.key]) a.completed_behind = true;
    out.send(m.client, m);
    return;
  }
  // A server: at-most-once execution, by request id. A client has one request open at a
  // time, so the newest one executed and its reply are all a server keeps: a copy of that
  // request gets the same reply again, an older one is dropped (its client has moved on).
  if (m.kind != Msg::Kind::Request) return;
  Actor::Executed& done = a.executed[m.client];
  if (m.req + 1u < done.req1) return;
  const bool again = m.req + 1u == done.req1;
  if (!again || (o_.mutant == Mutant::NoDedup && m.op == OpKind::Write)) {
    bool applied = again && done.applied;
    if (m.op == OpKind::Write && (m.ver >= a.ver[m.key] || o_.mutant == Mutant::NoVersionCheck)) {
      if (applied) a.applied_twice = true;
      if (m.ver < a.ver[m.key]) a.regressed = true;
      a.ver[m.key] = m.ver;
      a.value[m.key] = m.value;
      applied = true;
    }
    done = {static_cast<std::uint8_t>(m.req + 1), a.value[m.key], a.ver[m.key], applied};
  }
  Msg reply = m;
  reply.kind = Msg::Kind::Reply;
  reply.value = done.value;
  reply.ver = done.ver;
  out.send(switch_id(), reply);
}

const char* Pegasus::violated(const core::System<Pegasus>& s) const {
  const Actor& sw = s.actors[switch_id()];
  for (unsigned k = 0; k < o_.keys; ++k) {
    if (!replicated(sw, k)) continue;
    for (unsigned i = 0; i < o_.servers; ++i)
      if ((sw.rset[k] & (1u << i)) && s.actors[server_id(i)].ver[k] < sw.ver_completed[k])
        return "every server in rset holds a version >= ver_completed";
  }
  if (sw.forwarded_above) return "no reply forwarded to a client carries a version above ver_completed";
  if (sw.completed_behind)
    return "ver_completed of a key is at least the version of every write of it whose reply reached a client";
  for (unsigned i = 0; i < o_.servers; ++i) {
    if (s.actors[server_id(i)].regressed) return "a server's versions never decrease";
    if (s.actors[server_id(i)].applied_twice) return "no server applies a write twice";
  }
  if (!s.history.linearizable()) return "the clients' history is linearizable (kv)";
  return nullptr;
}

const char* Pegasus::stuck(const core::System<Pegasus>& s) const {
  // A switch out of versions (the exploration's bound, --max-versions) ignores writes.
  if (s.actors[switch_id()].ver_next > max_versions()) return nullptr;
  for (unsigned c = 0; c < o_.clients; ++c) {
    const Actor& a = s.actors[c];
    if (a.waiting || a.next_op < o_.ops) return "every client finishes its operations";
  }
  return nullptr;
}

namespace {
// Every goal, in a fixed order; goals_that_apply() says which a configuration has.
constexpr const char* kGoals[] = {"a read is served by a replica other than the key's home server",
                                  "the switch replicates or unreplicates a key",
                                  "the switch changes its directory a second time"};
}  // namespace

std::uint32_t Pegasus::goals_that_apply() const {
  return (o_.servers >= 2 ? 1u : 0u) | (o_.reconfigs >= 1 ? 2u : 0u) | (o_.reconfigs >= 2 ? 4u : 0u);
}

std::vector<std::string> Pegasus::goals() const { return explore::applicable_goals(kGoals, goals_that_apply()); }

std::uint32_t Pegasus::reached(const core::System<Pegasus>& from, const core::ActorAction& a,
                               const core::System<Pegasus>& to) const {
  std::uint32_t raw = 0;  // bits in kGoals's order
  if (a.kind == core::ActionKind::Deliver || a.kind == core::ActionKind::Redeliver) {
    const auto& e = from.network[a.index];
    if (is_server(e.dst) && e.msg.kind == Msg::Kind::Request && e.msg.op == OpKind::Read &&
        server_index(e.dst) != home(e.msg.key) && !(to.actors[e.dst].executed == from.actors[e.dst].executed))
      raw |= 1u;
  }
  const unsigned before = from.actors[switch_id()].reconfigs_left, after = to.actors[switch_id()].reconfigs_left;
  if (after < before) {
    raw |= 2u;
    if (after + 2 <= o_.reconfigs) raw |= 4u;
  }
  return explore::applicable_bits(raw, goals_that_apply());
}

void Pegasus::record(History& h, const Event& e) const {
  if (e.is_return)
    h.ret(e.client, e.value);
  else
    h.call(e.client, e.op == OpKind::Read ? History::Kind::Read : History::Kind::Write, e.key, e.value);
}

bool Pegasus::inert(const core::System<Pegasus>& s, const core::Envelope<Msg>& e) const {
  const Actor& sw = s.actors[switch_id()];
  const bool stale = e.msg.req + 1u < sw.newest_req[e.msg.client];
  if (e.msg.kind == Msg::Kind::Request) {
    if (e.dst == switch_id() || !stale) return stale;  // the switch drops a stale request
    // At a server: the switch will drop the reply, so only applying a write could matter,
    // and a server never applies a write it has applied or one older than its version.
    if (e.msg.op == OpKind::Read) return true;
    if (o_.mutant == Mutant::NoVersionCheck || o_.mutant == Mutant::NoDedup) return false;
    const Actor& server = s.actors[e.dst];
    return server.executed[e.msg.client].req1 >= e.msg.req + 1u || server.ver[e.msg.key] > e.msg.ver;
  }
  // A client waits for one request at a time, and never again for one it has left.
  const Actor& client = s.actors[e.msg.client];
  if (client.waiting && client.pending.req == e.msg.req) return false;
  if (is_client(e.dst) || stale) return true;  // a stale reply is dropped at the switch
  // On its way through the switch to a client that waits for it: the switch forwards it.
  return false;
}

std::uint64_t Pegasus::hash(const Actor& a) const {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ull; };
  mix(a.next_op | (a.waiting << 8) | (a.retries_left << 9));
  mix(hash(a.pending));
  mix(a.ver_next | (a.forwarded_above << 8) | (a.directory << 16) | (a.reconfigs_left << 24));
  for (unsigned k = 0; k < kMaxKeys; ++k) mix(a.ver_newest[k]);
  for (unsigned c = 0; c < kMaxClients; ++c) mix(a.newest_req[c] | (a.stamped[c] << 8));
  for (unsigned k = 0; k < kMaxKeys; ++k) {
    mix(a.rset[k] | (a.ver_completed[k] << 8) | (a.ver[k] << 16) | (a.value[k] << 24));
  }
  for (const Actor::Executed& x : a.executed) mix(x.req1 | (x.value << 8) | (x.ver << 16) | (x.applied << 24));
  mix(a.regressed | (a.applied_twice << 1) | (a.completed_behind << 2));
  return h;
}

std::uint64_t Pegasus::hash(const Msg& m) const {
  return static_cast<std::uint64_t>(m.kind) | (std::uint64_t{m.client} << 8) | (std::uint64_t{m.req} << 16) |
         (static_cast<std::uint64_t>(m.op) << 24) | (std::uint64_t{m.key} << 32) | (std::uint64_t{m.value} << 40) |
         (std::uint64_t{m.ver} << 48);
}

std::string Pegasus::describe(const Msg& m) const {
  std::string s = m.kind == Msg::Kind::Request ? "request " : "reply ";
  s.append(m.op == OpKind::Read ? "read k" : "write k").append(std::to_string(m.key));
  if (m.op == OpKind::Write || m.kind == Msg::Kind::Reply) s.append("=v").append(std::to_string(m.value));
  s.append(" ver ").append(std::to_string(m.ver)).append(" (client ").append(std::to_string(m.client));
  return s.append(" op ").append(std::to_string(m.req)).append(")");
}

std::string Pegasus::describe(ActorId id, const Actor& a) const {
  std::string s;
  if (is_client(id)) {
    if (a.waiting) return s.append("waits for op ").append(std::to_string(a.pending.req));
    return s.append(std::to_string(a.next_op)).append(a.next_op == 1 ? " op done" : " ops done");
  }
  for (unsigned k = 0; k < o_.keys; ++k) {
    if (k) s.append(", ");
    s.append("k").append(std::to_string(k));
    if (id != switch_id()) {
      s.append("=v").append(std::to_string(a.value[k])).append("@").append(std::to_string(a.ver[k]));
      continue;
    }
    if (!replicated(a, k)) {
      s.append(" not replicated");
      continue;
    }
    s.append(" rset {");
    for (unsigned i = 0; i < o_.servers; ++i)
      if (a.rset[k] >> i & 1u) s.append(s.back() == '{' ? "" : ",").append(std::to_string(i));
    s.append("} ver_completed ").append(std::to_string(a.ver_completed[k]));
  }
  return s;
}

std::string Pegasus::describe_timer(ActorId id, const Actor& a, core::TimerId t, std::uint32_t choice) const {
  std::string s = actor_name(id);
  if (t == kReconfigure) {
    const std::string key = with_number("k", choice);
    if (!replicated(a, choice)) return s.append(" replicates ").append(key);
    Actor after = a;
    reconfigure(after, choice);
    if (replicated(after, choice)) return s.append(" would unreplicate ").append(key).append(", not yet safe: waits");
    return s.append(" unreplicates ").append(key);
  }
  if (t == kRetry) return s.append(" resends op ").append(std::to_string(a.pending.req));
  if (a.waiting || a.next_op >= o_.ops) return s.append(" has nothing to call");
  if (choice % 2 == 0) return s.append(" calls read k").append(std::to_string(choice / 2));
  return s.append(" calls write k").append(std::to_string(choice / 2)).append("=v").append(
      std::to_string(1 + id * kMaxOps + a.next_op));
}

std::string Pegasus::actor_name(ActorId id) const {
  if (is_client(id)) return with_number("client ", id);
  if (id == switch_id()) return "switch";
  return with_number("server ", server_index(id));
}

}  // namespace weir::model::pegasus
