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
  EXPECT_NE(missing.err.find("/nonexistent/cx.json: cannot open: No such file or directory"), std::string::npos) << missing.err;
  const std::string wrong = weir::test::write_file(
      "wrong.json",
      R"({"format":"weir-counterexample","version":1,"model":"ring","options":{"nodes":3},"init":0,"actions":[17]})");
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

namespace {

TEST(ExploreCli, CounterexampleFilesAreVersionedAndChecked) {
  const std::string cx = R"({"format":"weir-counterexample","version":VERSION,"model":"MODEL",)"
                         R"("options":{"nodes":3,"values":3,"capacity":1,"counter-below":2},"init":0,"actions":[0,0]})";
  auto with = [&](const std::string& version, const std::string& model) {
    std::string s = cx;
    s.replace(s.find("VERSION"), 7, version);
    s.replace(s.find("MODEL"), 5, model);
    return weir::test::write_file("cx-" + version + "-" + model + ".json", s);
  };
  CliRun ok = weir("explore --replay " + with("1", "ring"));
  EXPECT_EQ(ok.exit, 1) << ok.out << ok.err;  // two ticks of node 0: its counter reaches 2
  CliRun v0 = weir("explore --replay " + with("0", "ring"));
  EXPECT_EQ(v0.exit, 2);
  EXPECT_NE(v0.err.find("unsupported counterexample version 0"), std::string::npos) << v0.err;
  CliRun unknown = weir("explore --replay " + with("1", "--list"));
  EXPECT_EQ(unknown.exit, 2);
  EXPECT_NE(unknown.err.find("unknown model \"--list\""), std::string::npos) << unknown.err;
  const std::string old = weir::test::write_file(
      "old.json", R"({"weir":"explore counterexample","model":"ring","args":["--nodes","3"],"init":0,"actions":[]})");
  CliRun o = weir("explore --replay " + old);
  EXPECT_EQ(o.exit, 2);
  EXPECT_NE(o.err.find("not a weir counterexample"), std::string::npos) << o.err;
  const std::string range = weir::test::write_file(
      "range.json", R"({"format":"weir-counterexample","version":1,"model":"ring","options":{"nodes":99},)"
                    R"("init":0,"actions":[]})");
  CliRun r = weir("explore --replay " + range);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("--nodes 99: out of range, must be 2..64"), std::string::npos) << r.err;
}

TEST(ExploreCli, ACounterexampleSavesItsOptionsAsValues) {
  const std::string dir = weir::test::scratch_dir() + "/cx-values";
  std::filesystem::create_directories(dir);
  ASSERT_EQ(weir("explore ring --nodes 3 --capacity 1 --counter-below 2", dir).exit, 1);
  std::ifstream in(dir + "/counterexample-ring.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["format"], "weir-counterexample");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["options"]["nodes"], 3);
  EXPECT_EQ(j["options"]["counter-below"], 2);
  EXPECT_EQ(j["options"]["values"], 3);  // defaults are saved too
}

TEST(ExploreCli, ListAndHelpComeFromTheRegistry) {
  CliRun list = weir("explore --list");
  EXPECT_EQ(list.exit, 0);
  for (const char* s : {"ring:", "pegasus:", "chandy-lamport:", "beaver:", "capybara:", "--gateways N",
                        "(default 2; 1..16)", "accept-on-equal:", "goals", "a snapshot is accepted",
                        "every accepted snapshot is causally consistent"})
    EXPECT_NE(list.out.find(s), std::string::npos) << s;
  EXPECT_EQ(list.out.find("../"), std::string::npos);
  CliRun help = weir("explore capybara --help");
  EXPECT_EQ(help.exit, 0);
  EXPECT_NE(help.out.find("a migration completes"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("no-buffering"), std::string::npos) << help.out;
}

TEST(ExploreCli, RangesAreCheckedBeforeWork) {
  CliRun big = weir("explore beaver --tau-min 4294967296");
  EXPECT_EQ(big.exit, 2);
  EXPECT_NE(big.err.find("--tau-min 4294967296: out of range, must be 0..250"), std::string::npos) << big.err;
  EXPECT_EQ(weir("explore beaver --gateways -1").exit, 2);
  EXPECT_EQ(weir("explore ring --threads 100000").exit, 2);
  CliRun mutant = weir("explore beaver --mutant bogus");
  EXPECT_EQ(mutant.exit, 2);
  EXPECT_NE(mutant.err.find("not a mutant of beaver"), std::string::npos) << mutant.err;
}

TEST(ExploreCli, AVacuousSearchIsUnknownNotHolds) {
  CliRun none = weir("explore beaver --requests 0");
  EXPECT_EQ(none.exit, 2) << none.out;
  EXPECT_NE(none.err.find("--requests 0: out of range, must be 1..60"), std::string::npos) << none.err;
  CliRun vacuous = weir("explore beaver --sends 0");
  EXPECT_EQ(vacuous.exit, 3) << vacuous.out;
  EXPECT_NE(vacuous.out.find("holds, but vacuously"), std::string::npos) << vacuous.out;
  EXPECT_NE(vacuous.out.find("an external chain re-enters the group through a gateway"), std::string::npos);
  CliRun sim = weir("explore beaver --simulate 200 --json");
  EXPECT_EQ(sim.exit, 0) << sim.out;
  const auto j = nlohmann::json::parse(sim.out);
  ASSERT_EQ(j["goals"].size(), 2u);
  EXPECT_GT(j["goals"][0]["runs"].get<int>(), 0);
}

}  // namespace
