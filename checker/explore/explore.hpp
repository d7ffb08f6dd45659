// Explicit-state model checking: the Model concept, and breadth-first exploration.
//
// A model is a transition system: initial states, the actions enabled in a state (in a
// deterministic order, so that a path is a list of action indices that replays exactly),
// the state an action leads to, and named invariants that must hold in every reachable
// state. The explorer visits every reachable state once, remembering each by a 64-bit
// fingerprint, level by level (so the first violation found is at the least depth), on
// every core.
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <type_traits>
#include <string>
#include <vector>

#include "checker/explore/hooks.hpp"


namespace weir::explore {

template <class M>
concept Model = requires(const M m, const typename M::State s, const typename M::Action a,
                         std::vector<typename M::Action>& out) {
  { m.init_states() } -> std::same_as<std::vector<typename M::State>>;
  { m.actions(s, out) } -> std::same_as<void>;
  { m.next(s, a) } -> std::same_as<std::optional<typename M::State>>;
  { m.fingerprint(s) } -> std::same_as<std::uint64_t>;
  // The first invariant that fails in s (its name), or nullptr when all hold.
  { m.violated(s) } -> std::same_as<const char*>;
};

// Optional parts of a model, each found by name (checker/explore/hooks.hpp): a member with
// the name but not the signature fails to build instead of being skipped.
//
// Reachability goals ("sometimes"): the states a configuration must reach for a search
// that holds to mean something. goals() names them (at most 32); reached(from, action,
// to) says which of them a transition reaches, as bits in goals()'s order. Goals are
// judged on transitions, so that "a chain re-enters through a gateway" needs no ghost
// field that would multiply the states.
//
// Progress ("eventually", on finite paths): stuck(s) names the property that fails if a
// run ends in s, where nothing more can happen (no action changes the state), or nullptr.
template <class M>
constexpr bool has_goals() {
  if constexpr (hooks::has_member_goals<M> || hooks::has_member_reached<M>) {
    static_assert(requires(const M m, const typename M::State s, const typename M::Action a) {
      { m.goals() } -> std::same_as<std::vector<std::string>>;
      { m.reached(s, a, s) } -> std::same_as<std::uint32_t>;
    }, "a model's goals need both std::vector<std::string> goals() const and "
       "std::uint32_t reached(const State& from, const Action& a, const State& to) const");
    return true;
  } else {
    return false;
  }
}

template <class M>
constexpr bool has_stuck() {
  if constexpr (hooks::has_member_stuck<M>) {
    static_assert(requires(const M m, const typename M::State s) {
      { m.stuck(s) } -> std::same_as<const char*>;
    }, "a model's progress hook must be const char* stuck(const State& s) const");
    return true;
  } else {
    return false;
  }
}

template <class M>
std::vector<std::string> goals_of(const M& model) {
  if constexpr (has_goals<M>()) return model.goals();
  else return {};
}

// A model whose configuration leaves out some of its goals names them all in a fixed
// order and says which apply (bit i: goal i). goals() and reached() then both leave out
// the others in the same way, so a goal's name and its bit cannot drift apart.
inline std::vector<std::string> applicable_goals(std::span<const char* const> all, std::uint32_t applies) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < all.size(); ++i)
    if ((applies >> i) & 1u) names.emplace_back(all[i]);
  return names;
}
// The bits of `raw` (in the fixed order) that apply, renumbered as applicable_goals() lists them.
inline std::uint32_t applicable_bits(std::uint32_t raw, std::uint32_t applies) {
  std::uint32_t bits = 0;
  unsigned at = 0;
  for (unsigned i = 0; i < 32; ++i) {
    if (!((applies >> i) & 1u)) continue;
    bits |= ((raw >> i) & 1u) << at;
    ++at;
  }
  return bits;
}

// Bits of the goals a transition reaches (0 for a model without goals).
template <class M>
std::uint32_t reached(const M& model, const typename M::State& from, const typename M::Action& a,
                      const typename M::State& to) {
  if constexpr (has_goals<M>()) return model.reached(from, a, to);
  else return 0;
}

struct Options {
  std::uint64_t max_states = 0;  // 0: no bound
  std::uint32_t max_depth = 0;   // 0: no bound
  double timeout_seconds = 0;    // 0: no bound
  unsigned threads = 0;          // 0: one per core
  // Store whole states, not only fingerprints: exact counts whatever the fingerprint
  // (breadth-first search; costs the states' size in memory).
  bool full_states = false;
  // Depth-first search only: 0 tries each state's actions in the model's order; another
  // value, a seeded order of its own (the same state always gets the same order), so that
  // swarm shards (weir explore --dfs --shard) each go their own way through the space.
  std::uint64_t order_seed = 0;
};

