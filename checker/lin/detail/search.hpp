// The Wing–Gong search over one partition (one object, or the whole history).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "spec/spec.hpp"

namespace weir::lin::detail {

struct SearchOp {
  std::uint64_t call = 0;
  std::uint64_t ret = 0;  // kPending for an op whose return was never seen
  spec::Call input;
  std::uint32_t slot = 0;  // which object of the state it touches (key index)
  std::uint32_t origin = 0;  // index into History::ops
};

struct StopSignal {
  const std::atomic<bool>* cancel = nullptr;  // another partition failed
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

enum class SearchOutcome : std::uint8_t { Linearizable, NotLinearizable, Stopped, TimedOut };

struct SearchResult {
  SearchOutcome outcome = SearchOutcome::Stopped;
  // The longest linearization reached, as indices into the input ops (not origins); when
  // linearizable, a whole linearization.
  std::vector<std::uint32_t> best_prefix;
  std::uint64_t steps = 0;
};

// `slots` objects, each starting at `init`.
SearchResult search(const std::vector<SearchOp>& ops, std::uint32_t slots, spec::ValueId init,
                    const spec::ValueTable& values, const StopSignal& stop);

}  // namespace weir::lin::detail
