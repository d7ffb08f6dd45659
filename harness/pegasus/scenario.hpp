// harness/pegasus: Pegasus's cores (impl/core/pegasus) run in the simulator: clients
// that retry, a switch, servers, links that delay, drop, duplicate and reorder. The
// clients' operations are recorded as a history (virtual call and return times) for
// `weir check lin --spec kv`; the cores never see the recorder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/sim/sim.hpp"
#include "impl/core/pegasus.hpp"

namespace weir::harness::pegasus {

struct Scenario {
  unsigned servers = 3;
  unsigned clients = 3;
  unsigned operations = 12;     // per client
  unsigned keys = 2;            // keys 0..keys-1; the first `hot` are replicated
  unsigned hot = 1;
  double reads = 0.5;           // the share of gets; the rest put (a delete is a put of "")
  sim::Time link_min = 1, link_max = 20;
  sim::Time retry_after = 60;   // a client resends a request not answered by then
  double drop = 0.05, duplicate = 0.05;
  core::pegasus::Mutant mutant = core::pegasus::Mutant::None;
  std::uint64_t seed = 1;
};

struct Outcome {
  std::string history;  // JSON Lines, Weir's native format (README, "Input formats")
  sim::RunResult run;
  std::vector<std::string> problems;
  std::size_t operations = 0;
};

Outcome run(const Scenario& s);

}  // namespace weir::harness::pegasus
