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

}  // namespace
