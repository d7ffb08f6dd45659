// The interning table behind every spec state.
#include <cstring>

#include "spec/spec.hpp"

namespace weir::spec {
namespace {
constexpr std::size_t kChunk = std::size_t{1} << 20;
}

ValueTable::ValueTable() = default;

std::string_view ValueTable::store(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > kChunk / 4) {
    // A long text gets a chunk of its own, kept behind the one still being filled.
    auto own = std::make_unique_for_overwrite<char[]>(text.size());
    std::memcpy(own.get(), text.data(), text.size());
    const std::string_view stored{own.get(), text.size()};
    chunks_.insert(chunks_.empty() ? chunks_.end() : chunks_.end() - 1, std::move(own));
    return stored;
  }
  if (chunks_.empty() || chunk_used_ + text.size() > chunk_size_) {
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(kChunk));
    chunk_used_ = 0;
    chunk_size_ = kChunk;
  }
  char* dst = chunks_.back().get() + chunk_used_;
  std::memcpy(dst, text.data(), text.size());
  chunk_used_ += text.size();
  return {dst, text.size()};
}

ValueId ValueTable::find(std::string_view text, const Fingerprint& f) const {
  for (ValueId id = first_with(f); id != kNoValue; id = same_fp_next_[id])
    if (fps_[id] == f && texts_[id] == text) return id;
  return kNoValue;
}

ValueId ValueTable::intern(std::string_view text) {
  const Fingerprint f = fingerprint(text);
  if (ValueId id = find(text, f); id != kNoValue) return id;
  const auto id = static_cast<ValueId>(texts_.size());
  texts_.push_back(store(text));
  fps_.push_back(f);
  same_fp_next_.push_back(first_with(f));
  by_fp_.put(f.key(), id);
  return id;
}

std::optional<ValueId> ValueTable::find(std::string_view text) const {
  if (ValueId id = find(text, fingerprint(text)); id != kNoValue) return id;
  return std::nullopt;
}

ValueId ValueTable::concat(ValueId a, ValueId b) {
  const std::uint64_t key = (std::uint64_t{a} << 32) | b;
  if (std::uint32_t hit = concats_.find(key); hit != FlatMap64::kMissing) return hit;
  std::string joined;
  joined.reserve(texts_[a].size() + texts_[b].size());
  joined.append(texts_[a]).append(texts_[b]);
  const ValueId id = intern(joined);
  concats_.put(key, id);
  return id;
}

ValueId ValueTable::first_with(const Fingerprint& f) const {
  const std::uint32_t id = by_fp_.find(f.key());
  return id == FlatMap64::kMissing ? kNoValue : id;
}

}  // namespace weir::spec
