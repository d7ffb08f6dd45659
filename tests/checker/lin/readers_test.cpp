// Readers: what each format means, and a clear file:line: cause for every malformed input.
#include <gtest/gtest.h>

#include "checker/lin/lin.hpp"

namespace weir::lin {
namespace {

using spec::SpecKind;

std::variant<History, ReadError> parse(std::string_view text, SpecKind spec,
                                       Format format = Format::Auto) {
  ReadOptions o;
  o.spec = spec;
  o.format = format;
  return parse_history(text, "h.txt", o);
}

History ok(std::string_view text, SpecKind spec) {
  auto r = parse(text, spec);
  if (auto* e = std::get_if<ReadError>(&r)) ADD_FAILURE() << e->message();
  return std::get<History>(std::move(r));
}

void expect_error(std::string_view text, SpecKind spec, std::size_t line, std::string_view cause_part,
                  Format format = Format::Auto) {
  auto r = parse(text, spec, format);
  ASSERT_TRUE(std::holds_alternative<ReadError>(r)) << "accepted: " << text;
  const ReadError& e = std::get<ReadError>(r);
  EXPECT_EQ(e.line, line) << e.message();
  EXPECT_NE(e.cause.find(cause_part), std::string::npos) << e.message();
  EXPECT_EQ(e.message().rfind("h.txt:" + std::to_string(line) + ": ", 0), 0u) << e.message();
}

constexpr std::string_view kEtcdLog =
    "2017-01-01 INFO  jepsen.core - Running test\n"
    "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\n"
    "INFO  jepsen.util - 7\t:invoke\t:write\t2\n"
    "INFO  jepsen.util - 4\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 3\t:fail\t:cas\t[1 4]\n"
    "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
    "INFO  jepsen.util - 7\t:info\t:write\t:timed-out\n"
    "INFO  jepsen.util - 4\t:ok\t:read\tnil\n"
    "INFO  jepsen.util - 12\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 12\t:ok\t:read\t2\n";

TEST(Readers, JepsenLogLines) {
  History h = ok(kEtcdLog, SpecKind::CasRegister);
  EXPECT_EQ(h.format, Format::JepsenLog);
  EXPECT_EQ(h.dropped_failed, 1u);  // :fail did not happen
  ASSERT_EQ(h.ops.size(), 3u);      // write (pending), read nil, read 2
  EXPECT_EQ(h.ops[0].ret, kPending);  // :info may have happened
  EXPECT_FALSE(h.ops[0].input.known);
  EXPECT_EQ(h.ops[0].line, 3u);
  EXPECT_EQ(h.ops[1].input.out, h.init);  // nil reads the initial value (--init nil)
  EXPECT_EQ(check(h, {}).verdict, Verdict::Ok);  // the timed-out write took effect
}

TEST(Readers, InitValueChangesTheVerdict) {
  ReadOptions o;
  o.spec = SpecKind::CasRegister;
  o.init = "0";
  auto r = parse_history(kEtcdLog, "h.txt", o);
  ASSERT_TRUE(std::holds_alternative<History>(r));
  // Reading nil is impossible when the register starts at 0 and nobody writes nil.
  EXPECT_EQ(check(std::get<History>(r), {}).verdict, Verdict::Violation);
}

TEST(Readers, EdnVectorWithComments) {
  History h = ok("; a Knossos history\n[{:process 0, :type :invoke, :f :write, :value 1}\n"
                 " {:process 0, :type :ok, :f :write, :value 1} ; done\n"
                 " {:process :nemesis, :type :info, :f :start}\n"
                 " {:process 1, :type :invoke, :f :read, :value nil}\n"
                 " {:process 1, :type :ok, :f :read, :value 1, :time 12345}]\n",
                 SpecKind::Register);
  EXPECT_EQ(h.format, Format::Edn);
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.ops[1].line, 5u);  // line 1 is the comment
  EXPECT_EQ(h.ops[1].return_line, 6u);
  EXPECT_EQ(check(h, {}).verdict, Verdict::Ok);
}

TEST(Readers, EdnKvWithIndependentTuples) {
  History h = ok("{:process 0 :type :invoke :f :append :value [\"x\" \"a\"]}\n"
                 "{:process 0 :type :ok :f :append :value [\"x\" \"a\"]}\n"
                 "{:process 1 :type :invoke :f :get :value [\"x\" nil]}\n"
                 "{:process 1 :type :ok :f :get :value [\"x\" \"b\"]}\n",
                 SpecKind::Kv);
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.values->text(h.ops[0].input.key), "x");
  EXPECT_EQ(check(h, {}).verdict, Verdict::Violation);
}

