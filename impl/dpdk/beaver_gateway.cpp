// Beaver's gateway on DPDK (impl/dpdk): the core decides, the mbuf is encapsulated in
// place (46 bytes prepended in its headroom), and everything received is sent or freed.
#include <cstring>

#include "impl/dpdk/burst.hpp"

namespace weir::dp {

namespace {
namespace pb = packet::beaver;
}  // namespace

BeaverGateway::BeaverGateway(core::beaver::Gateway& gateway, std::uint16_t in, std::uint16_t out, bool marking)
    : gw_(gateway), in_(in), out_(out), marking_(marking) {}

unsigned BeaverGateway::poll() {
  rte_mbuf* pkts[detail::kBurst];
  const std::uint16_t n = detail::receive_burst(in_, pkts, c_);
  std::uint16_t ready = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    if (!marking_) {
      if (m->data_len >= 12) {
        const packet::Ethernet& eth = gw_.config().eth;
        auto* bytes = rte_pktmbuf_mtod(m, std::uint8_t*);
        std::memcpy(bytes, eth.dst.data(), 6);
        std::memcpy(bytes + 6, eth.src.data(), 6);
      }
      pkts[ready++] = m;
      continue;
    }
    // Checked before the core sees the frame, so that its state (flows, id) moves only
    // for frames that leave.
    if (m->nb_segs != 1 || rte_pktmbuf_headroom(m) < pb::kEncapOverhead) {
      ++c_.no_room;
      rte_pktmbuf_free(m);
      continue;
    }
    const packet::View frame(rte_pktmbuf_mtod(m, const std::uint8_t*), m->data_len);
    auto marked = gw_.mark(frame);
    if (std::holds_alternative<packet::DecodeError>(marked)) {
      ++c_.refused;
      rte_pktmbuf_free(m);
      continue;
    }
    const auto& header = std::get<core::beaver::Marking>(marked).header;
    std::memcpy(rte_pktmbuf_prepend(m, pb::kEncapOverhead), header.data(), header.size());
    pkts[ready++] = m;
  }
  detail::send_burst(out_, pkts, ready, c_);
  return n;
}

}  // namespace weir::dp
