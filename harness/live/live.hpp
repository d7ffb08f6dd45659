// harness/live: the protocols' runs with their data plane on DPDK. The workload, the
// injection (entry skew, external chains, delay, loss, duplication, reordering, DSCP
// remarking) and the recording are the simulator's scenarios (harness/beaver,
// harness/pegasus); here every frame a gateway or the switch handles goes through the
// DPDK application's code (impl/dpdk) on real mbufs: fed into a net_ring port's receive
// ring, processed by a burst of dp::BeaverGateway or dp::PegasusSwitch, drained from the
// transmit ring. In-process rings keep it deterministic: the same seed gives the same
// run, frame for frame, as the core alone does (a test holds them to it).
//
// Each port can be recorded to a pcap file (virtual microseconds as timestamps).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/beaver/scenario.hpp"
#include "harness/pegasus/scenario.hpp"

namespace weir::live {

// What one port saw, and what the data plane counted on it.
struct PortStats {
  std::string name;        // e.g. "g0" (a gateway) or "switch"
  std::uint64_t received = 0, sent = 0, refused = 0, dropped = 0, no_room = 0, tx_full = 0;
};

struct Options {
  std::string record_dir;  // when set: NAME-in.pcap and NAME-out.pcap per port there
};

template <class Outcome>
struct Run {
  Outcome outcome;
  std::vector<PortStats> ports;
  unsigned buffers_in_use = 0;  // mbufs not back in the pool after the run: a leak if not 0
  std::vector<std::string> pcaps;  // the files written
};
using BeaverRun = Run<harness::beaver::Outcome>;
using PegasusRun = Run<harness::pegasus::Outcome>;

// The DPDK side of a replay: the EAL, a pool and ring ports, made once and reused by
// every run (a sweep makes thousands). Why DPDK would not start, or a rig.
class Rig {
 public:
  static std::variant<std::unique_ptr<Rig>, std::string> make();
  ~Rig();
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  // One run of the scenario with the gateways (Beaver) or the switch (Pegasus) on DPDK.
  BeaverRun beaver(harness::beaver::Scenario s, const Options& o = {});
  PegasusRun pegasus(harness::pegasus::Scenario s, const Options& o = {});

  struct Impl;

 private:
  explicit Rig(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace weir::live
