// `weir`'s stand-ins for the backend commands (bound, fuzz, replay, trace): each takes its
// whole command line, --help included, and runs `weir-full` (beside this executable) on it,
// so that checking a history never loads DPDK, libbpf, libpcap, Boost.Fiber or Z3.
#pragma once

#include "cli/cli.hpp"

namespace weir::cli {

// argv is the process's own, handed on unchanged (argv[0] too, so usage still says weir).
Backends forwarded_backends(char** argv);

}  // namespace weir::cli
