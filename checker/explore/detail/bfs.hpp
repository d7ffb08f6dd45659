// Breadth-first exploration, level by level on every core. Included by explore.hpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "checker/explore/detail/full_state_set.hpp"
#include "checker/explore/detail/state_set.hpp"

namespace weir::explore {

template <Model M>
Result bfs(const M& model, const Options& opts, const ProgressFn& progress = {}) {
  using State = typename M::State;
  using Action = typename M::Action;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const unsigned threads = std::max(1u, opts.threads ? opts.threads : std::thread::hardware_concurrency());

  // With invariants, each state remembers how it was first reached: its parent's
  // fingerprint and the action's index (or, for an initial state, kRoot | its index).
  constexpr std::uint32_t kRoot = 0x80000000u;
  constexpr bool kPaths = tracks_paths<M>();
  struct Link {
    std::uint64_t parent = 0;
    std::uint32_t step = 0;
    std::uint32_t depth = 0;
  };
  // Of two links to a state found in the same level, keep the least (parent, step).
  auto prefer = [](const auto& old, const auto& neu) {
    if constexpr (kPaths)
      return neu.depth == old.depth && std::pair(neu.parent, neu.step) < std::pair(old.parent, old.step);
    else
      return false;
  };
  using Table = detail::StateTable<std::conditional_t<kPaths, Link, detail::NoPayload>>;
  auto link = [](std::uint64_t parent, std::uint32_t step, std::uint32_t depth) {
    if constexpr (kPaths) return Link{parent, step, depth};
    else return detail::NoPayload{};
  };
  Table visited;
  // A state waiting to be expanded; with paths, its fingerprint too (its successors'
  // parent), computed once when it was found.
  struct Entry {
    State state;
    [[no_unique_address]] std::conditional_t<kPaths, std::uint64_t, detail::NoPayload> fp{};
  };
  auto entry = [](State&& s, std::uint64_t fp) {
    Entry e{std::move(s)};
    if constexpr (kPaths) e.fp = fp;
    else (void)fp;
    return e;
  };
  // --full-states: membership is decided by whole states; `visited` then only keeps the
  // parent links (by fingerprint) for counterexamples.
  std::unique_ptr<detail::FullStateSet<State>> whole;
  if (opts.full_states) whole = std::make_unique<detail::FullStateSet<State>>();
  auto add = [&](std::uint64_t fp, const State& s, const auto& payload) {
    if (!whole) return visited.insert(fp, payload, prefer);
    if (!whole->insert(fp, s)) return false;
    visited.insert(fp, payload, prefer);
    return true;
  };
  auto seen = [&](std::uint64_t fp, const State& s) { return whole ? whole->contains(fp, s) : visited.contains(fp); };
  auto unique = [&] { return whole ? whole->size() : visited.size(); };
  Result result;
  result.goals = goals_of(model);
  const std::uint32_t all_goals = detail::all_goals(result.goals.size());
  std::atomic<std::uint32_t> goals_reached{0};
  std::uint64_t bad_fp = 0;
  std::atomic<std::uint64_t> generated{0};
  std::atomic<bool> stop{false};  // a bound: stop at once
  std::atomic<bool> violation_found{false};  // stop after this level
  std::mutex found_mu;  // guards result's violation and bound fields

  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  // The violation kept is the least (depth, fingerprint), so that the counterexample
  // does not depend on how the threads raced.
  auto note_violation = [&](const char* name, std::uint32_t depth, std::uint64_t fp) {
    std::lock_guard lock(found_mu);
    if (result.outcome == Outcome::Violation &&
        std::pair(result.violation_depth, bad_fp) <= std::pair(depth, fp))
      return;
    result.outcome = Outcome::Violation;
    result.invariant = name;
    result.violation_depth = depth;
    bad_fp = fp;
    // The level is finished all the same: every violation at this depth is then seen,
    // and the least one kept, however the threads were scheduled.
    violation_found = true;
  };
  auto note_bound = [&](const char* which) {
    std::lock_guard lock(found_mu);
    if (result.outcome != Outcome::Complete) return;
    result.outcome = Outcome::Bounded;
    result.bound = which;
    stop = true;
  };

  std::vector<Entry> frontier;
  const std::vector<State> inits = model.init_states();
  for (std::uint32_t i = 0; i < inits.size(); ++i) {
    generated.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t fp = model.fingerprint(inits[i]);
    if (!add(fp, inits[i], link(0, kRoot | i, 0))) continue;
    if (const char* bad = model.violated(inits[i])) note_violation(bad, 0, fp);
    frontier.push_back(entry(State(inits[i]), fp));
  }

  std::uint32_t depth = 0;
  double last_report = 0;
  auto stats = [&] {
    Progress p;
    p.states = generated.load(std::memory_order_relaxed);
    p.unique = unique();
    p.depth = depth;
    p.seconds = elapsed();
    p.bytes = visited.bytes() + (whole ? whole->bytes() : 0) + frontier.capacity() * sizeof(Entry);
    return p;
  };

  while (!frontier.empty() && !stop && !violation_found) {
    // At the depth bound the level is still expanded, only to learn whether anything new
    // lies beyond it: if not, the search is complete after all.
    const bool at_bound = opts.max_depth && depth >= opts.max_depth;
    std::vector<std::vector<Entry>> next(threads);
    std::atomic<std::size_t> cursor{0};
    constexpr std::size_t kChunk = 512;
    auto work = [&](unsigned t) {
      std::vector<Action> actions;
      struct Successor {
        std::uint64_t fp, parent;
        std::uint32_t step;
        State state;
      };
      std::vector<Successor> batch;
      std::vector<Entry>& out = next[t];
      std::uint64_t made = 0;
      std::uint32_t goals_here = 0;  // goals this thread's transitions reached
      for (;;) {
        const std::size_t begin = cursor.fetch_add(kChunk, std::memory_order_relaxed);
        if (begin >= frontier.size() || stop.load(std::memory_order_relaxed)) break;
        const std::size_t end = std::min(frontier.size(), begin + kChunk);
        // A few states at a time: their successors are made and their slots in the set
        // prefetched before any is inserted, so that the cache misses overlap.
        constexpr std::size_t kBatch = 8;
        for (std::size_t i = begin; i < end; i += kBatch) {
          batch.clear();
          for (std::size_t j = i; j < std::min(end, i + kBatch); ++j) {
            const State& from = frontier[j].state;
            actions.clear();
            model.actions(from, actions);
            std::uint64_t parent = 0;
            if constexpr (kPaths) parent = frontier[j].fp;
            else if constexpr (has_stuck<M>()) parent = model.fingerprint(from);
            bool moves = false;  // some action leads to another state
            for (std::uint32_t k = 0; k < actions.size(); ++k)
              if (std::optional<State> n = model.next(from, actions[k])) {
                const std::uint64_t fp = model.fingerprint(*n);
                visited.prefetch(fp);
                moves |= fp != parent;
                if constexpr (has_goals<M>())
                  if (goals_here != all_goals) goals_here |= model.reached(from, actions[k], *n);
                batch.push_back({fp, parent, k, std::move(*n)});
              }
            if constexpr (has_stuck<M>())
              if (!moves)
                if (const char* bad = model.stuck(from)) note_violation(bad, depth, parent);
          }
          made += batch.size();
          for (Successor& b : batch) {
            if (at_bound) {
              if (!seen(b.fp, b.state)) note_bound("max-depth");
              continue;
            }
            if (!add(b.fp, b.state, link(b.parent, b.step, depth + 1))) continue;
            if (const char* bad = model.violated(b.state)) note_violation(bad, depth + 1, b.fp);
            out.push_back(entry(std::move(b.state), b.fp));
          }
        }
        generated.fetch_add(made, std::memory_order_relaxed);
        made = 0;
        goals_reached.fetch_or(goals_here, std::memory_order_relaxed);
        if (t == 0) {
          const double now = elapsed();
          if (opts.timeout_seconds > 0 && now >= opts.timeout_seconds) note_bound("timeout");
          if (opts.max_states && unique() > opts.max_states) note_bound("max-states");
          if (progress && now - last_report >= 1.0) {
            last_report = now;
            progress(stats());
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (std::thread& th : pool) th.join();

    std::size_t total = 0;
    for (const auto& v : next) total += v.size();
    frontier.clear();
    frontier.shrink_to_fit();
    frontier.reserve(total);
    for (auto& v : next) {
      frontier.insert(frontier.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
      std::vector<Entry>().swap(v);
    }
    if (!frontier.empty()) ++depth;
  }
  result.stats = stats();
  detail::tally(result, goals_reached.load());
  if constexpr (kPaths) {
    if (result.outcome == Outcome::Violation) {
      // Follow the parent links back to an initial state.
      std::uint64_t fp = bad_fp;
      for (;;) {
        const Link* l = visited.find(fp);
        if (!l) break;  // cannot happen: every visited state has its link
        if (l->step & kRoot) {
          result.init_index = l->step & ~kRoot;
          break;
        }
        result.path.push_back(l->step);
        fp = l->parent;
      }
      std::reverse(result.path.begin(), result.path.end());
    }
  }
  return result;
}

}  // namespace weir::explore
