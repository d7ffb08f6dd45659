// An incremental linearizability check for a model's clients, as part of its state.
//
// Keeping the clients' whole history in the state and judging it with `weir check lin`
// at every return is exact but costly twice over: each check searches the history again,
// and two states whose histories differ only in how calls and returns interleaved are
// different states, though their futures are the same. What the future depends on is
// less: the configurations the history can be in. A configuration is a value for every
// key and, for every operation still open, whether it has already taken effect and, for
// a read, what it saw. The monitor keeps the set of configurations that some
// linearization of the history so far reaches ("just-in-time linearization"):
//   - a call opens an operation, and the set is closed under taking effect: every open
//     operation not yet linearized may be, in any order;
//   - a return keeps the configurations in which its operation took effect (for a read,
//     having seen the value returned) and forgets the operation.
// The history is linearizable exactly when the set is not empty. An operation that never
// returns may take effect or not, as in `weir check lin` (a pending write may have
// happened; a pending read constrains nothing). The verdict is the same as check lin's
// kv spec on the same history: tests/model/kv_monitor_test.cpp compares them.
//
// Values are small numbers (0 is a key's initial value); each client has at most one
// operation open at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace weir::model::core {

class KvMonitor {
 public:
  static constexpr unsigned kMaxClients = 4, kMaxKeys = 4;
  enum class Kind : std::uint8_t { Read, Write };

  KvMonitor();
  // Client c calls an operation: a read of key, or a write of `arg` to key.
  void call(unsigned c, Kind kind, unsigned key, std::uint8_t arg);
  // Client c's open operation returns; a read returns `out`.
  void ret(unsigned c, std::uint8_t out);
  bool linearizable() const { return !d_->configs.empty(); }

  std::uint64_t hash() const { return d_->hash; }
  bool operator==(const KvMonitor& o) const { return d_ == o.d_ || *d_ == *o.d_; }

 private:
  struct Open {
    bool active = false;
    Kind kind = Kind::Read;
    std::uint8_t key = 0, arg = 0;
    bool operator==(const Open&) const = default;
  };
  // A configuration, packed: byte k (k < kMaxKeys) is key k's value; byte kMaxKeys + c is
  // client c's open operation: 0 not yet linearized, 1 a linearized write, 2 + v a
  // linearized read that saw v.
  using Config = std::uint64_t;
  struct Data {
    std::array<Open, kMaxClients> open{};
    std::vector<Config> configs{Config{0}};  // sorted, no duplicates
    std::uint64_t hash = 0;
    bool operator==(const Data&) const = default;
  };
  static unsigned byte(Config x, unsigned i) { return static_cast<unsigned>(x >> (8 * i)) & 0xff; }
  static Config with_byte(Config x, unsigned i, unsigned v) {
    return (x & ~(Config{0xff} << (8 * i))) | (Config{v & 0xff} << (8 * i));
  }
  static void close_under_effect(Data& d);
  static void seal(Data& d);  // sorts, removes duplicates, hashes

  // Shared and never changed once sealed: a model state is copied at every step of a
  // search, and most steps leave the history alone.
  std::shared_ptr<const Data> d_;
};

}  // namespace weir::model::core
