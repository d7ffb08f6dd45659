// Pegasus's switch on DPDK (impl/dpdk): the core's pipeline rewrites each frame in place;
// everything received is sent or freed.
#include "impl/dpdk/burst.hpp"

namespace weir::dp {

PegasusSwitch::PegasusSwitch(core::pegasus::Switch& sw, std::uint16_t in, std::uint16_t out)
    : sw_(sw), in_(in), out_(out) {}

unsigned PegasusSwitch::poll() {
  rte_mbuf* pkts[detail::kBurst];
  const std::uint16_t n = detail::receive_burst(in_, pkts, c_);
  std::uint16_t ready = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    if (m->nb_segs != 1) {  // the pipeline sees one contiguous frame
      ++c_.no_room;
      rte_pktmbuf_free(m);
      continue;
    }
    auto to = sw_.route(std::span<std::uint8_t>(rte_pktmbuf_mtod(m, std::uint8_t*), m->data_len));
    if (std::holds_alternative<packet::DecodeError>(to)) {
      ++c_.refused;
      rte_pktmbuf_free(m);
    } else if (!std::get<std::optional<std::uint32_t>>(to)) {
      ++c_.dropped;
      rte_pktmbuf_free(m);
    } else {
      pkts[ready++] = m;
    }
  }
  detail::send_burst(out_, pkts, ready, c_);
  return n;
}

}  // namespace weir::dp