TEST(Readers, NativeJsonl) {
  History h = ok("# native history\n"
                 "{\"client\": 0, \"call\": 0, \"return\": 10, \"f\": \"write\", \"value\": 1}\n"
                 "\n"
                 "{\"client\": 1, \"call\": 5, \"return\": 7, \"f\": \"read\", \"output\": null}\n"
                 "{\"client\": 2, \"call\": 6, \"f\": \"cas\", \"value\": [1, 2]}\n"
                 "{\"client\": 1, \"call\": 11, \"return\": 12, \"f\": \"cas\", \"value\": [5, 6], \"output\": false}\n",
                 SpecKind::CasRegister);
  EXPECT_EQ(h.format, Format::Jsonl);
  ASSERT_EQ(h.ops.size(), 4u);
  EXPECT_EQ(h.ops[2].ret, kPending);
  EXPECT_FALSE(h.ops[3].input.ok);
  EXPECT_EQ(h.ops[3].line, 6u);
  EXPECT_EQ(check(h, {}).verdict, Verdict::Ok);
}

TEST(Readers, JsonAndEdnValuesInternAlike) {
  History j = ok("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"write\",\"value\":\"s\"}\n", SpecKind::Register);
  History e = ok("{:process 0 :type :invoke :f :write :value \"s\"}\n", SpecKind::Register);
  EXPECT_EQ(j.values->text(j.ops[0].input.arg), e.values->text(e.ops[0].input.arg));
}

TEST(ReadersMalformed, Jsonl) {
  const SpecKind R = SpecKind::CasRegister;
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"write\",\"value\":1}\n{\"client\":", R, 2, "not valid JSON");
  expect_error("{\"client\":0,\"call\":5,\"return\":1,\"f\":\"write\",\"value\":1}\n", R, 1, "before its call");
  expect_error("\n\n{\"client\":0,\"call\":0,\"return\":1,\"f\":\"fly\"}\n", R, 3, "unknown operation \"fly\"");
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"read\"}\n", R, 1, "no \"output\"");
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"cas\",\"value\":[1]}\n", R, 1, "[expected, new]");
  expect_error("{\"call\":0,\"return\":1,\"f\":\"read\",\"output\":1}\n", R, 1, "missing \"client\"");
  expect_error("{\"client\":0,\"call\":-3,\"f\":\"write\",\"value\":1}\n", R, 1, "non-negative");
  expect_error("{\"client\":0,\"call\":0,\"return\":9,\"f\":\"write\",\"value\":1}\n"
               "{\"client\":0,\"call\":5,\"return\":12,\"f\":\"write\",\"value\":2}\n",
               R, 2, "overlapping");
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"put\",\"value\":\"a\"}\n", SpecKind::Kv, 1, "\"key\"");
  expect_error("[1, 2]\n", R, 1, "expected a JSON object", Format::Jsonl);
}

TEST(ReadersMalformed, Edn) {
  const SpecKind R = SpecKind::CasRegister;
  expect_error("{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write", R, 2,
               "unterminated");
  expect_error("{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :done, :f :write}\n", R, 2,
               "unknown :type");
  expect_error("{:process 0, :type :ok, :f :write, :value 1}\n", R, 1, "never invoked");
  expect_error("{:process 0, :type :invoke, :f :write, :value 1}\n\n{:process 0, :type :invoke, :f :read}\n", R, 3,
               "has not completed");
  expect_error("{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :read}\n", R, 2,
               "invoked :write");
  expect_error("{:process 0, :type :invoke, :f :cas, :value 3}\n", R, 1, "[expected new]");
  expect_error("{:process 0, :type :invoke, :f :write :value}\n", R, 1, "key without a value");
  expect_error("[{:process 0, :type :invoke, :f :write, :value 1}\n 42]\n", R, 2, "expected an operation map");
  expect_error("{:process 0 :type :invoke :f :write :value \"abc}\n", R, 1, "unterminated string");
  expect_error("{:type :invoke :f :read}\n", R, 1, "no :process");
  expect_error("{:process 0 :type :invoke :f :get :value nil}\n", SpecKind::Kv, 1, "no :key");
}

TEST(ReadersMalformed, JepsenLog) {
  const SpecKind R = SpecKind::CasRegister;
  expect_error("INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\nINFO  jepsen.util - 3\t:okay\t:cas\t[1 4]\n", R, 2,
               "unknown type :okay");
  expect_error("INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4\n", R, 1, "bad value");
  expect_error("x\ny\nINFO  jepsen.util - 3\t:invoke\t:swap\t[1 4]\n", R, 3, "unknown operation :swap");
  expect_error("INFO  jepsen.util - 3\t:invoke\tcas\t[1 4]\n", R, 1, "operation keyword");
  expect_error("INFO  jepsen.util - 3\t:ok\t:read\t1\n", R, 1, "never invoked");
}

TEST(ReadersMalformed, WholeFile) {
  auto empty = parse("", SpecKind::Register);
  ASSERT_TRUE(std::holds_alternative<ReadError>(empty));
  EXPECT_NE(std::get<ReadError>(empty).cause.find("empty"), std::string::npos);
  expect_error("hello world\n", SpecKind::Register, 1, "cannot tell the format");
  auto missing = read_history("/nonexistent/history.edn", {});
  ASSERT_TRUE(std::holds_alternative<ReadError>(missing));
  EXPECT_EQ(std::get<ReadError>(missing).message(), "/nonexistent/history.edn: cannot open: No such file or directory");
  ReadOptions bad_init;
  bad_init.init = "[1";
  EXPECT_TRUE(std::holds_alternative<ReadError>(parse_history("[]", "h", bad_init)));
}

