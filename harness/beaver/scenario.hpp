// harness/beaver: Beaver's cores (impl/core/beaver) run in the simulator (harness/sim)
// among clients, out-group services that carry causality back in, and an initiator;
// the run is recorded as an execution for `weir check cut`. The recorder here is the
// only link between the cores and the checker: the cores never see it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/cut/execution.hpp"
#include "harness/sim/mix.hpp"
#include "harness/sim/sim.hpp"
#include "impl/core/beaver.hpp"

namespace weir::harness::beaver {

// How a client frame crosses a gateway: the frame that leaves for its backend, or why
// none does. By default the core's forward() in the gateway's fiber; a harness that puts
// the gateways on a real data plane (harness/live: DPDK) passes each frame through it.
// `now` is the virtual time, for whoever records the frame.
using GatewayPath = std::function<packet::Decoded<packet::Bytes>(packet::View frame, sim::Time now)>;
// Given the gateway's core (built and owned by the run) and its index, its path.
using DataPlane = std::function<GatewayPath(core::beaver::Gateway& gateway, unsigned index)>;

struct Scenario {
  unsigned gateways = 2;
  unsigned backends = 4;
  unsigned services = 2;        // out-group: each sends what it gets back in through a gateway
  unsigned clients = 1;
  unsigned requests = 20;       // per client
  unsigned snapshots = 3;
  // Between a client's requests. Sparse traffic is where Beaver's race lives: dense
  // traffic through the first gateway marks every backend before a chain gets round.
  sim::Time request_gap_max = 100;
  sim::Time hop_min = 11, hop_max = 16;  // one hop of an external chain (3 hops: tau_min = 33)
  sim::Time entry_skew_max = 60;  // initiator -> gateway: when each gateway enters (beyond tau_min: a race)
  // Fixed entry instead (the timing-bound experiment): gateway g gets the request after
  // 1 + skew * g / (gateways - 1), so that the first and last entries are `skew` apart.
  bool entry_fixed = false;
  sim::Time reply_max = 10;       // gateway -> initiator
  sim::Time link_max = 5;         // every other link: 1..link_max
  sim::Time threshold = 33;       // accept when t1 - t0 is below it
  double in_group_chatter = 0.1;  // a backend tells another backend about a request
  // ... through the service's address, as in the artifact: the gateway sees in-group
  // traffic and learns the newest id from it (the only way a gateway behind catches up).
  double in_group_via_gateway = 0.5;
  // Where the ids stand when the run begins, drawn per seed (a generator of its own, so
  // that shrinking other knobs keeps them): every node at a base id B, which often sits
  // next to a wrap of the 14-bit in-group id; with this probability one gateway starts
  // L behind (it missed L of the controller's requests), L up to 8190 and often at the
  // edge: the artifact's controller keeps at most 8191 snapshots in flight, so the first
  // snapshot here is at most 8191 ahead of any node, the last id the wire can tell apart.
  double lagging_gateway = 0.5;
  // With this probability, gateway g0 crashes and rejoins once, its id restored from a
  // stale store: just before the first in-group packet carrying the newest started id k
  // reaches it (before it entered k) bound for a backend that has not entered k either, it
  // comes back at k - 8191, the most the controller
  // allows in flight and the last distance the 14-bit wire tells apart. A correct gateway
  // learns k from that very packet; the wrap edge is where a gateway that compares one
  // short does not (a fault injected at the adversarial moment, as directed tests do).
  double rejoining_gateway = 0;
  double drop = 0, duplicate = 0; // on links to and among backends
  // Interference on the control plane: the initiator's requests (and the gateways'
  // replies) duplicated with this probability; their random delays reorder them.
  double control_duplicate = 0;
  // DSCP remarking: each router hop on the in-group path rewrites the DSCP bits of the
  // ToS byte (keeping ECN, updating the checksum) with this probability. Beaver keeps the
  // id's low 8 bits there: remarking is outside the protocol's assumptions.
  double dscp_remark = 0;
  // Partitions: this many times, a gateway, backend or service is cut off for up to
  // partition_max, while the clients' traffic lasts.
  unsigned partitions = 0;
  sim::Time partition_max = 200;
  core::beaver::Mutant mutant = core::beaver::Mutant::None;
  std::uint64_t seed = 1;
  DataPlane data_plane;  // empty: the core in the simulator
  // A capture of the run as tcpdump on every node would take it: each frame when sent and
  // when delivered. The controller's messages travel as UDP between the initiator
  // (kControllerIp) and the gateways on kControlPort; its finalizing round is not traffic.
  std::function<void(packet::View frame, sim::Time now)> capture;
};

inline constexpr std::uint32_t kControllerIp = 0x0a0000c8;  // 10.0.0.200
inline constexpr std::uint16_t kControlPort = 7100;

struct Outcome {
  cut::Execution execution;              // accepted snapshots only (a rejected one may be inconsistent)
  std::vector<std::uint32_t> accepted, rejected;
  sim::RunResult run;
  std::vector<std::string> problems;     // what the harness saw go wrong on the wire
  bool consistent_online = true;         // the simulator's own invariant, judged as the run went
  std::vector<std::uint32_t> inconsistent_online;  // the snapshot ids it found broken
  std::uint32_t start_ssid = 0;   // B: the id every node held at the start
  std::uint32_t gateway_lag = 0;  // L: how far behind gateway g0 started (0: none)
};

Outcome run(const Scenario& s);

// Swarm testing (harness/sim/mix.hpp): draws this seed's mix of interference and timing
// into `s`, leaving the knobs `fixed` names (as `weir fuzz beaver` names them); returns
// what it drew as `name=value` words. DSCP remarking is never drawn: it is outside
// Beaver's assumptions (the id's low bits ride in the ToS byte). When the hops are drawn,
// the threshold follows them to tau_min (three hops), the tightest correct threshold,
// unless the user fixed one of the three.
std::string draw_mix(Scenario& s, const sim::FixedKnob& fixed);

}  // namespace weir::harness::beaver
