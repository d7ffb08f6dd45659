// The six kv histories from Porcupine's test data give ok or bad as their names say,
// per key and as one object.
#include <gtest/gtest.h>

#include "checker/lin/lin.hpp"

namespace weir::lin {
namespace {

struct Case {
  const char* name;
  bool ok;
  bool unpartitioned;  // c50-bad as one object is beyond any checker's reach
};

class PorcupineKv : public ::testing::TestWithParam<Case> {};

TEST_P(PorcupineKv, VerdictMatchesName) {
  const Case& c = GetParam();
  ReadOptions ro;
  ro.spec = spec::SpecKind::Kv;
  auto read = read_history(std::string(WEIR_TEST_DATA) + "/porcupine-kv/" + c.name, ro);
  ASSERT_TRUE(std::holds_alternative<History>(read)) << std::get<ReadError>(read).message();
  const History& h = std::get<History>(read);
  EXPECT_EQ(h.format, Format::Edn);
  const Verdict want = c.ok ? Verdict::Ok : Verdict::Violation;
  CheckOptions per_key;
  Result r = check(h, per_key);
  EXPECT_EQ(r.verdict, want);
  EXPECT_EQ(r.witness.has_value(), !c.ok);
  if (c.unpartitioned) {
    CheckOptions whole;
    whole.partition = false;
    EXPECT_EQ(check(h, whole).verdict, want);
  }
}

INSTANTIATE_TEST_SUITE_P(Data, PorcupineKv,
                         ::testing::Values(Case{"c01-ok.txt", true, true}, Case{"c01-bad.txt", false, true},
                                           Case{"c10-ok.txt", true, true}, Case{"c10-bad.txt", false, true},
                                           Case{"c50-ok.txt", true, false}, Case{"c50-bad.txt", false, false}),
                         [](const auto& info) {
                           std::string n;
                           for (const char* c = info.param.name; *c != '.'; ++c) n.push_back(*c == '-' ? '_' : *c);
                           return n;
                         });

}  // namespace
}  // namespace weir::lin
