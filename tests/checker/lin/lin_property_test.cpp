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

}  // namespace
}  // namespace weir::lin
