#include "model/bench/ring.hpp"

#include <bit>

namespace weir::model::bench {
namespace {

unsigned bits_for(unsigned max_value) { return std::max(1u, static_cast<unsigned>(std::bit_width(max_value))); }

}  // namespace

std::optional<std::string> Ring::invalid(const RingOptions& o) {
  if (o.nodes < 2 || o.nodes > 64) return "--nodes must be between 2 and 64";
  if (o.values < 1 || o.values > 256) return "--values must be between 1 and 256";
  if (o.capacity < 1 || o.capacity > 16) return "--capacity must be between 1 and 16";
  const unsigned per_node = bits_for(o.values - 1) * (1 + o.capacity) + bits_for(o.capacity);
  if (per_node * o.nodes > 64)
    return std::string("a state of ")
        .append(std::to_string(o.nodes))
        .append(" nodes needs ")
        .append(std::to_string(per_node * o.nodes))
        .append(" bits; the ring model packs states into 64");
  return std::nullopt;
}

Ring::Ring(const RingOptions& o)
    : o_(o),
      value_bits_(bits_for(o.values - 1)),
      length_bits_(bits_for(o.capacity)),
      node_bits_(value_bits_ * (1 + o.capacity) + length_bits_) {}

void Ring::actions(const State& s, std::vector<Action>& out) const {
  // Node by node, in the order of the Promela model's do-loop.
  for (unsigned i = 0; i < o_.nodes; ++i) {
    const auto node = static_cast<std::uint8_t>(i);
    if (counter(s, i) + 1 < o_.values) out.push_back({node, Kind::Tick});
    if (length(s, (i + 1) % o_.nodes) < o_.capacity) out.push_back({node, Kind::Send});
    if (length(s, i) > 0) out.push_back({node, Kind::Receive});
  }
}

std::optional<Ring::State> Ring::next(const State& s, const Action& a) const {
  State n = s;
  const unsigned i = a.node;
  switch (a.kind) {
    case Kind::Tick: {
      const unsigned c = counter(s, i);
      if (c + 1 >= o_.values) return std::nullopt;
      set(n, base(i), value_bits_, c + 1);
      return n;
    }
    case Kind::Send: {
      const unsigned to = (i + 1) % o_.nodes;
      const unsigned len = length(s, to);
      if (len >= o_.capacity) return std::nullopt;
      set(n, base(to) + value_bits_ + length_bits_ + len * value_bits_, value_bits_, counter(s, i));
      set(n, base(to) + value_bits_, length_bits_, len + 1);
      return n;
    }
    case Kind::Receive: {
      const unsigned len = length(s, i);
      if (len == 0) return std::nullopt;
      const unsigned m = slot(s, i, 0);
      if (m > counter(s, i)) set(n, base(i), value_bits_, m);
      // Shift the channel: the oldest message leaves, empty slots stay zero.
      for (unsigned k = 0; k + 1 < o_.capacity; ++k)
        set(n, base(i) + value_bits_ + length_bits_ + k * value_bits_, value_bits_, slot(s, i, k + 1));
      set(n, base(i) + value_bits_ + length_bits_ + (o_.capacity - 1) * value_bits_, value_bits_, 0);
      set(n, base(i) + value_bits_, length_bits_, len - 1);
      return n;
    }
  }
  return std::nullopt;
}

std::uint64_t Ring::fingerprint(const State& s) const {
  // splitmix64's finaliser: a bijection on 64-bit words that spreads the packed fields
  // over the set's shards and slots.
  std::uint64_t x = s.bits;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string Ring::describe(const Action& a) const {
  std::string s = "node ";
  s.append(std::to_string(a.node));
  switch (a.kind) {
    case Kind::Tick: return s.append(" ticks");
    case Kind::Send: return s.append(" sends its counter to node ").append(std::to_string((a.node + 1) % o_.nodes));
    case Kind::Receive: return s.append(" receives and adopts the maximum");
  }
  return s;
}

std::string Ring::describe(const State& s) const {
  std::string out = "counters";
  for (unsigned i = 0; i < o_.nodes; ++i) out.append(" ").append(std::to_string(counter(s, i)));
  out.append(", channels");
  for (unsigned i = 0; i < o_.nodes; ++i) {
    out.append(" [");
    for (unsigned k = 0; k < length(s, i); ++k) out.append(k ? " " : "").append(std::to_string(slot(s, i, k)));
    out.append("]");
  }
  return out;
}

const char* RingBelow::violated(const State& s) const {
  for (unsigned i = 0; i < n_; ++i)
    if (counter_of(s, i) >= below_) return name_.c_str();
  return nullptr;
}

}  // namespace weir::model::bench
