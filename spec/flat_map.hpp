// An open-addressing map from 64-bit keys to 32-bit values, for the search's hot caches
// (std::unordered_map allocates a node per entry and chases pointers on every lookup).
#pragma once

#include <cstdint>
#include <vector>

namespace weir::spec {

class FlatMap64 {
 public:
  static constexpr std::uint32_t kMissing = 0xffffffffu;

  FlatMap64() : slots_(256) {}

  std::uint32_t find(std::uint64_t key) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = spread(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].value == kMissing) return kMissing;
      if (slots_[i].key == key) return slots_[i].value;
    }
  }

  // Sets key to value (value must not be kMissing).
  void put(std::uint64_t key, std::uint32_t value) {
    if ((count_ + 1) * 4 > slots_.size() * 3) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = spread(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].value == kMissing) {
        slots_[i] = {key, value};
        ++count_;
        return;
      }
      if (slots_[i].key == key) {
        slots_[i].value = value;
        return;
      }
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = kMissing;
  };
  static std::uint64_t spread(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    return k ^ (k >> 33);
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    count_ = 0;
    for (const Slot& s : old)
      if (s.value != kMissing) put(s.key, s.value);
  }

  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace weir::spec
