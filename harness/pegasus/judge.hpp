// Judging a simulated Pegasus run (its history, by the linearizability checker) and
// shrinking a failing one (harness/pegasus).
#pragma once

#include <optional>
#include <string>

#include "harness/pegasus/scenario.hpp"
#include "harness/sim/shrink.hpp"

namespace weir::harness::pegasus {

// Why the run failed, in words, or nothing: a problem on the wire, a deadlock, or a
// history `check lin --spec kv` finds not linearizable.
std::optional<std::string> failure(const Outcome& o);

// Greedy, as for Beaver (harness/beaver/judge.hpp): fewer operations, clients, keys,
// servers, no loss or duplication, shorter delays, while the same seed or one of the
// next `seeds_per_step` still fails.
using Shrunk = sim::Shrunk<Scenario>;
Shrunk shrink(Scenario failing, unsigned seeds_per_step = 64);

}  // namespace weir::harness::pegasus
