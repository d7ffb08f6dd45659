// `weir replay` end to end, through the gateways and the switch on DPDK: the correct data
// plane holds on every run; every core mutant is caught (verdict 1 with the checker's
// witness) and the recorded execution or history says the same to the checker; the
// timing-bound sweep agrees with weir bound both ways; bad options exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::scratch_dir;
using weir::test::weir;

// DPDK may be refused by the machine (no memory to map): then say so and skip.
#define SKIP_WITHOUT_DPDK(r)                                                          \
  if ((r).exit == 4 && (r).err.find("DPDK would not start") != std::string::npos) \
  GTEST_SKIP() << (r).err

TEST(ReplayCli, TheCorrectDataPlaneHoldsOnEveryRun) {
  CliRun b = weir("replay --impl beaver --runs 300 --loss 0.05 --duplicate 0.05 --lagging-gateway 0.5");
  SKIP_WITHOUT_DPDK(b);
  EXPECT_EQ(b.exit, 0) << b.out << b.err;
  EXPECT_NE(b.out.find("holds: 300 runs"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("every mbuf back in its pool"), std::string::npos) << b.out;
  CliRun p = weir("replay --impl pegasus --runs 300 --loss 0.05 --duplicate 0.05 --delay 20");
  EXPECT_EQ(p.exit, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("linearizable"), std::string::npos) << p.out;
}

TEST(ReplayCli, EveryBeaverMutantIsCaughtThroughTheDataPlane) {
  const std::string dir = scratch_dir() + "/replay-beaver";
  fs::create_directories(dir);
  for (const std::string m : {"mark-after-forward", "deliver-before-snapshot", "untagged-internal", "no-acceptance-check",
                              "no-checksum-fix", "ttl-underflow"}) {
    CliRun r = weir("replay --impl beaver --runs 2000 --mutant " + m + " --record " + m, dir);
    SKIP_WITHOUT_DPDK(r);
    ASSERT_EQ(r.exit, 1) << m << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("VIOLATION at seed"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("record it:"), std::string::npos) << "recorded, so no advice to record it: " << r.out;
    const auto summary = nlohmann::json::parse(std::ifstream(dir + "/" + m + "/summary.json"));
    EXPECT_EQ(summary["verdict"], "violation");
    EXPECT_EQ(summary["buffers_in_use"], 0);
    EXPECT_EQ(summary["pcaps"].size(), 5u);  // both gateways in and out, and every node's traffic
    // A broken cut is the checker's to say again from the recorded execution.
    if (r.out.find("causally consistent") != std::string::npos) {
      EXPECT_EQ(weir("check cut " + m + "/execution.jsonl", dir).exit, 1) << m;
    }
  }
  // The rarest: ids 8191 apart, found by weir fuzz --no-swarm at this seed (the scenario
  // as given, no mix drawn); through DPDK the same run.
  CliRun wrap = weir("replay --impl beaver --backends 4 --services 2 --lagging-gateway 0.5 --seed 113197 --runs 1 "
                     "--no-swarm --mutant wrap-window-mismatch");
  EXPECT_EQ(wrap.exit, 1) << wrap.out;
  EXPECT_NE(wrap.out.find("is not causally consistent"), std::string::npos) << wrap.out;
  CliRun fixed = weir("replay --impl beaver --backends 4 --services 2 --lagging-gateway 0.5 --seed 113197 --runs 1 --no-swarm");
  EXPECT_EQ(fixed.exit, 0) << fixed.out;
}

TEST(ReplayCli, EveryPegasusMutantIsCaughtThroughTheSwitch) {
  const std::string dir = scratch_dir() + "/replay-pegasus";
  fs::create_directories(dir);
  for (const std::string m : {"no-version-check", "complete-on-forward", "read-any-server", "no-dedup"}) {
    CliRun r = weir("replay --impl pegasus --runs 1000 --loss 0.05 --duplicate 0.05 --delay 20 --mutant " + m + " --record " + m, dir);
    SKIP_WITHOUT_DPDK(r);
    ASSERT_EQ(r.exit, 1) << m << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("not linearizable on key"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("zone"), std::string::npos) << r.out;  // the operations that cannot be ordered
    EXPECT_EQ(weir("check lin --spec kv " + m + "/history.jsonl", dir).exit, 1) << m;
    EXPECT_TRUE(fs::exists(dir + "/" + m + "/switch-in.pcap"));
  }
}

TEST(ReplayCli, TheSweepAgreesWithTheBoundBothWays) {
  const std::string dir = scratch_dir() + "/sweep";
  fs::create_directories(dir);
  // Threshold above the bound: accepted inconsistent snapshots appear, only where weir
  // bound says the threshold is unsafe.
  CliRun above = weir("replay --impl beaver --sweep --threshold 80 --skews 0:72:12 --chains 12:36:12 --runs 4 --snapshots 10 --json", dir);
  SKIP_WITHOUT_DPDK(above);
  ASSERT_EQ(above.exit, 0) << above.out << above.err;
  const auto j = nlohmann::json::parse(above.out);
  EXPECT_TRUE(j["agrees_with_bound"].get<bool>());
  std::uint64_t inconsistent = 0, accepted = 0;
  for (const auto& p : j["points"]) {
    inconsistent += p["inconsistent"].get<std::uint64_t>();
    accepted += p["accepted"].get<std::uint64_t>();
    if (p["inconsistent"].get<std::uint64_t>() > 0) {
      EXPECT_LT(p["bound"].get<double>(), 80.0) << p.dump();
      EXPECT_GT(p["skew"].get<unsigned>(), p["tau_min"].get<unsigned>()) << p.dump();
    }
  }
  EXPECT_GT(inconsistent, 0u) << "no accepted inconsistent snapshot above the bound: the experiment shows nothing";
  EXPECT_GT(accepted, 0u);
  EXPECT_TRUE(fs::exists(dir + "/sweep.svg"));
  // At the artifact's threshold, below every point's bound: none.
  CliRun at = weir("replay --impl beaver --sweep --threshold 33 --skews 0:72:12 --chains 36:36:1 --runs 4 --snapshots 10 --json", dir);
  ASSERT_EQ(at.exit, 0) << at.out;
  const auto within = nlohmann::json::parse(at.out);
  EXPECT_FALSE(within["points"].empty());
  for (const auto& p : within["points"]) EXPECT_EQ(p["inconsistent"], 0) << p.dump();
}

TEST(ReplayCli, BadOptionsExitTwoWithTheReason) {
  CliRun m = weir("replay --impl beaver --mutant nonsense");
  EXPECT_EQ(m.exit, 2);
  EXPECT_NE(m.err.find("not a mutant of the beaver cores"), std::string::npos) << m.err;
  CliRun g = weir("replay --impl beaver --sweep --skews 10:0:5");
  EXPECT_EQ(g.exit, 2);
  EXPECT_NE(g.err.find("--skews 10:0:5"), std::string::npos) << g.err;
  EXPECT_EQ(weir("replay --impl tcp").exit, 2);
  EXPECT_EQ(weir("replay --impl pegasus --sweep").exit, 2);
}

}  // namespace
