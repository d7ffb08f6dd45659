#include "checker/lin/detail/future_reads.hpp"

#include <set>
#include <string_view>
#include <unordered_map>

#include "checker/lin/lin.hpp"

namespace weir::lin::detail {
namespace {

using spec::OpKind;

bool known_read(const spec::Call& c) {
  return (c.kind == OpKind::Read || c.kind == OpKind::Get) && c.known && c.out != spec::kNoValue;
}

// The value an op may leave its register holding, or kNoValue if it never sets one.
spec::ValueId register_result(const spec::Call& c) {
  if (c.kind == OpKind::Write) return c.arg;
  if (c.kind == OpKind::Cas && (!c.known || c.ok)) return c.arg2;
  return spec::kNoValue;
}

}  // namespace

FutureReads::FutureReads(const std::vector<SearchOp>& ops, const spec::ValueTable& values)
    : ops_(ops), values_(values), is_reader_(ops.size(), 0), producer_begin_(ops.size() + 1, 0) {
  // Producers by object: registers by the exact value written, kv puts by their text
  // (a get's candidates are its value's prefixes at the lengths some put has).
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> writes;  // (slot, value)
  std::unordered_map<std::uint32_t, std::unordered_map<std::string_view, std::vector<std::uint32_t>>> puts;
  std::unordered_map<std::uint32_t, std::set<std::size_t>> put_lengths;
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    const spec::Call& c = ops[i].input;
    if (c.kind == OpKind::Put) {
      std::string_view text = values.text(c.arg);
      puts[ops[i].slot][text].push_back(i);
      put_lengths[ops[i].slot].insert(text.size());
    } else if (spec::ValueId v = register_result(c); v != spec::kNoValue) {
      writes[(std::uint64_t{ops[i].slot} << 32) | v].push_back(i);
    }
  }
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    producer_begin_[i] = static_cast<std::uint32_t>(producers_.size());
    const SearchOp& op = ops[i];
    if (op.ret == kPending || !known_read(op.input)) continue;
    is_reader_[i] = 1;
    if (op.input.kind == OpKind::Read) {
      auto it = writes.find((std::uint64_t{op.slot} << 32) | op.input.out);
      if (it != writes.end()) producers_.insert(producers_.end(), it->second.begin(), it->second.end());
      continue;
    }
    auto by_text = puts.find(op.slot);
    if (by_text == puts.end()) continue;
    const std::string_view v = values.text(op.input.out);
    for (std::size_t len : put_lengths[op.slot]) {
      if (len > v.size()) break;  // the set is ordered
      auto it = by_text->second.find(v.substr(0, len));
      if (it != by_text->second.end())
        producers_.insert(producers_.end(), it->second.begin(), it->second.end());
    }
  }
  producer_begin_[ops.size()] = static_cast<std::uint32_t>(producers_.size());
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
