// The set of visited states, as 64-bit fingerprints, shared by the exploring threads;
// optionally with a payload per state (how the search reached it, for counterexamples).
//
// It is split into shards by the fingerprint's top bits, each an open-addressing table
// behind a spin lock: with thousands of shards two threads almost never meet on one, and
// a shard grows on its own, so the set never stops the search to rehash everything.
// Eight bytes per state (plus the payload) at most half full: this is where an
// explicit-state checker's memory goes, and why it stores fingerprints rather than
// states (a model whose states pack into 64 bits makes its fingerprint a bijection of
// them, so nothing is lost).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "checker/explore/detail/spin_guard.hpp"

namespace weir::explore::detail {

struct NoPayload {};

template <class Payload = NoPayload>
class StateTable {
 public:
  explicit StateTable(unsigned shard_bits = 12)
      : shift_(64 - shard_bits),
        shards_(std::make_unique<Shard[]>(std::size_t{1} << shard_bits)),
        shard_count_(std::size_t{1} << shard_bits) {
    for (std::size_t i = 0; i < shard_count_; ++i) {
      Shard& s = shards_[i];
      s.own = std::make_unique<Slot[]>(kInitialSlots);
      s.table.store(s.own.get());
      s.mask.store(kInitialSlots - 1);
    }
  }
  StateTable(const StateTable&) = delete;
  StateTable& operator=(const StateTable&) = delete;

  // Adds the fingerprint (with its payload); true when it was not there yet. When it
  // was, `prefer(old, new)` may still replace the payload (so that which of two racing
  // threads came first does not show in the result). Thread-safe.
  template <class Prefer>
  bool insert(std::uint64_t fp, const Payload& payload, Prefer&& prefer) {
    if (fp == 0) {
      SpinGuard guard(zero_busy_);
      if (has_zero_) {
        if (prefer(zero_payload_, payload)) zero_payload_ = payload;
        return false;
      }
      has_zero_ = true;
      zero_payload_ = payload;
      return true;
    }
    Shard& s = shard_of(fp);
    SpinGuard guard(s.busy);
    if ((s.count + 1) * 2 > s.mask.load(std::memory_order_relaxed) + 1) grow(s);
    Slot* slots = s.own.get();
    const std::size_t mask = s.mask.load(std::memory_order_relaxed);
    for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
      if (slots[i].fp == fp) {
        if (prefer(slots[i].payload, payload)) slots[i].payload = payload;
        return false;
      }
      if (slots[i].fp == 0) {
        slots[i] = {fp, payload};
        ++s.count;
        return true;
      }
    }
  }
  bool insert(std::uint64_t fp, const Payload& payload = {}) {
    return insert(fp, payload, [](const Payload&, const Payload&) { return false; });
  }

  // The payload stored with fp, or nullptr. Not to be called while others insert.
  const Payload* find(std::uint64_t fp) const {
    if (fp == 0) return has_zero_ ? &zero_payload_ : nullptr;
    const Shard& s = shard_of(fp);
    const std::size_t mask = s.mask.load(std::memory_order_relaxed);
    for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
      if (s.own[i].fp == fp) return &s.own[i].payload;
      if (s.own[i].fp == 0) return nullptr;
    }
  }

  bool contains(std::uint64_t fp) const {
    if (fp == 0) {
      SpinGuard guard(zero_busy_);
      return has_zero_;
    }
    Shard& s = shard_of(fp);
    SpinGuard guard(s.busy);
    const std::size_t mask = s.mask.load(std::memory_order_relaxed);
    for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
      if (s.own[i].fp == fp) return true;
      if (s.own[i].fp == 0) return false;
    }
  }

  // Starts loading the slot where fp would go. The search computes a batch of successors,
  // prefetches all their slots, then inserts: the misses then overlap instead of queueing.
  void prefetch(std::uint64_t fp) const {
    const Shard& s = shard_of(fp);
    __builtin_prefetch(s.table.load(std::memory_order_relaxed) + (fp & s.mask.load(std::memory_order_relaxed)));
  }

  std::uint64_t size() const {  // exact once the inserting threads are done
    std::uint64_t n = has_zero_ ? 1 : 0;
    for (std::size_t i = 0; i < shard_count_; ++i) n += shards_[i].count;
    return n;
  }
  std::uint64_t bytes() const {
    std::uint64_t b = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) b += (shards_[i].mask.load() + 1) * sizeof(Slot);
    return b;
  }

 private:
  static constexpr std::size_t kInitialSlots = 16;  // 4096 shards: small models stay small
  struct Slot {
    std::uint64_t fp = 0;  // 0: free (the fingerprint 0 is kept apart)
    [[no_unique_address]] Payload payload{};
  };
  struct Shard {
    std::atomic_flag busy = ATOMIC_FLAG_INIT;
    // The table. Written under `busy`; read without it only to prefetch, which is
    // harmless even when stale.
    std::atomic<Slot*> table{nullptr};
    std::atomic<std::size_t> mask{0};
    std::unique_ptr<Slot[]> own;
    std::uint64_t count = 0;
  };

  static bool place(Slot* slots, std::size_t mask, const Slot& in) {
    for (std::size_t i = in.fp & mask;; i = (i + 1) & mask) {
      if (slots[i].fp == in.fp) return false;
      if (slots[i].fp == 0) {
        slots[i] = in;
        return true;
      }
    }
  }
  static void grow(Shard& s) {
    const std::size_t old_n = s.mask.load(std::memory_order_relaxed) + 1;
    auto bigger = std::make_unique<Slot[]>(old_n * 2);
    for (std::size_t i = 0; i < old_n; ++i)
      if (s.own[i].fp != 0) place(bigger.get(), old_n * 2 - 1, s.own[i]);
    s.own.swap(bigger);
    s.table.store(s.own.get(), std::memory_order_relaxed);
    s.mask.store(old_n * 2 - 1, std::memory_order_relaxed);
  }
  Shard& shard_of(std::uint64_t fp) const { return shards_[fp >> shift_]; }

  const unsigned shift_;
  std::unique_ptr<Shard[]> shards_;
  std::size_t shard_count_;
  mutable std::atomic_flag zero_busy_ = ATOMIC_FLAG_INIT;
  bool has_zero_ = false;
  Payload zero_payload_{};
};

using StateSet = StateTable<>;

}  // namespace weir::explore::detail
