// Sequential specifications: what a single correct object does, one operation at a time.
//
// A linearizability checker asks whether the concurrent history can be ordered so that
// this specification accepts every operation in turn. Values are interned (every distinct
// value is a small integer) so that a state is a handful of 32-bit words that hash and
// compare in a few instructions: that is where a fast checker starts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/fingerprint.hpp"
#include "spec/flat_map.hpp"

namespace weir::spec {

// An interned value. Equal ids mean equal values: the table never holds a value twice.
using ValueId = std::uint32_t;
inline constexpr ValueId kNoValue = 0xffffffffu;  // an output nobody saw (pending op)

// Interns values by their canonical text. Register values are EDN-ish tokens ("nil",
// "3", "\"a\""); kv values are the raw strings, because append concatenates them.
// Interning is single-threaded; once a history is read, any number of threads may look
// values up at once while nobody interns (checkers keep the values their appends derive
// to themselves).
//
// Texts live back to back in large chunks, and the index is keyed by each text's
// fingerprint, which the checkers need anyway: a million-value history interns with one
// hash per value and no allocation per value.
class ValueTable {
 public:
  ValueTable();
  ValueTable(const ValueTable&) = delete;
  ValueTable& operator=(const ValueTable&) = delete;

  ValueId intern(std::string_view text);
  std::optional<ValueId> find(std::string_view text) const;
  // `intern(text(a) + text(b))`, memoised.
  ValueId concat(ValueId a, ValueId b);
  // Stable for the table's lifetime.
  std::string_view text(ValueId id) const { return texts_[id]; }
  const Fingerprint& fingerprint_of(ValueId id) const { return fps_[id]; }
  // Ids whose text has fingerprint f: first_with(f), then next_with_same_fingerprint(id)
  // until kNoValue. Almost always at most one.
  ValueId first_with(const Fingerprint& f) const;
  ValueId next_with_same_fingerprint(ValueId id) const { return same_fp_next_[id]; }
  std::size_t size() const { return texts_.size(); }

 private:
  ValueId find(std::string_view text, const Fingerprint& f) const;
  std::string_view store(std::string_view text);

  std::vector<std::string_view> texts_;
  std::vector<Fingerprint> fps_;
  std::vector<ValueId> same_fp_next_;  // an older id with the same fingerprint (a collision)
  FlatMap64 by_fp_;  // Fingerprint::key() -> newest id with that fingerprint
  FlatMap64 concats_;  // (a, b) -> concat(a, b)
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t chunk_used_ = 0, chunk_size_ = 0;
};

enum class SpecKind : std::uint8_t { Register, CasRegister, Kv, MultiRegister };

std::optional<SpecKind> parse_spec_kind(std::string_view name);
std::string_view spec_name(SpecKind kind);
// Operation names a spec accepts, for messages ("read, write, cas").
std::string_view spec_operations(SpecKind kind);
// Only kv is a set of independent objects (one per key), so only kv splits by key.
bool spec_partitions_by_key(SpecKind kind);

enum class OpKind : std::uint8_t { Read, Write, Cas, Get, Put, Append, Txn };

std::optional<OpKind> parse_op_kind(SpecKind spec, std::string_view name);
std::string_view op_name(OpKind kind);
bool op_reads(OpKind kind);  // read and get: the output is a value

// The input and observed output of one operation, as the spec sees it.
struct Call {
  OpKind kind = OpKind::Read;
  ValueId key = kNoValue;   // kv only
  ValueId arg = kNoValue;   // write/put/append value; cas: expected value
  ValueId arg2 = kNoValue;  // cas: new value
  // read/get: the value returned, kNoValue when the op is pending.
  ValueId out = kNoValue;
  // cas: whether it swapped; meaningless when `known` is false.
  bool ok = true;
  bool known = true;  // false for an op whose completion was never seen
  // txn (multi-register): `arg` is the transaction (spec/txn.hpp); whether it only reads.
  bool reads_only = false;
};

// One sequential step on the object the call touches. `cur` is that object's value
// (a register, or one key of the kv store). Returns its value afterwards, or nullopt
// when the spec forbids the call with its observed output in this state.
//
// register:     read -> v returns the last value written (initially --init).
// cas-register: adds cas(a, b): if the value is a, it becomes b and cas succeeds;
//               otherwise nothing changes and cas fails.
// kv:           one register of strings per key, each starting as ""; get, put, and
//               append(k, s), which concatenates s to the value of k.
// An operation whose completion was never seen (`known == false`) may have returned
// anything, so only its effect on the state is modelled.
//
// multi-register: txn([[:w :x 1] [:r :y 2]]) applies its reads and writes in order,
//               atomically; a read must see the register's value (spec/txn.hpp).
//
// `concat(a, b)` interns the concatenation, `txn(state, call)` the state after a
// transaction (or nullopt); the checker passes cached ones because both recur along
// every search path.
template <class Concat, class Txn>
std::optional<ValueId> step_with(Concat&& concat, Txn&& txn, ValueId cur, const Call& call) {
  switch (call.kind) {
    case OpKind::Txn:
      return txn(cur, call);
    case OpKind::Read:
    case OpKind::Get:
      if (call.known && call.out != cur) return std::nullopt;
      return cur;
    case OpKind::Write:
    case OpKind::Put:
      return call.arg;
    case OpKind::Append:
      return concat(cur, call.arg);
    case OpKind::Cas:
      if (cur == call.arg) {
        if (call.known && !call.ok) return std::nullopt;
        return call.arg2;
      }
      if (call.known && call.ok) return std::nullopt;
      return cur;
  }
  return std::nullopt;
}

// A call that leaves the state as it found it whenever the spec accepts it: a read, or
// a cas known to have failed. Such a call can be moved to any earlier point where it is
// legal, which the checker uses to prune.
// (A call whose completion was never seen is not one: the checker never places such a
// call where it would change nothing, so it cannot stand for "legal here".)
inline bool observes_only(const Call& call) {
  if (!call.known) return false;
  return call.kind == OpKind::Read || call.kind == OpKind::Get || (call.kind == OpKind::Cas && !call.ok) ||
         (call.kind == OpKind::Txn && call.reads_only);
}

// A transaction's step on the history's own table (interning the state it makes).
std::optional<ValueId> step_txn(ValueTable& values, ValueId cur, const Call& call);

inline std::optional<ValueId> step(ValueTable& values, ValueId cur, const Call& call) {
  return step_with([&](ValueId a, ValueId b) { return values.concat(a, b); },
                   [&](ValueId state, const Call& c) { return step_txn(values, state, c); }, cur, call);
}

// A value as people read it: a multi-register state as an EDN map, any other as it is.
std::string show_value(const ValueTable& values, SpecKind spec, ValueId v);

// Why `step` refused, in the protocol's words ("read returned 3 but the register holds 1").
std::string explain_refusal(const ValueTable& values, SpecKind spec, ValueId cur,
                            const Call& call);

// Human-readable description of a call ("cas 1 -> 4 ok", "get \"k\" -> \"x\"").
std::string describe(const ValueTable& values, const Call& call);

}  // namespace weir::spec
