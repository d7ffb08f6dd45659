// The ring benchmark in the model registry.
#include "model/bench/ring.hpp"
#include "model/registry/table.hpp"

namespace weir::model::bench {

const registry::ModelInfo& descriptor() {
  static const registry::ModelInfo info = [] {
    registry::Table<RingOptions> t;
    t.count("nodes", &RingOptions::nodes, "N: nodes on the ring", 2, 64)
        .count("values", &RingOptions::values, "K: counter values 0..K-1", 1, 256)
        .count("capacity", &RingOptions::capacity, "B: capacity of each node's inbound channel", 1, 16)
        .count("counter-below", &RingOptions::counter_below, "check the invariant \"every counter stays below V\"",
               0, 256, "0: no invariant");
    return registry::describe(
        "ring", "engine benchmark: counters passed around a ring (SPIN's ring benchmark)", std::move(t),
        {"every counter stays below V (with --counter-below V)"}, {}, &Ring::invalid,
        [](const RingOptions& o) -> std::unique_ptr<registry::AnyModel> {
          if (o.counter_below == 0) return registry::erase(Ring(o));
          return registry::erase(RingBelow(o, o.counter_below));
        });
  }();
  return info;
}

}  // namespace weir::model::bench
