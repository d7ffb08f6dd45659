// `weir fuzz beaver` end to end: correct cores pass, planted bugs are found, shrunk,
// written as a reproducer that replays to the same failure, and the same seed gives the
// same run in another process.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::scratch_dir;
using weir::test::weir;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FuzzCli, CorrectCoresPassTheirRuns) {
  CliRun r = weir("fuzz beaver --runs 500 --check-determinism");
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("500 runs, seeds 1..500, no failure"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no failure is no proof"), std::string::npos);
}

TEST(FuzzCli, EveryMutantIsFoundShrunkAndReplays) {
  const std::string dir = scratch_dir() + "/fuzz";
  fs::create_directories(dir);
  for (const std::string m : {"deliver-before-snapshot", "untagged-internal", "no-acceptance-check",
                              "mark-after-forward", "no-checksum-fix", "ttl-underflow"}) {
    CliRun found = weir("fuzz beaver --runs 5000 --mutant " + m + " --reproducer " + m + ".json", dir);
    ASSERT_EQ(found.exit, 1) << m << "\n" << found.out << found.err;
    EXPECT_NE(found.out.find("FAILURE at seed"), std::string::npos) << found.out;
    EXPECT_NE(found.out.find("shrunk in"), std::string::npos) << found.out;
    ASSERT_TRUE(fs::exists(dir + "/" + m + ".json")) << m;
    CliRun replayed = weir("fuzz --replay " + m + ".json", dir);
    EXPECT_EQ(replayed.exit, 1) << m << "\n" << replayed.out;
    EXPECT_NE(replayed.out.find("reproduced: "), std::string::npos) << replayed.out;
    // The failure replayed is the one reported (its first line).
    const std::string reported = found.out.substr(found.out.find(")\n  ") + 4);
    const std::string first = reported.substr(0, reported.find('\n'));
    EXPECT_NE(replayed.out.find(first), std::string::npos) << m << "\nreported: " << first << "\n" << replayed.out;
    // The recorded execution says the same to the checker when the failure is a cut's.
    if (found.out.find("causally consistent") != std::string::npos) {
      EXPECT_EQ(weir("check cut " + m + ".execution.jsonl", dir).exit, 1) << m;
    }
  }
}

TEST(FuzzCli, PegasusMutantsAreFoundAsNonLinearizableHistories) {
  const std::string dir = scratch_dir() + "/fuzz-pegasus";
  fs::create_directories(dir);
  CliRun ok = weir("fuzz pegasus --runs 1000", dir);
  EXPECT_EQ(ok.exit, 0) << ok.out;
  for (const std::string m : {"no-version-check", "complete-on-forward", "read-any-server", "no-dedup"}) {
    CliRun found = weir("fuzz pegasus --runs 5000 --mutant " + m + " --reproducer " + m + ".json", dir);
    ASSERT_EQ(found.exit, 1) << m << "\n" << found.out << found.err;
    EXPECT_NE(found.out.find("not linearizable"), std::string::npos) << found.out;
    EXPECT_EQ(weir("fuzz --replay " + m + ".json", dir).exit, 1) << m;
    CliRun judged = weir("check lin --spec kv " + m + ".history.jsonl", dir);
    EXPECT_EQ(judged.exit, 1) << m << "\n" << judged.out;
  }
}

// Swarm testing by default: the failing seed's mix is printed and is what the reproducer
// holds; a knob given is kept as given; --no-swarm runs the scenario as given.
TEST(FuzzCli, DefaultsDrawAMixPerSeedKeepWhatIsGivenAndSayIt) {
  const std::string dir = scratch_dir() + "/fuzz-mix";
  fs::create_directories(dir);
  CliRun found = weir("fuzz pegasus --mutant no-dedup --no-shrink --runs 2000 --duplicate 0.1 --reproducer r.json", dir);
  ASSERT_EQ(found.exit, 1) << found.out << found.err;
  const auto at = found.out.find("\n  mix: ");
  ASSERT_NE(at, std::string::npos) << found.out;
  const std::string mix = found.out.substr(at + 8, found.out.find('\n', at + 1) - at - 8);
  EXPECT_EQ(mix.find("duplicate="), std::string::npos) << "a knob given is not drawn: " << mix;
  const auto r = nlohmann::json::parse(slurp(dir + "/r.json"));
  EXPECT_EQ(r["scenario"]["duplicate"], 0.1);
  // Every drawn value is the reproducer's.
  std::istringstream words(mix);
  for (std::string w; words >> w;) {
    const std::string k = w.substr(0, w.find('='));
    EXPECT_DOUBLE_EQ(r["scenario"][k].get<double>(), std::stod(w.substr(w.find('=') + 1))) << w;
  }
  CliRun plain = weir("fuzz pegasus --mutant no-dedup --no-shrink --no-swarm --runs 2000 --reproducer p.json", dir);
  ASSERT_EQ(plain.exit, 1) << plain.out;
  EXPECT_EQ(plain.out.find("mix:"), std::string::npos) << plain.out;
  const auto p = nlohmann::json::parse(slurp(dir + "/p.json"));
  EXPECT_EQ(p["scenario"]["drop"], 0.05);  // the default, as given
  EXPECT_EQ(p["scenario"]["retry-after"], 60);
  CliRun ok = weir("fuzz beaver --runs 20", dir);
  EXPECT_EQ(ok.exit, 0) << ok.out;
  EXPECT_NE(ok.out.find("each seed drew its own mix"), std::string::npos) << ok.out;
}

// Every scenario option says what it does and its unit, not only its name.
TEST(FuzzCli, EveryScenarioOptionIsExplainedInTheHelp) {
  for (const std::string protocol : {"beaver", "pegasus"}) {
    CliRun help = weir("fuzz " + protocol + " --help");
    EXPECT_EQ(help.exit, 0) << help.err;
    EXPECT_EQ(help.out.find("scenario: "), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("partitions"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("longest a partition lasts, us"), std::string::npos) << help.out;
  }
  EXPECT_NE(weir("fuzz beaver --help").out.find("tau_min: three hops"), std::string::npos);
  EXPECT_NE(weir("fuzz pegasus --help").out.find("request id is 8 bits"), std::string::npos);
}

TEST(FuzzCli, TheSameSeedGivesTheSameRunInAnotherProcess) {
  const std::string a = scratch_dir() + "/det-a", b = scratch_dir() + "/det-b";
  fs::create_directories(a);
  fs::create_directories(b);
  const std::string args = "fuzz beaver --runs 5000 --seed 11 --mutant deliver-before-snapshot --no-shrink --reproducer r.json";
  CliRun ra = weir(args, a), rb = weir(args, b);
  ASSERT_EQ(ra.exit, 1) << ra.out;
  ASSERT_EQ(rb.exit, 1);
  EXPECT_EQ(ra.out, rb.out);
  EXPECT_EQ(slurp(a + "/r.execution.jsonl"), slurp(b + "/r.execution.jsonl"));
  EXPECT_FALSE(slurp(a + "/r.execution.jsonl").empty());
}

TEST(FuzzCli, BadOptionsAndReproducersExitTwo) {
  for (const std::string bad : {"fuzz beaver --mutant bogus", "fuzz beaver --runs 0", "fuzz beaver --drop 2",
                                "fuzz beaver --gateways 0", "fuzz --replay /nonexistent.json", "fuzz --replay /dev/zero"}) {
    CliRun r = weir(bad);
    EXPECT_EQ(r.exit, 2) << bad << "\n" << r.out << r.err;
  }
  const std::string f = weir::test::write_file("wrong.json", R"({"format": "weir-fuzz-reproducer", "version": 1,
    "protocol": "beaver", "seed": 1, "mutant": "none", "scenario": {"requests": -3}})");
  CliRun r = weir("fuzz --replay " + f);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("scenario \"requests\" is out of range"), std::string::npos) << r.err;
}

}  // namespace
