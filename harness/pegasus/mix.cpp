#include "harness/pegasus/scenario.hpp"

namespace weir::harness::pegasus {

std::string draw_mix(Scenario& s, const sim::FixedKnob& fixed) {
  sim::Mix m(s.seed, fixed);
  // Interference, each on or off: a lost reply makes a retry, a duplicate a second copy
  // of a write (what versions and the duplicate cache are for).
  m.knob("drop", s.drop, 0.0, 0.02, 0.3);
  m.knob("duplicate", s.duplicate, 0.0, 0.02, 0.3);
  m.knob("partitions", s.partitions, 0u, 1u, 4u);
  // Timing and load: a retry sooner than a round trip races its own request.
  if (!m.fixed("link-min")) m.range("link-max", s.link_max, s.link_min, sim::Time{60});
  m.range("retry-after", s.retry_after, sim::Time{20}, sim::Time{200});
  m.range("reads", s.reads, 0.2, 0.8);
  return m.words();
}

}  // namespace weir::harness::pegasus
