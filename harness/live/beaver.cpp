// Beaver with its gateways on DPDK (harness/live): each gateway of the scenario is a
// dp::BeaverGateway around the core the run built, on a ring port pair of its own.
#include "harness/live/hop.hpp"

namespace weir::live {

BeaverRun Rig::beaver(harness::beaver::Scenario s, const Options& o) {
  using Hop = detail::Hop<dp::BeaverGateway>;
  std::vector<std::shared_ptr<Hop>> hops;
  Impl& rig = *impl_;
  s.data_plane = [&](core::beaver::Gateway& gw, unsigned g) -> harness::beaver::GatewayPath {
    auto hop = std::make_shared<Hop>(std::string("g").append(std::to_string(g)), rig.pair(g),
                                     dp::BeaverGateway(gw, rig.pair(g).first->id(), rig.pair(g).second->id()), o);
    hops.push_back(hop);
    return [hop, &rig](packet::View frame, sim::Time now) -> packet::Decoded<packet::Bytes> {
      const PortStats before = hop->stats();
      auto left = hop->cross(*rig.pool, frame, now);
      if (left.size() == 1) return std::move(left.front());
      // A gateway sends one frame for each it takes: none is a loss, two a bug.
      if (left.empty()) return detail::lost(hop->name, before, hop->stats());
      return packet::DecodeError{"dpdk." + hop->name, 0, "the DPDK gateway sent " + std::to_string(left.size()) + " frames for one"};
    };
  };
  // Every node's traffic too, when recording: what tcpdump on each host would hold.
  std::unique_ptr<detail::PcapWriter> capture;
  if (!o.record_dir.empty()) {
    capture = std::make_unique<detail::PcapWriter>(o.record_dir + "/capture.pcap");
    s.capture = [&](packet::View frame, sim::Time now) { capture->write(frame, now); };
  }
  BeaverRun run{harness::beaver::run(s), {}, 0, {}};
  capture.reset();
  detail::finish(run, hops, *rig.pool);
  if (!o.record_dir.empty()) run.pcaps.push_back(o.record_dir + "/capture.pcap");
  return run;
}

}  // namespace weir::live
