// Test support for the linearizability checker: a brute-force oracle and generators.
#pragma once

#include <rapidcheck.h>

#include <string>
#include <vector>

#include "checker/lin/lin.hpp"

namespace weir::lin::testing {

// Tries every order that respects real time (a before b when a returns strictly before
// b is called), with pending operations taking effect anywhere or not at all. No memo, no
// reduction, no shared code with the real search: an oracle for small histories.
bool brute_force_linearizable(const History& h);

History empty_history(spec::SpecKind spec);

// Sequential run of `n` random operations on `spec`, each given a real-time window around
// its linearization point; some left pending (some of those never took effect). Values
// from a small domain or, in the other mode, one of its own per write. Always
// linearizable.
History gen_linearizable(spec::SpecKind spec, int n);

// Random small history with outputs drawn from a small domain, or (a mode of its own) with
// a value of its own per write that reads name: linearizable or not, either way (for
// comparison with the oracle).
History gen_random(spec::SpecKind spec, int n, bool with_pending);
// Gives a random operation its end: pending (never returned), or a return soon after its call.
void end_random(Operation& op, bool pending);

// Index of a completed read/get, or -1.
int pick_completed_read(const History& h);

}  // namespace weir::lin::testing
