// Seeded random simulation: walks from an initial state, one random enabled action at a
// time, for bugs deeper than exhaustive search reaches. Included by explore.hpp.
//
// Run r draws from its own generator, seeded by (seed, r), so a run is the same whatever
// thread does it and however many there are; of several failing runs the one with the
// least index is reported. The same seed always gives the same result. Runs are numbered
// from `first_run`, so that shards of one simulation (weir explore --shard) each do a
// disjoint range of the same runs.
#pragma once

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

namespace weir::explore {

struct SimulateOptions {
  std::uint64_t runs = 1000;
  std::uint64_t first_run = 0;  // runs first_run .. first_run + runs - 1
  std::uint64_t seed = 1;
  std::uint32_t depth = 100;  // steps per run
  unsigned threads = 0;       // 0: one per core
  double timeout_seconds = 0;
};

template <Model M>
Result simulate(const M& model, const SimulateOptions& opts, const ProgressFn& progress = {}) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const unsigned threads = std::max(1u, opts.threads ? opts.threads : std::thread::hardware_concurrency());
  const std::vector<typename M::State> inits = model.init_states();
  Result result;
  result.outcome = Outcome::Sampled;
  result.goals = goals_of(model);
  result.goal_hits.assign(result.goals.size(), 0);
  if (inits.empty()) return result;

  std::atomic<std::uint64_t> next_run{0}, steps{0}, runs_done{0};
  std::atomic<bool> timed_out{false};
  std::mutex mu;
  std::uint64_t failing_run = ~std::uint64_t{0};
  std::uint32_t deepest = 0;

  auto one_run = [&](std::uint64_t r) {
    std::seed_seq seq{static_cast<std::uint32_t>(opts.seed), static_cast<std::uint32_t>(opts.seed >> 32),
                      static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(r >> 32)};
    std::mt19937_64 rng(seq);
    const auto init = static_cast<std::uint32_t>(rng() % inits.size());
    typename M::State s = inits[init];
    std::vector<std::uint32_t> path;
    std::vector<typename M::Action> actions;
    const char* bad = model.violated(s);
    std::uint32_t goals_here = 0;
    while (!bad && path.size() < opts.depth) {
      actions.clear();
      model.actions(s, actions);
      if (actions.empty()) break;  // a final state: the run ends here
      const auto k = static_cast<std::uint32_t>(rng() % actions.size());
      auto n = model.next(s, actions[k]);
      if (!n) break;  // an action offered but not taken: treat as the end of the run
      goals_here |= reached(model, s, actions[k], *n);
      s = std::move(*n);
      path.push_back(k);
      bad = model.violated(s);
    }
    // A run that ends where nothing more can happen is judged by the progress properties.
    if constexpr (has_stuck<M>())
      if (!bad && quiescent(model, s)) bad = model.stuck(s);
    steps.fetch_add(path.size(), std::memory_order_relaxed);
    std::lock_guard lock(mu);
    for (std::size_t g = 0; g < result.goal_hits.size(); ++g) result.goal_hits[g] += (goals_here >> g) & 1u;
    deepest = std::max<std::uint32_t>(deepest, static_cast<std::uint32_t>(path.size()));
    if (bad && r < failing_run) {
      failing_run = r;
      result.outcome = Outcome::Violation;
      result.invariant = bad;
      result.violation_depth = static_cast<std::uint32_t>(path.size());
      result.init_index = init;
      result.path = std::move(path);
    }
  };

  double last_report = 0;
  auto work = [&](unsigned t) {
    for (;;) {
      const std::uint64_t r = opts.first_run + next_run.fetch_add(1, std::memory_order_relaxed);
      if (r >= opts.first_run + opts.runs) break;
      {
        // Runs after a failing one cannot change the verdict; earlier ones still can.
        std::lock_guard lock(mu);
        if (r > failing_run) break;
      }
      const double now = std::chrono::duration<double>(Clock::now() - start).count();
      if (opts.timeout_seconds > 0 && now >= opts.timeout_seconds) {
        timed_out = true;
        break;
      }
      one_run(r);
      runs_done.fetch_add(1, std::memory_order_relaxed);
      if (t == 0 && progress && now - last_report >= 1.0) {
        last_report = now;
        Progress p;
        p.states = steps.load();
        p.unique = runs_done.load();
        p.seconds = now;
        progress(p);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& th : pool) th.join();

  result.stats.states = steps.load();
  result.stats.unique = runs_done.load();  // runs completed
  result.stats.depth = deepest;
  result.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (result.outcome == Outcome::Violation) result.failing_run = failing_run;
  if (result.outcome != Outcome::Violation && timed_out) {
    result.outcome = Outcome::Bounded;
    result.bound = "timeout";
  }
  return result;
}

}  // namespace weir::explore
