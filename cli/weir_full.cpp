// `weir-full`: every command in one process, the backends (DPDK, libbpf, libpcap,
// Boost.Fiber, Z3) linked in. `weir` hands it the commands that need them.
#include "cli/cli.hpp"

int main(int argc, char** argv) {
  using namespace weir::cli;
  return weir_main(argc, argv, {add_bound, add_fuzz, add_replay, add_trace});
}
