// `weir bound beaver`'s solver: known-safe and known-unsafe parameters, the boundary
// (threshold = tau_min), every counterexample confirmed inconsistent by the cut checker
// and played to the same violation by the Beaver model, and the synthesized threshold
// agreeing with the Beaver model's exhaustive search on a grid of parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "checker/bound/bound.hpp"
#include "checker/cut/cut.hpp"
#include "checker/explore/explore.hpp"
#include "model/beaver/beaver.hpp"

namespace weir::bound {
namespace {

bound::BoundParams params(double to_gateway_max, double threshold) {
  bound::BoundParams p;
  p.gateways = 2;
  p.to_gateway = {2, to_gateway_max};
  p.to_initiator = {3, 10};
  p.hop = {11, 1000};
  p.threshold = threshold;
  return p;
}

void expect_confirmed(const bound::BoundParams& p, const Schedule& s) {
  // The schedule is what it claims: accepted, and a chain no later than the last entry.
  const double quantity = p.on == bound::Acceptance::Measured ? s.t1 : s.spread;
  EXPECT_LT(quantity, p.threshold);
  EXPECT_LE(s.chain_end, s.enter[s.last_gateway] + 1e-9);
  EXPECT_GE(s.chain_start, s.enter[s.first_gateway] - 1e-9);
  const auto r = cut::check(execution(p, s));
  ASSERT_TRUE(std::holds_alternative<cut::Result>(r));
  EXPECT_FALSE(std::get<cut::Result>(r).consistent);
}

TEST(Bound, MeasuredThresholdBoundary) {
  // Safe below a + tau_min + c = 2 + 33 + 3 = 38: accepted t1 - t0 < 38 forces a spread < 33.
  EXPECT_TRUE(check(params(50, 38)).holds);
  for (double t : {38.001, 39.0, 60.0}) {
    const Verdict v = check(params(50, t));
    ASSERT_FALSE(v.holds) << t;
    ASSERT_TRUE(v.counterexample);
    expect_confirmed(params(50, t), *v.counterexample);
  }
  const Synthesis s = synthesize(params(50, 0), 0.001);
  ASSERT_FALSE(s.any_threshold_is_safe);
  EXPECT_DOUBLE_EQ(s.largest_safe, 38);
  ASSERT_TRUE(s.counterexample);
  expect_confirmed(params(50, 38.001), *s.counterexample);
}

TEST(Bound, SpreadThresholdIsTauMin) {
  bound::BoundParams p = params(50, 33);
  p.on = bound::Acceptance::Spread;
  EXPECT_TRUE(check(p).holds);  // Theorem 2: spread < tau_min is safe
  p.threshold = 33.001;         // ... and a spread equal to tau_min is not (the race is a tie)
  const Verdict v = check(p);
  ASSERT_FALSE(v.holds);
  EXPECT_DOUBLE_EQ(v.counterexample->spread, 33);
  expect_confirmed(p, *v.counterexample);
  EXPECT_DOUBLE_EQ(synthesize(p, 0.5).largest_safe, 33);
}

TEST(Bound, GatewaysThatCannotSpreadAreAlwaysSafe) {
  // Entries within 2..30 spread at most 28 < 33: no chain can outrun them.
  EXPECT_TRUE(check(params(30, 1000)).holds);
  EXPECT_TRUE(synthesize(params(30, 0), 0.001).any_threshold_is_safe);
  bound::BoundParams one = params(500, 1000);
  one.gateways = 1;  // Theorem 1
  EXPECT_TRUE(check(one).holds);
}

TEST(Bound, LongerChainsDoNotLowerTheBound) {
  bound::BoundParams p = params(50, 38);
  p.hops = 4;
  EXPECT_TRUE(check(p).holds);
  EXPECT_DOUBLE_EQ(synthesize(p, 0.001).largest_safe, 38);
}

// The artifact's threshold, 33 us, with its measured minimum chain of 33 us (three hops of
// 11) and delays that may be anything up to 100 us: safe exactly at 33 for every G.
TEST(Bound, ArtifactDefaultsForTwoToSixteenGateways) {
  for (unsigned g = 2; g <= 16; g += 2) {
    for (unsigned hops : {3u, 4u}) {
      bound::BoundParams p;
      p.gateways = g;
      p.hops = hops;
      p.to_gateway = {0, 100};
      p.to_initiator = {0, 100};
      p.hop = {11, 1000};
      p.threshold = 33;
      EXPECT_TRUE(check(p).holds) << g << " gateways, " << hops << " hops";
      p.threshold = 33.5;
      const Verdict v = check(p);
      ASSERT_FALSE(v.holds) << g;
      expect_confirmed(p, *v.counterexample);
    }
  }
}

// The bound and the model answer the same question two ways: Z3 over real times, the
// model by exhaustive search over discrete steps. With whole-step bounds they must agree
// on the largest safe threshold.
TEST(Bound, SynthesisAgreesWithTheBeaverModel) {
#ifdef WEIR_SANITIZED
  const std::vector<std::array<unsigned, 3>> grid = {{0, 3, 0}, {1, 6, 2}};
#else
  const std::vector<std::array<unsigned, 3>> grid = {{0, 3, 0}, {0, 5, 1}, {1, 4, 0}, {1, 6, 2}, {2, 4, 1}, {0, 2, 0}};
#endif
  for (const auto& [a, b, c] : grid) {
    bound::BoundParams p;
    p.gateways = 2;
    p.to_gateway = {double(a), double(b)};
    p.to_initiator = {double(c), double(c) + 4};
    p.hop = {1, 1};
    const Synthesis s = synthesize(p, 1);
    model::beaver::Options o;
    o.requests = 1;
    o.start = 1;  // external traffic may already be in flight when the snapshot starts, as in the bound
    o.measured = true;
    o.enter_min = a;
    o.window = b;
    o.reply_min = c;
    if (s.any_threshold_is_safe) {
      EXPECT_LT(b - a, 3u);
      o.threshold = 40;
      EXPECT_EQ(explore::bfs(model::beaver::Beaver(o), {}).outcome, explore::Outcome::Complete) << a << b << c;
      continue;
    }
    EXPECT_DOUBLE_EQ(s.largest_safe, a + 3 + c);
    o.threshold = static_cast<unsigned>(s.largest_safe);
    EXPECT_EQ(explore::bfs(model::beaver::Beaver(o), {}).outcome, explore::Outcome::Complete) << a << b << c;
    o.threshold += 1;
    EXPECT_EQ(explore::bfs(model::beaver::Beaver(o), {}).outcome, explore::Outcome::Violation) << a << b << c;
  }
}

// A counterexample schedule, played step by step in the model, ends in the same violation.
TEST(Bound, ScheduleIsPlayedByTheModel) {
  const bound::BoundParams p = params(50, 39);
  const Verdict v = check(p);
  ASSERT_FALSE(v.holds);
  const Schedule& s = *v.counterexample;
  model::beaver::Options o;
  o.requests = 1;
  o.sends = 2;
  o.latency_min = o.latency_max = 11;
  o.start = 11;
  o.enter_min = 2;
  o.window = 50;
  o.reply_min = 3;
  o.measured = true;
  o.threshold = 39;
  const model::beaver::Beaver m(o);
  model::beaver::Beaver::Scenario sc;
  sc.request_at = static_cast<unsigned>(s.chain_start);
  for (double e : s.enter) sc.enter_at.push_back(static_cast<unsigned>(e) + 11);
  sc.first = s.first_gateway;
  sc.last = s.last_gateway;
  const auto path = m.play(sc);
  ASSERT_TRUE(path);
  const auto states = explore::replay(m, 0, *path);
  ASSERT_FALSE(states.empty());
  EXPECT_STREQ(m.violated(states.back()), "every accepted snapshot is causally consistent");
  // At the safe threshold the model accepts no such run: the same schedule is rejected.
  o.threshold = 38;
  const model::beaver::Beaver safe(o);
  EXPECT_FALSE(safe.play(sc));
}

// The same schedule through model/beaver's player, which builds the model from the options
// a counterexample saves (the registry's), so that `weir explore --replay` walks the same run.
TEST(Bound, ScheduleIsPlayedThroughTheDescriptor) {
  const Verdict v = check(params(50, 39));
  ASSERT_FALSE(v.holds);
  const Schedule& s = *v.counterexample;
  model::beaver::TimedRun run;
  run.gateways = 2;
  run.hop = 11;
  run.enter_min = 2;
  run.window = 50;
  run.reply_min = 3;
  run.measured = true;
  run.threshold = 39;
  run.chain_start = static_cast<unsigned>(s.chain_start);
  for (double e : s.enter) run.enter.push_back(static_cast<unsigned>(e));
  run.first = s.first_gateway;
  run.last = s.last_gateway;
  const auto played = model::beaver::play_schedule(run);
  ASSERT_TRUE(std::holds_alternative<model::beaver::PlayedRun>(played)) << std::get<std::string>(played);
  const auto& r = std::get<model::beaver::PlayedRun>(played);
  EXPECT_EQ(r.invariant, "every accepted snapshot is causally consistent");
  EXPECT_EQ(std::get<std::uint64_t>(r.options.at("latency-min")), 11u);
  EXPECT_EQ(std::get<std::string>(r.options.at("acceptance")), "measured");
  EXPECT_EQ(r.steps.size(), r.path.size() + 1);
  run.threshold = 38;  // safe: the model rejects the run
  EXPECT_EQ(std::get<std::string>(model::beaver::play_schedule(run)), "the model could not play the schedule");
  run.hop = 0;
  EXPECT_TRUE(std::holds_alternative<std::string>(model::beaver::play_schedule(run)));
}

// Issue 13: bounds were handed to Z3 with nine decimals, so tiny ones became 0 and the
// step above a synthesized threshold was rounded away. Z3 now gets each double exactly.
TEST(Bound, TinyAndHugeBoundsGiveTheSameAnswersScaled) {
  for (double scale : {1e-12, 1e-6, 1.0, 1e9}) {
    bound::BoundParams p = params(50 * scale, 0);
    p.to_gateway.min = 2 * scale;
    p.to_initiator = {3 * scale, 10 * scale};
    p.hop = {11 * scale, 1000 * scale};
    const Synthesis s = synthesize(p, 1e-6 * scale);
    ASSERT_FALSE(s.any_threshold_is_safe);
    EXPECT_NEAR(s.largest_safe, 38 * scale, 1e-9 * scale) << scale;
    ASSERT_TRUE(s.counterexample) << scale;  // one (tiny) step above, there is one to show
    p.threshold = 37.999 * scale;
    EXPECT_TRUE(check(p).holds) << scale;
    p.threshold = 38.001 * scale;
    const Verdict v = check(p);
    ASSERT_FALSE(v.holds) << scale;
    ASSERT_TRUE(v.counterexample);
    ASSERT_EQ(v.counterexample->hops.size(), 3u);
    for (double hop : v.counterexample->hops) EXPECT_NEAR(hop, 11 * scale, 1e-6 * scale) << scale;
  }
}

TEST(Bound, AStepBelowTheDoublesResolutionStillFindsTheScheduleAbove) {
  const Synthesis s = synthesize(params(50, 0), 1e-20);  // 38 + 1e-20 == 38 in doubles
  ASSERT_FALSE(s.any_threshold_is_safe);
  EXPECT_DOUBLE_EQ(s.largest_safe, 38);
  ASSERT_TRUE(s.counterexample);
  EXPECT_DOUBLE_EQ(s.counterexample->t1, 38);
}

TEST(Bound, NumbersReachZ3Exactly) {
  z3::context c;
  for (double v : {0.0, 1e-12, 0.1, 38.001, 1e12, 5e-324}) {
    const z3::expr r = real(c, v);
    EXPECT_EQ(to_double(r.simplify()), v) << v;
  }
  z3::solver s(c);
  s.add(real(c, 1e-12) > real(c, 0));
  EXPECT_EQ(s.check(), z3::sat);
  EXPECT_THROW(real(c, std::numeric_limits<double>::infinity()), std::logic_error);
}

TEST(Bound, InvalidBoundsAreRefused) {
  bound::BoundParams p = params(50, 33);
  EXPECT_FALSE(bound::invalid(p));
  p.hop = {5, 3};
  EXPECT_TRUE(bound::invalid(p));
  p = params(50, 33);
  p.to_gateway = {-1, 3};
  EXPECT_TRUE(bound::invalid(p));
  p = params(50, 33);
  p.hops = 2;
  EXPECT_TRUE(bound::invalid(p));
  for (double bad : {std::numeric_limits<double>::infinity(), std::nan(""), 1.5e12}) {
    p = params(50, 33);
    p.threshold = bad;
    EXPECT_TRUE(bound::invalid(p)) << bad;
    p = params(50, 33);
    p.hop.max = bad;
    EXPECT_TRUE(bound::invalid(p)) << bad;
  }
}

}  // namespace
}  // namespace weir::bound
