// `weir replay` (cli/replay.cpp, cli/replay_sweep.cpp): the options, the scenarios they
// make, and the timing-bound sweep.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "harness/live/live.hpp"

namespace weir::cli::replay {

struct Args {
  std::string impl;
  std::uint64_t seed = 1, runs = 20;
  double duration = 0;
  std::string mutant = "none";
  std::string record;
  unsigned delay = 5;
  double loss = 0, duplicate = 0;
  std::optional<unsigned> clients;
  // Beaver
  unsigned gateways = 2, backends = 4, services = 2, requests = 20, snapshots = 3;  // weir fuzz beaver's scenario
  std::optional<unsigned> skew;
  unsigned chain = 33, threshold = 33;
  double dscp_remark = 0, lagging_gateway = 0;
  bool sweep = false, json = false;
  std::string backend = "core";  // core: impl/core in-process; xdp: eBPF in network namespaces
  unsigned messages = 20;
  std::string skews = "0:80:8", chains = "12:60:6", svg = "sweep.svg";
  // Pegasus
  unsigned servers = 3, ops = 12, keys = 2, hot = 1;
  // Capybara
  unsigned migrations = 4;
  std::size_t bytes = 8u << 20;
  unsigned drain_us = 1000;
  unsigned refuse_every = 0;
  bool runs_given = false;
  // Swarm testing: unless --no-swarm, each seed draws its own mix of the knobs not given
  // (harness draw_mix); `given` names the ones given, as weir fuzz names them.
  bool no_swarm = false;
  std::set<std::string, std::less<>> given;
};

harness::beaver::Scenario beaver_scenario(const Args& a);
harness::pegasus::Scenario pegasus_scenario(const Args& a);

// The timing-bound experiment: exit 0 when every point agrees with weir bound (no
// accepted inconsistent snapshot wherever the threshold is at or below the bound), 1
// when one does not, 2 on a bad grid.
int sweep(const Args& a);

// --backend xdp: Beaver end to end in network namespaces (harness/live run_xdp), judged
// by check cut; exit 3 with the reason when the kernel refuses a capability it needs.
int xdp(const Args& a);

// Where a live run writes: --record's directory (made), or a new one in /tmp; "" (and
// the reason on stderr) when neither can be had.
std::string work_dir(const std::string& record);

// --impl capybara: live TCP migration in network namespaces (harness/live run_capybara),
// judged by the model's invariants; exit 3 when the kernel refuses a capability.
int capybara(const Args& a, unsigned servers);

}  // namespace weir::cli::replay
