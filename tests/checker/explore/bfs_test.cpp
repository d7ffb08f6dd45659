// The breadth-first explorer on tiny models whose answers are known by hand.
#include <gtest/gtest.h>

#include "checker/explore/explore.hpp"

namespace weir::explore {
namespace {

// Two counters x in 0..X and y in 0..Y, each action adds one to one of them: (X+1)(Y+1)
// states, depth X+Y. The invariant x + y < limit first fails at depth `limit`.
struct Grid {
  struct State {
    int x = 0, y = 0;
    bool operator==(const State&) const = default;
  };
  enum class Action { IncX, IncY };
  int max_x, max_y, limit;

  std::vector<State> init_states() const { return {State{}}; }
  void actions(const State& s, std::vector<Action>& out) const {
    if (s.x < max_x) out.push_back(Action::IncX);
    if (s.y < max_y) out.push_back(Action::IncY);
  }
  std::optional<State> next(const State& s, const Action& a) const {
    State n = s;
    (a == Action::IncX ? n.x : n.y) += 1;
    return n;
  }
  std::uint64_t fingerprint(const State& s) const {
    return (static_cast<std::uint64_t>(s.x) << 32 | static_cast<std::uint32_t>(s.y)) * 0x9e3779b97f4a7c15ull;
  }
  const char* violated(const State& s) const { return s.x + s.y >= limit ? "x + y < limit" : nullptr; }
};
static_assert(Model<Grid>);

TEST(Bfs, CountsEveryReachableStateOnce) {
  for (unsigned threads : {1u, 2u, 4u}) {
    Options o;
    o.threads = threads;
    const Result r = bfs(Grid{30, 40, 1000}, o);
    EXPECT_EQ(r.outcome, Outcome::Complete);
    EXPECT_EQ(r.stats.unique, 31u * 41u) << threads;
    EXPECT_EQ(r.stats.depth, 70u);
    // Every state but the corners' edges has two successors: x-edges and y-edges.
    EXPECT_EQ(r.stats.states, 1u + 30u * 41u + 40u * 31u);
  }
}

TEST(Bfs, FindsAViolationAtItsLeastDepth) {
  for (unsigned threads : {1u, 2u}) {
    Options o;
    o.threads = threads;
    const Result r = bfs(Grid{30, 40, 17}, o);
    ASSERT_EQ(r.outcome, Outcome::Violation);
    EXPECT_EQ(r.violation_depth, 17u);
    EXPECT_EQ(r.invariant, "x + y < limit");
  }
}

TEST(Bfs, CounterexampleReplaysToTheViolationAndDoesNotDependOnThreads) {
  const Grid grid{30, 40, 17};
  std::vector<std::uint32_t> first;
  for (unsigned threads : {1u, 2u, 3u}) {
    Options o;
    o.threads = threads;
    const Result r = bfs(grid, o);
    ASSERT_EQ(r.outcome, Outcome::Violation);
    ASSERT_EQ(r.path.size(), 17u);  // breadth-first: a shortest path
    const auto states = replay(grid, r.init_index, r.path);
    ASSERT_EQ(states.size(), 18u);
    EXPECT_STREQ(grid.violated(states.back()), "x + y < limit");
    for (std::size_t i = 0; i + 1 < states.size(); ++i) EXPECT_EQ(grid.violated(states[i]), nullptr);
    if (first.empty()) first = r.path;
    EXPECT_EQ(r.path, first) << threads << " threads";
  }
  // A path that does not belong to the model replays to nothing.
  EXPECT_TRUE(replay(grid, 0, {0, 1, 7}).empty());
  EXPECT_TRUE(replay(grid, 3, {}).empty());
}

// A fingerprint that collides on purpose: (x + y) mod 5. By fingerprints the search
// thinks it has seen almost everything; with whole states it counts exactly.
struct CollidingGrid : Grid {
  std::uint64_t fingerprint(const State& s) const { return static_cast<std::uint64_t>((s.x + s.y) % 5) + 1; }
};

TEST(Bfs, FullStatesRuleOutCollisions) {
  const CollidingGrid model{{30, 40, 1000}};
  EXPECT_LT(bfs(model, {}).stats.unique, 31u * 41u);
  Options full;
  full.full_states = true;
  for (unsigned threads : {1u, 2u}) {
    full.threads = threads;
    const Result r = bfs(model, full);
    EXPECT_EQ(r.outcome, Outcome::Complete);
    EXPECT_EQ(r.stats.unique, 31u * 41u);
  }
}

TEST(Bfs, BoundsStopTheSearchAndSaySo) {
  Options depth;
  depth.max_depth = 5;
  Result r = bfs(Grid{30, 40, 1000}, depth);
  EXPECT_EQ(r.outcome, Outcome::Bounded);
  EXPECT_EQ(r.bound, "max-depth");
  EXPECT_EQ(r.stats.unique, 21u);  // the states at depth 0..5: 1+2+...+6

  Options states;
  states.max_states = 100;
  r = bfs(Grid{30, 40, 1000}, states);
  EXPECT_EQ(r.outcome, Outcome::Bounded);
  EXPECT_EQ(r.bound, "max-states");

  // A bound the search never reaches does not turn a complete search into "bounded".
  Options loose;
  loose.max_states = 31 * 41;
  loose.max_depth = 70;
  EXPECT_EQ(bfs(Grid{30, 40, 1000}, loose).outcome, Outcome::Complete);
}

TEST(Dfs, SameStatesAsBreadthFirstAndAPathThatReplays) {
  const Result all = dfs(Grid{30, 40, 1000}, {});
  EXPECT_EQ(all.outcome, Outcome::Complete);
  EXPECT_EQ(all.stats.unique, 31u * 41u);
  EXPECT_EQ(all.stats.depth, 70u);

  const Grid grid{30, 40, 17};
  const Result bad = dfs(grid, {});
  ASSERT_EQ(bad.outcome, Outcome::Violation);
  const auto states = replay(grid, bad.init_index, bad.path);
  ASSERT_EQ(states.size(), bad.path.size() + 1);
  EXPECT_NE(grid.violated(states.back()), nullptr);

  Options shallow;
  shallow.max_depth = 5;
  const Result cut = dfs(Grid{30, 40, 1000}, shallow);
  EXPECT_EQ(cut.outcome, Outcome::Bounded);
  EXPECT_EQ(cut.bound, "max-depth");
}

TEST(Simulate, SameSeedSameRunWhateverTheThreads) {
  const Grid grid{30, 40, 17};
  SimulateOptions o;
  o.runs = 50;
  o.depth = 100;
  o.seed = 7;
  std::vector<std::uint32_t> first;
  for (unsigned threads : {1u, 2u, 4u}) {
    o.threads = threads;
    const Result r = simulate(grid, o);
    ASSERT_EQ(r.outcome, Outcome::Violation);
    EXPECT_EQ(r.violation_depth, 17u);  // every step adds one to x + y
    const auto states = replay(grid, r.init_index, r.path);
    ASSERT_FALSE(states.empty());
    EXPECT_NE(grid.violated(states.back()), nullptr);
    if (first.empty()) first = r.path;
    EXPECT_EQ(r.path, first) << threads << " threads";
  }
  o.seed = 8;
  o.threads = 1;
  EXPECT_NE(simulate(grid, o).path, first);  // another seed, another walk (2^17 of them)
}

TEST(Dfs, AnOrderSeedGoesAnotherWayThroughTheSameStates) {
  Options swarm;
  swarm.order_seed = 12345;
  const Result all = dfs(Grid{30, 40, 1000}, swarm);
  EXPECT_EQ(all.outcome, Outcome::Complete);
  EXPECT_EQ(all.stats.unique, 31u * 41u);

  const Grid grid{30, 40, 17};
  const Result own = dfs(grid, {});
  const Result other = dfs(grid, swarm);
  ASSERT_EQ(other.outcome, Outcome::Violation);
  // The path names the model's own action indices: it replays without the seed.
  const auto states = replay(grid, other.init_index, other.path);
  ASSERT_EQ(states.size(), other.path.size() + 1);
  EXPECT_NE(grid.violated(states.back()), nullptr);
  EXPECT_NE(other.path, own.path);  // the model's order goes x first all the way
  swarm.order_seed = 999;
  EXPECT_EQ(dfs(grid, swarm).path, dfs(grid, swarm).path);  // the same seed, the same way
}

// x + y grows by one a step; the invariant fails on runs that take x seven times in ten
// steps: about one run in six.
struct XHeavy : Grid {
  const char* violated(const State& s) const { return s.x >= 7 ? "x < 7" : nullptr; }
};

TEST(Simulate, RunsSplitIntoRangesFindTheUnsplitRunsFirstFailure) {
  const XHeavy model{{30, 40, 0}};
  SimulateOptions whole;
  whole.runs = 60;
  whole.depth = 10;
  whole.seed = 5;
  whole.threads = 1;
  const Result one = simulate(model, whole);
  ASSERT_EQ(one.outcome, Outcome::Violation);
  ASSERT_GT(one.failing_run, 0u);  // not the first run: the ranges matter
  std::uint64_t first_failure = UINT64_MAX;
  std::vector<std::uint32_t> path;
  for (std::uint64_t from : {0u, 15u, 30u, 45u}) {
    SimulateOptions part = whole;
    part.first_run = from;
    part.runs = 15;
    const Result r = simulate(model, part);
    if (r.outcome != Outcome::Violation) {
      EXPECT_EQ(r.stats.unique, 15u);  // every run of the range done
      continue;
    }
    EXPECT_GE(r.failing_run, from);
    EXPECT_LT(r.failing_run, from + 15);
    if (r.failing_run < first_failure) {
      first_failure = r.failing_run;
      path = r.path;
    }
  }
  EXPECT_EQ(first_failure, one.failing_run);
  EXPECT_EQ(path, one.path);
}

TEST(Simulate, NothingFoundIsNotAProof) {
  SimulateOptions o;
  o.runs = 20;
  o.depth = 10;  // too short to reach x + y = 17
  const Result r = simulate(Grid{30, 40, 17}, o);
  EXPECT_EQ(r.outcome, Outcome::Sampled);
  EXPECT_EQ(r.stats.unique, 20u);  // runs done
  EXPECT_EQ(r.stats.states, 200u);  // steps taken
}

}  // namespace
}  // namespace weir::explore
