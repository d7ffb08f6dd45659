// Lowe's memo: the (linearized set, state) configurations the search has already been in.
// Reaching one again cannot lead anywhere new, so the search skips it.
//
// Keys are variable-length word strings, stored back to back in a chunked arena (no
// copying as it grows); the table holds 16-byte slots of hash and arena position (open
// addressing, linear probing). Equality is exact: a hash collision never prunes a
// branch, so a verdict never rests on luck. Nearly every probe is a cache miss into a
// table of millions of slots, so the table asks for huge pages and the search prefetches.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace weir::lin::detail {

class Memo {
 public:
  Memo();
  ~Memo();
  Memo(const Memo&) = delete;
  Memo& operator=(const Memo&) = delete;

  void prefetch(std::uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }

  // Inserts the key; returns false when it was already there. len >= 1.
  bool insert(std::uint64_t hash, const std::uint64_t* key, std::uint32_t len) {
    if ((count_ + 1) * 4 > (mask_ + 1) * 3) grow();
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.len == 0) {
        s.hash = hash;
        s.pos = store(key, len);
        s.len = len;
        ++count_;
        return true;
      }
      if (s.hash == hash && s.len == len &&
          std::memcmp(at(s.pos), key, len * sizeof(std::uint64_t)) == 0)
        return false;
    }
  }

  // Whether the key is there, without inserting it.
  bool contains(std::uint64_t hash, const std::uint64_t* key, std::uint32_t len) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.len == 0) return false;
      if (s.hash == hash && s.len == len && std::memcmp(at(s.pos), key, len * sizeof(std::uint64_t)) == 0)
        return true;
    }
  }

  std::size_t size() const { return count_; }
  std::size_t bytes() const;

 private:
  struct Slot {
    std::uint64_t hash;
    std::uint32_t pos;  // chunk index (high bits) and offset in it
    std::uint32_t len;  // every key has at least one word, so 0 marks a free slot
  };
  static constexpr unsigned kChunkBits = 16;  // 64 Ki words (512 KiB) a chunk
  static constexpr std::uint32_t kChunkWords = 1u << kChunkBits;

  const std::uint64_t* at(std::uint32_t pos) const {
    return chunks_[pos >> kChunkBits].get() + (pos & (kChunkWords - 1));
  }
  std::uint32_t store(const std::uint64_t* key, std::uint32_t len);
  void grow();
  static Slot* allocate(std::size_t n);
  static void release(Slot* p, std::size_t n);

  Slot* slots_ = nullptr;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
  std::vector<std::unique_ptr<std::uint64_t[]>> chunks_;
  std::uint32_t used_ = kChunkWords;  // words used in the last chunk
};

}  // namespace weir::lin::detail
