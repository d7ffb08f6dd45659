#include "model/beaver/beaver.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/core/hash.hpp"

namespace weir::model::beaver {

namespace {

using core::mix;

std::string named(const char* prefix, unsigned i) { return std::string(prefix).append(std::to_string(i)); }

std::uint8_t bit(unsigned ssid) { return static_cast<std::uint8_t>(1u << ssid); }

}  // namespace

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all = {
      {Mutant::MarkAfterForward, "mark-after-forward",
       "a gateway forwards the first packet after entering a snapshot before it starts marking"},
      {Mutant::DeliverBeforeSnapshot, "deliver-before-snapshot",
       "a node delivers a packet tagged above its id, then takes its snapshot"},
      {Mutant::UntaggedInternal, "untagged-internal", "in-group messages carry no snapshot id"},
      {Mutant::NoAcceptanceCheck, "no-acceptance-check", "every snapshot is accepted, whatever the gateways' spread"},
      {Mutant::AcceptOnEqual, "accept-on-equal", "a spread equal to tau_min is accepted (spread <= tau_min)"},
  };
  return all;
}

std::optional<std::string> invalid(const Options& o) {
  if (o.gateways < 1 || o.gateways > 16) return "--gateways must be 1..16";
  if (o.in_group < 1 || o.in_group > 32) return "--in-group must be 1..32";
  if (o.out_group < 1 || o.out_group > 32) return "--out-group must be 1..32";
  if (o.latency_min < 1) return "--latency-min must be at least 1 step";
  if (o.latency_max < o.latency_min) return "--latency-max must be at least --latency-min";
  if (o.snapshots < 1 || o.snapshots > 6) return "--snapshots must be 1..6";
  if (o.requests > 60 || o.sends > 60) return "--requests and --sends must be at most 60";
  if (o.requests < 1) return "--requests must be at least 1: with none, no packet ever enters through a gateway";
  const unsigned tau = o.tau_min ? o.tau_min : 3 * o.latency_min;
  const unsigned window = o.window ? o.window : tau + 1;
  if (o.enter_min > window) return "--enter-min must be at most the window";
  if (o.measured && o.threshold == 0) return "--acceptance measured needs --threshold (steps)";
  if (o.start + o.snapshots * (window + 1) + 3 * o.latency_max + 2 > 250 || o.latency_max > 60)
    return "the run would be longer than 250 steps: lower --window, --latency-max or --snapshots";
  return std::nullopt;
}

// What the run looks like as an execution: events are held back until the end, when it
// is known which snapshots were accepted.
struct Beaver::Recorder {
  struct Op {
    cut::Kind kind;
    std::uint32_t process;
    std::uint64_t key;
    std::uint64_t ssid;  // Snapshot: its id; Send: the tag
    std::uint8_t time;
  };
  std::vector<Op> ops;
  std::vector<std::uint64_t> keys;  // parallel to State::flight
  std::uint64_t next_key = 0;
  std::vector<std::string> names;  // per key
};

Beaver::Beaver(const Options& o) : o_(o) {
  tau_min_ = o.tau_min ? o.tau_min : 3 * o.latency_min;
  window_ = o.window ? o.window : tau_min_ + 1;
  horizon_ = o.start + o.snapshots * (window_ + 1) + 3 * o.latency_max + 2;
}

std::vector<Beaver::State> Beaver::init_states() const {
  State s;
  s.requests = static_cast<std::uint8_t>(o_.requests);
  s.sends = static_cast<std::uint8_t>(o_.sends);
  s.gateways.assign(o_.gateways, Gateway{});
  s.nodes.assign(o_.in_group, Node{});
  s.outs.assign(o_.out_group, 0);
  s.start = static_cast<std::uint8_t>(o_.start);
  return {s};
}

unsigned Beaver::choices(const State& s, const Msg& m) const {
  switch (m.to) {
    case To::Gateway: return o_.in_group;  // which node the packet is for
    case To::Node: return s.sends ? 1 + o_.out_group + (o_.in_group - 1) : 1;  // nothing, reply out, or inside
    case To::Out: return s.sends ? 1 + o_.gateways : 1;  // nothing, or a new packet in through a gateway
  }
  return 1;
}

// A node's choices after delivering: 0 nothing, 1..out_group reply out, then the other
// in-group nodes, in order, skipping itself.
unsigned Beaver::internal_target(unsigned choice, unsigned self) const {
  const unsigned other = choice - 1u - o_.out_group;
  return other >= self ? other + 1 : other;
}

