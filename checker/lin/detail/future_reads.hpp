// Dead ends: configurations from which some read still to be linearized can never see
// the value it returned.
//
// Every completed read must be linearized somewhere after the current configuration, at
// a point where its object holds exactly the value it returned. The operations still to
// come on that object bound what it can hold:
//   register, cas-register: the value v stays v or is overwritten; a read of v != cur
//     needs a write of v (or a cas to v) that is not linearized yet;
//   kv: appends only extend the string, and only a put starts a new one; a get of v
//     needs cur to be a prefix of v, or a put not linearized yet whose value is.
// A configuration that fails this for one read fails, however the search goes on from
// it, so the search refuses it at once instead of finding out one return entry later
// (after trying every order of the operations in between). For kv appends this is what
// keeps the search linear: a wrong order of two concurrent appends is refused as soon as
// a later get shows the other order, not after all their successors have been tried.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/lin/detail/search.hpp"
#include "spec/spec.hpp"

namespace weir::lin::detail {

class FutureReads {
 public:
  // `ops` as the search numbers them; `values` holds every value they name.
  FutureReads(const std::vector<SearchOp>& ops, const spec::ValueTable& values);

  // After linearizing `writer` (an op that may change its object), the object holds
  // `cur`, of length `cur_len` (kv; unused for registers). Could `reader`, a completed
  // read on the same object, still be linearized? `linearized(op)` tells which
  // producers are used up. May answer "yes" when it cannot tell cheaply; never "no"
  // when the answer is yes.
  template <class Linearized>
  bool may_see(std::uint32_t writer, spec::ValueId cur, std::uint64_t cur_len,
               std::uint32_t reader, const Linearized& linearized) {
    if (holds_prefix(writer, cur, cur_len, reader)) return true;
    const Range& r = producers_of(reader);
    for (std::uint32_t i = r.begin; i < r.end; ++i)
      if (!linearized(producers_[i])) return true;
    return false;
  }

  // A completed read whose value these rules constrain.
  bool is_reader(std::uint32_t op) const { return (role_[op] & kReader) != 0; }
  // An op that may give its object a value unrelated to the one before (put, write, cas).
  bool resets(std::uint32_t op) const { return (role_[op] & kResets) != 0; }

 private:
  // Can the object holding `cur` (just made by `writer`) grow into reader's value?
  bool holds_prefix(std::uint32_t writer, spec::ValueId cur, std::uint64_t cur_len,
                    std::uint32_t reader) const;

  struct Range {
    std::uint32_t begin = 0, end = 0;
  };
  // Found when first asked: most reads never are (their prefix test passes), and on a
  // million-op history finding them all up front costs more than the search.
  const Range& producers_of(std::uint32_t reader);
  void index_producers();

  const std::vector<SearchOp>& ops_;
  const spec::ValueTable& values_;
  static constexpr std::uint8_t kReader = 1, kResets = 2, kProducersKnown = 4;
  std::vector<std::uint8_t> role_;
  // Per reader, the ops that could give its object the value it read (or, for kv, a
  // prefix of it): producers_[range_[op].begin .. range_[op].end).
  std::vector<Range> range_;
  std::vector<std::uint32_t> producers_;
  // The index they are found in: registers by (slot, value), kv puts by fingerprint.
  bool indexed_ = false;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> produced_;  // (key, op), sorted
  std::vector<std::pair<std::uint32_t, std::size_t>> put_lengths_;  // (slot, length), sorted
};

}  // namespace weir::lin::detail
