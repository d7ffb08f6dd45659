// Explicit-state model checking: the Model concept, and breadth-first exploration.
//
// A model is a transition system: initial states, the actions enabled in a state (in a
// deterministic order, so that a path is a list of action indices that replays exactly),
// the state an action leads to, and named invariants that must hold in every reachable
// state. The explorer visits every reachable state once, remembering each by a 64-bit
// fingerprint, level by level (so the first violation found is at the least depth), on
// every core.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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

struct Options {
  std::uint64_t max_states = 0;  // 0: no bound
  std::uint32_t max_depth = 0;   // 0: no bound
  double timeout_seconds = 0;    // 0: no bound
  unsigned threads = 0;          // 0: one per core
  // Store whole states, not only fingerprints: exact counts whatever the fingerprint
  // (breadth-first search; costs the states' size in memory).
  bool full_states = false;
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
};

// A model may declare `static constexpr bool has_invariants = false;` (a benchmark): the
// search then keeps no parent links, only fingerprints.
template <class M>
constexpr bool tracks_paths() {
  if constexpr (requires { M::has_invariants; }) return M::has_invariants;
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

// Called at most once a second from one thread while a search runs.
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace weir::explore

#include "checker/explore/detail/bfs.hpp"  // template definitions
#include "checker/explore/detail/simulate.hpp"  // template definitions
#include "checker/explore/detail/dfs.hpp"  // template definitions
