// Synthetic histories for the benchmarks: a simulated linearizable store whose every
// operation takes effect atomically somewhere between its call and its return.
#pragma once

#include <cstdint>
#include <string>

namespace weir::bench {

// A kv history in Weir's native JSONL: `ops` operations from `clients` clients over
// `keys` keys (get 50%, put 40%, append 10%).
void write_kv_jsonl(const std::string& path, std::uint64_t ops, int clients, int keys, std::uint64_t seed);

// A Jepsen etcd-style log of a cas-register (read, write, cas over 0..4) with 5 workers,
// timeouts (:info, after which the worker returns under a new process id) and failed cas.
void write_etcd_log(const std::string& path, int ops, std::uint64_t seed);

// The shape real Jepsen etcd logs have and the one above lacks: a crash-prone client
// population whose writes and cas time out often (`timeout_percent`, :info) and stay open
// for the rest of the history, each taking effect at some later moment or never, while
// reads and cas go on around them; values 0..4.
void write_etcd_hard_log(const std::string& path, int ops, int timeout_percent, std::uint64_t seed);

}  // namespace weir::bench
