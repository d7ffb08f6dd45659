// `weir explore chandy-lamport` and `weir explore beaver` end to end: verdicts, the
// execution written beside a counterexample (which `weir check cut` confirms), replay,
// bad options.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::weir;

TEST(ExploreSnapshotCli, CorrectModelsHold) {
  CliRun cl = weir("explore chandy-lamport --messages 1 --json");
  ASSERT_EQ(cl.exit, 0) << cl.err;
  EXPECT_EQ(nlohmann::json::parse(cl.out)["outcome"], "complete");
  CliRun bv = weir("explore beaver --requests 1");
  ASSERT_EQ(bv.exit, 0) << bv.err;
  EXPECT_NE(bv.out.find("beaver (requests 1): holds"), std::string::npos) << bv.out;
}

TEST(ExploreSnapshotCli, MutantCounterexampleIsAnExecutionCheckCutConfirms) {
  const std::string dir = weir::test::scratch_dir() + "/beaver-cx";
  std::filesystem::create_directories(dir);
  CliRun r = weir("explore beaver --mutant accept-on-equal", dir);
  ASSERT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("VIOLATION of \"every accepted snapshot is causally consistent\""), std::string::npos);
  EXPECT_NE(r.out.find("x0 (out-group)"), std::string::npos) << r.out;  // the chain leaves the group
  ASSERT_TRUE(std::filesystem::exists(dir + "/counterexample-beaver.execution.jsonl"));

  CliRun check = weir("check cut --json counterexample-beaver.execution.jsonl", dir);
  EXPECT_EQ(check.exit, 1) << check.out << check.err;
  const auto j = nlohmann::json::parse(check.out);
  EXPECT_EQ(j["verdict"], "inconsistent");
  EXPECT_EQ(j["violations"][0]["out_group"], nlohmann::json::array({"x0"}));

  CliRun again = weir("explore --replay counterexample-beaver.json", dir);
  EXPECT_EQ(again.exit, 1) << again.out;
  EXPECT_NE(again.out.find("reproduced: VIOLATION of \"every accepted snapshot is causally consistent\""),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("INCONSISTENT"), std::string::npos) << again.out;
}

TEST(ExploreSnapshotCli, NonFifoJsonCarriesTheExecutionVerdict) {
  const std::string dir = weir::test::scratch_dir() + "/cl-cx";
  std::filesystem::create_directories(dir);
  CliRun r = weir("explore chandy-lamport --mutant non-fifo --json", dir);
  ASSERT_EQ(r.exit, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["invariant"], "the cut is consistent");
  EXPECT_EQ(j["counterexample"]["execution"]["verdict"], "inconsistent");
}

TEST(ExploreSnapshotCli, CapybaraMutantReplays) {
  const std::string dir = weir::test::scratch_dir() + "/capybara-cx";
  std::filesystem::create_directories(dir);
  CliRun r = weir("explore capybara --server-bytes 1 --mutant no-source-rewrite", dir);
  ASSERT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("(source address server B)"), std::string::npos) << r.out;
  CliRun again = weir("explore --replay counterexample-capybara.json", dir);
  EXPECT_EQ(again.exit, 1);
  EXPECT_NE(again.out.find("reproduced: VIOLATION of \"every packet the client receives carries the original 5-tuple\""),
            std::string::npos)
      << again.out;
  EXPECT_EQ(weir("explore capybara --server-bytes 1 --json").exit, 0);
  EXPECT_EQ(weir("explore capybara --mutant nope").exit, 2);
  EXPECT_EQ(weir("explore capybara --client-bytes 20").exit, 2);
}

TEST(ExploreSnapshotCli, BadOptionsExitTwo) {
  EXPECT_EQ(weir("explore beaver --mutant nope").exit, 2);
  EXPECT_EQ(weir("explore beaver --latency-min 3 --latency-max 2").exit, 2);
  EXPECT_EQ(weir("explore beaver --gateways 0").exit, 2);
  EXPECT_EQ(weir("explore chandy-lamport --processes 1").exit, 2);
  EXPECT_EQ(weir("explore chandy-lamport --mutant fifo").exit, 2);
  CliRun list = weir("explore --list");
  EXPECT_EQ(list.exit, 0);
  for (const char* m : {"non-fifo", "mark-after-forward", "deliver-before-snapshot", "untagged-internal",
                        "no-acceptance-check", "accept-on-equal", "no-buffering", "load-before-ready",
                        "origin-keeps-serving", "no-source-rewrite", "drop-receive-queue"})
    EXPECT_NE(list.out.find(m), std::string::npos) << m;
}

}  // namespace
