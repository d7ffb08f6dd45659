// Jepsen's conventions that the tools disagree on, offered both ways: a read that returned
// nil reads the value nil (Porcupine's etcd model, the default) or a value not known that
// matches any state (Knossos, --nil-reads any); and a history of the nemesis alone is a
// history of 0 operations, linearizable, while a file of nothing recognised stays exit 2.
// Small Knossos-style cas-register histories, one of each kind, with Knossos's verdicts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::weir;
using weir::test::write_file;

// A write of 1 completes; then a read returns nil, then another returns 1. Knossos: the
// nil read matches anything, so valid; read as the value nil, it is stale.
const char* kNilAfterWrite =
    "{:process 0, :type :invoke, :f :write, :value 1}\n"
    "{:process 0, :type :ok, :f :write, :value 1}\n"
    "{:process 1, :type :invoke, :f :read, :value nil}\n"
    "{:process 1, :type :ok, :f :read, :value nil}\n"
    "{:process 1, :type :invoke, :f :read, :value nil}\n"
    "{:process 1, :type :ok, :f :read, :value 1}\n";

// Writes 1 then 2 complete; a read returns 1 afterwards: stale whatever nil means.
const char* kStaleAfterNil =
    "{:process 0, :type :invoke, :f :write, :value 1}\n"
    "{:process 0, :type :ok, :f :write, :value 1}\n"
    "{:process 0, :type :invoke, :f :write, :value 2}\n"
    "{:process 0, :type :ok, :f :write, :value 2}\n"
    "{:process 1, :type :invoke, :f :read, :value nil}\n"
    "{:process 1, :type :ok, :f :read, :value nil}\n"
    "{:process 1, :type :invoke, :f :read, :value nil}\n"
    "{:process 1, :type :ok, :f :read, :value 1}\n";

TEST(JepsenConventions, NilReadsAreTheValueNilByDefaultAndAnyValueOnRequest) {
  const std::string nil_after = write_file("nil-after-write.edn", kNilAfterWrite);
  CliRun as_value = weir("check lin --spec cas-register " + nil_after);
  EXPECT_EQ(as_value.exit, 1) << as_value.out;
  EXPECT_NE(as_value.out.find("refused: read returned nil but the register holds 1"), std::string::npos) << as_value.out;
  EXPECT_EQ(weir("check lin --spec cas-register --nil-reads value " + nil_after).exit, 1);
  CliRun as_any = weir("check lin --spec cas-register --nil-reads any " + nil_after);
  EXPECT_EQ(as_any.exit, 0) << as_any.out;  // Knossos: valid
  EXPECT_NE(as_any.out.find("note: 1 read(s) returned nil: read as any value"), std::string::npos) << as_any.out;
  // A violation that does not hang on nil stays one either way.
  const std::string stale = write_file("stale-after-nil.edn", kStaleAfterNil);
  EXPECT_EQ(weir("check lin --spec cas-register " + stale).exit, 1);
  CliRun stale_any = weir("check lin --spec cas-register --nil-reads any " + stale);
  EXPECT_EQ(stale_any.exit, 1) << stale_any.out;
  EXPECT_NE(stale_any.out.find("refused: read returned 1 but the register holds 2"), std::string::npos) << stale_any.out;
}

TEST(JepsenConventions, NilReadsAnyHoldsInEveryFormat) {
  // The same history as Jepsen log lines and as native JSONL (output null).
  const std::string log = write_file("nil.log",
                                     "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
                                     "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
                                     "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
                                     "INFO  jepsen.util - 1\t:ok\t:read\tnil\n");
  EXPECT_EQ(weir("check lin --spec cas-register " + log).exit, 1);
  EXPECT_EQ(weir("check lin --spec cas-register --nil-reads any " + log).exit, 0);
  const std::string jsonl = write_file("nil.jsonl",
                                       "{\"client\": 0, \"call\": 1, \"return\": 2, \"f\": \"write\", \"value\": 1}\n"
                                       "{\"client\": 1, \"call\": 3, \"return\": 4, \"f\": \"read\", \"output\": null}\n");
  EXPECT_EQ(weir("check lin --spec cas-register " + jsonl).exit, 1);
  CliRun any = weir("check lin --spec cas-register --nil-reads any --json " + jsonl);
  EXPECT_EQ(any.exit, 0) << any.out;
  const auto j = nlohmann::json::parse(any.out);
  EXPECT_EQ(j["unknown_reads"], 1);
  EXPECT_EQ(j["ops"], 1);
  // kv: Jepsen's independent [key value] tuple with a nil value.
  const std::string kv = write_file("nil-kv.edn",
                                    "{:process 0, :type :invoke, :f :put, :value [\"x\" \"1\"]}\n"
                                    "{:process 0, :type :ok, :f :put, :value [\"x\" \"1\"]}\n"
                                    "{:process 1, :type :invoke, :f :get, :value [\"x\" nil]}\n"
                                    "{:process 1, :type :ok, :f :get, :value [\"x\" nil]}\n");
  EXPECT_EQ(weir("check lin --spec kv " + kv).exit, 1);
  EXPECT_EQ(weir("check lin --spec kv --nil-reads any " + kv).exit, 0);
  EXPECT_EQ(weir("check lin --spec kv --nil-reads maybe " + kv).exit, 2);
}

