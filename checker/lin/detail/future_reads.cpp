#include "checker/lin/detail/future_reads.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "checker/lin/lin.hpp"

namespace weir::lin::detail {
namespace {

using spec::OpKind;

bool known_read(const spec::Call& c) {
  return spec::op_reads(c.kind) && c.known && c.out != spec::kNoValue;
}

// The value an op may leave its register holding, or kNoValue if it never sets one.
spec::ValueId register_result(const spec::Call& c) {
  if (c.kind == OpKind::Write) return c.arg;
  if (c.kind == OpKind::Cas && (!c.known || c.ok)) return c.arg2;
  return spec::kNoValue;
}

std::uint64_t register_key(std::uint32_t slot, spec::ValueId v) { return (std::uint64_t{slot} << 32) | v; }
std::uint64_t put_key(std::uint32_t slot, const spec::Fingerprint& f) {
  return f.key() ^ (std::uint64_t{slot} * 0x9e3779b97f4a7c15ull) ^ (std::uint64_t{1} << 63);
}

}  // namespace

FutureReads::FutureReads(const std::vector<SearchOp>& ops, const spec::ValueTable& values)
    : ops_(ops), values_(values), role_(ops.size(), 0), range_(ops.size()) {
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    const spec::Call& c = ops[i].input;
    if (c.kind == OpKind::Put || register_result(c) != spec::kNoValue) role_[i] |= kResets;
    if (ops[i].ret != kPending && known_read(c)) role_[i] |= kReader;
  }
}

void FutureReads::index_producers() {
  indexed_ = true;
  for (std::uint32_t i = 0; i < ops_.size(); ++i) {
    const spec::Call& c = ops_[i].input;
    if (c.kind == OpKind::Put) {
      produced_.emplace_back(put_key(ops_[i].slot, values_.fingerprint_of(c.arg)), i);
      put_lengths_.emplace_back(ops_[i].slot, values_.text(c.arg).size());
    } else if (spec::ValueId v = register_result(c); v != spec::kNoValue) {
      produced_.emplace_back(register_key(ops_[i].slot, v), i);
    }
  }
  std::sort(produced_.begin(), produced_.end());
  std::sort(put_lengths_.begin(), put_lengths_.end());
  put_lengths_.erase(std::unique(put_lengths_.begin(), put_lengths_.end()), put_lengths_.end());
}

const FutureReads::Range& FutureReads::producers_of(std::uint32_t reader) {
  Range& range = range_[reader];
  if (role_[reader] & kProducersKnown) return range;
  role_[reader] |= kProducersKnown;
  if (!indexed_) index_producers();
  range.begin = static_cast<std::uint32_t>(producers_.size());
  auto add = [&](std::uint64_t k, auto&& accept) {
    auto it = std::lower_bound(produced_.begin(), produced_.end(), std::make_pair(k, std::uint32_t{0}));
    for (; it != produced_.end() && it->first == k; ++it)
      if (accept(it->second)) producers_.push_back(it->second);
  };
  const SearchOp& op = ops_[reader];
  if (op.input.kind == OpKind::Read) {
    add(register_key(op.slot, op.input.out), [](std::uint32_t) { return true; });
  } else {
    // The get's value's prefixes at the lengths puts have, by fingerprint: one pass
    // over the value, confirmed by comparing texts.
    const std::string_view v = values_.text(op.input.out);
    auto len = std::lower_bound(put_lengths_.begin(), put_lengths_.end(), std::make_pair(op.slot, std::size_t{0}));
    spec::Fingerprint prefix;
    for (; len != put_lengths_.end() && len->first == op.slot && len->second <= v.size(); ++len) {
      while (prefix.len < len->second) spec::push_back(prefix, static_cast<unsigned char>(v[prefix.len]));
      add(put_key(op.slot, prefix), [&](std::uint32_t put) {
        return values_.text(ops_[put].input.arg) == v.substr(0, prefix.len);
      });
    }
  }
  range.end = static_cast<std::uint32_t>(producers_.size());
  return range;
}

bool FutureReads::holds_prefix(std::uint32_t writer, spec::ValueId cur, std::uint64_t cur_len,
                               std::uint32_t reader) const {
  const spec::Call& r = ops_[reader].input;
  if (cur == r.out) return true;
  if (r.kind == OpKind::Read) return false;  // a register holds one value, not a prefix
  const spec::Call& w = ops_[writer].input;
  if (w.kind != OpKind::Put && w.kind != OpKind::Append) return true;  // cannot tell: it may
  const std::string_view v = values_.text(r.out);
  const std::string_view added = values_.text(w.arg);
  if (w.kind == OpKind::Put) return v.starts_with(added);
  // cur = (earlier value) + added. Only the part just added is compared: a mismatch there
  // proves that cur is no prefix of v, which is what catches an append in the wrong
  // place; a match lets cur through even if its earlier part differs (less pruning,
  // never a wrong verdict).
  if (cur_len > v.size()) return false;
  if (added.size() > cur_len) return true;  // cannot happen: cur ends with `added`
  return v.compare(cur_len - added.size(), added.size(), added) == 0;
}

}  // namespace weir::lin::detail
