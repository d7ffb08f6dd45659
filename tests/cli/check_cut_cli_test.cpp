// `weir check cut` end to end: the bundled examples, exit codes, JSON, bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::weir;
using weir::test::write_file;

const std::string kExamples = std::string(WEIR_EXAMPLES) + "/cut/";

TEST(CheckCutCli, ConsistentExitsZero) {
  CliRun r = weir("check cut " + kExamples + "beaver-consistent.jsonl");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("consistent: 1 snapshot (ssid 1), 12 events on 4 processes (1 out-group)"), std::string::npos)
      << r.out;
}

TEST(CheckCutCli, InconsistentExitsOneWithTheChain) {
  CliRun r = weir("check cut " + kExamples + "beaver-inconsistent.jsonl");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("a #2 (line 8): send reply comes after a's snapshot"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x (out-group) recv reply"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("comes back through out-group x"), std::string::npos) << r.out;
}

TEST(CheckCutCli, AnUnclosedChannelIsItsOwnKind) {
  const std::string f = write_file("unclosed.jsonl", R"({"process": "p", "kind": "send", "msg": "m1", "to": "q"}
{"process": "r", "kind": "send", "msg": "m2", "to": "q"}
{"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "r", "kind": "snapshot", "ssid": 1}
{"process": "q", "kind": "snapshot", "ssid": 1, "channels": {"p": ["m1"]}}
)");
  CliRun r = weir("check cut --json " + f);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["violations"].size(), 1u) << r.out;
  EXPECT_EQ(j["violations"][0]["kind"], "unclosed-channel");
  EXPECT_EQ(j["violations"][0]["from"], "r");
}

TEST(CheckCutCli, JsonPerFileWithWorstExit) {
  CliRun r = weir("check cut --json " + kExamples + "beaver-consistent.jsonl " + kExamples +
                  "beaver-inconsistent.jsonl");
  EXPECT_EQ(r.exit, 1);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> docs;
  while (std::getline(lines, line)) docs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["verdict"], "consistent");
  EXPECT_EQ(docs[1]["verdict"], "inconsistent");
  const auto& v = docs[1]["violations"][0];
  EXPECT_EQ(v["kind"], "inconsistent");
  EXPECT_EQ(v["outside"]["process"], "a");
  EXPECT_EQ(v["inside"]["process"], "gw2");
  EXPECT_EQ(v["out_group"], nlohmann::json::array({"x"}));
  EXPECT_EQ(v["chain"].size(), 4u);
}

TEST(CheckCutCli, BadInputExitsTwoWithFileAndLine) {
  const std::string f = write_file("cycle.jsonl",
                                   "{\"process\": \"p\", \"kind\": \"local\"}\n"
                                   "{\"process\": \"p\", \"kind\": \"recv\", \"msg\": \"ghost\"}\n");
  CliRun r = weir("check cut " + f + " " + kExamples + "beaver-consistent.jsonl");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find(f + ":2: a receive with no send: no event sends message 'ghost'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("beaver-consistent.jsonl: consistent"), std::string::npos) << r.out;  // the others still judged
  EXPECT_EQ(weir("check cut --frobnicate " + f).exit, 2);
  EXPECT_EQ(weir("check cut /no/such/file.jsonl").exit, 2);
}

}  // namespace