struct Progress {
  std::uint64_t states = 0;       // transitions taken (states generated)
  std::uint64_t unique = 0;       // distinct states found
  std::uint32_t depth = 0;        // levels completed
  double seconds = 0;
  std::uint64_t bytes = 0;        // memory held by the state set and the frontier
};

// Complete: every reachable state explored, every invariant holds. Sampled: random
// simulation found no violation, which proves nothing about the runs it did not try.
enum class Outcome { Complete, Violation, Bounded, Sampled };

struct Result {
  Outcome outcome = Outcome::Complete;
  Progress stats;
  std::string bound;              // Bounded: which bound stopped the search
  std::string invariant;          // Violation: its name
  std::uint32_t violation_depth = 0;
  // Violation: the counterexample, as the index of the initial state and, step by step,
  // the index of the action taken among those `actions` lists in that state. Replaying it
  // with `replay` reaches the violating state.
  std::uint32_t init_index = 0;
  std::vector<std::uint32_t> path;
  // Simulation's Violation: the number of the run that found it (replay: run it alone).
  std::uint64_t failing_run = 0;
  // The model's goals, and for each how often it was reached: exhaustive search counts 1
  // (reached) or 0 (never reached: the verdict is vacuous for it); simulation counts the
  // runs that reached it.
  std::vector<std::string> goals;
  std::vector<std::uint64_t> goal_hits;
  // The goals a complete exhaustive search never reached.
  std::vector<std::string> unreached() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < goals.size(); ++i)
      if (i >= goal_hits.size() || goal_hits[i] == 0) out.push_back(goals[i]);
    return out;
  }
};

namespace detail {
// The goals' bits as hit counts.
inline void tally(Result& r, std::uint32_t mask) {
  r.goal_hits.assign(r.goals.size(), 0);
  for (std::size_t i = 0; i < r.goals.size(); ++i) r.goal_hits[i] = (mask >> i) & 1u;
}
inline std::uint32_t all_goals(std::size_t n) {
  return n >= 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << n) - 1;
}
}  // namespace detail

// A model may declare `static constexpr bool has_invariants = false;` (a benchmark): the
// search then keeps no parent links, only fingerprints.
template <class M>
constexpr bool tracks_paths() {
  if constexpr (hooks::has_member_has_invariants<M>) {
    static_assert(std::is_same_v<decltype(M::has_invariants), const bool>,
                  "has_invariants must be static constexpr bool");
    return M::has_invariants;
  }
  return true;
}

// Replays a counterexample: the states it passes through, from the initial one; empty if
// an index is out of range (the path does not belong to this model and options).
template <Model M>
std::vector<typename M::State> replay(const M& model, std::uint32_t init_index,
                                      const std::vector<std::uint32_t>& path) {
  std::vector<typename M::State> states;
  auto inits = model.init_states();
  if (init_index >= inits.size()) return {};
  states.push_back(inits[init_index]);
  std::vector<typename M::Action> actions;
  for (std::uint32_t i : path) {
    actions.clear();
    model.actions(states.back(), actions);
    if (i >= actions.size()) return {};
    auto n = model.next(states.back(), actions[i]);
    if (!n) return {};
    states.push_back(std::move(*n));
  }
  return states;
}

// Whether nothing more can happen in s: no action leads to another state.
template <Model M>
bool quiescent(const M& model, const typename M::State& s) {
  std::vector<typename M::Action> actions;
  model.actions(s, actions);
  for (const auto& a : actions)
    if (auto n = model.next(s, a); n && !(*n == s)) return false;
  return true;
}

// The property s violates as the end of a run: an invariant, or (if nothing more can
// happen in s) a progress property; nullptr if none.
template <Model M>
const char* violated_at_end(const M& model, const typename M::State& s) {
  if (const char* bad = model.violated(s)) return bad;
  if constexpr (has_stuck<M>())
    if (quiescent(model, s)) return model.stuck(s);
  return nullptr;
}

// Called at most once a second from one thread while a search runs.
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace weir::explore

#include "checker/explore/detail/bfs.hpp"  // template definitions
#include "checker/explore/detail/simulate.hpp"  // template definitions
#include "checker/explore/detail/dfs.hpp"  // template definitions
