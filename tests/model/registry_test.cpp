// Every registered model through its descriptor: fingerprints never merge distinct states
// (for the correct model and each mutant), golden state counts of the defaults, goals
// reached, and options checked against the table.
#include <gtest/gtest.h>

#include "model/registry/erased.hpp"
#include "model/registry/registry.hpp"

namespace weir::model::registry {
namespace {

using V = explore::OptionValue;
V n(std::uint64_t v) { return V(v); }

// Settings small enough to store whole states, for each model (every model must have one:
// a new model without an entry fails the test below).
const std::map<std::string, OptionValues>& small_settings() {
  static const std::map<std::string, OptionValues> s = {
      {"ring", {{"nodes", n(3)}, {"values", n(3)}, {"capacity", n(1)}}},
      {"pegasus", {{"clients", n(2)}, {"servers", n(2)}, {"ops", n(1)}}},
      {"chandy-lamport", {{"processes", n(2)}, {"messages", n(2)}}},
      {"beaver", {{"requests", n(1)}, {"sends", n(2)}}},
      {"capybara", {{"client-bytes", n(1)}, {"server-bytes", n(1)}}},
  };
  return s;
}

std::unique_ptr<AnyModel> made(const ModelInfo& info, const OptionValues& v) {
  auto m = build(info, v);
  if (auto* why = std::get_if<std::string>(&m)) {
    ADD_FAILURE() << info.name << ": " << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<AnyModel>>(m));
}

struct Case {
  const ModelInfo* info;
  std::string mutant;  // "none": the correct model
};

std::vector<Case> every_model_and_mutant() {
  std::vector<Case> all;
  for (const ModelInfo* m : models()) {
    all.push_back({m, "none"});
    for (const Named& x : m->mutants) all.push_back({m, x.name});
  }
  return all;
}

class EveryModel : public testing::TestWithParam<Case> {};

// The same search with 64-bit fingerprints and with whole states must find the same number
// of unique states: a fingerprint that ignores a field would merge states that differ in it
// and lose what follows them.
TEST_P(EveryModel, FingerprintsCountWhatWholeStatesCount) {
  const Case& c = GetParam();
  ASSERT_TRUE(small_settings().count(c.info->name)) << "no small settings for " << c.info->name;
  OptionValues v = small_settings().at(c.info->name);
  if (c.mutant != "none") v["mutant"] = V(c.mutant);
  auto m = made(*c.info, v);
  ASSERT_TRUE(m);
  explore::Options o;
  o.threads = 1;
  const explore::Result fp = m->bfs(o, {});
  o.full_states = true;
  const explore::Result whole = m->bfs(o, {});
  EXPECT_EQ(fp.outcome, whole.outcome);
  EXPECT_EQ(fp.stats.unique, whole.stats.unique) << c.info->name << " " << c.mutant;
  EXPECT_GT(fp.stats.unique, 1u);
  if (c.mutant == "none") {
    EXPECT_NE(fp.outcome, explore::Outcome::Violation) << fp.invariant;
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryModel, testing::ValuesIn(every_model_and_mutant()),
                         [](const testing::TestParamInfo<Case>& i) {
                           std::string s = i.param.info->name + "_" + i.param.mutant;
                           for (char& ch : s)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

// A model whose fingerprint forgets a field: the comparison above must notice.
struct Forgetful {
  struct State {
    std::uint8_t a = 0, b = 0;
    bool operator==(const State&) const = default;
  };
  using Action = std::uint8_t;  // 0: a += 1, 1: b += 1
  std::vector<State> init_states() const { return {State{}}; }
  void actions(const State& s, std::vector<Action>& out) const {
    if (s.a < 3) out.push_back(0);
    if (s.b < 3) out.push_back(1);
  }
  std::optional<State> next(const State& s, Action a) const {
    State t = s;
    (a == 0 ? t.a : t.b) += 1;
    return t;
  }
  std::uint64_t fingerprint(const State& s) const { return s.a; }  // forgets b
  const char* violated(const State&) const { return nullptr; }
  std::string describe(const State& s) const { return std::to_string(s.a) + "," + std::to_string(s.b); }
  std::string describe(Action a) const { return a ? "b" : "a"; }
};

TEST(Registry, AFingerprintThatDropsAFieldIsCaught) {
  const auto m = erase(Forgetful{});
  explore::Options o;
  o.threads = 1;
  const auto fp = m->bfs(o, {});
  o.full_states = true;
  const auto whole = m->bfs(o, {});
  EXPECT_EQ(whole.stats.unique, 16u);
  EXPECT_LT(fp.stats.unique, whole.stats.unique);  // the check above fails for such a model
}

#ifndef WEIR_SANITIZED
// The defaults' exact state counts. A change that moves one changes the number here in
// the same commit, with the reason in its message.
TEST(Registry, GoldenCountsOfTheDefaultsAndEveryGoalReached) {
  const std::map<std::string, std::uint64_t> golden = {
      {"ring", 6561}, {"pegasus", 1992894}, {"chandy-lamport", 285882}, {"beaver", 273185}, {"capybara", 2443243}};
  for (const ModelInfo* info : models()) {
    ASSERT_TRUE(golden.count(info->name)) << "no golden count for " << info->name;
    auto m = made(*info, {});
    ASSERT_TRUE(m);
    const explore::Result r = m->bfs({}, {});
    EXPECT_EQ(r.outcome, explore::Outcome::Complete) << info->name << ": " << r.invariant;
    EXPECT_EQ(r.stats.unique, golden.at(info->name)) << info->name;
    EXPECT_TRUE(r.unreached().empty()) << info->name << " never reached " << r.unreached().front();
  }
}

// A second round: the bugs that only a second snapshot, migration or reconfiguration
// shows. Each model's goals include reaching it.
TEST(Registry, SecondRoundsHoldAndReachEveryGoal) {
  const std::vector<std::pair<std::string, OptionValues>> rounds = {
      {"beaver", {{"snapshots", n(2)}}},
      {"capybara", {{"migrations", n(2)}, {"client-bytes", n(1)}, {"server-bytes", n(1)}}},
      {"pegasus", {{"reconfigs", n(2)}, {"ops", n(1)}}},
  };
  for (const auto& [name, v] : rounds) {
    auto m = made(*find_model(name), v);
    ASSERT_TRUE(m);
    const auto goals = m->goals();
    EXPECT_EQ(goals.size(), 3u) << name;
    const explore::Result r = m->bfs({}, {});
    EXPECT_EQ(r.outcome, explore::Outcome::Complete) << name << ": " << r.invariant;
    EXPECT_TRUE(r.unreached().empty()) << name << " never reached " << r.unreached().front();
  }
}
#endif

TEST(Registry, AConfigurationThatNeverExercisesTheProtocolIsVacuousOrRefused) {
  const ModelInfo& beaver = *find_model("beaver");
  EXPECT_TRUE(std::holds_alternative<std::string>(build(beaver, {{"requests", n(0)}})));
  // No further sends: a request goes in, but no chain ever comes back through a gateway.
  auto m = made(beaver, {{"sends", n(0)}});
  ASSERT_TRUE(m);
  const explore::Result r = m->bfs({}, {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete);
  ASSERT_EQ(r.unreached().size(), 1u);
  EXPECT_EQ(r.unreached()[0], "an external chain re-enters the group through a gateway");
}

TEST(Registry, OptionsAreCheckedAgainstTheTable) {
  const ModelInfo& beaver = *find_model("beaver");
  auto err = [&](OptionValues v) {
    auto m = build(beaver, std::move(v));
    return std::holds_alternative<std::string>(m) ? std::get<std::string>(m) : std::string();
  };
  EXPECT_EQ(err({{"gateways", n(17)}}), "--gateways 17: out of range, must be 1..16");
  EXPECT_EQ(err({{"bogus", n(1)}}), "--bogus: not an option of beaver (weir explore beaver --help lists them)");
  EXPECT_EQ(err({{"gateways", V(true)}}), "--gateways: must be a whole number");
  EXPECT_NE(err({{"mutant", V(std::string("nope"))}}).find("not a mutant of beaver; its mutants: mark-after-forward"),
            std::string::npos);
  EXPECT_EQ(err({{"acceptance", V(std::string("both"))}}), "--acceptance both: must be one of spread, measured");
  const OptionSpec* gateways = &beaver.options[0];
  EXPECT_EQ(std::get<std::string>(parse_value(*gateways, "4294967297")), "--gateways 4294967297: out of range, must be 1..16");
  EXPECT_EQ(std::get<std::string>(parse_value(*gateways, "2x")), "--gateways 2x: not a whole number");
  EXPECT_EQ(std::get<V>(parse_value(*gateways, "3")), V(std::uint64_t{3}));
  // Defaults come from the Options struct, and the title names what differs from them.
  OptionValues v = {{"gateways", n(3)}, {"mutant", V(std::string("accept-on-equal"))}};
  ASSERT_FALSE(complete(beaver, v));
  EXPECT_EQ(std::get<std::uint64_t>(v.at("in-group")), 2u);
  EXPECT_EQ(title(beaver, v), "beaver (gateways 3, mutant accept-on-equal)");
}

TEST(Registry, EveryModelIsListedWithItsTable) {
  for (const ModelInfo* m : models()) {
    const std::string text = listing(*m);
    for (const OptionSpec& o : m->options)
      if (o.name != "mutant") {
        EXPECT_NE(text.find("--" + o.name), std::string::npos) << m->name << " " << o.name;
      }
    for (const Named& x : m->mutants) EXPECT_NE(text.find(x.name), std::string::npos);
    for (const Named& g : m->goals) EXPECT_NE(text.find(g.name), std::string::npos);
    EXPECT_EQ(text.find("../"), std::string::npos) << "a path outside the repository in " << m->name << "'s help";
    // The goals a model names are the ones its descriptor lists.
    auto model = made(*m, {});
    ASSERT_TRUE(model);
    for (const std::string& g : model->goals()) {
      bool listed = false;
      for (const Named& x : m->goals) listed |= x.name == g;
      EXPECT_TRUE(listed) << m->name << ": goal \"" << g << "\" is not in its descriptor";
    }
  }
}

}  // namespace
}  // namespace weir::model::registry