// Deeply nested input must not blow the stack.
TEST(ReadersMalformed, DeepNesting) {
  std::string deep(100000, '[');
  expect_error(deep, SpecKind::Register, 1, "nesting");
}

// Issue 13: input each reader used to take for something else, and now refuses.
TEST(ReadersHostile, GarbageIsNotReadAsSomethingElse) {
  const SpecKind R = SpecKind::CasRegister;
  // A cas value with a nested array is three items, not [expected, new].
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"cas\",\"value\":[null,[9],5]}\n", R, 1,
               "[expected, new]");
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"cas\",\"value\":[{\"a\":1},5]}\n", R, 1,
               "[expected, new]");
  // A key twice: neither the first nor the last silently wins.
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"write\",\"value\":1,\"value\":2}\n", R, 1,
               "the field \"value\" appears twice");
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"return\":null,\"f\":\"write\",\"value\":1}\n", R, 1,
               "the field \"return\" appears twice");
  // Two operations joined by a comma on one line.
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"write\",\"value\":1},"
               "{\"client\":1,\"call\":2,\"return\":3,\"f\":\"read\",\"output\":2}\n",
               R, 1, "two operations on one line");
  // EDN kv values are strings, as in JSONL.
  expect_error("{:process 0 :type :invoke :f :put :key \"k\" :value 5}\n", SpecKind::Kv, 1,
               "put value must be a string, got 5");
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"put\",\"key\":\"k\",\"value\":5}\n",
               SpecKind::Kv, 1, "must be a string");
}

TEST(ReadersHostile, NoTimeIsTakenForNoReturn) {
  // The largest 64-bit time used to mean "no return": the read vanished and a stale read
  // passed. Now it is refused with the limit.
  const std::string max = "18446744073709551615";
  expect_error("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"write\",\"value\":1}\n"
               "{\"client\":1,\"call\":2,\"return\":" + max + ",\"f\":\"read\",\"output\":0}\n",
               SpecKind::Register, 2, "beyond the largest time Weir represents, 18446744073709551614");
  expect_error("{\"client\":0,\"call\":" + max + ",\"f\":\"write\",\"value\":1}\n", SpecKind::Register, 1,
               "\"call\" 18446744073709551615 is beyond");
  History h = ok("{\"client\":0,\"call\":0,\"return\":1,\"f\":\"write\",\"value\":1}\n"
                 "{\"client\":1,\"call\":2,\"return\":18446744073709551614,\"f\":\"read\",\"output\":0}\n",
                 SpecKind::Register);
  ASSERT_EQ(h.ops.size(), 2u);  // the read is kept, and judged
  EXPECT_EQ(check(h, {}).verdict, Verdict::Violation);
}

TEST(ReadersHostile, EdnSymbolicValues) {
  History h = ok("{:process 0 :type :invoke :f :write :value ##Inf :time ##NaN}\n"
                 "{:process 0 :type :ok :f :write :value ##Inf}\n"
                 "{:process 1 :type :invoke :f :read :value nil}\n"
                 "{:process 1 :type :ok :f :read :value ##Inf}\n",
                 SpecKind::Register);
  EXPECT_EQ(check(h, {}).verdict, Verdict::Ok);
  expect_error("{:process 0 :type :invoke :f :write :value ##NaN}\n", SpecKind::Register, 1,
               "##NaN is not a value a register can hold");
  expect_error("{:process 0 :type :invoke :f :cas :value [1 ##NaN]}\n", SpecKind::CasRegister, 1, "##NaN");
  expect_error("{:process 0 :type :invoke :f :write :value ##Nope}\n", SpecKind::Register, 1,
               "unknown symbolic value '##Nope'");
}

TEST(ReadersHostile, MessagesQuoteLongInputCutShort) {
  const std::string huge(1 << 20, 'x');
  for (const std::string& text :
       {"{\"client\":0,\"call\":0,\"return\":1,\"f\":\"" + huge + "\"}\n",
        "{:process 0 :type :invoke :f :cas :value \"" + huge + "\"}\n",
        "{:process 0 :type :" + huge + " :f :read}\n",
        "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 " + huge + "\n"}) {
    auto r = parse(text, SpecKind::CasRegister);
    ASSERT_TRUE(std::holds_alternative<ReadError>(r));
    const std::string m = std::get<ReadError>(r).message();
    EXPECT_LT(m.size(), 400u) << m.substr(0, 200);
    EXPECT_NE(m.find("..."), std::string::npos) << m.substr(0, 200);
  }
}

}  // namespace
}  // namespace weir::lin