void Beaver::actions(const State& s, std::vector<Action>& out) const {
  const bool taking = s.snapshot <= o_.snapshots;  // (before the start too: time runs up to it)
  bool due = false;  // a message or a gateway that cannot wait past this step
  for (const Msg& m : s.flight) due |= m.latest <= s.now;
  for (const Gateway& g : s.gateways) due |= taking && g.ssid < s.snapshot && s.now >= s.start + window_;
  if (!due && s.now < horizon_ && (taking || !s.flight.empty())) out.push_back(Action{Kind::Tick, 0, 0});
  if (taking)
    for (unsigned g = 0; g < o_.gateways; ++g)
      if (s.gateways[g].ssid < s.snapshot && s.now >= s.start + o_.enter_min)
        out.push_back(Action{Kind::Enter, static_cast<std::uint8_t>(g), 0});
  for (unsigned q = 0; q < o_.in_group; ++q)
    if (s.nodes[q].ssid + 1 < s.snapshot) out.push_back(Action{Kind::Mark, static_cast<std::uint8_t>(q), 0});
  if (s.requests > 0)
    for (unsigned x = 0; x < o_.out_group; ++x)
      for (unsigned g = 0; g < o_.gateways; ++g)
        out.push_back(Action{Kind::Request, static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(g)});
  for (std::size_t i = 0; i < s.flight.size(); ++i) {
    const Msg& m = s.flight[i];
    if (m.earliest > s.now || (i > 0 && s.flight[i - 1] == m)) continue;  // equal messages are interchangeable
    const unsigned n = choices(s, m);
    for (unsigned c = 0; c < n; ++c)
      out.push_back(Action{Kind::Deliver, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(c)});
  }
}

void Beaver::send(State& s, Msg m, std::uint64_t key, Recorder* r) const {
  const auto at = std::lower_bound(s.flight.begin(), s.flight.end(), m) - s.flight.begin();
  s.flight.insert(s.flight.begin() + at, m);
  if (r) r->keys.insert(r->keys.begin() + at, key);
}

// Entering: from now on the gateway tags with n. The last gateway to enter decides.
void Beaver::enter(State& s, unsigned g) const {
  Gateway& gw = s.gateways[g];
  const std::uint8_t n = s.snapshot;
  if (n < gw.ssid) s.decreased = true;
  gw.ssid = n;
  gw.entered_at = s.now;
  if (o_.mutant != Mutant::MarkAfterForward) gw.mark = n;
  std::uint8_t first = 255, last = 0;
  for (const Gateway& o : s.gateways) {
    if (o.ssid < n) return;  // not everyone yet
    first = std::min(first, o.entered_at);
    last = std::max(last, o.entered_at);
  }
  // The quantity the initiator judges, and its bound.
  const unsigned quantity = o_.measured ? last - s.start + o_.reply_min : last - first;
  const unsigned bound = o_.measured ? o_.threshold : tau_min_;
  const bool accept = o_.mutant == Mutant::NoAcceptanceCheck ? true
                      : o_.mutant == Mutant::AcceptOnEqual   ? quantity <= bound
                                                             : quantity < bound;
  (accept ? s.accepted : s.rejected) |= bit(n);
  ++s.snapshot;
  s.start = s.now;
}

// Node q records every id up to `upto` it has not recorded (one point in its run).
void Beaver::take_snapshots(State& s, unsigned q, unsigned upto, Recorder* r) const {
  Node& node = s.nodes[q];
  if (upto < node.ssid) s.decreased = true;
  for (unsigned k = node.ssid + 1; k <= upto; ++k) {
    // An event before this snapshot depends on one outside some node's cut of k.
    if (node.taint > k) s.inconsistent |= bit(k);
    node.taint = std::max<std::uint8_t>(node.taint, static_cast<std::uint8_t>(k + 1));
    if (r) r->ops.push_back({cut::Kind::Snapshot, q, 0, k, s.now});
  }
  node.ssid = std::max<std::uint8_t>(node.ssid, static_cast<std::uint8_t>(upto));
}

