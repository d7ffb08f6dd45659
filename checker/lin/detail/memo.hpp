// Lowe's memo: the (linearized set, state) configurations the search has already been in.
// Reaching one again cannot lead anywhere new, so the search skips it.
//
// Keys are variable-length word strings, stored back to back in one arena; the table
// holds their 64-bit hashes and offsets (open addressing, linear probing). Equality is
// exact: a hash collision never prunes a branch, so a verdict never rests on luck.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace weir::lin::detail {

class Memo {
 public:
  Memo() { slots_.assign(1024, Slot{}); }

  // Inserts the key; returns false when it was already there.
  bool insert(std::uint64_t hash, const std::uint64_t* key, std::uint32_t len) {
    if ((count_ + 1) * 4 > slots_.size() * 3) grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.len == 0) {
        s.hash = hash;
        s.offset = arena_.size();
        s.len = len;
        arena_.insert(arena_.end(), key, key + len);
        ++count_;
        return true;
      }
      if (s.hash == hash && s.len == len &&
          std::memcmp(arena_.data() + s.offset, key, len * sizeof(std::uint64_t)) == 0)
        return false;
    }
  }

  std::size_t size() const { return count_; }
  std::size_t bytes() const {
    return slots_.capacity() * sizeof(Slot) + arena_.capacity() * sizeof(std::uint64_t);
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t offset = 0;
    std::uint32_t len = 0;  // every key has at least one word, so 0 marks a free slot
  };

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.len == 0) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].len != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<std::uint64_t> arena_;
  std::size_t count_ = 0;
};

}  // namespace weir::lin::detail
