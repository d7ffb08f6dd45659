// Pegasus with its switch on DPDK (harness/live): the switch of the scenario is a
// dp::PegasusSwitch around the core the run built; clients' requests and servers'
// replies all cross it.
#include "harness/live/hop.hpp"

namespace weir::live {

PegasusRun Rig::pegasus(harness::pegasus::Scenario s, const Options& o) {
  using Hop = detail::Hop<dp::PegasusSwitch>;
  std::vector<std::shared_ptr<Hop>> hops;
  Impl& rig = *impl_;
  s.data_plane = [&](core::pegasus::Switch& sw) -> harness::pegasus::SwitchPath {
    auto hop = std::make_shared<Hop>("switch", rig.pair(0), dp::PegasusSwitch(sw, rig.pair(0).first->id(), rig.pair(0).second->id()), o);
    hops.push_back(hop);
    return [hop, &rig](packet::View frame, sim::Time now) -> packet::Decoded<std::vector<core::pegasus::Out>> {
      const PortStats before = hop->stats();
      std::vector<core::pegasus::Out> outs;
      for (auto& f : hop->cross(*rig.pool, frame, now)) outs.push_back({std::move(f)});
      const PortStats after = hop->stats();
      // Nothing out is the switch's decision (a stale copy of a write) when it counted
      // the frame as dropped; anything else that sent nothing lost it.
      if (outs.empty() && after.dropped == before.dropped) return detail::lost(hop->name, before, after);
      return outs;
    };
  };
  PegasusRun run{harness::pegasus::run(s), {}, 0, {}};
  detail::finish(run, hops, *rig.pool);
  return run;
}

}  // namespace weir::live
