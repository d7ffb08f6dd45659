#include "checker/lin/detail/derived_values.hpp"

namespace weir::lin::detail {

void DerivedValues::append_text(spec::ValueId id, std::string& out) const {
  // Iterative: a value built by thousands of appends is a rope thousands deep.
  std::vector<spec::ValueId> todo{id};
  while (!todo.empty()) {
    spec::ValueId v = todo.back();
    todo.pop_back();
    if (v < first_local_) {
      out.append(h_.text(v));
    } else {
      const Node& n = nodes_[v - first_local_];
      todo.push_back(n.right);
      todo.push_back(n.left);
    }
  }
}

spec::ValueId DerivedValues::concat(spec::ValueId a, spec::ValueId b) {
  const std::uint64_t pair = (std::uint64_t{a} << 32) | b;
  if (std::uint32_t hit = pairs_.find(pair); hit != spec::FlatMap64::kMissing) return hit;

  const spec::Fingerprint f = spec::concat(fp(a), fp(b));
  spec::ValueId result = spec::kNoValue;
  // Same fingerprint: almost surely the same text; make sure.
  auto same_text = [&](spec::ValueId candidate) {
    if (!(fp(candidate) == f)) return false;
    if (scratch_.empty()) {
      append_text(a, scratch_);
      append_text(b, scratch_);
    }
    other_.clear();
    append_text(candidate, other_);
    return other_ == scratch_;
  };
  scratch_.clear();
  for (spec::ValueId c = h_.first_with(f); c != spec::kNoValue && result == spec::kNoValue;
       c = h_.next_with_same_fingerprint(c))
    if (same_text(c)) result = c;
  const std::uint32_t newest = by_fp_.find(f.key());
  for (spec::ValueId c = newest; c != spec::FlatMap64::kMissing && c != spec::kNoValue &&
                                 result == spec::kNoValue;
       c = nodes_[c - first_local_].same_fp_next)
    if (same_text(c)) result = c;

  if (result == spec::kNoValue) {
    result = first_local_ + static_cast<spec::ValueId>(nodes_.size());
    nodes_.push_back({f, a, b, newest == spec::FlatMap64::kMissing ? spec::kNoValue : newest});
    by_fp_.put(f.key(), result);
  }
  pairs_.put(pair, result);
  return result;
}

}  // namespace weir::lin::detail
