// `weir bound beaver` end to end: holds, violated with its execution and model scenario,
// synthesis, JSON, bad bounds.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::weir;

TEST(BoundCli, HoldsAtTheArtifactThreshold) {
  CliRun r = weir("bound beaver --gateways 16 --to-gateway 0:100 --to-initiator 0:100 --threshold 33");
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("bound holds"), std::string::npos) << r.out;
}

TEST(BoundCli, ViolatedWritesAnExecutionAndAScenarioThatReplay) {
  const std::string dir = weir::test::scratch_dir() + "/bound";
  std::filesystem::create_directories(dir);
  CliRun r = weir("bound beaver --to-gateway 2:50 --to-initiator 3:10 --threshold 39", dir);
  ASSERT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("VIOLATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INCONSISTENT"), std::string::npos) << r.out;
  CliRun cut = weir("check cut bound-beaver.execution.jsonl", dir);
  EXPECT_EQ(cut.exit, 1) << cut.out << cut.err;
  CliRun replay = weir("explore --replay bound-beaver.scenario.json", dir);
  EXPECT_EQ(replay.exit, 1) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("reproduced: VIOLATION of \"every accepted snapshot is causally consistent\""),
            std::string::npos)
      << replay.out;
}

TEST(BoundCli, SynthesizeJson) {
  const std::string dir = weir::test::scratch_dir() + "/bound-synth";
  std::filesystem::create_directories(dir);
  CliRun r = weir("bound beaver --to-gateway 2:50 --to-initiator 3:10 --synthesize --json", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["synthesis"]["largest_safe_threshold"], 38.0);
  EXPECT_EQ(j["synthesis"]["execution"]["verdict"], "inconsistent");
  EXPECT_EQ(j["synthesis"]["scenario"]["invariant"], "every accepted snapshot is causally consistent");
}

TEST(BoundCli, ATinyStepShowsItsCounterexample) {
  const std::string dir = weir::test::scratch_dir() + "/bound-tiny-step";
  std::filesystem::create_directories(dir);
  CliRun r = weir("bound beaver --to-gateway 2:50 --to-initiator 3:10 --synthesize --step 1e-12", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("one step above, at 38 + 1e-12 us, an accepted snapshot can be inconsistent"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("takes 3 hops (11 + 11 + 11)"), std::string::npos) << r.out;
}

TEST(BoundCli, InvalidBoundsExitTwo) {
  for (const char* bad : {"--hop 5:3", "--to-gateway -1:3", "--to-initiator 4", "--hops 2", "--hop abc:4",
                          "--on sideways", "--threshold -1", "--frobnicate",
                          // issue 13: every number has a range, checked before Z3 runs
                          "--synthesize --step inf", "--synthesize --step 0", "--synthesize --step nan",
                          "--threshold nan", "--threshold 1e13", "--hop 11:inf", "--hop nan:3", "--gateways -1",
                          "--gateways 65", "--hops 4294967299", "--hop 1e400:1e401"}) {
    CliRun r = weir(std::string("bound beaver ") + bad);
    EXPECT_EQ(r.exit, 2) << bad << "\n" << r.out << r.err;
  }
}

}  // namespace
