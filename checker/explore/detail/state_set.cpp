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

bool place(std::uint64_t* slots, std::size_t mask, std::uint64_t fp) {
  for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
    if (slots[i] == fp) return false;
    if (slots[i] == 0) {
      slots[i] = fp;
      return true;
    }
  }
}

std::unique_ptr<std::uint64_t[]> empty_table(std::size_t n) { return std::make_unique<std::uint64_t[]>(n); }

}  // namespace

StateSet::StateSet(unsigned shard_bits)
    : shift_(64 - shard_bits),
      shards_(std::make_unique<Shard[]>(std::size_t{1} << shard_bits)),
      shard_count_(std::size_t{1} << shard_bits) {
  for (std::size_t i = 0; i < shard_count_; ++i) {
    Shard& s = shards_[i];
    s.own = empty_table(kInitialSlots);
    s.table.store(s.own.get());
    s.mask.store(kInitialSlots - 1);
  }
}

void StateSet::grow(Shard& s) {
  const std::size_t old_n = s.mask.load(std::memory_order_relaxed) + 1;
  auto bigger = empty_table(old_n * 2);
  for (std::size_t i = 0; i < old_n; ++i)
    if (s.own[i] != 0) place(bigger.get(), old_n * 2 - 1, s.own[i]);
  s.own.swap(bigger);
  s.table.store(s.own.get(), std::memory_order_relaxed);
  s.mask.store(old_n * 2 - 1, std::memory_order_relaxed);
}

bool StateSet::insert(std::uint64_t fp) {
  if (fp == 0) {
    return !has_zero_.exchange(true);
  }
  Shard& s = shard_of(fp);
  SpinGuard guard(s.busy);
  if ((s.count + 1) * 2 > s.mask.load(std::memory_order_relaxed) + 1) grow(s);
  if (!place(s.own.get(), s.mask.load(std::memory_order_relaxed), fp)) return false;
  ++s.count;
  return true;
}

bool StateSet::contains(std::uint64_t fp) const {
  if (fp == 0) return has_zero_.load();
  Shard& s = shard_of(fp);
  SpinGuard guard(s.busy);
  const std::size_t mask = s.mask.load(std::memory_order_relaxed);
  for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
    if (s.own[i] == fp) return true;
    if (s.own[i] == 0) return false;
  }
}

std::uint64_t StateSet::size() const {
  std::uint64_t n = has_zero_.load() ? 1 : 0;
  for (std::size_t i = 0; i < shard_count_; ++i) n += shards_[i].count;
  return n;
}

std::uint64_t StateSet::bytes() const {
  std::uint64_t b = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) b += (shards_[i].mask.load() + 1) * sizeof(std::uint64_t);
  return b;
}

}  // namespace weir::explore::detail
