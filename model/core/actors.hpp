// Actors on a network, as a model for `weir explore`.
//
// A protocol is a set of actors, each a state machine that reacts to messages and to its
// own timers by changing its state and sending messages. The network decides what
// reordering, loss and duplication the actors must survive, and actors may crash. This
// layer turns a protocol into a Model (see checker/explore): the global state is every
// actor's state, the messages in flight, the timers set and who has crashed; the actions
// are delivering a message, firing a timer, and (when the network allows it) dropping a
// message or crashing an actor.
//
// A protocol P provides:
//   using Actor;   // an actor's state: ==, and std::uint64_t hash(const Actor&) const on P
//   using Msg;     // a message: == and <=> (the unordered network is kept sorted), hash(const Msg&)
//   std::size_t actor_count() const;
//   Actor start(ActorId id, Out<Msg, Event>& out) const;                   // initial state, first sends
//   void on_msg(ActorId id, Actor& a, ActorId from, const Msg& m, std::uint32_t choice, Out<Msg, Event>& out) const;
//   void on_timer(ActorId id, Actor& a, TimerId t, std::uint32_t choice, Out<Msg, Event>& out) const;
// and, where a handler may act in several ways (a switch that sends a read to any member
// of a replica set), how many: each is an action of its own, numbered 0..n-1 (default 1):
//   std::uint32_t msg_choices(ActorId id, const Actor& a, ActorId from, const Msg& m) const;
//   std::uint32_t timer_choices(ActorId id, const Actor& a, TimerId t) const;
//   const char* violated(const System<P>& s) const;                 // an invariant that fails, or nullptr
//   std::string describe(const Msg& m) const;  std::string describe(const Actor& a) const;
//   std::string actor_name(ActorId id) const;
// and, to tell a counterexample in its own words, optionally
//   std::string describe(ActorId id, const Actor& a) const;   // knowing the role
//   std::string describe_timer(ActorId id, const Actor& a, TimerId t, std::uint32_t choice) const;
// A protocol that keeps a history (what its clients saw, for a linearizability check)
// declares `using Event` (==, and hash(const Event&) on P) and records events with
// out.record(e); they are kept in the global state in the order they happened. Or, when
// only a summary of the history matters for what follows (an incremental check), it
// declares `using History` (==) with
//   void record(History& h, const Event& e) const;  std::uint64_t hash(const History&) const;
// and the global state keeps that summary instead of the events.
// A protocol may also tell which messages in flight can no longer do anything (a reply
// to a request its client stopped waiting for):
//   bool inert(const System<P>& s, const Envelope<Msg>& e) const;
// true only if delivering e, in s or in any state after it, would change nothing and send
// nothing. Such messages are removed after every step: states that differ only in them
// behave alike, and the search need not tell them apart.
// And it may name hops whose delay cannot hide a violation (a reduction it must argue):
//   bool instant(const Envelope<Msg>& e) const;
// such a message is delivered in the step that sends it (its receiver must have one way
// to act on it), which removes the interleavings of everything else with its flight.
// For the properties beyond invariants (checker/explore/explore.hpp), optionally:
//   std::vector<std::string> goals() const;   // reachability goals
//   std::uint32_t reached(const System<P>& from, const ActorAction& a, const System<P>& to) const;
//   const char* stuck(const System<P>& s) const;  // progress: s where nothing more can happen
//   void on_lost(std::vector<Actor>& actors, const Envelope<Msg>& e) const;  // the network dropped e
//
// Every optional hook is found by its name (checker/explore/hooks.hpp): a member with a
// hook's name but not its signature fails to build, with a message naming the hook,
// rather than being skipped and leaving what it adds unexplored. (The role-aware
// describe(ActorId, const Actor&) shares its name with required members, so it cannot be
// found by name; it only changes how a counterexample reads.)
#pragma once

#include <algorithm>
#include <compare>
#include <deque>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "checker/explore/hooks.hpp"

