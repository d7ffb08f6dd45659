// multi-register transactions (Knossos's :txn): the spec's step, the readers, and the
// search against brute force on random histories, pending transactions included.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "spec/txn.hpp"
#include "tests/checker/lin/support.hpp"

namespace weir::lin {
namespace {

using spec::MicroOp;
using spec::SpecKind;

History read(const std::string& text, bool nil_any = false) {
  ReadOptions o;
  o.spec = SpecKind::MultiRegister;
  o.nil_reads_any = nil_any;
  auto r = parse_history(text, "h.edn", o);
  if (auto* e = std::get_if<ReadError>(&r)) ADD_FAILURE() << e->message();
  return std::get<History>(std::move(r));
}

TEST(Txn, AStepAppliesReadsAndWritesInOrder) {
  const std::string txn = spec::encode_txn({{true, ":x", "1", true}, {false, ":x", "1", true}, {false, ":y", "nil", true}});
  auto after = spec::apply_txn("nil", txn, true);
  ASSERT_TRUE(after);
  EXPECT_EQ(spec::show_state(*after), "{:x 1}");
  // Reading :y as 2 where it holds nil: refused, and said so.
  const std::string bad = spec::encode_txn({{false, ":y", "2", true}});
  EXPECT_FALSE(spec::apply_txn(*after, bad, true));
  EXPECT_EQ(spec::explain_txn(*after, bad), "it read :y as 2 but the register holds nil there (registers {:x 1} before it)");
  // Not completed: only its writes count.
  EXPECT_TRUE(spec::apply_txn(*after, bad, false));
  EXPECT_EQ(spec::show_txn(spec::encode_txn({{false, ":x", "", false}, {true, ":y", "\"a\"", true}})), "[[:r :x ?] [:w :y \"a\"]]");
  // Keys sort, so equal states are equal texts.
  auto a = spec::apply_txn("nil", spec::encode_txn({{true, ":y", "1", true}, {true, ":x", "2", true}}), true);
  auto b = spec::apply_txn("nil", spec::encode_txn({{true, ":x", "2", true}, {true, ":y", "1", true}}), true);
  EXPECT_EQ(*a, *b);
}

TEST(Txn, KnossosStyleHistoriesGetKnossossVerdicts) {
  // Both transactions are atomic: a reader sees both writes or neither.
  const History ok = read(R"({:process 0, :type :invoke, :f :txn, :value [[:w :x 1] [:w :y 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}
{:process 1, :type :ok, :f :txn, :value [[:r :x 1] [:r :y 1]]}
{:process 0, :type :ok, :f :txn, :value [[:w :x 1] [:w :y 1]]}
)");
  EXPECT_EQ(check(ok, {}).verdict, Verdict::Ok);
  // A torn read: x from the transaction, y from before it.
  const std::string torn = R"({:process 0, :type :invoke, :f :txn, :value [[:w :x 1] [:w :y 1]]}
{:process 0, :type :ok, :f :txn, :value [[:w :x 1] [:w :y 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}
{:process 1, :type :ok, :f :txn, :value [[:r :x 1] [:r :y nil]]}
)";
  const Result r = check(read(torn), {});
  EXPECT_EQ(r.verdict, Verdict::Violation);
  // Knossos reads a nil as unknown: then nothing is torn.
  EXPECT_EQ(check(read(torn, true), {}).verdict, Verdict::Ok);
  // A transaction that timed out (:info) may have happened: its write explains the read.
  const History info = read(R"({:process 0, :type :invoke, :f :txn, :value [[:w :x 5]]}
{:process 0, :type :info, :f :txn, :value [[:w :x 5]]}
{:process 1, :type :invoke, :f :txn, :value [[:r :x nil]]}
{:process 1, :type :ok, :f :txn, :value [[:r :x 5]]}
)");
  EXPECT_EQ(check(info, {}).verdict, Verdict::Ok);
  // ... but not one that failed.
  const History fail = read(R"({:process 0, :type :invoke, :f :txn, :value [[:w :x 5]]}
{:process 0, :type :fail, :f :txn, :value [[:w :x 5]]}
{:process 1, :type :invoke, :f :txn, :value [[:r :x nil]]}
{:process 1, :type :ok, :f :txn, :value [[:r :x 5]]}
)");
  EXPECT_EQ(check(fail, {}).verdict, Verdict::Violation);
}

TEST(Txn, BadTransactionsAreRefusedWithTheirLine) {
  ReadOptions o;
  o.spec = SpecKind::MultiRegister;
  auto r = parse_history("{:process 0, :type :invoke, :f :txn, :value [[:x :y 1]]}\n", "h.edn", o);
  ASSERT_TRUE(std::holds_alternative<ReadError>(r));
  EXPECT_EQ(std::get<ReadError>(r).message(), "h.edn:1: a txn micro-op is :r (read) or :w (write), got :x");
  auto j = parse_history("{\"client\": 0, \"call\": 1, \"return\": 2, \"f\": \"txn\", \"value\": [[\"w\", \"x\"]]}\n", "h.jsonl", o);
  ASSERT_TRUE(std::holds_alternative<ReadError>(j));
  EXPECT_EQ(std::get<ReadError>(j).message(), "h.jsonl:1: a txn micro-op is [f, key, value], three single values");
  auto f = parse_history("{\"client\": 0, \"call\": 1, \"return\": 2, \"f\": \"read\"}\n", "h.jsonl", o);
  ASSERT_TRUE(std::holds_alternative<ReadError>(f));
  EXPECT_NE(std::get<ReadError>(f).message().find("unknown operation \"read\" for spec multi-register (expected txn)"),
            std::string::npos);
}

TEST(Txn, TheNativeFormatReadsTheSameTransactions) {
  ReadOptions o;
  o.spec = SpecKind::MultiRegister;
  auto r = parse_history(R"({"client": 0, "call": 1, "return": 4, "f": "txn", "value": [["w", "x", 1], ["w", "y", 1]]}
{"client": 1, "call": 5, "return": 6, "f": "txn", "value": [["r", "x", 1], ["r", "y", null]]}
)",
                         "h.jsonl", o);
  ASSERT_TRUE(std::holds_alternative<History>(r)) << std::get<ReadError>(r).message();
  const History& h = std::get<History>(r);
  EXPECT_EQ(spec::describe(*h.values, h.ops[1].input), "txn [[:r \"x\" 1] [:r \"y\" nil]]");
  EXPECT_EQ(check(h, {}).verdict, Verdict::Violation);  // y was written before the read began
}

// Random transactions over two registers and values 0..1, as the search sees them.
History gen_txn(int n, bool with_pending) {
  History h = testing::empty_history(SpecKind::MultiRegister);
  static const char* keys[] = {":x", ":y"};
  static const char* vals[] = {"nil", "0", "1"};
  for (int i = 0; i < n; ++i) {
    Operation op;
    op.client = std::to_string(i);
    op.input.kind = spec::OpKind::Txn;
    op.call = static_cast<std::uint64_t>(*rc::gen::inRange(0, 40));
    const bool pending = with_pending && *rc::gen::inRange(0, 4) == 0;
    std::vector<MicroOp> micro;
    const int len = *rc::gen::inRange(1, 4);
    op.input.reads_only = true;
    for (int m = 0; m < len; ++m) {
      MicroOp mo;
      mo.write = *rc::gen::arbitrary<bool>();
      mo.key = keys[*rc::gen::inRange(0, 2)];
      mo.value = mo.write ? vals[*rc::gen::inRange(1, 3)] : vals[*rc::gen::inRange(0, 3)];
      mo.known = mo.write || !pending;
      op.input.reads_only &= !mo.write;
      micro.push_back(mo);
    }
    op.input.arg = h.values->intern(spec::encode_txn(micro));
    testing::end_random(op, pending);
    h.ops.push_back(op);
  }
  return h;
}

void agree(bool with_pending) {
  const History h = gen_txn(*rc::gen::inRange(1, 8), with_pending);
  const bool expected = testing::brute_force_linearizable(h);
  RC_ASSERT(check(h, {}).verdict == (expected ? Verdict::Ok : Verdict::Violation));
}

RC_GTEST_PROP(LinBruteForce, MultiRegister, ()) { agree(false); }
RC_GTEST_PROP(LinBruteForce, MultiRegisterPending, ()) { agree(true); }

// The oracle itself says both things on transactions, or agreeing with it means little.
TEST(LinBruteForce, MultiRegisterOracleSeesBothVerdicts) {
  const std::string head = R"({:process 0, :type :invoke, :f :txn, :value [[:w :x 1] [:w :y 1]]}
{:process 0, :type :ok, :f :txn, :value [[:w :x 1] [:w :y 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}
)";
  EXPECT_TRUE(testing::brute_force_linearizable(read(head + "{:process 1, :type :ok, :f :txn, :value [[:r :x 1] [:r :y 1]]}\n")));
  EXPECT_FALSE(testing::brute_force_linearizable(read(head + "{:process 1, :type :ok, :f :txn, :value [[:r :x 1] [:r :y nil]]}\n")));
}

}  // namespace
}  // namespace weir::lin