void Beaver::step(State& s, const Action& a, Recorder* r) const {
  const auto lmin = static_cast<std::uint8_t>(o_.latency_min), lmax = static_cast<std::uint8_t>(o_.latency_max);
  auto packet = [&](To to, unsigned dst, unsigned tag, std::uint8_t taint) {
    return Msg{to, static_cast<std::uint8_t>(dst), static_cast<std::uint8_t>(tag), taint,
               static_cast<std::uint8_t>(s.now + lmin), static_cast<std::uint8_t>(s.now + lmax)};
  };
  // A new message from process `from` (in the execution's numbering), named for people.
  auto fresh = [&](std::uint32_t from, const char* prefix, unsigned tag) -> std::uint64_t {
    if (!r) return 0;
    const std::uint64_t key = r->next_key++;
    r->names.push_back(named(prefix, static_cast<unsigned>(key)));
    r->ops.push_back({cut::Kind::Send, from, key, tag, s.now});
    return key;
  };
  const std::uint32_t outs_base = o_.in_group;  // execution numbering: nodes, then out-group
  switch (a.kind) {
    case Kind::Tick: ++s.now; return;
    case Kind::Enter: enter(s, a.who); return;
    case Kind::Mark: take_snapshots(s, a.who, s.snapshot - 1u, r); return;
    case Kind::Request: {
      --s.requests;
      const std::uint64_t key = fresh(outs_base + a.who, "req", 0);
      send(s, packet(To::Gateway, a.choice, 0, s.outs[a.who]), key, r);
      return;
    }
    case Kind::Deliver: break;
  }
  const Msg m = s.flight[a.who];
  s.flight.erase(s.flight.begin() + a.who);
  std::uint64_t key = 0;
  if (r) {
    key = r->keys[a.who];
    r->keys.erase(r->keys.begin() + a.who);
  }
  switch (m.to) {
    case To::Gateway: {
      // The gateway stamps the packet and passes it on: the same message, to a node.
      Gateway& gw = s.gateways[m.dst];
      const unsigned tag = gw.mark;
      gw.mark = gw.ssid;  // mark-after-forward: only now does it mark
      send(s, packet(To::Node, a.choice, tag, m.taint), key, r);
      return;
    }
    case To::Node: {
      Node& q = s.nodes[m.dst];
      auto deliver = [&] {
        q.taint = std::max(q.taint, m.taint);
        if (r) r->ops.push_back({cut::Kind::Recv, m.dst, key, 0, s.now});
      };
      if (o_.mutant == Mutant::DeliverBeforeSnapshot) {
        deliver();
        if (m.tag > q.ssid) take_snapshots(s, m.dst, m.tag, r);
      } else {
        if (m.tag > q.ssid) take_snapshots(s, m.dst, m.tag, r);
        deliver();
      }
      if (a.choice == 0) return;
      --s.sends;
      if (a.choice <= o_.out_group) {
        const unsigned x = a.choice - 1u;
        const std::uint64_t k = fresh(m.dst, "reply", 0);
        send(s, packet(To::Out, x, 0, q.taint), k, r);
        return;
      }
      const unsigned other = internal_target(a.choice, m.dst);
      const unsigned tag = o_.mutant == Mutant::UntaggedInternal ? 0 : q.ssid;
      const std::uint64_t k = fresh(m.dst, "int", tag);
      send(s, packet(To::Node, other, tag, q.taint), k, r);
      return;
    }
    case To::Out: {
      std::uint8_t& taint = s.outs[m.dst];
      taint = std::max(taint, m.taint);
      if (r) r->ops.push_back({cut::Kind::Recv, outs_base + m.dst, key, 0, s.now});
      if (a.choice == 0) return;
      --s.sends;
      const std::uint64_t k = fresh(outs_base + m.dst, "fwd", 0);
      send(s, packet(To::Gateway, a.choice - 1u, 0, taint), k, r);
      return;
    }
  }
}

std::optional<Beaver::State> Beaver::next(const State& s, const Action& a) const {
  State t = s;
  step(t, a, nullptr);
  return t;
}

std::uint64_t Beaver::fingerprint(const State& s) const {
  std::uint64_t h = mix(s.now, s.snapshot | s.start << 8 | s.requests << 16 | s.sends << 24 |
                                   std::uint64_t{s.accepted} << 32 | std::uint64_t{s.rejected} << 40 |
                                   std::uint64_t{s.inconsistent} << 48 | std::uint64_t{s.decreased} << 56);
  for (const Gateway& g : s.gateways) h = mix(h, g.ssid | g.mark << 8 | g.entered_at << 16);
  for (const Node& n : s.nodes) h = mix(h, n.ssid | n.taint << 8);
  for (std::uint8_t t : s.outs) h = mix(h, t);
  h = mix(h, s.flight.size());
  for (const Msg& m : s.flight)
    h = mix(h, static_cast<std::uint64_t>(m.to) | m.dst << 8 | m.tag << 16 | m.taint << 24 |
                   std::uint64_t{m.earliest} << 32 | std::uint64_t{m.latest} << 40);
  return h;
}

const char* Beaver::violated(const State& s) const {
  if (s.accepted & s.inconsistent) return "every accepted snapshot is causally consistent";
  if (s.decreased) return "snapshot ids never decrease";
  return nullptr;
}

