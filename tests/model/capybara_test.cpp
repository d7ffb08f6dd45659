// The Capybara model: the correct protocol passes exhaustively (loss, reordering,
// refusals, migrations there and back), every planted bug is caught with the invariant it
// breaks, and each counterexample replays to the same violation.
#include <gtest/gtest.h>

#include <random>

#include "checker/explore/explore.hpp"
#include "model/capybara/capybara.hpp"

namespace weir::model::capybara {
namespace {

static_assert(explore::Model<Capybara>);

TEST(Capybara, CorrectProtocolHolds) {
  Options o;  // 2 bytes each way, loss, one migration: 2.4 million states
#ifdef WEIR_SANITIZED
  o.server_bytes = 1;  // the same code on fewer states: sanitized builds are slower
#endif
  const explore::Result r = explore::bfs(Capybara(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
  EXPECT_GT(r.stats.unique, 100000u);
  Options no_loss;
  no_loss.lossy = false;
  EXPECT_EQ(explore::bfs(Capybara(no_loss), {}).outcome, explore::Outcome::Complete);
}

TEST(Capybara, MigrationsThereAndBackHold) {
  Options o;
  o.server_bytes = 1;
  o.migrations = 2;
#ifdef WEIR_SANITIZED
  o.client_bytes = 1;
#endif
  const explore::Result r = explore::bfs(Capybara(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
  EXPECT_GT(r.stats.unique, 10000u);
}

TEST(Capybara, EveryMutantIsCaughtAndReplays) {
  const std::vector<std::pair<Mutant, std::string>> expected = {
      {Mutant::NoBuffering, "the client never waits for a timeout unless a packet was lost"},
      {Mutant::LoadBeforeReady, "the client never receives a reset"},
      {Mutant::OriginKeepsServing, "at most one server owns the established connection"},
      {Mutant::NoSourceRewrite, "every packet the client receives carries the original 5-tuple"},
      {Mutant::DropReceiveQueue, "the target installs the state the origin had when it serialized"},
  };
  ASSERT_EQ(expected.size(), mutants().size());
  for (const auto& [mutant, invariant] : expected) {
    Options o;
    o.mutant = mutant;
    const Capybara m(o);
    const explore::Result r = explore::bfs(m, {});
    ASSERT_EQ(r.outcome, explore::Outcome::Violation) << invariant;
    EXPECT_EQ(r.invariant, invariant);
    EXPECT_LE(r.path.size(), 12u) << invariant;  // short enough to read
    const auto states = explore::replay(m, r.init_index, r.path);
    ASSERT_FALSE(states.empty());
    EXPECT_STREQ(m.violated(states.back()), invariant.c_str());
  }
}

// Without the drained receive queue the stream itself comes up short, even where the
// state comparison is not looked at: the bytes the origin acknowledged never reach the app.
TEST(Capybara, DroppedReceiveQueueLosesBytes) {
  Options o;
  o.mutant = Mutant::DropReceiveQueue;
  o.lossy = false;
  const Capybara m(o);
  bool short_stream = false;
  std::vector<Capybara::Action> acts;
  // Random runs to their end: some migrate while bytes wait in the origin's receive queue,
  // and then the app can never read them.
  for (std::uint64_t seed = 1; seed < 4000 && !short_stream; ++seed) {
    Capybara::State s = m.init_states().front();
    std::mt19937_64 rng(seed);
    for (int step = 0; step < 200; ++step) {
      acts.clear();
      m.actions(s, acts);
      if (acts.empty()) break;
      s = *m.next(s, acts[std::uniform_int_distribution<std::size_t>(0, acts.size() - 1)(rng)]);
    }
    acts.clear();
    m.actions(s, acts);
    short_stream = acts.empty() && s.mismatch && s.app_total < o.client_bytes;
  }
  EXPECT_TRUE(short_stream);
}

}  // namespace
}  // namespace weir::model::capybara
