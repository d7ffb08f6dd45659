// Breadth-first exploration, level by level on every core. Included by explore.hpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "checker/explore/detail/state_set.hpp"

namespace weir::explore {

template <Model M>
Result bfs(const M& model, const Options& opts, const ProgressFn& progress = {}) {
  using State = typename M::State;
  using Action = typename M::Action;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const unsigned threads = std::max(1u, opts.threads ? opts.threads : std::thread::hardware_concurrency());

  detail::StateSet visited;
  Result result;
  std::atomic<std::uint64_t> generated{0};
  std::atomic<bool> stop{false};
  std::mutex found_mu;  // guards result's violation and bound fields

  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto note_violation = [&](const char* name, std::uint32_t depth) {
    std::lock_guard lock(found_mu);
    if (result.outcome == Outcome::Violation && result.violation_depth <= depth) return;
    result.outcome = Outcome::Violation;
    result.invariant = name;
    result.violation_depth = depth;
    stop = true;
  };
  auto note_bound = [&](const char* which) {
    std::lock_guard lock(found_mu);
    if (result.outcome != Outcome::Complete) return;
    result.outcome = Outcome::Bounded;
    result.bound = which;
    stop = true;
  };

  std::vector<State> frontier;
  for (const State& s : model.init_states()) {
    generated.fetch_add(1, std::memory_order_relaxed);
    if (!visited.insert(model.fingerprint(s))) continue;
    if (const char* bad = model.violated(s)) note_violation(bad, 0);
    frontier.push_back(s);
  }

  std::uint32_t depth = 0;
  double last_report = 0;
  auto stats = [&] {
    Progress p;
    p.states = generated.load(std::memory_order_relaxed);
    p.unique = visited.size();
    p.depth = depth;
    p.seconds = elapsed();
    p.bytes = visited.bytes() + frontier.capacity() * sizeof(State);
    return p;
  };

  while (!frontier.empty() && !stop) {
    // At the depth bound the level is still expanded, only to learn whether anything new
    // lies beyond it: if not, the search is complete after all.
    const bool at_bound = opts.max_depth && depth >= opts.max_depth;
    std::vector<std::vector<State>> next(threads);
    std::atomic<std::size_t> cursor{0};
    constexpr std::size_t kChunk = 512;
    auto work = [&](unsigned t) {
      std::vector<Action> actions;
      std::vector<std::pair<std::uint64_t, State>> batch;
      std::vector<State>& out = next[t];
      std::uint64_t made = 0;
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
            actions.clear();
            model.actions(frontier[j], actions);
            for (const Action& a : actions)
              if (std::optional<State> n = model.next(frontier[j], a)) {
                const std::uint64_t fp = model.fingerprint(*n);
                visited.prefetch(fp);
                batch.emplace_back(fp, std::move(*n));
              }
          }
          made += batch.size();
          for (auto& [fp, n] : batch) {
            if (at_bound) {
              if (!visited.contains(fp)) note_bound("max-depth");
              continue;
            }
            if (!visited.insert(fp)) continue;
            if (const char* bad = model.violated(n)) note_violation(bad, depth + 1);
            out.push_back(std::move(n));
          }
        }
        generated.fetch_add(made, std::memory_order_relaxed);
        made = 0;
        if (t == 0) {
          const double now = elapsed();
          if (opts.timeout_seconds > 0 && now >= opts.timeout_seconds) note_bound("timeout");
          if (opts.max_states && visited.size() > opts.max_states) note_bound("max-states");
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
      std::vector<State>().swap(v);
    }
    if (!frontier.empty()) ++depth;
  }
  result.stats = stats();
  return result;
}

}  // namespace weir::explore
