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
  // The clients' side too, when recording: what a capture on their hosts would hold.
  std::unique_ptr<detail::PcapWriter> clients;
  if (!o.record_dir.empty()) {
    clients = std::make_unique<detail::PcapWriter>(o.record_dir + "/clients.pcap");
    s.client_tap = [&](packet::View frame, sim::Time now) { clients->write(frame, now); };
  }
  PegasusRun run{harness::pegasus::run(s), {}, 0, {}};
  clients.reset();
  detail::finish(run, hops, *rig.pool);
  if (!o.record_dir.empty()) run.pcaps.push_back(o.record_dir + "/clients.pcap");
  return run;
}

}  // namespace weir::live