namespace weir::model::core {

using ActorId = std::uint16_t;
using TimerId = std::uint8_t;  // an actor has at most 64 timers

enum class Delivery : std::uint8_t {
  Fifo,       // per (sender, receiver) channel, in send order
  Unordered,  // any message in flight may be delivered next
};

struct NetworkOptions {
  Delivery delivery = Delivery::Unordered;
  bool lossy = false;        // a message in flight may be dropped
  // A message in flight may be delivered and still stay in flight (delivered again later).
  // In flight is then a set, as in Stateright: sending a message already there adds
  // nothing, which keeps the state space finite. Only with unordered delivery.
  bool duplicating = false;
  bool crashes = false;      // an actor may crash: it then receives and does nothing
};

// A protocol whose invariants never look at the messages in flight may declare
// `static constexpr bool invariants_ignore_network = true;`. Then a state with more
// messages in flight can do everything one with fewer can (it may simply never deliver
// them), so for its invariants a lost message is one never delivered, and a duplicated
// one is one delivered and kept: the layer drops no message and, on a duplicating
// network, delivers without consuming. Same violations, far fewer states.
template <class P>
constexpr bool invariants_ignore_network() {
  if constexpr (hooks::has_member_invariants_ignore_network<P>) {
    static_assert(std::is_same_v<decltype(P::invariants_ignore_network), const bool>,
                  "invariants_ignore_network must be static constexpr bool");
    return P::invariants_ignore_network;
  }
  return false;
}

template <class Msg>
struct Envelope {
  ActorId src = 0, dst = 0;
  Msg msg;
  bool operator==(const Envelope&) const = default;
  auto operator<=>(const Envelope&) const = default;
};

struct NoEvent {
  bool operator==(const NoEvent&) const = default;
};
template <class P>
struct EventOf {
  using type = NoEvent;
};
template <class P>
  requires requires { typename P::Event; }
struct EventOf<P> {
  using type = typename P::Event;
};

// What a handler does besides changing its actor: messages to send, timers to set or
// cancel, events to record in the history.
template <class Msg, class Event = NoEvent>
struct Out {
  std::vector<std::pair<ActorId, Msg>> sends;
  std::vector<Event> events;
  std::uint64_t set_timers = 0, cancel_timers = 0;
  void send(ActorId to, Msg m) { sends.emplace_back(to, std::move(m)); }
  void set_timer(TimerId t) { set_timers |= std::uint64_t{1} << t; }
  void cancel_timer(TimerId t) { cancel_timers |= std::uint64_t{1} << t; }
  void record(Event e) { events.push_back(std::move(e)); }
};

// What the global state keeps of the history: the protocol's summary, or every event.
template <class P>
struct HistoryOf {
  using type = std::vector<typename EventOf<P>::type>;
};
template <class P>
  requires requires { typename P::History; }
struct HistoryOf<P> {
  using type = typename P::History;
};

template <class P>
struct System {
  std::vector<typename P::Actor> actors;
  // In flight. Unordered: sorted, so that equal multisets are equal states. FIFO: in send
  // order (each channel's messages keep their relative order).
  std::vector<Envelope<typename P::Msg>> network;
  struct Runtime {
    std::uint64_t timers = 0;  // the timers set
    bool crashed = false;
    bool operator==(const Runtime&) const = default;
  };
  std::vector<Runtime> runtime;  // per actor
  typename HistoryOf<P>::type history;  // every event in the order it happened, or the protocol's summary
  bool operator==(const System&) const = default;
};

enum class ActionKind : std::uint8_t { Deliver, Redeliver, Drop, Timer, Crash };
struct ActorAction {
  ActionKind kind;
  std::uint32_t index;  // Deliver/Redeliver/Drop: into network; Timer: actor * 64 + timer; Crash: actor
  std::uint32_t choice = 0;  // which of the handler's ways to act
};

// Each optional hook: whether P has it, and (if it has a member of that name) that the
// member has the hook's signature.
#define WEIR_ACTOR_HOOK(NAME, SIGNATURE, TEXT)                                      \
  template <class P>                                                                \
  constexpr bool uses_##NAME() {                                                    \
    if constexpr (hooks::has_member_##NAME<P>) {                                    \
      static_assert(SIGNATURE, "the actor hook " #NAME " must be: " TEXT);          \
      return true;                                                                  \
    } else {                                                                        \
      return false;                                                                 \
    }                                                                               \
  }
template <class P>
using MsgOf = typename P::Msg;
WEIR_ACTOR_HOOK(inert, (requires(const P p, const System<P> s, const Envelope<MsgOf<P>> e) {
                  { p.inert(s, e) } -> std::same_as<bool>;
                }), "bool inert(const System<P>&, const Envelope<Msg>&) const")
WEIR_ACTOR_HOOK(instant, (requires(const P p, const Envelope<MsgOf<P>> e) {
                  { p.instant(e) } -> std::same_as<bool>;
                }), "bool instant(const Envelope<Msg>&) const")
WEIR_ACTOR_HOOK(msg_choices, (requires(const P p, const typename P::Actor a, const MsgOf<P> m) {
                  { p.msg_choices(ActorId{}, a, ActorId{}, m) } -> std::same_as<std::uint32_t>;
                }), "std::uint32_t msg_choices(ActorId, const Actor&, ActorId from, const Msg&) const")
WEIR_ACTOR_HOOK(timer_choices, (requires(const P p, const typename P::Actor a) {
                  { p.timer_choices(ActorId{}, a, TimerId{}) } -> std::same_as<std::uint32_t>;
                }), "std::uint32_t timer_choices(ActorId, const Actor&, TimerId) const")
WEIR_ACTOR_HOOK(describe_timer, (requires(const P p, const typename P::Actor a) {
                  { p.describe_timer(ActorId{}, a, TimerId{}, std::uint32_t{}) } -> std::same_as<std::string>;
                }), "std::string describe_timer(ActorId, const Actor&, TimerId, std::uint32_t choice) const")
WEIR_ACTOR_HOOK(describe_choice, (requires(const P p) {
                  { p.describe_choice(std::uint32_t{}) } -> std::same_as<std::string>;
                }), "std::string describe_choice(std::uint32_t choice) const")
WEIR_ACTOR_HOOK(on_lost, (requires(const P p, std::vector<typename P::Actor>& actors, const Envelope<MsgOf<P>> e) {
                  { p.on_lost(actors, e) } -> std::same_as<void>;
                }), "void on_lost(std::vector<Actor>&, const Envelope<Msg>&) const")
WEIR_ACTOR_HOOK(goals, (requires(const P p, const System<P> s, const ActorAction a) {
                  { p.goals() } -> std::same_as<std::vector<std::string>>;
                  { p.reached(s, a, s) } -> std::same_as<std::uint32_t>;
                }), "std::vector<std::string> goals() const, with "
                    "std::uint32_t reached(const System<P>& from, const ActorAction&, const System<P>& to) const")
WEIR_ACTOR_HOOK(stuck, (requires(const P p, const System<P> s) {
                  { p.stuck(s) } -> std::same_as<const char*>;
                }), "const char* stuck(const System<P>&) const")
#undef WEIR_ACTOR_HOOK

template <class P>
class ActorModel {
 public:
  using State = System<P>;
  using Action = ActorAction;
  using Msg = typename P::Msg;
  using Event = typename EventOf<P>::type;
  using Output = Out<Msg, Event>;

