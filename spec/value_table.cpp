// The interning table behind every spec state.
#include <deque>
#include <unordered_map>

#include "spec/spec.hpp"

namespace weir::spec {

struct ValueTable::Impl {
  std::deque<std::string> texts;  // deque: references stay valid as it grows
  std::vector<Fingerprint> fps;
  std::vector<ValueId> same_fp_next;  // chain of ids sharing a fingerprint (a collision)
  std::unordered_map<std::string_view, ValueId> ids;
  std::unordered_map<std::uint64_t, ValueId> by_fp;  // Fingerprint::key() -> first id
  std::unordered_map<std::uint64_t, ValueId> concats;

  ValueId intern(std::string_view text) {
    auto it = ids.find(text);
    if (it != ids.end()) return it->second;
    auto id = static_cast<ValueId>(texts.size());
    texts.emplace_back(text);
    ids.emplace(texts.back(), id);
    Fingerprint f = fingerprint(text);
    fps.push_back(f);
    auto [slot, fresh] = by_fp.emplace(f.key(), id);
    same_fp_next.push_back(fresh ? kNoValue : slot->second);
    if (!fresh) slot->second = id;
    return id;
  }
};

ValueTable::ValueTable() : impl_(std::make_unique<Impl>()) {}
ValueTable::~ValueTable() = default;

ValueId ValueTable::intern(std::string_view text) { return impl_->intern(text); }

std::optional<ValueId> ValueTable::find(std::string_view text) const {
  auto it = impl_->ids.find(text);
  if (it == impl_->ids.end()) return std::nullopt;
  return it->second;
}

ValueId ValueTable::concat(ValueId a, ValueId b) {
  const std::uint64_t key = (std::uint64_t{a} << 32) | b;
  auto it = impl_->concats.find(key);
  if (it != impl_->concats.end()) return it->second;
  std::string joined;
  joined.reserve(impl_->texts[a].size() + impl_->texts[b].size());
  joined.append(impl_->texts[a]).append(impl_->texts[b]);
  ValueId id = impl_->intern(joined);
  impl_->concats.emplace(key, id);
  return id;
}

std::string_view ValueTable::text(ValueId id) const { return impl_->texts[id]; }
const Fingerprint& ValueTable::fingerprint_of(ValueId id) const { return impl_->fps[id]; }

ValueId ValueTable::first_with(const Fingerprint& f) const {
  auto it = impl_->by_fp.find(f.key());
  return it == impl_->by_fp.end() ? kNoValue : it->second;
}
ValueId ValueTable::next_with_same_fingerprint(ValueId id) const { return impl_->same_fp_next[id]; }

std::size_t ValueTable::size() const { return impl_->texts.size(); }

}  // namespace weir::spec
