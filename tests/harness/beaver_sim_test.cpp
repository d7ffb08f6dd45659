// Beaver's cores in the simulator: correct cores keep every accepted snapshot consistent
// over many seeds; each planted bug is found; the checker's verdict on the recorded
// execution and the simulator's own invariant agree on every run.
#include <gtest/gtest.h>

#include "checker/cut/cut.hpp"
#include "harness/beaver/judge.hpp"

namespace weir::harness::beaver {
namespace {

using core::beaver::Mutant;

struct Tally {
  int runs = 0, inconsistent = 0, problems = 0, deadlocks = 0, accepted = 0, disagreements = 0;
  std::string first_failure;
};

Tally sweep(Mutant m, int seeds, Scenario base = {}) {
  Tally t;
  for (int seed = 1; seed <= seeds; ++seed) {
    Scenario s = base;
    s.mutant = m;
    s.seed = static_cast<std::uint64_t>(seed);
    const Outcome o = run(s);
    const auto checked = cut::check(o.execution);
    EXPECT_TRUE(std::holds_alternative<cut::Result>(checked)) << "seed " << seed;
    const cut::Result& r = std::get<cut::Result>(checked);
    ++t.runs;
    t.accepted += static_cast<int>(o.accepted.size());
    t.deadlocks += o.run.deadlock;
    t.problems += !o.problems.empty();
    if (!r.consistent) {
      ++t.inconsistent;
      if (t.first_failure.empty()) t.first_failure = "seed " + std::to_string(seed) + ": " + cut::explain(o.execution, r.violations[0]);
    }
    if (r.consistent != o.consistent_online) ++t.disagreements;
  }
  return t;
}

// Correct cores under interference they tolerate: nothing inconsistent, nothing wrong on
// the wire, no deadlock, both judges agreeing, and enough accepted to make it count.
void expect_harmless(const Tally& t, int min_accepted) {
  EXPECT_EQ(t.inconsistent, 0) << t.first_failure;
  EXPECT_EQ(t.problems, 0);
  EXPECT_EQ(t.deadlocks, 0);
  EXPECT_EQ(t.disagreements, 0);
  EXPECT_GT(t.accepted, min_accepted);
}

TEST(BeaverSim, CorrectCoresKeepEveryAcceptedSnapshotConsistent) {
  expect_harmless(sweep(Mutant::None, 300), 100);  // many accepted: the check is not vacuous
}

TEST(BeaverSim, CorrectCoresSurviveLossAndDuplication) {
  Scenario lossy;
  lossy.drop = 0.1;
  lossy.duplicate = 0.1;
  const Tally t = sweep(Mutant::None, 200, lossy);
  EXPECT_EQ(t.inconsistent, 0) << t.first_failure;
  EXPECT_EQ(t.problems, 0);
  EXPECT_EQ(t.disagreements, 0);
}

TEST(BeaverSim, DuplicatedAndReorderedSnapshotRequestsAreHarmless) {
  // The gateways see each request up to twice, in any order with the next one; the
  // initiator sees duplicated replies: it counts each gateway once.
  Scenario noisy;
  noisy.control_duplicate = 0.5;
  noisy.snapshots = 5;
  expect_harmless(sweep(Mutant::None, 300, noisy), 100);
}

TEST(BeaverSim, EveryMutantIsFoundAndTheVerdictsAgree) {
  for (Mutant m : {Mutant::DeliverBeforeSnapshot, Mutant::UntaggedInternal, Mutant::NoAcceptanceCheck,
                   Mutant::MarkAfterForward, Mutant::NoChecksumFix, Mutant::TtlUnderflow}) {
    const Tally t = sweep(m, 300);
    EXPECT_GT(t.inconsistent + t.problems, 0) << static_cast<int>(m);
    EXPECT_EQ(t.disagreements, 0) << static_cast<int>(m);
    std::printf("%s: %d/%d runs inconsistent, %d with problems on the wire, %d snapshots accepted\n",
                std::string(core::beaver::mutants()[static_cast<std::size_t>(m)].name).c_str(), t.inconsistent, t.runs,
                t.problems, t.accepted);
  }
}

// The wrap-window mismatch needs a gateway exactly 8190 behind when the first snapshot
// begins and an in-group packet through it in the short time before its request comes:
// the default scenario draws that edge (lagging_gateway), and weir fuzz found it at seed
// 113197 (about 40 s). The correct cores pass the same runs.
TEST(BeaverSim, TheWrapWindowMismatchIsFoundAtTheEdgeOfTheWindow) {
  Scenario s;
  s.seed = 113197;
  s.mutant = Mutant::WrapWindowMismatch;
  const Outcome o = run(s);
  EXPECT_EQ(o.gateway_lag, 8190u);
  ASSERT_TRUE(failure(o));
  EXPECT_FALSE(o.consistent_online);
  s.mutant = Mutant::None;
  EXPECT_FALSE(failure(run(s)));

  // And as found with g0 always behind and twice the in-group traffic (seed 28207).
  Scenario edge;
  edge.lagging_gateway = 1;
  edge.in_group_chatter = 0.2;
  edge.seed = 28207;
  edge.mutant = Mutant::WrapWindowMismatch;
  EXPECT_TRUE(failure(run(edge)));
  edge.mutant = Mutant::None;
  EXPECT_FALSE(failure(run(edge)));
}

// A gateway that rejoins 8191 behind just before in-group traffic brings the new id
// (Scenario::rejoining_gateway): the correct gateway learns it from that packet and every
// run holds; the one that compares one short does not, and weir fuzz's defaults find it at
// seed 10366 (its swarm mix drawn, as the command draws it).
TEST(BeaverSim, ARejoiningGatewayIsHarmlessToTheCorrectCoresAndExposesTheWrapMismatch) {
  Scenario rejoin;
  rejoin.rejoining_gateway = 1;
  rejoin.in_group_chatter = 0.5;
  rejoin.in_group_via_gateway = 1;
  expect_harmless(sweep(Mutant::None, 300, rejoin), 100);
  Scenario s;
  s.seed = 10366;
  const std::string mix = draw_mix(s, nullptr);
  EXPECT_NE(mix.find("rejoining-gateway=1"), std::string::npos) << mix;
  s.mutant = Mutant::WrapWindowMismatch;
  const Outcome o = run(s);
  ASSERT_TRUE(failure(o));
  EXPECT_FALSE(o.consistent_online);
  s.mutant = Mutant::None;
  EXPECT_FALSE(failure(run(s)));
}

// Interference the protocol tolerates: gateways, backends and services cut off for a
// while (requests lost, so some snapshots get no decision, never a wrong one).
TEST(BeaverSim, PartitionsAreHarmlessToTheCorrectCores) {
  Scenario cut_off;
  cut_off.partitions = 3;
  expect_harmless(sweep(Mutant::None, 300, cut_off), 100);
}

// ... and one it does not: a router that rewrites DSCP clears the id's low bits in ToS,
// so a post-snapshot packet can pass for a pre-snapshot one. Found in the correct cores.
TEST(BeaverSim, DscpRemarkingBreaksTheInGroupIdEncoding) {
  Scenario remarking;
  remarking.dscp_remark = 0.2;
  const Tally t = sweep(Mutant::None, 300, remarking);
  EXPECT_GT(t.inconsistent, 0);
  EXPECT_EQ(t.disagreements, 0);
  std::printf("dscp remarking 0.2: %d/%d runs of the correct cores inconsistent\n", t.inconsistent, t.runs);
}

}  // namespace
}  // namespace weir::harness::beaver