  // Why the network options cannot be combined, if so.
  static std::optional<std::string> invalid(const NetworkOptions& net) {
    if (net.duplicating && net.delivery == Delivery::Fifo)
      return "a duplicating network is unordered (a FIFO channel that keeps a delivered message would block)";
    return std::nullopt;
  }
  ActorModel(P protocol, NetworkOptions net) : p_(std::move(protocol)), net_(net) {}
  const P& protocol() const { return p_; }
  const NetworkOptions& network() const { return net_; }

  std::vector<State> init_states() const {
    State s;
    const std::size_t n = p_.actor_count();
    s.runtime.assign(n, {});
    for (std::size_t i = 0; i < n; ++i) {
      Output& out = scratch(0);
      s.actors.push_back(p_.start(static_cast<ActorId>(i), out));
      apply(s, static_cast<ActorId>(i), out, 0);
    }
    return {std::move(s)};
  }

  void actions(const State& s, std::vector<Action>& out) const {
    for (std::uint32_t i = 0; i < s.network.size(); ++i) {
      const auto& e = s.network[i];
      // FIFO: only the oldest message of each channel can arrive.
      if (net_.delivery == Delivery::Fifo && !oldest_in_channel(s, i)) continue;
      // Unordered: equal messages are interchangeable; offer the first of a run only.
      if (net_.delivery == Delivery::Unordered && i > 0 && s.network[i - 1] == e) continue;
      const std::uint32_t ways = s.runtime[e.dst].crashed ? 1 : msg_choices(s, e);
      constexpr bool kSubsume = invariants_ignore_network<P>();
      for (std::uint32_t c = 0; c < ways; ++c) {
        if (!(kSubsume && net_.duplicating)) out.push_back({ActionKind::Deliver, i, c});
        if (net_.duplicating) out.push_back({ActionKind::Redeliver, i, c});
      }
      if (net_.lossy && !kSubsume) out.push_back({ActionKind::Drop, i});
    }
    for (std::uint32_t a = 0; a < s.actors.size(); ++a) {
      if (s.runtime[a].crashed) continue;
      for (std::uint64_t t = s.runtime[a].timers; t; t &= t - 1) {
        const auto timer = static_cast<TimerId>(__builtin_ctzll(t));
        const std::uint32_t ways = timer_choices(s, static_cast<ActorId>(a), timer);
        for (std::uint32_t c = 0; c < ways; ++c) out.push_back({ActionKind::Timer, a * 64 + timer, c});
      }
    }
    if (net_.crashes)
      for (std::uint32_t a = 0; a < s.actors.size(); ++a)
        if (!s.runtime[a].crashed) out.push_back({ActionKind::Crash, a});
  }

