// `weir check lin` end to end: exit codes, messages, JSON, several files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::weir;
using weir::test::write_file;

const std::string kData = std::string(WEIR_TEST_DATA) + "/porcupine-kv/";

TEST(CheckLinCli, OkExitsZero) {
  CliRun r = weir("check lin --spec kv " + kData + "c10-ok.txt");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("ok, linearizable"), std::string::npos) << r.out;
}

TEST(CheckLinCli, ViolationExitsOneWithWitness) {
  CliRun r = weir("check lin --spec kv " + kData + "c01-bad.txt");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("VIOLATION"), std::string::npos);
  EXPECT_NE(r.out.find("longest linearizable prefix"), std::string::npos);
  EXPECT_NE(r.out.find("refused: get returned"), std::string::npos) << r.out;
}

TEST(CheckLinCli, JsonPerFileAndWorstExit) {
  CliRun r = weir("check lin --spec kv --json " + kData + "c01-ok.txt " + kData + "c01-bad.txt");
  EXPECT_EQ(r.exit, 1);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> docs;
  while (std::getline(lines, line)) docs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["verdict"], "ok");
  EXPECT_EQ(docs[1]["verdict"], "violation");
  EXPECT_EQ(docs[1]["witness"]["partition"], "7");
  EXPECT_FALSE(docs[1]["witness"]["candidates"].empty());
}

// A candidate the spec allows but that leaves a later read no way to see its value is
// named with that read: here appending "b" after "xa" dooms the get of "xb" on line 4.
TEST(CheckLinCli, WitnessNamesTheReadACandidateDooms) {
  const std::string f = write_file("doom.jsonl",
      "{\"client\":0,\"call\":0,\"return\":1,\"f\":\"put\",\"key\":\"k\",\"value\":\"x\"}\n"
      "{\"client\":1,\"call\":2,\"return\":10,\"f\":\"append\",\"key\":\"k\",\"value\":\"a\"}\n"
      "{\"client\":2,\"call\":3,\"return\":11,\"f\":\"append\",\"key\":\"k\",\"value\":\"b\"}\n"
      "{\"client\":0,\"call\":12,\"return\":13,\"f\":\"get\",\"key\":\"k\",\"output\":\"xb\"}\n"
      "{\"client\":0,\"call\":14,\"return\":15,\"f\":\"get\",\"key\":\"k\",\"output\":\"xab\"}\n");
  CliRun r = weir("check lin --spec kv --json " + f);
  ASSERT_EQ(r.exit, 1) << r.out << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  bool named = false;
  for (const auto& c : j["witness"]["candidates"])
    if (c.contains("dooms") && c["dooms"]["line"] == 4 && c["line"] == 3) named = true;
  EXPECT_TRUE(named) << j["witness"].dump(2);
  CliRun text = weir("check lin --spec kv " + f);
  EXPECT_NE(text.out.find("afterwards no order lets this read see its value: get \"k\" -> \"xb\", at line 4"),
            std::string::npos)
      << text.out;
}

TEST(CheckLinCli, BadInputExitsTwoWithFileAndLine) {
  const std::string f = write_file("bad.edn", "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0 :type :ok");
  CliRun r = weir("check lin --spec register " + f);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find(f + ":2: "), std::string::npos) << r.err;
  // Bad input wins over a violation in another file.
  CliRun both = weir("check lin --spec kv " + kData + "c01-bad.txt " + f);
  EXPECT_EQ(both.exit, 2);
}

TEST(CheckLinCli, UsageErrorsExitTwo) {
  EXPECT_EQ(weir("check lin --spec nosuch " + kData + "c01-ok.txt").exit, 2);
  EXPECT_EQ(weir("check lin " + kData + "c01-ok.txt").exit, 2);  // --spec is required
  EXPECT_EQ(weir("check lin --spec kv --frobnicate " + kData + "c01-ok.txt").exit, 2);
  EXPECT_EQ(weir("check lin --spec kv /nonexistent/file").exit, 2);
  EXPECT_EQ(weir("launch").exit, 2);
  EXPECT_EQ(weir("--help").exit, 0);
}

TEST(CheckLinCli, TimeoutExitsThree) {
  CliRun r = weir("check lin --spec kv --no-partition --timeout 0.2 " + kData + "c50-bad.txt");
  EXPECT_EQ(r.exit, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("unknown"), std::string::npos);
}

}  // namespace

namespace {

// Dead-end pruning must keep producers that never returned: a pending cas or write may
// take effect at any time after its call, so a read of the only value it can produce is
// linearizable. The twin without the pending operation is not.
TEST(CheckLinCli, APendingOperationIsTheOnlyProducerOfAValueRead) {
  const std::string head = "INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n";
  const std::string reads = "INFO  jepsen.util - 2\t:invoke\t:read\tnil\nINFO  jepsen.util - 2\t:ok\t:read\t4\n"
                            "INFO  jepsen.util - 2\t:invoke\t:read\tnil\nINFO  jepsen.util - 2\t:ok\t:read\t4\n";
  const std::string cas = weir::test::write_file(
      "pending-cas.log", head + "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]\n" + reads);
  EXPECT_EQ(weir::test::weir("check lin --spec cas-register " + cas).exit, 0);
  const std::string write = weir::test::write_file(
      "pending-write.log", head + "INFO  jepsen.util - 1\t:invoke\t:write\t4\n" + reads);
  EXPECT_EQ(weir::test::weir("check lin --spec cas-register " + write).exit, 0);
  // Crashed (:info) rather than never completed: the same.
  const std::string info = weir::test::write_file(
      "info-cas.log", head + "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]\nINFO  jepsen.util - 1\t:info\t:cas\t[1 4]\n" +
                          reads);
  EXPECT_EQ(weir::test::weir("check lin --spec cas-register " + info).exit, 0);
  // A pending cas that cannot apply (expects 2) produces nothing: 4 comes from nowhere.
  const std::string dead = weir::test::write_file(
      "dead-cas.log", head + "INFO  jepsen.util - 1\t:invoke\t:cas\t[2 4]\n" + reads);
  EXPECT_EQ(weir::test::weir("check lin --spec cas-register " + dead).exit, 1);
  const std::string none = weir::test::write_file("no-producer.log", head + reads);
  EXPECT_EQ(weir::test::weir("check lin --spec cas-register " + none).exit, 1);
}

}  // namespace
