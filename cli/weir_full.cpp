// `weir-full`: every command in one process, the backends (DPDK, libbpf, libpcap,
// Boost.Fiber, Z3) linked in. `weir` hands it the commands that need them.
#include <malloc.h>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  // fuzz and replay simulate run after run, each allocating and freeing the same few
  // megabytes (fiber stacks, the event queue, the recorder). By default glibc gives the
  // freed top of the heap back to the kernel after each run and faults it in again in the
  // next: five brk calls and their page faults per run, 60% of weir fuzz's time (sys) and
  // 3.4 times slower. Kept instead, up to 256 MB.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  using namespace weir::cli;
  return weir_main(argc, argv, {add_bound, add_fuzz, add_replay, add_trace});
}
