// Test support for the cut checker: random runs, snapshots placed on purpose, and a
// vector-clock oracle that shares no code with the checker's one-number pass.
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "checker/cut/cut.hpp"

namespace weir::cut::testing {

struct GenEvent {
  std::uint32_t process = 0;
  Kind kind = Kind::Local;
  std::uint32_t msg = 0;   // Send, Recv
  std::uint32_t to = 0;    // Send: its destination
  std::uint64_t ssid = 0;  // Snapshot
  // Snapshot: recorded channel states, per sender, when the run records them.
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> channels;
};

struct GenRun {
  std::uint32_t in = 0, out = 0;  // processes 0..in-1 are in-group, the rest out-group
  std::vector<GenEvent> events;   // a causal order
  std::uint32_t messages = 0;
};

// A random run: each step one process sends to another, receives a message in flight to
// it (any order) or does something local.
GenRun gen_run(std::mt19937_64& rng, std::uint32_t in, std::uint32_t out, std::size_t steps);
// Where a snapshot may go so that ids still increase along every process: after the
// last snapshot event.
std::size_t after_last_snapshot(const GenRun& run);
// Every in-group process records `ssid` at global step `at`: a consistent cut, and,
// with `channels`, the channel states it implies (sent before `at`, not received by then).
void snapshot_at(GenRun& run, std::uint64_t ssid, std::size_t at, bool channels);
// Every in-group process records `ssid` at a random point after its previous snapshot:
// any cut at all (to compare with the oracle).
void snapshot_anywhere(GenRun& run, std::mt19937_64& rng, std::uint64_t ssid);
// Moves a process's snapshot `ssid` to just after event `after` (global position).
void move_snapshot(GenRun& run, std::uint32_t process, std::uint64_t ssid, std::size_t after);

Execution build(const GenRun& run);
std::string to_jsonl(const GenRun& run);

struct OracleVerdict {
  std::set<std::uint64_t> inconsistent;
  std::set<std::uint64_t> incomplete;
  std::set<std::uint64_t> bad_channels;
};
OracleVerdict oracle(const Execution& x);
// True when event a happened before event b (vector clocks).
bool happened_before(const Execution& x, std::uint32_t a, std::uint32_t b);

}  // namespace weir::cut::testing
