// Starting DPDK's EAL for a data plane without hugepages or NICs (impl/dpdk).
#include <rte_eal.h>
#include <rte_errno.h>
#include <sched.h>

#include "impl/dpdk/dp.hpp"

namespace weir::dp {

namespace {

// "0@(0,1)": lcore 0 may run on every CPU this process may use, so that starting the
// EAL does not pin the caller (and with it every test in the process) to one CPU.
std::string lcore_map() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::string cpus;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.append(cpus.empty() ? "" : ",").append(std::to_string(c));
  return cpus.empty() ? std::string("0") : std::string("0@(").append(cpus).append(")");
}

std::optional<std::string> start_once() {
  // --no-shconf: no runtime files, so that processes (parallel tests) never share state.
  static std::vector<std::string> args = {"weir-dp",     "--no-huge",       "--no-pci",
                                          "--no-shconf", "--no-telemetry",  "-m",
                                          "128",         "--log-level=error", "--lcores",
                                          lcore_map()};
  static std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0)
    return std::string("DPDK's EAL did not start: ").append(rte_strerror(rte_errno));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> start_eal() {
  static const std::optional<std::string> outcome = start_once();  // once per process
  return outcome;
}

}  // namespace weir::dp
