// The actor layer on a tiny protocol whose state spaces can be counted by hand: a client
// sends one ping to a server, which answers with a pong. With `retry`, the client resends
// on a timer until the pong arrives; the server counts the pings it received.
#include <gtest/gtest.h>

#include "checker/explore/explore.hpp"
#include "model/core/actors.hpp"

namespace weir::model::core {
namespace {

struct PingPong {
  struct Actor {
    bool done = false;       // client: got the pong
    std::uint8_t pings = 0;  // server: pings received
    bool operator==(const Actor&) const = default;
  };
  enum class Msg : std::uint8_t { Ping, Pong };
  bool retry = false;
  std::uint8_t max_pings = 255;  // the invariant "the server gets at most max_pings pings"

  std::size_t actor_count() const { return 2; }
  Actor start(ActorId id, Out<Msg>& out) const {
    if (id == 0) {
      out.send(1, Msg::Ping);
      if (retry) out.set_timer(0);
    }
    return {};
  }
  void on_msg(ActorId id, Actor& a, ActorId from, const Msg& m, std::uint32_t, Out<Msg>& out) const {
    if (id == 1 && m == Msg::Ping) {
      a.pings = static_cast<std::uint8_t>(std::min(a.pings + 1, 3));  // saturate: keep it finite
      out.send(from, Msg::Pong);
    } else if (id == 0 && m == Msg::Pong) {
      a.done = true;
      out.cancel_timer(0);
    }
  }
  void on_timer(ActorId, Actor& a, TimerId, std::uint32_t, Out<Msg>& out) const {
    if (a.done) return;
    out.send(1, Msg::Ping);
    out.set_timer(0);
  }
  std::uint64_t hash(const Actor& a) const { return (a.done ? 1u : 0u) | (std::uint64_t{a.pings} << 1); }
  std::uint64_t hash(const Msg& m) const { return static_cast<std::uint64_t>(m) + 7; }
  const char* violated(const System<PingPong>& s) const {
    return s.actors[1].pings > max_pings ? "the server gets at most max_pings pings" : nullptr;
  }
  std::string describe(const Msg& m) const { return m == Msg::Ping ? "ping" : "pong"; }
  std::string describe(const Actor& a) const { return a.done ? "done" : std::to_string(a.pings); }
  std::string actor_name(ActorId id) const { return id == 0 ? "client" : "server"; }
};

std::uint64_t states(PingPong p, NetworkOptions net) {
  const explore::Result r = explore::bfs(ActorModel<PingPong>(p, net), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete);
  return r.stats.unique;
}

static_assert(explore::Model<ActorModel<PingPong>>);

TEST(Actors, ReliableNetwork) {
  // ping in flight -> server has it, pong in flight -> client done.
  EXPECT_EQ(states({}, {}), 3u);
}

TEST(Actors, LossAddsTheStatesWhereAMessageVanished) {
  NetworkOptions lossy;
  lossy.lossy = true;
  // Also: the ping dropped (nothing in flight, server at 0), the pong dropped (server at 1).
  EXPECT_EQ(states({}, lossy), 5u);
}

TEST(Actors, CrashesAddTheStatesWhereAnActorStopped) {
  NetworkOptions crashy;
  crashy.crashes = true;
  // Each of the 3 states, with the client, the server or both crashed: once crashed, a
  // message to it is lost, so a few more; counted by the engine against a hand count:
  // ping-in-flight(4 crash combos) + server-got-it(4) + done(4) + ping lost at crashed
  // server (2: client up or down) + pong lost at crashed client (2: server up or down).
  EXPECT_EQ(states({}, crashy), 16u);
}

TEST(Actors, DuplicationIsBoundedBySetSemantics) {
  NetworkOptions dup;
  dup.duplicating = true;
  // The server's count saturates at 3; in flight is a subset of {ping, pong}. Before the
  // pong arrives: (0, {ping}), and (k, {pong}) or (k, {ping, pong}) for k = 1..3: 7.
  // After: every subset for k = 1..3: 12.
  EXPECT_EQ(states({}, dup), 19u);
}

TEST(Actors, RetriesOnATimerAndTheExplorerFindsTheBadInterleaving) {
  PingPong p;
  p.retry = true;
  p.max_pings = 1;  // wrong when the client retries before the pong arrives
  ActorModel<PingPong> model(p, {});
  const explore::Result r = explore::bfs(model, {});
  ASSERT_EQ(r.outcome, explore::Outcome::Violation);
  // Shortest: the timer fires (second ping), then both pings are delivered.
  EXPECT_EQ(r.violation_depth, 3u);
  const auto path = explore::replay(model, r.init_index, r.path);
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(path.back().actors[1].pings, 2);
  std::vector<ActorAction> acts;
  model.actions(path[0], acts);
  EXPECT_EQ(model.describe(path[0], acts[r.path[0]]).find("client's timer"), 0u)
      << model.describe(path[0], acts[r.path[0]]);
}

TEST(Actors, FifoDeliversEachChannelInOrder) {
  NetworkOptions fifo;
  fifo.delivery = Delivery::Fifo;
  PingPong p;
  p.retry = true;
  EXPECT_EQ(ActorModel<PingPong>::invalid(fifo), std::nullopt);
  fifo.duplicating = true;
  EXPECT_TRUE(ActorModel<PingPong>::invalid(fifo).has_value());
  fifo.duplicating = false;
  // Two pings in flight on one channel: only the first may be delivered.
  ActorModel<PingPong> model(p, fifo);
  auto s = model.init_states()[0];
  std::vector<ActorAction> acts;
  model.actions(s, acts);
  ASSERT_EQ(acts.size(), 2u);  // deliver the ping, or fire the timer
  s = *model.next(s, acts[1]);
  ASSERT_EQ(s.network.size(), 2u);
  acts.clear();
  model.actions(s, acts);
  std::size_t deliveries = 0;
  for (const auto& a : acts) deliveries += a.kind == ActionKind::Deliver;
  EXPECT_EQ(deliveries, 1u);
}

// A handler with choices: a relay forwards each message to either of two sinks.
struct Relay {
  struct Actor {
    std::uint8_t got = 0;
    bool operator==(const Actor&) const = default;
  };
  using Msg = std::uint8_t;
  std::size_t actor_count() const { return 3; }  // 0: relay, 1 and 2: sinks
  Actor start(ActorId id, Out<Msg>& out) const {
    if (id == 0) out.send(0, 1);  // to itself, to be relayed
    return {};
  }
  std::uint32_t msg_choices(ActorId id, const Actor&, ActorId, const Msg&) const { return id == 0 ? 2 : 1; }
  void on_msg(ActorId id, Actor& a, ActorId, const Msg& m, std::uint32_t choice, Out<Msg>& out) const {
    if (id == 0) out.send(static_cast<ActorId>(1 + choice), m);
    else a.got = static_cast<std::uint8_t>(a.got + m);
  }
  void on_timer(ActorId, Actor&, TimerId, std::uint32_t, Out<Msg>&) const {}
  std::uint64_t hash(const Actor& a) const { return a.got; }
  std::uint64_t hash(const Msg& m) const { return m; }
  const char* violated(const System<Relay>&) const { return nullptr; }
  std::string describe(const Msg& m) const { return std::to_string(m); }
  std::string describe(const Actor& a) const { return std::to_string(a.got); }
  std::string actor_name(ActorId id) const { return id == 0 ? "relay" : "sink " + std::to_string(id); }
  std::string describe_choice(std::uint32_t c) const { return "to sink " + std::to_string(c + 1); }
};

TEST(Actors, HandlerChoicesAreActionsOfTheirOwn) {
  ActorModel<Relay> model(Relay{}, {});
  // Start; relayed to sink 1 or to sink 2; delivered there: 1 + 2 + 2 states.
  EXPECT_EQ(explore::bfs(model, {}).stats.unique, 5u);
  const auto s = model.init_states()[0];
  std::vector<ActorAction> acts;
  model.actions(s, acts);
  ASSERT_EQ(acts.size(), 2u);
  EXPECT_EQ(model.describe(s, acts[1]), "deliver 1 from relay to relay (to sink 2)");
}

// A chain: a source sends three numbers to a relay, which passes each on to a sink that
// adds them up. The relay's hop can be made instant, and a number the sink no longer
// needs (it has reached its target) can be declared inert; the history is summarised.
struct Chain {
  bool instant_hop = false, with_inert = false;
  std::uint8_t limit = 2;  // numbers the sink may take
  struct Actor {
    std::uint8_t sum = 0;
    bool operator==(const Actor&) const = default;
  };
  using Msg = std::uint8_t;
  using Event = std::uint8_t;   // a number the sink took
  struct History {  // how many it took: all the invariant needs
    std::uint8_t taken = 0;
    bool operator==(const History&) const = default;
  };
  std::size_t actor_count() const { return 3; }  // 0: source, 1: relay, 2: sink
  Actor start(ActorId id, Out<Msg, Event>& out) const {
    if (id == 0)
      for (Msg m : {1, 2, 4}) out.send(1, m);
    return {};
  }
  void on_msg(ActorId id, Actor& a, ActorId, const Msg& m, std::uint32_t, Out<Msg, Event>& out) const {
    if (id == 1) {
      out.send(2, m);
    } else if (id == 2 && a.sum < 3) {
      a.sum = static_cast<std::uint8_t>(a.sum + m);
      out.record(m);
    }
  }
  void on_timer(ActorId, Actor&, TimerId, std::uint32_t, Out<Msg, Event>&) const {}
  void record(History& h, const Event&) const { ++h.taken; }
  bool instant(const Envelope<Msg>& e) const { return instant_hop && e.src == 1; }
  bool inert(const System<Chain>& s, const Envelope<Msg>& e) const { return with_inert && e.dst == 2 && s.actors[2].sum >= 3; }
  std::uint64_t hash(const Actor& a) const { return a.sum; }
  std::uint64_t hash(const Msg& m) const { return m; }
  std::uint64_t hash(const History& h) const { return h.taken; }
  const char* violated(const System<Chain>& s) const { return s.history.taken > limit ? "the sink takes no more than its limit" : nullptr; }
  std::string describe(const Msg& m) const { return std::to_string(m); }
  std::string describe(const Actor& a) const { return std::to_string(a.sum); }
  std::string actor_name(ActorId id) const { return id == 0 ? "source" : id == 1 ? "relay" : "sink"; }
};

TEST(Actors, InstantHopsAndInertMessagesShrinkTheSearchNotItsVerdict) {
  std::uint64_t unique[2][2];
  for (bool instant : {false, true})
    for (bool inert : {false, true}) {
      ActorModel<Chain> model(Chain{instant, inert}, {});
      const explore::Result r = explore::bfs(model, {});
      EXPECT_EQ(r.outcome, explore::Outcome::Complete) << instant << inert;
      unique[instant][inert] = r.stats.unique;
      // The history is the summary: a count, never above two (1 + 2 reaches 3; 4 alone too).
      for (const auto& s : explore::replay(model, 0, {})) EXPECT_EQ(s.history.taken, 0);
    }
  EXPECT_LT(unique[1][0], unique[0][0]);  // no state with a number between relay and sink
  EXPECT_LT(unique[0][1], unique[0][0]);  // numbers the full sink would ignore are gone
  EXPECT_LE(unique[1][1], unique[1][0]);  // nothing waits in front of the sink to remove
  // And a violation is found whichever reductions are on: a sink that may take one number
  // takes two (1, then 2) at the same depth (counted in steps of the sink's taking).
  for (bool instant : {false, true})
    for (bool inert : {false, true}) {
      const explore::Result r = explore::bfs(ActorModel<Chain>(Chain{instant, inert, 1}, {}), {});
      EXPECT_EQ(r.outcome, explore::Outcome::Violation) << instant << inert;
      EXPECT_EQ(r.violation_depth, instant ? 2u : 4u) << instant << inert;
    }

  // Instant: the relay's step carries the number into the sink at once.
  ActorModel<Chain> model(Chain{true, false}, {});
  auto s = model.init_states()[0];
  std::vector<ActorAction> acts;
  model.actions(s, acts);
  ASSERT_EQ(acts.size(), 3u);  // the three numbers at the relay
  const auto after = model.next(s, acts[0]);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->actors[2].sum, 1);
  EXPECT_EQ(after->history.taken, 1);
  EXPECT_EQ(after->network.size(), 2u);
}

}  // namespace
}  // namespace weir::model::core
