// impl/dpdk, internal: what every role does at the start and the end of a burst.
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "impl/dpdk/dp.hpp"

namespace weir::dp::detail {

inline constexpr std::uint16_t kBurst = 32;

// Up to kBurst frames from `port`, counted.
inline std::uint16_t receive_burst(std::uint16_t port, rte_mbuf** pkts, Counters& c) {
  const std::uint16_t n = rte_eth_rx_burst(port, 0, pkts, kBurst);
  c.received += n;
  return n;
}

// Offers the `ready` frames to `port`; what it does not take is freed, never kept.
inline void send_burst(std::uint16_t port, rte_mbuf** pkts, std::uint16_t ready, Counters& c) {
  const std::uint16_t sent = rte_eth_tx_burst(port, 0, pkts, ready);
  c.sent += sent;
  c.tx_full += ready - sent;
  for (std::uint16_t i = sent; i < ready; ++i) rte_pktmbuf_free(pkts[i]);
}

}  // namespace weir::dp::detail
