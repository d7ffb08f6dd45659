// `weir bound`: is Beaver's acceptance rule safe for given delay bounds? Z3 answers on the
// encoding of checker/bound/theorem.hpp: UNSAT means no accepted snapshot can be inconsistent;
// SAT gives a schedule (the time of every event) that breaks it, which also comes out as
// an execution that `weir check cut` judges, and as a run of the Beaver model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/cut/cut.hpp"
#include "checker/bound/theorem.hpp"

namespace weir::bound {

// A counterexample: when each gateway entered and replied, what the initiator measured,
// and the chain from the first gateway to enter to the last.
struct Schedule {
  std::vector<double> enter, reply;  // per gateway; requests leave at t0 = 0
  double t1 = 0, spread = 0;
  unsigned first_gateway = 0, last_gateway = 0;
  double chain_start = 0, chain_end = 0;
  std::vector<double> hops;  // the latencies of the hops the chain takes
};

struct Verdict {
  bool holds = true;
  std::optional<Schedule> counterexample;
  double seconds = 0;
};

Verdict check(const BoundParams& p);

struct Synthesis {
  bool any_threshold_is_safe = false;  // no schedule can break a cut at all
  double largest_safe = 0;  // accepting when the quantity is below this is safe ...
  double step = 0;
  std::optional<Schedule> counterexample;  // ... and at largest_safe + step this breaks it
  double seconds = 0;
};

Synthesis synthesize(const BoundParams& p, double step);

// The schedule as an execution: an external client's packet enters through the first
// gateway after it entered, tagged, so in-group n0 records and delivers it and replies to
// out-group x1; the reply comes back through out-group hops and the last gateway before
// it entered, untagged, and in-group n1 delivers it before it records.
cut::Execution execution(const BoundParams& p, const Schedule& s);

// The schedule in words, one event per line.
std::vector<std::string> narrate(const BoundParams& p, const Schedule& s);

}  // namespace weir::bound
