// The values one search sees: the history's own (read-only, shared with other searches)
// and the ones its appends derive, which it keeps to itself as rope nodes (left, right)
// named by fingerprint, so that an append costs O(1) and takes no lock. Every distinct
// text still has exactly one id: a derived value equal to a history value gets the
// history's id, and fingerprint matches are confirmed by comparing texts.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/flat_map.hpp"
#include "spec/spec.hpp"

namespace weir::lin::detail {

class DerivedValues {
 public:
  explicit DerivedValues(const spec::ValueTable& history)
      : h_(history), first_local_(static_cast<spec::ValueId>(history.size())) {}

  spec::ValueId concat(spec::ValueId a, spec::ValueId b);
  std::uint64_t length(spec::ValueId id) const { return fp(id).len; }

  // Multi-register: the state after a transaction, or nullopt when a read disagrees;
  // memoised per (state, transaction, known). States the history's table does not hold
  // are kept here as texts, numbered from kLocalStates (apart from the appends' nodes).
  std::optional<spec::ValueId> txn(spec::ValueId state, const spec::Call& call);

 private:
  struct Node {
    spec::Fingerprint fp;
    spec::ValueId left, right;
    spec::ValueId same_fp_next;  // another local node with the same fingerprint key
  };
  const spec::Fingerprint& fp(spec::ValueId id) const {
    return id < first_local_ ? h_.fingerprint_of(id) : nodes_[id - first_local_].fp;
  }
  void append_text(spec::ValueId id, std::string& out) const;

  static constexpr spec::ValueId kLocalStates = 0x80000000u;
  static constexpr std::uint32_t kRefused = 0xfffffffeu;
  std::string_view state_text(spec::ValueId id) const {
    return id >= kLocalStates ? std::string_view(states_[id - kLocalStates]) : h_.text(id);
  }

  const spec::ValueTable& h_;
  const spec::ValueId first_local_;
  std::vector<std::string> states_;
  std::unordered_map<std::string, spec::ValueId> state_ids_;
  spec::FlatMap64 txns_;  // (state, transaction, known) -> state after, or kRefused
  std::vector<Node> nodes_;
  spec::FlatMap64 pairs_;     // (a, b) -> concat(a, b)
  spec::FlatMap64 by_fp_;     // Fingerprint::key() -> newest local node with it
  std::string scratch_, other_;
};

}  // namespace weir::lin::detail
