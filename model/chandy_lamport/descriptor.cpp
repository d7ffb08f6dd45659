// Chandy-Lamport in the model registry.
#include "model/chandy_lamport/chandy_lamport.hpp"
#include "model/registry/table.hpp"

namespace weir::model::chandy_lamport {

const registry::ModelInfo& descriptor() {
  static const registry::ModelInfo info = [] {
    registry::Table<Options> t;
    t.count("processes", &Options::processes, "processes, each with a channel to every other", 2, 16)
        .count("messages", &Options::messages, "application messages each process may send", 1, 100)
        .mutants(mutants(), &Options::mutant);
    return registry::describe(
        "chandy-lamport", "Chandy-Lamport snapshots on FIFO channels (TOCS'85), cut consistency", std::move(t),
        {"the cut is consistent", "channel states are exact"},
        {{"a non-empty channel state is recorded", ""}}, &invalid,
        [](const Options& o) { return ChandyLamport(o); });
  }();
  return info;
}

}  // namespace weir::model::chandy_lamport
