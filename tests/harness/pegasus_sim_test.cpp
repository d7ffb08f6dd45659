// Pegasus's cores in the simulator, judged by the linearizability checker: correct cores
// stay linearizable through loss, duplication, reordering and retries; each planted bug
// is found; the same seed gives the same history.
#include <gtest/gtest.h>

#include "harness/pegasus/judge.hpp"

namespace weir::harness::pegasus {
namespace {

using core::pegasus::Mutant;

int failures(Mutant m, int seeds, std::string* first = nullptr) {
  int n = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    Scenario s;
    s.mutant = m;
    s.seed = static_cast<std::uint64_t>(seed);
    const Outcome o = run(s);
    EXPECT_EQ(o.operations, s.clients * s.operations);
    if (auto why = failure(o)) {
      if (first && first->empty()) *first = "seed " + std::to_string(seed) + ": " + *why;
      ++n;
    }
  }
  return n;
}

TEST(PegasusSim, CorrectCoresStayLinearizable) {
  std::string first;
  EXPECT_EQ(failures(Mutant::None, 300, &first), 0) << first;
}

TEST(PegasusSim, PartitionsAreHarmlessToTheCorrectCores) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Scenario s;
    s.partitions = 3;
    s.seed = seed;
    const Outcome o = run(s);
    EXPECT_EQ(o.operations, s.clients * s.operations);
    const auto why = failure(o);
    ASSERT_FALSE(why) << "seed " << seed << ": " << *why;
  }
}

TEST(PegasusSim, EveryMutantIsFound) {
  for (Mutant m : {Mutant::NoVersionCheck, Mutant::CompleteOnForward, Mutant::ReadAnyServer, Mutant::NoDedup}) {
    const int n = failures(m, 600);
    EXPECT_GT(n, 0) << core::pegasus::mutants()[static_cast<std::size_t>(m)].name;
    std::printf("%s: %d/600 runs not linearizable\n",
                std::string(core::pegasus::mutants()[static_cast<std::size_t>(m)].name).c_str(), n);
  }
}

// The harness's own invariant (zones) and the checker agree on every run, correct or not.
TEST(PegasusSim, TheZonesInvariantAgreesWithTheChecker) {
  int runs = 0, violations = 0;
  for (Mutant m : {Mutant::None, Mutant::NoVersionCheck, Mutant::CompleteOnForward, Mutant::ReadAnyServer, Mutant::NoDedup})
    for (std::uint64_t seed = 1; seed <= 600; ++seed) {
      Scenario s;
      s.mutant = m;
      s.seed = seed;
      const Outcome o = run(s);
      ASSERT_TRUE(o.problems.empty() && !o.run.deadlock) << "seed " << seed;
      const bool checker_fails = failure(o).has_value();
      ASSERT_EQ(checker_fails, o.online_violation.has_value())
          << core::pegasus::mutants()[static_cast<std::size_t>(m)].name << " seed " << seed << ": "
          << o.online_violation.value_or("zones: linearizable") << "\n" << o.history;
      ++runs;
      violations += checker_fails;
    }
  EXPECT_GT(violations, 0);
  std::printf("%d runs, %d not linearizable, both ways in agreement\n", runs, violations);
}

TEST(PegasusSim, TheSameSeedGivesTheSameHistory) {
  Scenario s;
  s.seed = 42;
  const Outcome a = run(s), b = run(s);
  EXPECT_EQ(a.history, b.history);
  EXPECT_EQ(a.run.trace_hash, b.run.trace_hash);
  s.seed = 43;
  EXPECT_NE(run(s).run.trace_hash, a.run.trace_hash);
}

TEST(PegasusSim, AFailureShrinks) {
  Scenario s;
  s.mutant = Mutant::ReadAnyServer;
  s.seed = 1;
  const Shrunk sh = shrink(s);
  EXPECT_FALSE(sh.what.empty());
  EXPECT_LT(sh.scenario.operations * sh.scenario.clients, s.operations * s.clients);
  EXPECT_TRUE(failure(run(sh.scenario)));
}

}  // namespace
}  // namespace weir::harness::pegasus