TEST(JepsenConventions, ANemesisOnlyHistoryHasZeroOperationsAndHolds) {
  const std::string edn = write_file("nemesis.edn",
                                     "{:process :nemesis, :type :info, :f :start, :value nil}\n"
                                     "{:process :nemesis, :type :info, :f :stop, :value nil}\n");
  CliRun r = weir("check lin --spec cas-register " + edn);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("note: 0 operations (only 2 events of no client, the nemesis's)"), std::string::npos) << r.out;
  const std::string log = write_file("nemesis.log",
                                     "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
                                     "INFO  jepsen.core - worker 3 starting\n");
  CliRun l = weir("check lin --spec cas-register --json " + log);
  EXPECT_EQ(l.exit, 0) << l.out << l.err;
  EXPECT_EQ(nlohmann::json::parse(l.out)["other_events"], 1);
  // Nothing recognised at all is still bad input.
  EXPECT_EQ(weir("check lin --spec cas-register " + write_file("chatter.log", "INFO  jepsen.core - worker 3 starting\n")).exit, 2);
  EXPECT_EQ(weir("check lin --spec cas-register " + write_file("junk.txt", "hello\n")).exit, 2);
}

// Jepsen's independent keys on a cas-register: key 1 is fine; on key 2 a cas from nil to 4
// succeeds and a later read returns 3.
const char* kIndependent =
    "{:process 0, :type :invoke, :f :write, :value [1 3]}\n"
    "{:process 0, :type :ok, :f :write, :value [1 3]}\n"
    "{:process 1, :type :invoke, :f :cas, :value [2 [nil 4]]}\n"
    "{:process 1, :type :ok, :f :cas, :value [2 [nil 4]]}\n"
    "{:process 2, :type :invoke, :f :read, :value [1 nil]}\n"
    "{:process 2, :type :ok, :f :read, :value [1 3]}\n"
    "{:process 0, :type :invoke, :f :read, :value [2 nil]}\n"
    "{:process 0, :type :ok, :f :read, :value [2 3]}\n";

TEST(JepsenConventions, IndependentKeysAreRegistersOfTheirOwn) {
  const std::string f = write_file("independent.edn", kIndependent);
  CliRun r = weir("check lin --spec cas-register --independent --json " + f);
  ASSERT_EQ(r.exit, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["partitions"].size(), 2u);
  EXPECT_EQ(j["witness"]["partition"], "2");
  EXPECT_EQ(j["witness"]["blocked"]["op"], "key 2: read -> 3");
  // Fix the read: every key holds.
  std::string fixed = kIndependent;
  fixed.replace(fixed.rfind("[2 3]"), 5, "[2 4]");
  EXPECT_EQ(weir("check lin --spec cas-register --independent " + write_file("independent-ok.edn", fixed)).exit, 0);
  // The same as Weir JSONL, with a "key".
  const std::string jl = write_file("independent.jsonl",
                                    "{\"client\": 0, \"call\": 1, \"return\": 2, \"f\": \"cas\", \"key\": 2, \"value\": [null, 4]}\n"
                                    "{\"client\": 1, \"call\": 3, \"return\": 4, \"f\": \"read\", \"key\": 2, \"output\": 3}\n"
                                    "{\"client\": 2, \"call\": 3, \"return\": 4, \"f\": \"read\", \"key\": 1, \"output\": null}\n");
  CliRun n = weir("check lin --spec cas-register --independent " + jl);
  EXPECT_EQ(n.exit, 1) << n.out << n.err;
  EXPECT_NE(n.out.find("refused: read returned 3 but register 2 holds 4"), std::string::npos) << n.out;
  // Without the flag a pair is a register's value, and this history is one register.
  EXPECT_NE(weir("check lin --spec cas-register --json " + f).out.find("\"partitions\":[{"), std::string::npos);
  // A value that is not a tuple is refused, with its line.
  CliRun bad = weir("check lin --spec register --independent " +
                    write_file("not-a-tuple.edn", "{:process 0, :type :invoke, :f :write, :value 3}\n"));
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("not-a-tuple.edn:1: with --independent a value is a [key value] tuple, got 3"), std::string::npos)
      << bad.err;
}

}  // namespace
