// Transactions over several registers (Knossos's multi-register model, Jepsen's :txn):
// `[[:w :x 1] [:r :y 2]]` writes x then reads y, atomically. The state is every register's
// value; a register never written holds the initial value (--init, nil by default).
//
// Both a transaction and a state are interned as text (spec.hpp: Call::arg, ValueId), in
// an encoding of their own with separators no EDN token contains, so that a step is a
// scan of two short strings and equal states are equal ids:
//   transaction  "w<RS>:x<RS>1<US>r<RS>:y<RS>2"   (a read not known: value <GS>)
//   state        "nil<US>:x<RS>1<US>:y<RS>2"      (the initial value, then the registers
//                                                 written, sorted by key)
// `show_txn` and `show_state` turn them into EDN for people.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::spec {

struct MicroOp {
  bool write = false;
  std::string key;    // EDN token
  std::string value;  // EDN token; for a read, what it returned
  bool known = true;  // false: a read whose value was not seen (or matches anything)
};

std::string encode_txn(const std::vector<MicroOp>& ops);
// Whether an EDN token can go into the encoding (no control characters).
bool txn_token_ok(std::string_view token);

// The state before any transaction: every register holds `init` (an EDN token).
std::string initial_registers(std::string_view init);
// The state after `txn` from `state`, or nullopt when one of its reads disagrees. When
// the transaction's completion was not seen (`known` false), only its writes count.
std::optional<std::string> apply_txn(std::string_view state, std::string_view txn, bool known);
// Why apply_txn refused, in words: the first read that disagrees.
std::string explain_txn(std::string_view state, std::string_view txn);

std::string show_txn(std::string_view txn);      // [[:w :x 1] [:r :y 2]]
std::string show_state(std::string_view state);  // {:x 1, :y 2}, and "others nil"

}  // namespace weir::spec
