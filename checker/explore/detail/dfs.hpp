// Depth-first exploration on one thread: no frontier to hold, only the fingerprint set
// and the current path, for models whose levels are too wide for breadth-first search.
// The path on the stack is the counterexample (not the shortest). Included by explore.hpp.
#pragma once

namespace weir::explore {

template <Model M>
Result dfs(const M& model, const Options& opts, const ProgressFn& progress = {}) {
  using State = typename M::State;
  using Action = typename M::Action;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  struct Frame {
    State state;
    std::vector<Action> actions;
    std::vector<std::uint32_t> order;  // with an order seed: the actions' indices, in the order tried
    std::uint32_t next = 0;  // the action to try next (a position in `order`, if any)
    std::uint64_t fp = 0;
    bool moves = false;      // some action led to another state
  };
  auto action_at = [](const Frame& f, std::uint32_t position) { return f.order.empty() ? position : f.order[position]; };
  detail::StateSet visited;
  std::vector<Frame> stack;
  Result result;
  result.goals = goals_of(model);
  const std::uint32_t all_goals = detail::all_goals(result.goals.size());
  std::uint32_t goals_reached = 0;
  std::uint64_t generated = 0;
  std::uint32_t deepest = 0;
  double last_report = 0;

  auto stats = [&] {
    Progress p;
    p.states = generated;
    p.unique = visited.size();
    p.depth = deepest;
    p.seconds = elapsed();
    p.bytes = visited.bytes() + stack.capacity() * sizeof(Frame);
    return p;
  };
  auto push = [&](State s, std::uint64_t fp) {
    Frame f{std::move(s), {}, {}, 0, fp, false};
    model.actions(f.state, f.actions);
    if (opts.order_seed != 0 && f.actions.size() > 1) {
      f.order.resize(f.actions.size());
      for (std::uint32_t k = 0; k < f.order.size(); ++k) f.order[k] = k;
      // Seeded by the state itself: the order does not depend on how the state was reached.
      std::mt19937_64 rng(opts.order_seed ^ (fp * 0x9e3779b97f4a7c15ull));
      std::shuffle(f.order.begin(), f.order.end(), rng);
    }
    stack.push_back(std::move(f));
    deepest = std::max<std::uint32_t>(deepest, static_cast<std::uint32_t>(stack.size() - 1));
  };
  auto violation = [&](const char* bad, std::uint32_t init, std::optional<std::uint32_t> last) {
    result.outcome = Outcome::Violation;
    result.invariant = bad;
    result.init_index = init;
    // Each frame below the top took the action before its `next`; the top one took `last`.
    // The path names the model's own indices, whatever order they were tried in.
    for (std::size_t i = 0; i + 1 < stack.size(); ++i) result.path.push_back(action_at(stack[i], stack[i].next - 1));
    if (last) result.path.push_back(*last);
    result.violation_depth = static_cast<std::uint32_t>(result.path.size());
  };
  auto stop_for = [&](const char* bound) {
    result.outcome = Outcome::Bounded;
    result.bound = bound;
  };

  const std::vector<State> inits = model.init_states();
  for (std::uint32_t i = 0; i < inits.size() && result.outcome == Outcome::Complete; ++i) {
    ++generated;
    const std::uint64_t init_fp = model.fingerprint(inits[i]);
    if (!visited.insert(init_fp)) continue;
    if (const char* bad = model.violated(inits[i])) {
      violation(bad, i, std::nullopt);
      break;
    }
    push(inits[i], init_fp);
    bool cut = false;  // the depth bound left something unexplored
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.actions.size()) {
        if constexpr (has_stuck<M>())
          if (!f.moves)
            if (const char* bad = model.stuck(f.state)) {
              violation(bad, i, std::nullopt);
              break;
            }
        stack.pop_back();
        continue;
      }
      const std::uint32_t k = action_at(f, f.next++);
      std::optional<State> n = model.next(f.state, f.actions[k]);
      if (!n) continue;
      if ((++generated & 0xffff) == 0) {
        const double now = elapsed();
        if (opts.timeout_seconds > 0 && now >= opts.timeout_seconds) {
          stop_for("timeout");
          break;
        }
        if (progress && now - last_report >= 1.0) {
          last_report = now;
          progress(stats());
        }
      }
      const std::uint64_t fp = model.fingerprint(*n);
      f.moves |= fp != f.fp;
      if constexpr (has_goals<M>())
        if (goals_reached != all_goals) goals_reached |= model.reached(f.state, f.actions[k], *n);
      if (opts.max_depth && stack.size() > opts.max_depth) {
        if (!visited.contains(fp)) cut = true;
        continue;
      }
      if (!visited.insert(fp)) continue;
      if (const char* bad = model.violated(*n)) {
        violation(bad, i, k);
        break;
      }
      if (opts.max_states && visited.size() > opts.max_states) {
        stop_for("max-states");
        break;
      }
      push(std::move(*n), fp);
    }
    if (cut && result.outcome == Outcome::Complete) stop_for("max-depth");
    if (result.outcome == Outcome::Violation) break;
  }
  result.stats = stats();
  detail::tally(result, goals_reached);
  return result;
}

}  // namespace weir::explore
