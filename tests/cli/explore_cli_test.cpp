// `weir explore` end to end: counts, exit codes, bounds, counterexample files and replay.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::weir;

TEST(ExploreCli, RingCountsAndHolds) {
  CliRun r = weir("explore ring --nodes 3 --values 3 --capacity 2 --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["outcome"], "complete");
  EXPECT_EQ(j["unique_states"], 6859);
}

TEST(ExploreCli, ViolationWritesACounterexampleThatReplays) {
  const std::string dir = weir::test::scratch_dir() + "/cx";
  std::filesystem::create_directories(dir);
  CliRun r = weir("explore ring --nodes 3 --values 3 --capacity 1 --counter-below 2", dir);
  ASSERT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("VIOLATION of \"every counter stays below 2\" at depth 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ticks"), std::string::npos) << r.out;
  ASSERT_TRUE(std::filesystem::exists(dir + "/counterexample-ring.json")) << r.out;

  CliRun again = weir("explore --replay counterexample-ring.json", dir);
  EXPECT_EQ(again.exit, 1) << again.out << again.err;
  EXPECT_NE(again.out.find("reproduced: VIOLATION of \"every counter stays below 2\" after step 2"), std::string::npos)
      << again.out;
}

TEST(ExploreCli, ABoundEndsUnknownAndSaysWhich) {
  CliRun r = weir("explore ring --nodes 4 --values 3 --capacity 2 --max-states 1000");
  EXPECT_EQ(r.exit, 3) << r.out;
  EXPECT_NE(r.out.find("stopped by max-states"), std::string::npos) << r.out;
  CliRun d = weir("explore ring --nodes 4 --values 3 --capacity 2 --max-depth 3 --json");
  EXPECT_EQ(d.exit, 3);
  EXPECT_EQ(nlohmann::json::parse(d.out)["bound"], "max-depth");
}

TEST(ExploreCli, BadOptionsAndFilesExitTwo) {
  EXPECT_EQ(weir("explore ring --nodes 40").exit, 2);
  EXPECT_EQ(weir("explore ring --bogus 1").exit, 2);
  EXPECT_EQ(weir("explore nosuchmodel").exit, 2);
  CliRun missing = weir("explore --replay /nonexistent/cx.json");
  EXPECT_EQ(missing.exit, 2);
  EXPECT_NE(missing.err.find("/nonexistent/cx.json: cannot open file"), std::string::npos) << missing.err;
  const std::string wrong = weir::test::write_file(
      "wrong.json", R"({"weir":"explore counterexample","model":"ring","args":["--nodes","3"],"init":0,"actions":[17]})");
  CliRun w = weir("explore --replay " + wrong);
  EXPECT_EQ(w.exit, 2);
  EXPECT_NE(w.err.find("not a counterexample of this model"), std::string::npos) << w.err;
  const std::string junk = weir::test::write_file("junk.json", "{\"weir\": 3");
  EXPECT_EQ(weir("explore --replay " + junk).exit, 2);
}

TEST(ExploreCli, SimulationIsSeededAndItsCounterexampleReplays) {
  const std::string dir = weir::test::scratch_dir() + "/sim";
  std::filesystem::create_directories(dir);
  const std::string cmd = "explore ring --nodes 4 --values 3 --capacity 1 --counter-below 2 --simulate 200 --seed 11 "
                          "--depth 30 --json";
  CliRun a = weir(cmd + " --threads 1", dir);
  CliRun b = weir(cmd + " --threads 2", dir);
  ASSERT_EQ(a.exit, 1) << a.out << a.err;
  ASSERT_EQ(b.exit, 1);
  const auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["counterexample"]["actions"], jb["counterexample"]["actions"]);
  EXPECT_EQ(weir("explore --replay counterexample-ring.json", dir).exit, 1);

  CliRun none = weir("explore ring --nodes 3 --values 3 --capacity 1 --simulate 50 --depth 10");
  EXPECT_EQ(none.exit, 0);
  EXPECT_NE(none.out.find("not a proof"), std::string::npos) << none.out;
  EXPECT_EQ(weir("explore ring --seed 3").exit, 2);  // --seed without --simulate
}

struct MutantCase {
  std::string name, options;
};

TEST(ExploreCli, PegasusHoldsAndEveryMutantIsCaughtAndReplays) {
  // One operation per client keeps the command quick; the default (two) is a model test.
  CliRun ok = weir("explore pegasus --ops 1 --json");
  ASSERT_EQ(ok.exit, 0) << ok.out << ok.err;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["outcome"], "complete");
  const std::string dir = weir::test::scratch_dir() + "/pegasus";
  std::filesystem::create_directories(dir);
  for (const MutantCase& m : std::vector<MutantCase>{
           {"no-version-check", "--ops 1"},
           {"complete-on-forward", "--ops 1"},
           {"read-any-server", "--ops 1"},
           {"no-dedup", "--ops 1"},
           {"restamp-retries", "--ops 2 --servers 2 --max-versions 3"},
           {"unsafe-unreplicate", "--ops 1"}}) {
    CliRun r = weir("explore pegasus " + m.options + " --json --mutant " + m.name + " --counterexample " + m.name + ".json", dir);
    ASSERT_EQ(r.exit, 1) << m.name << "\n" << r.out << r.err;
    const std::string invariant = nlohmann::json::parse(r.out)["invariant"];
    CliRun replay = weir("explore --replay " + m.name + ".json", dir);
    EXPECT_EQ(replay.exit, 1) << m.name;
    EXPECT_NE(replay.out.find("reproduced: VIOLATION of \"" + invariant + "\""), std::string::npos) << replay.out;
  }
  // A counterexample whose recorded invariant is not the one its path breaks.
  {
    std::ifstream in(dir + "/no-dedup.json");
    nlohmann::json cx = nlohmann::json::parse(in);
    cx["invariant"] = "a server's versions never decrease";
    std::ofstream(dir + "/edited.json") << cx.dump();
    CliRun replay = weir("explore --replay edited.json", dir);
    EXPECT_EQ(replay.exit, 1);
    EXPECT_NE(replay.out.find("not reproduced as recorded"), std::string::npos) << replay.out;
  }
  EXPECT_EQ(weir("explore pegasus --mutant no-such-bug").exit, 2);
}

TEST(ExploreCli, ListNamesTheModels) {
  CliRun r = weir("explore --list");
  EXPECT_EQ(r.exit, 0);
  EXPECT_NE(r.out.find("ring"), std::string::npos);
  EXPECT_NE(r.out.find("complete-on-forward"), std::string::npos);
}

}  // namespace
