// The engine benchmark of ../shared/bench/ring.pml: N nodes on a ring, each with a
// counter in 0..K-1 and an inbound FIFO channel of capacity B. A node may tick (counter
// below K-1), send its counter to its successor (if the successor's channel is not
// full), or receive from its own channel and adopt the maximum. Every transition is
// atomic, so a state is exactly (counters, channel contents): the reachable counts are
// those of the table in ../shared/bench/README.md (2,476,099 for N=5, K=3, B=2).
//
// A state packs into one 64-bit word: per node, its counter, its channel's length and
// B slots. The fingerprint is a bijective mix of that word, so no two states ever share
// one and the counts are exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace weir::model::bench {

struct RingOptions {
  unsigned nodes = 4;     // N
  unsigned values = 3;    // K
  unsigned capacity = 1;  // B
  unsigned counter_below = 0;  // the invariant "every counter stays below V" (0: none); RingBelow
};

class Ring {
 public:
  struct State {
    std::uint64_t bits = 0;
    bool operator==(const State&) const = default;
  };
  enum class Kind : std::uint8_t { Tick, Send, Receive };
  struct Action {
    std::uint8_t node;
    Kind kind;
  };

  // Why the options cannot be explored (a state would not fit in 64 bits), if so.
  static std::optional<std::string> invalid(const RingOptions& o);
  explicit Ring(const RingOptions& o);

  std::vector<State> init_states() const { return {State{}}; }
  void actions(const State& s, std::vector<Action>& out) const;
  std::optional<State> next(const State& s, const Action& a) const;
  std::uint64_t fingerprint(const State& s) const;
  static constexpr bool has_invariants = false;  // a benchmark: nothing to violate
  const char* violated(const State&) const { return nullptr; }
  std::string describe(const Action& a) const;
  std::string describe(const State& s) const;  // "counters 0 2 1, channels [] [2] [0 1]"
  unsigned counter_of(const State& s, unsigned i) const { return counter(s, i); }

 private:
  // Node i's fields: counter, channel length, then `capacity` slots, oldest first.
  unsigned counter(const State& s, unsigned i) const { return get(s, base(i), value_bits_); }
  unsigned length(const State& s, unsigned i) const { return get(s, base(i) + value_bits_, length_bits_); }
  unsigned slot(const State& s, unsigned i, unsigned k) const {
    return get(s, base(i) + value_bits_ + length_bits_ + k * value_bits_, value_bits_);
  }
  unsigned base(unsigned i) const { return i * node_bits_; }
  static unsigned get(const State& s, unsigned at, unsigned width) {
    return static_cast<unsigned>((s.bits >> at) & ((std::uint64_t{1} << width) - 1));
  }
  static void set(State& s, unsigned at, unsigned width, unsigned v) {
    const std::uint64_t mask = ((std::uint64_t{1} << width) - 1) << at;
    s.bits = (s.bits & ~mask) | (std::uint64_t{v} << at);
  }

  RingOptions o_;
  unsigned value_bits_, length_bits_, node_bits_;
};

// The ring with an invariant, "every counter stays below `below`", which fails when
// below < K: a small model to show (and test) counterexamples and their replay.
class RingBelow : public Ring {
 public:
  static constexpr bool has_invariants = true;
  RingBelow(const RingOptions& o, unsigned below)
      : Ring(o), below_(below), n_(o.nodes), name_("every counter stays below " + std::to_string(below)) {}
  const char* violated(const State& s) const;

 private:
  unsigned below_, n_;
  std::string name_;
};


}  // namespace weir::model::bench

namespace weir::model::registry {
struct ModelInfo;
}
namespace weir::model::bench {
// The model's entry in the registry (model/registry): options, mutants, invariants, goals.
const registry::ModelInfo& descriptor();

}  // namespace weir::model::bench