std::uint8_t Beaver::inconsistent_if_finished(const State& s) const {
  std::uint8_t bits = s.inconsistent;
  for (const Node& n : s.nodes)
    for (unsigned k = n.ssid + 1u; k + 1u <= s.snapshot; ++k)
      if (n.taint > k) bits |= bit(k);
  return bits & s.accepted;
}

std::string Beaver::describe(const State& s) const {
  std::string d = "t=" + std::to_string(s.now) + "; gateways";
  for (unsigned g = 0; g < o_.gateways; ++g) {
    d.append(" ").append(named("g", g)).append(":").append(std::to_string(s.gateways[g].ssid));
    if (s.gateways[g].ssid) d.append("@").append(std::to_string(s.gateways[g].entered_at));
  }
  d.append("; nodes");
  for (unsigned q = 0; q < o_.in_group; ++q)
    d.append(" ").append(named("n", q)).append(":").append(std::to_string(s.nodes[q].ssid));
  d.append("; in flight:");
  for (const Msg& m : s.flight) {
    d.append(" ").append(m.to == To::Gateway ? named("->g", m.dst) : m.to == To::Node ? named("->n", m.dst)
                                                                                     : named("->x", m.dst));
    if (m.to == To::Node) d.append("[").append(std::to_string(m.tag)).append("]");
  }
  if (s.flight.empty()) d.append(" nothing");
  for (unsigned n = 1; n <= o_.snapshots; ++n) {
    if (s.accepted & bit(n)) d.append("; snapshot ").append(std::to_string(n)).append(" accepted");
    if (s.rejected & bit(n)) d.append("; snapshot ").append(std::to_string(n)).append(" rejected");
  }
  return d;
}

std::string Beaver::describe(const State& s, const Action& a) const {
  switch (a.kind) {
    case Kind::Tick: return "time passes";
    case Kind::Enter: {
      std::string d = named("g", a.who);
      return d.append(" enters snapshot ").append(std::to_string(s.snapshot)).append(" at t=").append(
          std::to_string(s.now));
    }
    case Kind::Mark:
      return named("n", a.who) + " records snapshot " + std::to_string(s.snapshot - 1) + " on the initiator's order";
    case Kind::Request: return named("x", a.who) + " sends a request in through " + named("g", a.choice);
    case Kind::Deliver: break;
  }
  const Msg& m = s.flight[a.who];
  switch (m.to) {
    case To::Gateway: {
      const Gateway& gw = s.gateways[m.dst];
      return named("g", m.dst) + " forwards a packet to " + named("n", a.choice) + " tagged " + std::to_string(gw.mark);
    }
    case To::Node: {
      std::string d = named("n", m.dst) + " receives a packet tagged " + std::to_string(m.tag);
      if (m.tag > s.nodes[m.dst].ssid)
        d.append(o_.mutant == Mutant::DeliverBeforeSnapshot ? " (delivers it, then records)" : " (records first)");
      if (a.choice == 0) return d;
      if (a.choice <= o_.out_group) return d + " and replies to " + named("x", a.choice - 1u);
      const unsigned other = internal_target(a.choice, m.dst);
      return d + " and sends to " + named("n", other);
    }
    case To::Out: {
      std::string d = named("x", m.dst) + " receives a reply";
      if (a.choice == 0) return d;
      return d + " and sends a packet in through " + named("g", a.choice - 1u);
    }
  }
  return "?";
}

// The arrow goes from the actor that acts to the one it sends to: a message here does not
// remember its sender, so the diagram shows each send as it is made.
std::pair<std::string, std::string> Beaver::parties(const State& s, const Action& a) const {
  switch (a.kind) {
    case Kind::Tick: return {"clock", ""};
    case Kind::Enter: return {named("g", a.who), ""};
    case Kind::Mark: return {named("n", a.who), ""};
    case Kind::Request: return {named("x", a.who), named("g", a.choice)};
    case Kind::Deliver: break;
  }
  const Msg& m = s.flight[a.who];
  switch (m.to) {
    case To::Gateway: return {named("g", m.dst), named("n", a.choice)};
    case To::Node:
      if (a.choice == 0) return {named("n", m.dst), ""};
      if (a.choice <= o_.out_group) return {named("n", m.dst), named("x", a.choice - 1u)};
      return {named("n", m.dst), named("n", internal_target(a.choice, m.dst))};
    case To::Out:
      if (a.choice == 0) return {named("x", m.dst), ""};
      return {named("x", m.dst), named("g", a.choice - 1u)};
  }
  return {"", ""};
}

