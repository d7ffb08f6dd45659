// Properties of `check`: histories linearizable by construction pass, a read of a value
// no order allows fails, and on small random histories the search agrees with brute force.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "tests/checker/lin/support.hpp"

namespace weir::lin {
namespace {

using spec::SpecKind;
using testing::brute_force_linearizable;

const SpecKind kSpecs[] = {SpecKind::Register, SpecKind::CasRegister, SpecKind::Kv};

SpecKind any_spec() { return kSpecs[*rc::gen::inRange(0, 3)]; }

Verdict verdict(const History& h, bool partition) {
  CheckOptions o;
  o.partition = partition;
  return check(h, o).verdict;
}

RC_GTEST_PROP(LinProperty, LinearizableByConstructionPasses, ()) {
  const SpecKind spec = any_spec();
  History h = testing::gen_linearizable(spec, *rc::gen::inRange(1, 120));
  RC_ASSERT(verdict(h, true) == Verdict::Ok);
  RC_ASSERT(verdict(h, false) == Verdict::Ok);
}

RC_GTEST_PROP(LinProperty, ReadOfAValueNoOrderAllowsFails, ()) {
  const SpecKind spec = any_spec();
  History h = testing::gen_linearizable(spec, *rc::gen::inRange(1, 50));
  const int r = testing::pick_completed_read(h);
  RC_PRE(r >= 0);
  // Nobody ever writes this value, and it is not the initial one.
  h.ops[static_cast<std::size_t>(r)].input.out = h.values->intern("never-written");
  const Result res = check(h, {});
  RC_ASSERT(res.verdict == Verdict::Violation);
  RC_ASSERT(res.witness.has_value());
  RC_ASSERT(!res.witness->candidates.empty());
  RC_ASSERT(verdict(h, false) == Verdict::Violation);
}

void agree_with_brute_force(SpecKind spec, bool with_pending) {
  History h = testing::gen_random(spec, *rc::gen::inRange(1, 8), with_pending);
  const bool expected = brute_force_linearizable(h);
  const Verdict want = expected ? Verdict::Ok : Verdict::Violation;
  RC_ASSERT(verdict(h, true) == want);
  RC_ASSERT(verdict(h, false) == want);
}

RC_GTEST_PROP(LinBruteForce, Register, ()) { agree_with_brute_force(SpecKind::Register, false); }
RC_GTEST_PROP(LinBruteForce, RegisterPending, ()) { agree_with_brute_force(SpecKind::Register, true); }
RC_GTEST_PROP(LinBruteForce, CasRegister, ()) { agree_with_brute_force(SpecKind::CasRegister, false); }
RC_GTEST_PROP(LinBruteForce, CasRegisterPending, ()) { agree_with_brute_force(SpecKind::CasRegister, true); }
RC_GTEST_PROP(LinBruteForce, Kv, ()) { agree_with_brute_force(SpecKind::Kv, false); }
RC_GTEST_PROP(LinBruteForce, KvPending, ()) { agree_with_brute_force(SpecKind::Kv, true); }

// The oracle itself must be able to say both things, or agreeing with it means little.
TEST(LinBruteForce, OracleSeesBothVerdicts) {
  History ok = testing::empty_history(SpecKind::Register);
  Operation w;
  w.client = "0";
  w.call = 0;
  w.ret = 10;
  w.input.kind = spec::OpKind::Write;
  w.input.arg = ok.values->intern("1");
  Operation r;
  r.client = "1";
  r.call = 20;
  r.ret = 30;
  r.input.kind = spec::OpKind::Read;
  r.input.out = ok.values->intern("1");
  ok.ops = {w, r};
  EXPECT_TRUE(testing::brute_force_linearizable(ok));
  EXPECT_EQ(check(ok, {}).verdict, Verdict::Ok);
  History bad = ok;
  bad.ops[1].input.out = bad.init;  // reads nil after the write completed
  EXPECT_FALSE(testing::brute_force_linearizable(bad));
  EXPECT_EQ(check(bad, {}).verdict, Verdict::Violation);
  // Overlapping, the stale read is fine.
  History overlap = bad;
  overlap.ops[1].call = 5;
  EXPECT_TRUE(testing::brute_force_linearizable(overlap));
  EXPECT_EQ(check(overlap, {}).verdict, Verdict::Ok);
}

// Shapes a random seed may or may not draw, as fixed examples (each checked by the search,
// with and without partitioning, and by brute force): a write of the value already held
// is still a write, which may be ordered after another write and so bring its value back.
struct Shape {
  const char* what;
  SpecKind spec;
  // (client, call, return, write?, value); value "" in a read is the initial value.
  std::vector<std::tuple<int, std::uint64_t, std::uint64_t, bool, const char*>> ops;
  bool linearizable;
};

History history_of(const Shape& s) {
  History h = testing::empty_history(s.spec);
  for (const auto& [client, call, ret, write, value] : s.ops) {
    Operation op;
    op.client = std::to_string(client);
    op.call = call;
    op.ret = ret;
    const bool kv = s.spec == SpecKind::Kv;
    op.input.kind = write ? (kv ? spec::OpKind::Put : spec::OpKind::Write) : (kv ? spec::OpKind::Get : spec::OpKind::Read);
    if (kv) op.input.key = h.values->intern("k");
    const spec::ValueId v = std::string(value).empty() ? h.init : h.values->intern(value);
    if (write) op.input.arg = v;
    else op.input.out = v;
    h.ops.push_back(op);
  }
  return h;
}

TEST(LinShapes, AWriteOfTheHeldValueIsAWrite) {
  const std::vector<Shape> shapes = {
      {"w1; then w2 and w1 again overlap; a read of 1 after both: w1 again went last", SpecKind::Register,
       {{0, 0, 1, true, "1"}, {1, 2, 10, true, "2"}, {2, 3, 10, true, "1"}, {3, 11, 12, false, "1"}}, true},
      {"the same in a kv store", SpecKind::Kv,
       {{0, 0, 1, true, "1"}, {1, 2, 10, true, "2"}, {2, 3, 10, true, "1"}, {3, 11, 12, false, "1"}}, true},
      {"w1, w1 again, then w2, all in sequence: a later read of 1 is stale", SpecKind::Register,
       {{0, 0, 1, true, "1"}, {1, 2, 3, true, "1"}, {2, 4, 5, true, "2"}, {3, 6, 7, false, "1"}}, false},
      {"a read of 2 between: w1 again cannot have gone first", SpecKind::Register,
       {{0, 0, 1, true, "1"}, {1, 2, 3, true, "2"}, {2, 4, 20, true, "1"}, {3, 5, 6, false, "2"}, {4, 21, 22, false, "2"}},
       false},
      {"a write of the initial value brings it back after another write", SpecKind::Kv,
       {{0, 0, 10, true, ""}, {1, 1, 10, true, "2"}, {2, 11, 12, false, ""}}, true},
  };
  for (const Shape& s : shapes) {
    const History h = history_of(s);
    EXPECT_EQ(testing::brute_force_linearizable(h), s.linearizable) << "oracle: " << s.what;
    for (bool partition : {false, true})
      EXPECT_EQ(verdict(h, partition), s.linearizable ? Verdict::Ok : Verdict::Violation) << s.what << (partition ? " (by key)" : "");
  }
}

}  // namespace
}  // namespace weir::lin

