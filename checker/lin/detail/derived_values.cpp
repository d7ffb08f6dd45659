#include "checker/lin/detail/derived_values.hpp"

#include "spec/txn.hpp"

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

std::optional<spec::ValueId> DerivedValues::txn(spec::ValueId state, const spec::Call& call) {
  // A state id is below 2^32 and a transaction's below 2^31 (the history's table).
  const std::uint64_t key = (std::uint64_t{state} << 32) ^ (std::uint64_t{call.arg} << 1) ^ (call.known ? 1u : 0u);
  const std::uint32_t cached = txns_.find(key);
  if (cached != spec::FlatMap64::kMissing) {
    if (cached == kRefused) return std::nullopt;
    return cached;
  }
  auto after = spec::apply_txn(state_text(state), h_.text(call.arg), call.known);
  if (!after) {
    txns_.put(key, kRefused);
    return std::nullopt;
  }
  spec::ValueId id;
  if (auto known = h_.find(*after)) {
    id = *known;  // one id per distinct state, whoever interned it
  } else if (auto it = state_ids_.find(*after); it != state_ids_.end()) {
    id = it->second;
  } else {
    id = kLocalStates + static_cast<spec::ValueId>(states_.size());
    states_.push_back(*after);
    state_ids_.emplace(*after, id);
  }
  txns_.put(key, id);
  return id;
}

}  // namespace weir::lin::detail