  std::optional<State> next(const State& s, const Action& a) const {
    std::optional<State> n = step(s, a);
    if constexpr (uses_inert<P>())
      if (n) drop_inert(*n);
    return n;
  }

 private:
  static constexpr bool kSummarized = requires { typename P::History; };

  // Judged on the state as it is, then removed: inert() may look at other messages.
  void drop_inert(State& s) const {
    thread_local std::vector<std::uint8_t> gone;
    gone.assign(s.network.size(), 0);
    bool any = false;
    for (std::size_t i = 0; i < s.network.size(); ++i) any |= (gone[i] = p_.inert(s, s.network[i]));
    if (!any) return;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < s.network.size(); ++i)
      if (!gone[i]) s.network[kept++] = std::move(s.network[i]);
    s.network.resize(kept);
  }

  std::optional<State> step(const State& s, const Action& a) const {
    std::optional<State> made(std::in_place);
    State& n = *made;
    n.actors = s.actors;
    n.runtime = s.runtime;
    n.history = s.history;
    // Room for what the step sends, so that sending does not allocate again.
    n.network.reserve(s.network.size() + 8);
    n.network = s.network;
    switch (a.kind) {
      case ActionKind::Deliver:
      case ActionKind::Redeliver: {
        const Envelope<Msg> e = n.network[a.index];
        if (a.kind == ActionKind::Deliver) n.network.erase(n.network.begin() + a.index);
        if (n.runtime[e.dst].crashed) return made;  // lost at a crashed actor
        Output& out = scratch(0);
        p_.on_msg(e.dst, n.actors[e.dst], e.src, e.msg, a.choice, out);
        apply(n, e.dst, out, 0);
        return made;
      }
      case ActionKind::Drop:
        if constexpr (uses_on_lost<P>()) p_.on_lost(n.actors, n.network[a.index]);
        n.network.erase(n.network.begin() + a.index);
        return made;
      case ActionKind::Timer: {
        const auto actor = static_cast<ActorId>(a.index / 64);
        const auto t = static_cast<TimerId>(a.index % 64);
        n.runtime[actor].timers &= ~(std::uint64_t{1} << t);
        Output& out = scratch(0);
        p_.on_timer(actor, n.actors[actor], t, a.choice, out);
        apply(n, actor, out, 0);
        return made;
      }
      case ActionKind::Crash:
        n.runtime[a.index] = {0, true};
        return made;
    }
    return std::nullopt;
  }

