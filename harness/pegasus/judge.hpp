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
// A run that spent its event budget (clients retrying for ever) is a livelock: a failure
// with its reason, never a pass.
std::optional<std::string> failure(const Outcome& o);

// The checker ran out of time on a run's history: no verdict either way. failure() returns
// this reason, which a caller must count as unknown (exit 3), not as a violation.
inline constexpr const char* kCheckerOutOfTime = "unknown: the checker ran out of time on the recorded history";

// Greedy, as for Beaver (harness/beaver/judge.hpp): fewer operations, clients, keys,
// servers, no loss or duplication, shorter delays, while the same seed or one of the
// next `seeds_per_step` still fails.
using Shrunk = sim::Shrunk<Scenario>;
Shrunk shrink(Scenario failing, unsigned seeds_per_step = 64);

}  // namespace weir::harness::pegasus
