// harness/live, internal: the DPDK side shared by the protocols' runs. A hop is one
// element of the data plane (a gateway, the switch) on its own pair of net_ring ports:
// a frame crosses it by being fed into the receive ring, processed by bursts until the
// element has nothing left, and drained from the transmit ring, both ends recorded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/live/live.hpp"
#include "harness/live/pcap_writer.hpp"
#include "impl/dpdk/dp.hpp"

namespace weir::live {

struct Rig::Impl {
  std::unique_ptr<dp::Pool> pool;
  std::vector<std::unique_ptr<dp::Port>> ports;  // in, out, in, out, ...: made on first use, kept

  // The receive and transmit ports of hop `i`.
  std::pair<dp::Port*, dp::Port*> pair(unsigned i);
};

namespace detail {

template <class Element>
struct Hop {
  Hop(std::string n, std::pair<dp::Port*, dp::Port*> ports, Element e, const Options& o)
      : name(std::move(n)), in(ports.first), out(ports.second), element(std::move(e)) {
    if (o.record_dir.empty()) return;
    in_pcap = o.record_dir + "/" + name + "-in.pcap";
    out_pcap = o.record_dir + "/" + name + "-out.pcap";
    in_rec = std::make_unique<PcapWriter>(in_pcap);
    out_rec = std::make_unique<PcapWriter>(out_pcap);
  }
  // The frames that leave the element for `frame`, recorded at `now`.
  std::vector<packet::Bytes> cross(const dp::Pool& pool, packet::View frame, std::uint64_t now) {
    if (in_rec) in_rec->write(frame, now);
    in->feed(pool, {packet::Bytes(frame.begin(), frame.end())});
    while (element.poll() > 0) {
    }
    std::vector<packet::Bytes> left = out->drain();
    if (out_rec)
      for (const auto& f : left) out_rec->write(f, now);
    return left;
  }
  PortStats stats() const {
    const dp::Counters& c = element.counters();
    return {name, c.received, c.sent, c.refused, c.dropped, c.no_room, c.tx_full};
  }

  std::string name;
  dp::Port *in, *out;
  Element element;
  std::string in_pcap, out_pcap;
  std::unique_ptr<PcapWriter> in_rec, out_rec;
};

// Why a hop let nothing out of a frame it was given, from its counters' change.
packet::DecodeError lost(const std::string& hop, const PortStats& before, const PortStats& after);

// The stats and files of a run's hops, and whether every buffer came home.
template <class Run, class Hops>
void finish(Run& run, const Hops& hops, const dp::Pool& pool) {
  for (const auto& h : hops) {
    run.ports.push_back(h->stats());
    if (!h->in_pcap.empty()) run.pcaps.insert(run.pcaps.end(), {h->in_pcap, h->out_pcap});
  }
  run.buffers_in_use = pool.in_use();
}

}  // namespace detail
}  // namespace weir::live
