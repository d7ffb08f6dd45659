// Swarm testing's per-seed mix (harness/sim/mix.hpp, draw_mix of each protocol): a seed
// always draws the same mix, seeds differ in which knobs are on, a knob the user fixed is
// never drawn, and every drawn value lies in its range (the Beaver threshold at tau_min).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "harness/beaver/scenario.hpp"
#include "harness/pegasus/scenario.hpp"

namespace {

namespace hb = weir::harness::beaver;
namespace hp = weir::harness::pegasus;

std::map<std::string, double> parse(const std::string& words) {
  std::map<std::string, double> out;
  std::istringstream in(words);
  for (std::string w; in >> w;) out[w.substr(0, w.find('='))] = std::stod(w.substr(w.find('=') + 1));
  return out;
}

TEST(SwarmMix, ASeedAlwaysDrawsTheSameMixAndTheWordsAreTheValuesThatRun) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    hb::Scenario a, b;
    a.seed = b.seed = seed;
    const std::string wa = hb::draw_mix(a, nullptr), wb = hb::draw_mix(b, nullptr);
    ASSERT_EQ(wa, wb);
    const auto m = parse(wa);
    EXPECT_DOUBLE_EQ(m.at("drop"), a.drop);
    EXPECT_DOUBLE_EQ(m.at("duplicate"), a.duplicate);
    EXPECT_DOUBLE_EQ(m.at("control-duplicate"), a.control_duplicate);
    EXPECT_EQ(m.at("partitions"), a.partitions);
    EXPECT_EQ(m.at("hop-min"), a.hop_min);
    EXPECT_EQ(m.at("threshold"), a.threshold);
    EXPECT_EQ(m.count("dscp-remark"), 0u) << "DSCP remarking is outside Beaver's assumptions";
    EXPECT_EQ(a.dscp_remark, 0);
    // The threshold is tau_min (three hops at hop_min): the tightest correct one.
    EXPECT_EQ(a.threshold, 3 * a.hop_min);
    EXPECT_LE(a.hop_min, a.hop_max);
    EXPECT_TRUE(a.drop == 0 || (a.drop >= 0.02 && a.drop <= 0.3)) << a.drop;
    EXPECT_LE(a.partitions, 4u);
  }
}

TEST(SwarmMix, SeedsDifferInWhichKnobsAreOn) {
  std::map<std::string, std::set<bool>> seen;  // knob -> {on, off} seen
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    hp::Scenario s;
    s.seed = seed;
    for (const auto& [k, v] : parse(hp::draw_mix(s, nullptr))) seen[k].insert(v != 0);
  }
  for (const char* k : {"drop", "duplicate", "partitions"}) EXPECT_EQ(seen[k].size(), 2u) << k << " is never on, or never off";
  EXPECT_EQ(seen.count("retry-after"), 1u);
}

TEST(SwarmMix, AKnobTheUserFixedIsNeverDrawn) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    hp::Scenario s;
    s.seed = seed;
    s.drop = 0.5;  // as a user would give it
    const std::string words = hp::draw_mix(s, [](std::string_view k) { return k == "drop" || k == "partitions"; });
    EXPECT_EQ(s.drop, 0.5);
    EXPECT_EQ(s.partitions, 0u);
    EXPECT_EQ(parse(words).count("drop"), 0u) << words;
    EXPECT_EQ(parse(words).count("partitions"), 0u) << words;
    // A Beaver threshold given fixes the hops too: a drawn hop could put tau_min below it.
    hb::Scenario b;
    b.seed = seed;
    b.threshold = 40;
    const auto m = parse(hb::draw_mix(b, [](std::string_view k) { return k == "threshold"; }));
    EXPECT_EQ(b.threshold, 40u);
    EXPECT_EQ(m.count("hop-min"), 0u);
    EXPECT_EQ(b.hop_min, hb::Scenario{}.hop_min);
  }
}

}  // namespace
