// Beaver in the model registry.
#include "model/beaver/beaver.hpp"
#include "model/registry/table.hpp"

namespace weir::model::beaver {

namespace {

const registry::Table<Options>& table() {
  static const registry::Table<Options> table = [] {
    registry::Table<Options> t;
    t.count("gateways", &Options::gateways, "G: load-balancer gateways on every inbound path", 1, 16)
        .count("in-group", &Options::in_group, "in-group nodes (the service being snapshotted)", 1, 32)
        .count("out-group", &Options::out_group, "out-group nodes (external clients, black-box services)", 1, 32)
        .count("requests", &Options::requests, "requests the out-group sends in, in all", 1, 60)
        .count("sends", &Options::sends, "further messages (replies, internal, forwards), in all", 0, 60)
        .count("latency-min", &Options::latency_min, "fewest time steps a hop takes", 1, 60)
        .count("latency-max", &Options::latency_max, "most time steps a hop takes", 1, 60)
        .count("tau-min", &Options::tau_min, "assumed shortest external chain, in steps", 0, 250,
               "0: the true one, 3 x latency-min")
        .count("window", &Options::window, "steps within which every gateway enters", 0, 250, "0: tau-min + 1")
        .count("snapshots", &Options::snapshots, "snapshots taken one after another", 1, 6)
        .choice("acceptance", &Options::measured, "spread", "measured",
                "accept on the true spread of entries (< tau-min) or on the measured t1 - t0 (< --threshold)")
        .count("start", &Options::start, "the step at which the initiator starts the first snapshot", 0, 250)
        .count("enter-min", &Options::enter_min, "fewest steps after the start a gateway enters", 0, 250)
        .count("reply-min", &Options::reply_min, "fewest steps a gateway's reply takes to the initiator", 0, 250)
        .count("threshold", &Options::threshold, "with --acceptance measured: accept when t1 - t0 is below it, steps",
               0, 250)
        .mutants(mutants(), &Options::mutant);
    return t;
  }();
  return table;
}

}  // namespace

Options options_of(const explore::OptionValues& values) { return table().options(values); }

const registry::ModelInfo& descriptor() {
  static const registry::ModelInfo info = [] {
    return registry::describe(
        "beaver", "Beaver: partial snapshots by gateway marking (OSDI'24), cut consistency", table(),
        {"every accepted snapshot is causally consistent", "snapshot ids never decrease"},
        {{"a snapshot is accepted", ""},
         {"an external chain re-enters the group through a gateway", ""},
         {"a second snapshot is accepted", "with --snapshots 2 or more"}},
        &invalid, [](const Options& o) { return Beaver(o); });
  }();
  return info;
}

}  // namespace weir::model::beaver
