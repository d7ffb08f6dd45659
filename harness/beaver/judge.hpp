// Judging a simulated Beaver run and shrinking a failing one (harness/beaver).
#pragma once

#include <optional>
#include <string>

#include "harness/beaver/scenario.hpp"
#include "harness/sim/shrink.hpp"

namespace weir::harness::beaver {

// Why the run failed, in words, or nothing: a deadlock, a problem on the wire, or an
// accepted snapshot the cut checker finds inconsistent or incomplete (its explanation).
std::optional<std::string> failure(const Outcome& o);

// A smaller scenario that still fails: fewer requests, snapshots, clients, services,
// backends, gateways, no loss or duplication, shorter delays (harness/sim/shrink.hpp).
using Shrunk = sim::Shrunk<Scenario>;
Shrunk shrink(Scenario failing, unsigned seeds_per_step = 64);

// The size a reader has to follow: events in the recorded execution.
std::size_t size_of(const Scenario& s);

}  // namespace weir::harness::beaver
