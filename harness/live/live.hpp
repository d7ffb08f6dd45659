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
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "checker/cut/execution.hpp"
#include "impl/capybara/capybara.hpp"
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

// Beaver's backend in the kernel, end to end in network namespaces that the run makes
// and that die with it (netns.hpp): a gateway namespace where weir-dp marks the clients'
// frames on DPDK and sends them out of a veth (net_af_packet), backend b0 where weir-xdp's
// XDP program decapsulates them and takes the snapshot, a router namespace, and backend
// b1 which b0 tells about each request through the router (in-group traffic, stamped by
// weir-xdp's tc program). Workers in b0 and b1 log every delivery and send with the
// kernel's monotonic clock, which also times the snapshots from the ring buffer; the run
// becomes an execution for check cut (client out-group; b0 and b1 in-group; a backend
// that never took the snapshot records it at the end, as the artifact's controller
// finalizes). What the kernels dropped is read from each namespace's /proc/net/snmp.
struct XdpScenario {
  unsigned messages = 20;     // client requests through the gateway
  std::uint32_t ssid = 5;     // the snapshot the gateway marks; the backends start one behind
  core::beaver::Mutant mutant = core::beaver::Mutant::None;  // planted in both backends' eBPF
  std::string weir_dp, weir_xdp;  // the programs' paths
  std::string work_dir;           // the clients' pcap, the programs' output, the workers' logs
};
struct XdpRun {
  cut::Execution execution;
  std::vector<std::string> problems;  // what the kernels dropped or lost, in words
  std::vector<std::string> log;       // what happened, in words
  std::map<std::string, long long> counters;  // "r Ip.InHdrErrors": each namespace's counters that moved
};
// Why `m` cannot be planted in the eBPF backends (it lives in the gateway, the
// initiator or user space), or nothing.
std::optional<std::string> xdp_unsupported(core::beaver::Mutant m);
// The run; or why the machine would not have it (which capability), or a program failed.
std::variant<XdpRun, std::string> run_xdp(const XdpScenario& s);

// Capybara's live TCP migration (impl/capybara) between network namespaces that the run
// makes and that die with it: a client namespace, a switch namespace (a Linux router with
// Capybara's tc program on every port: impl/xdp's CapybaraSwitch) and servers s0, s1, ...
// Clients connect to the service address 10.9.0.100:8000, which no server holds; each
// connection streams bytes both ways at a steady rate, every byte a function of the
// connection and its offset, checked by whoever reads it. While they stream, the driver
// migrates connections from server to server (s0 -> s1 -> s0 ... with two), one at a time,
// through the servers' migration agents; the server applications' state (bytes read and
// written) travels in CONNECTION_STATE. Captured: the client's veth (client.pcap) and
// every port of the switch (switch.pcap, cooked, both directions); both go through
// trace/capybara's judge.
struct CapybaraScenario {
  unsigned servers = 2;
  unsigned clients = 2;
  unsigned migrations = 4;
  std::size_t bytes = 8u << 20;  // each way, per connection
  double duration_s = 2.0;       // how long the streams take: bytes / duration per second
  capybara::Mutant mutant = capybara::Mutant::None;  // planted in every agent
  std::chrono::microseconds drain{1000};
  unsigned refuse_every = 0;  // each target refuses every k-th PREPARE it gets (0: never)
  std::string work_dir;  // the captures go here
};

// An invariant the run broke, and the evidence.
struct CapybaraViolation {
  std::string invariant;  // exactly-once, no-reset, no-foreign-address, one-owner, legal-stages, completes
  std::string what;
  std::string frame;  // "switch.pcap#1234" when a capture shows it
};

struct CapybaraMigration {
  unsigned number = 0;
  capybara::Flow flow;
  std::uint32_t from = 0, to = 0;
  capybara::Outcome outcome;
  std::optional<double> frozen_us;  // from the switch's capture
  std::size_t state_bytes = 0;      // the CONNECTION_STATE datagram
};

struct CapybaraStream {
  capybara::Flow flow;
  std::size_t up = 0, down = 0;  // bytes the service read, bytes the client read (checked)
  std::vector<std::uint32_t> owners;  // as the capture shows them
};

struct CapybaraRun {
  std::vector<CapybaraMigration> migrations;
  std::vector<CapybaraStream> streams;
  std::vector<CapybaraViolation> violations;
  std::vector<std::string> log, notes;
  std::vector<std::string> pcaps;
  double seconds = 0;
};

inline constexpr std::uint32_t kCapybaraService = 0x0a090064;  // 10.9.0.100
inline constexpr std::uint16_t kCapybaraServicePort = 8000;

// The run; or why the machine would not have it (the capability it lacks) or it could
// not be set up.
std::variant<CapybaraRun, std::string> run_capybara(const CapybaraScenario& s);

}  // namespace weir::live
