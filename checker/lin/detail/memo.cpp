#include "checker/lin/detail/memo.hpp"

#include <sys/mman.h>

#include <new>
#include <stdexcept>

namespace weir::lin::detail {

Memo::Slot* Memo::allocate(std::size_t n) {
  const std::size_t bytes = n * sizeof(Slot);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (bytes >= (2u << 20)) madvise(p, bytes, MADV_HUGEPAGE);  // fewer TLB misses per probe
#endif
  return static_cast<Slot*>(p);  // zero-filled: every slot free
}

void Memo::release(Slot* p, std::size_t n) {
  if (p) munmap(p, n * sizeof(Slot));
}

Memo::Memo() : slots_(allocate(1024)), mask_(1023) {}

Memo::~Memo() { release(slots_, mask_ + 1); }

std::size_t Memo::bytes() const {
  return (mask_ + 1) * sizeof(Slot) + chunks_.size() * kChunkWords * sizeof(std::uint64_t);
}

std::uint32_t Memo::store(const std::uint64_t* key, std::uint32_t len) {
  if (len > kChunkWords) throw std::length_error("memo key longer than a chunk");
  if (used_ + len > kChunkWords) {
    if (chunks_.size() >= (std::size_t{1} << (32 - kChunkBits))) throw std::bad_alloc();
    chunks_.push_back(std::make_unique_for_overwrite<std::uint64_t[]>(kChunkWords));
    used_ = 0;
  }
  std::uint64_t* dst = chunks_.back().get() + used_;
  std::memcpy(dst, key, len * sizeof(std::uint64_t));
  std::uint32_t pos = static_cast<std::uint32_t>(((chunks_.size() - 1) << kChunkBits) | used_);
  used_ += len;
  return pos;
}

void Memo::grow() {
  const std::size_t old_n = mask_ + 1;
  Slot* old = slots_;
  slots_ = allocate(old_n * 2);
  mask_ = old_n * 2 - 1;
  for (std::size_t j = 0; j < old_n; ++j) {
    if (old[j].len == 0) continue;
    std::size_t i = old[j].hash & mask_;
    while (slots_[i].len != 0) i = (i + 1) & mask_;
    slots_[i] = old[j];
  }
  release(old, old_n);
}

}  // namespace weir::lin::detail