 public:
  std::uint64_t fingerprint(const State& s) const {
    std::uint64_t h = 0x243f6a8885a308d3ull;
    auto mix = [&h](std::uint64_t v) {
      h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
      h = (h ^ (h >> 31)) * 0xbf58476d1ce4e5b9ull;
    };
    for (const auto& a : s.actors) mix(p_.hash(a));
    mix(s.network.size());
    for (const auto& e : s.network) {
      mix((std::uint64_t{e.src} << 16) | e.dst);
      mix(p_.hash(e.msg));
    }
    for (const auto& r : s.runtime) {
      mix(r.timers);
      if (r.crashed) mix(0xc4a5edull);
    }
    if constexpr (kSummarized) {
      mix(p_.hash(s.history));
    } else if constexpr (!std::is_same_v<Event, NoEvent>) {
      mix(s.history.size());
      for (const Event& e : s.history) mix(p_.hash(e));
    }
    return h;
  }

  const char* violated(const State& s) const { return p_.violated(s); }

  // The protocol's goals and progress properties, if it has them (none otherwise).
  std::vector<std::string> goals() const {
    if constexpr (uses_goals<P>()) return p_.goals();
    return {};
  }
  std::uint32_t reached(const State& from, const Action& a, const State& to) const {
    if constexpr (uses_goals<P>()) return p_.reached(from, a, to);
    (void)from, (void)a, (void)to;
    return 0;
  }
  const char* stuck(const State& s) const {
    if constexpr (uses_stuck<P>()) return p_.stuck(s);
    (void)s;
    return nullptr;
  }

  std::string describe(const State& s) const {
    std::string d;
    for (std::size_t i = 0; i < s.actors.size(); ++i) {
      if (i) d += "; ";
      if constexpr (requires { p_.describe(ActorId{0}, s.actors[i]); })
        d += p_.actor_name(static_cast<ActorId>(i)) + ": " + p_.describe(static_cast<ActorId>(i), s.actors[i]);
      else
        d += p_.describe(s.actors[i]);
      if (s.runtime[i].crashed) d += " (crashed)";
    }
    d += "; in flight: " + std::to_string(s.network.size());
    return d;
  }
  // Who takes a step, and for a delivery who sent what it gets (the sequence diagram's arrow).
  std::pair<std::string, std::string> parties(const State& s, const Action& a) const {
    switch (a.kind) {
      case ActionKind::Deliver:
      case ActionKind::Redeliver: {
        const auto& e = s.network[a.index];
        return {p_.actor_name(e.src), p_.actor_name(e.dst)};
      }
      case ActionKind::Drop: return {"network", ""};
      case ActionKind::Timer: return {p_.actor_name(static_cast<ActorId>(a.index / 64)), ""};
      case ActionKind::Crash: return {p_.actor_name(static_cast<ActorId>(a.index)), ""};
    }
    return {"", ""};
  }
  // An action in words; it needs the state it is taken in (which message, whose timer).
  std::string describe(const State& s, const Action& a) const {
    switch (a.kind) {
      case ActionKind::Deliver:
      case ActionKind::Redeliver:
      case ActionKind::Drop: {
        const auto& e = s.network[a.index];
        const char* verb = a.kind == ActionKind::Drop ? "drop " : "deliver ";
        return verb + p_.describe(e.msg) + " from " + p_.actor_name(e.src) + " to " + p_.actor_name(e.dst) +
               way(a.choice, msg_choices(s, e)) +
               (a.kind == ActionKind::Redeliver ? " (a copy stays in flight)" : "");
      }
      case ActionKind::Timer: {
        const auto actor = static_cast<ActorId>(a.index / 64);
        const auto t = static_cast<TimerId>(a.index % 64);
        if constexpr (uses_describe_timer<P>())
          return p_.describe_timer(actor, s.actors[actor], t, a.choice);
        return p_.actor_name(actor) + "'s timer " + std::to_string(t) + " fires" +
               way(a.choice, timer_choices(s, actor, t));
      }
      case ActionKind::Crash: return p_.actor_name(static_cast<ActorId>(a.index)) + " crashes";
    }
    return "?";
  }

