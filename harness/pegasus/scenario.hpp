// harness/pegasus: Pegasus's cores (impl/core/pegasus) run in the simulator: clients
// that retry, a switch, servers, links that delay, drop, duplicate and reorder. The
// clients' operations are recorded as a history (virtual call and return times) for
// `weir check lin --spec kv`; the cores never see the recorder.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/sim/mix.hpp"
#include "harness/sim/sim.hpp"
#include "impl/core/pegasus.hpp"

namespace weir::harness::pegasus {

// How a frame crosses the switch: the frames that leave it, or why none does. By default
// the core's receive() in the switch's fiber; harness/live passes each frame through the
// switch on DPDK instead. `now` is the virtual time, for whoever records the frame.
using SwitchPath = std::function<packet::Decoded<std::vector<core::pegasus::Out>>(packet::View frame, sim::Time now)>;
using DataPlane = std::function<SwitchPath(core::pegasus::Switch& sw)>;

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
  // Partitions: this many times, the switch or a server is cut off for up to
  // partition_max (drawn from the seed alone); clients retry through it.
  unsigned partitions = 0;
  sim::Time partition_max = 200;
  core::pegasus::Mutant mutant = core::pegasus::Mutant::None;
  std::uint64_t seed = 1;
  DataPlane data_plane;  // empty: the core in the simulator
  // Every frame a client sends or receives, at that time (a capture on the clients' hosts).
  std::function<void(packet::View frame, sim::Time now)> client_tap;
};

// One client operation as the harness saw it: virtual call and return times.
struct Op {
  unsigned client = 0;
  std::uint64_t call = 0;
  std::optional<std::uint64_t> ret;  // none: it never returned
  bool get = false;
  std::string key;
  std::string value;  // put: what it wrote; get: what it read ("" for a key never written)
};

// The harness's own invariant, independent of the checker: every put writes a value of
// its own, so each key is a register whose reads name their write, and such a history is
// linearizable exactly when, per key, (1) no read returns before its write is called,
// (2) no two forward zones overlap and (3) no backward zone lies inside a forward zone
// (zones: Gibbons and Korach 1997; Golab, Li and Shah, PODC 2011). Linear-time up to a
// sort, where the checker searches. The first broken condition, in words, or nothing.
// Values must be non-empty and unique per key (the harness makes them so); a key where
// they are not gets no verdict.
std::optional<std::string> zones_violation(const std::vector<Op>& ops);

// The operations as JSON Lines, Weir's native history format; a get that never returned
// has no output.
std::string history_jsonl(const std::vector<Op>& ops);

struct Outcome {
  std::vector<Op> ops;
  std::string history;  // JSON Lines, Weir's native format (README, "Input formats")
  sim::RunResult run;
  std::vector<std::string> problems;
  std::size_t operations = 0;
  std::optional<std::string> online_violation;  // zones_violation(ops)
};

Outcome run(const Scenario& s);

// Swarm testing (harness/sim/mix.hpp): draws this seed's mix of loss, duplication,
// partitions and timing into `s`, leaving the knobs `fixed` names (as `weir fuzz pegasus`
// names them); returns what it drew as `name=value` words.
std::string draw_mix(Scenario& s, const sim::FixedKnob& fixed);

}  // namespace weir::harness::pegasus
