// The sequential specs and the value fingerprints they rely on.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "spec/spec.hpp"

namespace weir::spec {
namespace {

TEST(Spec, CasRegisterSteps) {
  ValueTable v;
  const ValueId one = v.intern("1"), two = v.intern("2");
  Call cas{OpKind::Cas, kNoValue, one, two};
  EXPECT_EQ(step(v, one, cas), two);           // swaps
  EXPECT_EQ(step(v, two, cas), std::nullopt);  // claims success, but the value is not 1
  cas.ok = false;
  EXPECT_EQ(step(v, two, cas), two);           // failed cas: nothing changes
  EXPECT_EQ(step(v, one, cas), std::nullopt);  // cannot fail when the value is 1
  cas.known = false;
  EXPECT_EQ(step(v, one, cas), two);           // outcome unknown: it did what it would
  Call read{OpKind::Read};
  read.out = one;
  EXPECT_EQ(step(v, one, read), one);
  EXPECT_EQ(step(v, two, read), std::nullopt);
  EXPECT_NE(explain_refusal(v, SpecKind::CasRegister, two, read).find("holds 2"), std::string::npos);
}

TEST(Spec, KvAppendConcatenates) {
  ValueTable v;
  Call app{OpKind::Append, v.intern("k"), v.intern("xy")};
  ValueId s = step(v, v.intern("ab"), app).value();
  EXPECT_EQ(v.text(s), "abxy");
  EXPECT_EQ(s, v.intern("abxy"));  // interned: equal text, equal id
}

RC_GTEST_PROP(Fingerprint, ComposesLikeConcatenation, (const std::string& a, const std::string& b)) {
  RC_ASSERT(concat(fingerprint(a), fingerprint(b)) == fingerprint(a + b));
  RC_ASSERT(concat(fingerprint(a), fingerprint(b)).pow == fingerprint(a + b).pow);
}

}  // namespace
}  // namespace weir::spec