std::optional<std::vector<std::uint32_t>> Beaver::play(const Scenario& sc) const {
  if (sc.enter_at.size() != o_.gateways || sc.first >= o_.gateways || sc.last >= o_.gateways || sc.first == sc.last ||
      o_.in_group < 2)
    return std::nullopt;
  State s = init_states().front();
  std::vector<std::uint32_t> path;
  std::vector<Action> acts;
  bool requested = false;
  bool returned = false;  // n1 has delivered the packet: now it may record
  // Takes the first enabled action that `want` accepts; false if there is none.
  auto take = [&](auto want) {
    acts.clear();
    actions(s, acts);
    for (std::uint32_t i = 0; i < acts.size(); ++i) {
      if (!want(acts[i])) continue;
      path.push_back(i);
      step(s, acts[i], nullptr);
      return true;
    }
    return false;
  };
  auto deliver = [&](To to, unsigned dst, unsigned choice) {
    return take([&](const Action& a) {
      return a.kind == Kind::Deliver && a.choice == choice && s.flight[a.who].to == to && s.flight[a.who].dst == dst;
    });
  };
  for (int guard = 0; guard < 4 * 256; ++guard) {
    // In priority order: the returning packet passes a gateway before it enters.
    const bool acted =
        deliver(To::Gateway, sc.last, 1) ||
        take([&](const Action& a) { return a.kind == Kind::Enter && sc.enter_at[a.who] == s.now; }) ||
        (!requested && s.now == sc.request_at &&
         (requested = take([&](const Action& a) { return a.kind == Kind::Request && a.who == 0 && a.choice == sc.first; }))) ||
        deliver(To::Gateway, sc.first, 0) || deliver(To::Node, 0, 1) || deliver(To::Out, 0, 1 + sc.last) ||
        (!returned && (returned = deliver(To::Node, 1, 0))) ||
        (returned && take([&](const Action& a) { return a.kind == Kind::Mark; }));
    if (acted) continue;
    if (violated(s)) return path;
    if (!take([](const Action& a) { return a.kind == Kind::Tick; })) return std::nullopt;
  }
  return std::nullopt;
}

cut::Execution Beaver::execution(std::uint32_t init, const std::vector<std::uint32_t>& path) const {
  Recorder r;
  State s = init_states().at(init);
  std::vector<Action> acts;
  for (std::uint32_t i : path) {
    acts.clear();
    actions(s, acts);
    if (i >= acts.size()) throw std::out_of_range("the path does not fit the model");
    step(s, acts[i], &r);
  }
  cut::Recorder x("beaver");
  std::vector<std::uint32_t> ids;
  for (unsigned q = 0; q < o_.in_group; ++q) ids.push_back(x.process(named("n", q), cut::Group::In));
  for (unsigned o = 0; o < o_.out_group; ++o) ids.push_back(x.process(named("x", o), cut::Group::Out));
  for (const Recorder::Op& op : r.ops) {
    switch (op.kind) {
      case cut::Kind::Snapshot:
        if (s.accepted & bit(static_cast<unsigned>(op.ssid))) x.snapshot(ids[op.process], op.ssid, op.time);
        break;
      case cut::Kind::Send: x.send(ids[op.process], op.key, r.names[op.key], op.ssid, op.time); break;
      case cut::Kind::Recv: x.recv(ids[op.process], op.key, op.time); break;
      case cut::Kind::Local: break;
    }
  }
  for (unsigned q = 0; q < o_.in_group; ++q)
    for (unsigned k = s.nodes[q].ssid + 1u; k + 1u <= s.snapshot; ++k)
      if (s.accepted & bit(k)) x.snapshot(ids[q], k, s.now);
  return std::move(x).finish();
}

}  // namespace weir::model::beaver

namespace weir::model::beaver {

std::vector<std::string> Beaver::goals() const {
  std::vector<std::string> g = {"a snapshot is accepted",
                                "an external chain re-enters the group through a gateway"};
  if (o_.snapshots >= 2) g.emplace_back("a second snapshot is accepted");
  return g;
}

std::uint32_t Beaver::reached(const State& from, const Action& a, const State& to) const {
  std::uint32_t bits = 0;
  const std::uint8_t newly = static_cast<std::uint8_t>(to.accepted & ~from.accepted);
  if (newly) bits |= 1u;
  // Only in-group nodes send to the out-group: an out-group node that sends a packet in
  // through a gateway on receiving one closes gateway -> in-group -> out-group -> gateway.
  if (a.kind == Kind::Deliver && from.flight[a.who].to == To::Out && a.choice >= 1) bits |= 2u;
  if (o_.snapshots >= 2 && (newly & static_cast<std::uint8_t>(~bit(1)))) bits |= 4u;
  return bits;
}

}  // namespace weir::model::beaver
