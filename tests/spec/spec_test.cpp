// The sequential specs and the value fingerprints they rely on.
#include <gtest/gtest.h>

#include <string>
#include <vector>
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

// The four-at-a-time fingerprint is the one-character recurrence, whatever the length.
RC_GTEST_PROP(Fingerprint, BlockwiseEqualsCharByChar, (const std::string& s)) {
  Fingerprint slow;
  for (unsigned char c : s) push_back(slow, c);
  const Fingerprint fast = fingerprint(s);
  RC_ASSERT(fast == slow);
  RC_ASSERT(fast.pow == slow.pow);
}

// The value table never gives two texts one id, nor one text two ids, even when
// thousands of values share prefixes (as kv values built by appends do).
TEST(ValueTable, OneIdPerText) {
  ValueTable v;
  std::vector<ValueId> ids;
  std::string s;
  for (int i = 0; i < 5000; ++i) {
    s.append("x").append(std::to_string(i % 97));
    ids.push_back(v.intern(s));
  }
  s.clear();
  for (int i = 0; i < 5000; ++i) {
    s.append("x").append(std::to_string(i % 97));
    ASSERT_EQ(v.intern(s), ids[i]);
    ASSERT_EQ(v.text(ids[i]), s);
    ASSERT_EQ(v.find(s), ids[i]);
  }
  EXPECT_EQ(v.size(), 5000u);
  EXPECT_FALSE(v.find("nope").has_value());
  const std::string big(1 << 20, 'q');  // longer than a chunk of the arena
  const ValueId b = v.intern(big);
  EXPECT_EQ(v.text(b), big);
  EXPECT_EQ(v.text(ids[0]), "x0");
}

}  // namespace
}  // namespace weir::spec
