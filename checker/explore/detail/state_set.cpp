#include "checker/explore/detail/state_set.hpp"

namespace weir::explore::detail {
namespace {

// Slots are indexed by the fingerprint's low bits; the shard by its high bits.
constexpr std::size_t kInitialSlots = 256;

struct SpinGuard {
  std::atomic_flag& f;
  explicit SpinGuard(std::atomic_flag& flag) : f(flag) {
    while (f.test_and_set(std::memory_order_acquire))
      while (f.test(std::memory_order_relaxed)) {
      }
  }
  ~SpinGuard() { f.clear(std::memory_order_release); }
};

bool place(std::vector<std::uint64_t>& slots, std::uint64_t fp) {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
    if (slots[i] == fp) return false;
    if (slots[i] == 0) {
      slots[i] = fp;
      return true;
    }
  }
}

}  // namespace

StateSet::StateSet(unsigned shard_bits)
    : shift_(64 - shard_bits),
      shards_(std::make_unique<Shard[]>(std::size_t{1} << shard_bits)),
      shard_count_(std::size_t{1} << shard_bits) {
  for (std::size_t i = 0; i < shard_count_; ++i) shards_[i].slots.assign(kInitialSlots, 0);
}

void StateSet::grow(Shard& s) {
  std::vector<std::uint64_t> bigger(s.slots.size() * 2, 0);
  for (std::uint64_t fp : s.slots)
    if (fp != 0) place(bigger, fp);
  s.slots.swap(bigger);
}

bool StateSet::insert(std::uint64_t fp) {
  if (fp == 0) {
    return !has_zero_.exchange(true);
  }
  Shard& s = shard_of(fp);
  SpinGuard guard(s.busy);
  if ((s.count + 1) * 2 > s.slots.size()) grow(s);
  if (!place(s.slots, fp)) return false;
  ++s.count;
  return true;
}

bool StateSet::contains(std::uint64_t fp) const {
  if (fp == 0) return has_zero_.load();
  Shard& s = shard_of(fp);
  SpinGuard guard(s.busy);
  const std::size_t mask = s.slots.size() - 1;
  for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
    if (s.slots[i] == fp) return true;
    if (s.slots[i] == 0) return false;
  }
}

std::uint64_t StateSet::size() const {
  std::uint64_t n = has_zero_.load() ? 1 : 0;
  for (std::size_t i = 0; i < shard_count_; ++i) n += shards_[i].count;
  return n;
}

std::uint64_t StateSet::bytes() const {
  std::uint64_t b = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) b += shards_[i].slots.capacity() * sizeof(std::uint64_t);
  return b;
}

}  // namespace weir::explore::detail
