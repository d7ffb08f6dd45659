// The set of visited states, as 64-bit fingerprints, shared by the exploring threads.
//
// It is split into shards by the fingerprint's top bits, each an open-addressing table
// behind a spin lock: with thousands of shards two threads almost never meet on one, and
// a shard grows on its own, so the set never stops the search to rehash everything.
// Eight bytes per state at most half full: this is where an explicit-state checker's
// memory goes, and why it stores fingerprints rather than states (a model whose states
// pack into 64 bits makes its fingerprint a bijection of them, so nothing is lost).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace weir::explore::detail {

class StateSet {
 public:
  explicit StateSet(unsigned shard_bits = 12);
  StateSet(const StateSet&) = delete;
  StateSet& operator=(const StateSet&) = delete;

  // Adds the fingerprint; true when it was not there yet. Thread-safe.
  bool insert(std::uint64_t fp);
  bool contains(std::uint64_t fp) const;
  // Starts loading the slot where fp would go. The search computes a batch of successors,
  // prefetches all their slots, then inserts: the misses then overlap instead of queueing.
  void prefetch(std::uint64_t fp) const {
    const Shard& s = shard_of(fp);
    __builtin_prefetch(s.table.load(std::memory_order_relaxed) + (fp & s.mask.load(std::memory_order_relaxed)));
  }
  std::uint64_t size() const;  // exact once the inserting threads are done
  std::uint64_t bytes() const;

 private:
  struct Shard {
    std::atomic_flag busy = ATOMIC_FLAG_INIT;
    // The open-addressing table (0: free; the fingerprint 0 is kept apart). Written under
    // `busy`; read without it only to prefetch, which is harmless even when stale.
    std::atomic<std::uint64_t*> table{nullptr};
    std::atomic<std::size_t> mask{0};
    std::unique_ptr<std::uint64_t[]> own;
    std::uint64_t count = 0;
  };
  Shard& shard_of(std::uint64_t fp) const { return shards_[fp >> shift_]; }
  static void grow(Shard& s);

  const unsigned shift_;
  std::unique_ptr<Shard[]> shards_;
  std::size_t shard_count_;
  std::atomic<bool> has_zero_{false};
};

}  // namespace weir::explore::detail