 private:
  std::uint32_t msg_choices(const State& s, const Envelope<Msg>& e) const {
    if constexpr (uses_msg_choices<P>())
      return p_.msg_choices(e.dst, s.actors[e.dst], e.src, e.msg);
    return 1;
  }
  std::uint32_t timer_choices(const State& s, ActorId a, TimerId t) const {
    if constexpr (uses_timer_choices<P>()) return p_.timer_choices(a, s.actors[a], t);
    return 1;
  }
  // How a choice reads in a counterexample: the protocol's words if it has them.
  std::string way(std::uint32_t choice, std::uint32_t ways) const {
    if (ways <= 1) return "";
    if constexpr (uses_describe_choice<P>()) return " (" + p_.describe_choice(choice) + ")";
    return " (way " + std::to_string(choice) + " of " + std::to_string(ways) + ")";
  }
  bool oldest_in_channel(const State& s, std::uint32_t i) const {
    for (std::uint32_t j = 0; j < i; ++j)
      if (s.network[j].src == s.network[i].src && s.network[j].dst == s.network[i].dst) return false;
    return true;
  }
  // A handler's output, cleared; one per depth of instant deliveries, reused by each
  // thread (a step would otherwise allocate its sends and events anew).
  static Output& scratch(unsigned depth) {
    thread_local std::deque<Output> pool;  // grows without moving what it holds
    while (pool.size() <= depth) pool.emplace_back();
    Output& o = pool[depth];
    o.sends.clear();
    o.events.clear();
    o.set_timers = o.cancel_timers = 0;
    return o;
  }

  void apply(State& s, ActorId from, const Output& out, unsigned depth) const {
    s.runtime[from].timers = (s.runtime[from].timers | out.set_timers) & ~out.cancel_timers;
    for (const Event& e : out.events) {
      if constexpr (kSummarized)
        p_.record(s.history, e);
      else
        s.history.push_back(e);
    }
    for (const auto& [to, m] : out.sends) {
      Envelope<Msg> e{from, to, m};
      if constexpr (uses_instant<P>()) {
        if (p_.instant(e) && !s.runtime[to].crashed) {
          // Delivered in this step. On a duplicating network a copy also stays in flight,
          // to arrive again later like any message.
          if (net_.duplicating) put_in_flight(s, e);
          if (msg_choices(s, e) != 1)
            throw std::logic_error("an instant message must leave its receiver one way to act");
          Output& then = scratch(depth + 1);
          p_.on_msg(to, s.actors[to], from, e.msg, 0, then);
          apply(s, to, then, depth + 1);
          continue;
        }
      }
      put_in_flight(s, std::move(e));
    }
  }
  void put_in_flight(State& s, Envelope<Msg> e) const {
    if (net_.delivery == Delivery::Fifo) {
      s.network.push_back(std::move(e));
      return;
    }
    auto at = std::upper_bound(s.network.begin(), s.network.end(), e);
    // A duplicating network is a set: a message already in flight is not added twice.
    if (net_.duplicating && at != s.network.begin() && *(at - 1) == e) return;
    s.network.insert(at, std::move(e));
  }

  P p_;
  NetworkOptions net_;
};

}  // namespace weir::model::core
