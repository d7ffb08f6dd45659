#include "harness/beaver/scenario.hpp"

namespace weir::harness::beaver {

std::string draw_mix(Scenario& s, const sim::FixedKnob& fixed) {
  sim::Mix m(s.seed, fixed);
  // Interference, each on or off.
  m.knob("drop", s.drop, 0.0, 0.02, 0.3);
  m.knob("duplicate", s.duplicate, 0.0, 0.02, 0.3);
  m.knob("control-duplicate", s.control_duplicate, 0.0, 0.05, 0.5);
  // On: one gateway starts behind by a lag drawn at the run's start, most often at the
  // edge of the window the 14-bit id can tell apart (draw_start in scenario.cpp).
  m.knob("lagging-gateway", s.lagging_gateway, 0.0, 1.0, 1.0);
  m.knob("rejoining-gateway", s.rejoining_gateway, 0.0, 1.0, 1.0);
  m.knob("partitions", s.partitions, 0u, 1u, 4u);
  // Timing and traffic, always somewhere in their range: sparse traffic and late entries
  // are where Beaver's race lives, dense traffic and chatter where marking does its work.
  m.range("entry-skew-max", s.entry_skew_max, sim::Time{1}, sim::Time{150});
  m.range("request-gap-max", s.request_gap_max, sim::Time{1}, sim::Time{300});
  m.range("link-max", s.link_max, sim::Time{1}, sim::Time{20});
  m.range("chatter", s.in_group_chatter, 0.0, 0.5);
  m.range("via-gateway", s.in_group_via_gateway, 0.0, 1.0);
  if (!m.fixed("hop-min") && !m.fixed("hop-max") && !m.fixed("threshold")) {
    m.range("hop-min", s.hop_min, sim::Time{4}, sim::Time{20});
    m.range("hop-max", s.hop_max, s.hop_min, 2 * s.hop_min);
    // tau_min is the shortest external chain: three hops at hop_min. A threshold above it
    // is a misconfigured deployment, not a bug of the cores.
    m.range("threshold", s.threshold, 3 * s.hop_min, 3 * s.hop_min);
  }
  return m.words();
}

}  // namespace weir::harness::beaver
