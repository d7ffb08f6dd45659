// Visited states stored whole (`--full-states`): membership by equality, not by
// fingerprint, so two states that share a fingerprint are still told apart and the
// counts are exact whatever the model's fingerprint. Sharded by fingerprint like the
// fingerprint table, each shard a hash set behind a spin lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "checker/explore/detail/spin_guard.hpp"
#include <unordered_set>

namespace weir::explore::detail {

template <class State>
class FullStateSet {
 public:
  explicit FullStateSet(unsigned shard_bits = 10)
      : shift_(64 - shard_bits), shards_(std::make_unique<Shard[]>(std::size_t{1} << shard_bits)),
        shard_count_(std::size_t{1} << shard_bits) {}

  bool insert(std::uint64_t fp, const State& s) {
    Shard& sh = shards_[fp >> shift_];
    SpinGuard g(sh.busy);
    return sh.states.insert(Key{fp, s}).second;
  }
  bool contains(std::uint64_t fp, const State& s) const {
    Shard& sh = shards_[fp >> shift_];
    SpinGuard g(sh.busy);
    return sh.states.count(Key{fp, s}) != 0;
  }
  std::uint64_t size() const {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) n += shards_[i].states.size();
    return n;
  }
  std::uint64_t bytes() const {  // an estimate: the keys and the hash set's nodes and buckets
    return size() * (sizeof(Key) + 2 * sizeof(void*)) + shard_count_ * sizeof(Shard);
  }

 private:
  struct Key {
    std::uint64_t fp;
    State state;
    bool operator==(const Key& o) const { return fp == o.fp && state == o.state; }
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(k.fp); }
  };
  struct Shard {
    std::atomic_flag busy = ATOMIC_FLAG_INIT;
    std::unordered_set<Key, KeyHash> states;
  };

  const unsigned shift_;
  std::unique_ptr<Shard[]> shards_;
  std::size_t shard_count_;
};

}  // namespace weir::explore::detail
