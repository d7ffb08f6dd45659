// The ring model reports exactly the state counts of ../shared/bench/README.md.
#include <gtest/gtest.h>

#include <set>

#include "checker/explore/explore.hpp"
#include "model/bench/ring.hpp"

namespace weir::model::bench {
namespace {

static_assert(explore::Model<Ring>);

std::uint64_t reachable(unsigned n, unsigned k, unsigned b) {
  const RingOptions o{n, k, b};
  EXPECT_FALSE(Ring::invalid(o));
  const explore::Result r = explore::bfs(Ring(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete);
  return r.stats.unique;
}

TEST(Ring, StateCountsOfTheTable) {
  EXPECT_EQ(reachable(3, 3, 1), 729u);
  EXPECT_EQ(reachable(4, 3, 1), 6561u);
  EXPECT_EQ(reachable(3, 3, 2), 6859u);
  EXPECT_EQ(reachable(5, 3, 2), 2476099u);
}

// Away from the table's rows, the engine agrees with a plain breadth-first search over
// a std::set of states that shares none of its code.
std::uint64_t naive_reachable(const Ring& ring) {
  std::set<std::uint64_t> seen{0};
  std::vector<Ring::State> todo{Ring::State{}};
  std::vector<Ring::Action> acts;
  while (!todo.empty()) {
    const Ring::State s = todo.back();
    todo.pop_back();
    acts.clear();
    ring.actions(s, acts);
    for (const Ring::Action& a : acts)
      if (auto n = ring.next(s, a); n && seen.insert(n->bits).second) todo.push_back(*n);
  }
  return seen.size();
}

TEST(Ring, AgreesWithANaiveSearch) {
  for (RingOptions o : {RingOptions{2, 2, 1}, RingOptions{3, 2, 2}, RingOptions{4, 2, 1}, RingOptions{3, 4, 2}})
    EXPECT_EQ(reachable(o.nodes, o.values, o.capacity), naive_reachable(Ring(o)))
        << o.nodes << " " << o.values << " " << o.capacity;
}

TEST(Ring, DepthFirstCountsTheSame) {
  const explore::Result r = explore::dfs(Ring({4, 3, 2}), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete);
  EXPECT_EQ(r.stats.unique, reachable(4, 3, 2));
}

TEST(Ring, RefusesStatesThatDoNotFit) {
  EXPECT_TRUE(Ring::invalid({30, 3, 2}));
  EXPECT_TRUE(Ring::invalid({1, 3, 2}));
  EXPECT_FALSE(Ring::invalid({6, 3, 2}));
}

TEST(Ring, ActionsFollowThePromelaModel) {
  const Ring ring({3, 3, 1});
  std::vector<Ring::Action> acts;
  ring.actions(Ring::State{}, acts);
  // From the start every node may tick and send; no channel holds anything to receive.
  ASSERT_EQ(acts.size(), 6u);
  Ring::State s = *ring.next(Ring::State{}, {0, Ring::Kind::Tick});
  s = *ring.next(s, {0, Ring::Kind::Tick});
  EXPECT_FALSE(ring.next(s, {0, Ring::Kind::Tick}));  // counter at K-1
  s = *ring.next(s, {0, Ring::Kind::Send});            // node 1's channel holds 2
  EXPECT_FALSE(ring.next(s, {0, Ring::Kind::Send}));  // and is full
  s = *ring.next(s, {1, Ring::Kind::Receive});         // node 1 adopts 2
  EXPECT_FALSE(ring.next(s, {1, Ring::Kind::Tick}));
}

}  // namespace
}  // namespace weir::model::bench
