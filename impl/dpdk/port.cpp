// Buffers and virtual ports (impl/dpdk): pools of mbufs, net_ring ports a harness feeds
// and drains in the same process, and virtual devices by their DPDK arguments.
#include <rte_bus_vdev.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <algorithm>
#include <stdexcept>

#include "impl/dpdk/dp.hpp"

namespace weir::dp {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + rte_strerror(rte_errno)); }

void start(std::uint16_t port, const Pool& pool, unsigned descriptors) {
  rte_eth_conf conf{};
  if (rte_eth_dev_configure(port, 1, 1, &conf) < 0 ||
      rte_eth_rx_queue_setup(port, 0, static_cast<std::uint16_t>(descriptors), SOCKET_ID_ANY, nullptr, pool.get()) < 0 ||
      rte_eth_tx_queue_setup(port, 0, static_cast<std::uint16_t>(descriptors), SOCKET_ID_ANY, nullptr) < 0 ||
      rte_eth_dev_start(port) < 0)
    fail("port " + std::to_string(port) + " did not start");
}

void free_all(rte_ring* r) {
  void* m = nullptr;
  while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
}

}  // namespace

Pool::Pool(const std::string& name, unsigned buffers) {
  pool_ = rte_pktmbuf_pool_create(name.c_str(), buffers, 128, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (!pool_) fail("mempool " + name);
}
Pool::~Pool() { rte_mempool_free(pool_); }
unsigned Pool::in_use() const { return rte_mempool_in_use_count(pool_); }

rte_mbuf* Pool::make(const std::vector<std::uint8_t>& frame) const {
  rte_mbuf* m = rte_pktmbuf_alloc(pool_);
  if (!m) return nullptr;
  char* data = rte_pktmbuf_append(m, static_cast<std::uint16_t>(frame.size()));
  if (!data) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  std::copy(frame.begin(), frame.end(), reinterpret_cast<std::uint8_t*>(data));
  return m;
}

std::unique_ptr<Port> Port::ring(const std::string& name, const Pool& pool, unsigned size) {
  std::unique_ptr<Port> p(new Port);
  const unsigned flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
  p->rx_ = rte_ring_create((name + "_rx").c_str(), size, SOCKET_ID_ANY, flags);
  p->tx_ = rte_ring_create((name + "_tx").c_str(), size, SOCKET_ID_ANY, flags);
  if (!p->rx_ || !p->tx_) fail("rings for " + name);
  const int id = rte_eth_from_rings(name.c_str(), &p->rx_, 1, &p->tx_, 1, SOCKET_ID_ANY);
  if (id < 0) fail("net_ring port " + name);
  p->id_ = static_cast<std::uint16_t>(id);
  p->open_ = true;
  start(p->id_, pool, size);
  return p;
}

std::unique_ptr<Port> Port::vdev(const std::string& spec, const Pool& pool) {
  std::unique_ptr<Port> p(new Port);
  const std::size_t comma = spec.find(',');
  p->vdev_ = spec.substr(0, comma);
  const std::string args = comma == std::string::npos ? std::string() : spec.substr(comma + 1);
  if (rte_vdev_init(p->vdev_.c_str(), args.c_str()) < 0) {
    p->vdev_.clear();  // nothing to uninit
    fail("virtual device " + spec);
  }
  std::uint16_t id = 0;
  if (rte_eth_dev_get_port_by_name(p->vdev_.c_str(), &id) < 0) fail("no port for " + p->vdev_);
  p->id_ = id;
  p->open_ = true;
  start(p->id_, pool, 1024);
  return p;
}

Port::~Port() {
  if (open_) {
    rte_eth_dev_stop(id_);
    rte_eth_dev_close(id_);
  }
  if (!vdev_.empty()) rte_vdev_uninit(vdev_.c_str());
  for (rte_ring* r : {rx_, tx_})
    if (r) {
      free_all(r);
      rte_ring_free(r);
    }
}

unsigned Port::feed(const Pool& pool, const std::vector<std::vector<std::uint8_t>>& frames) const {
  unsigned fed = 0;
  for (const auto& f : frames) {
    rte_mbuf* m = pool.make(f);
    if (!m) break;
    if (rte_ring_enqueue(rx_, m) != 0) {
      rte_pktmbuf_free(m);
      break;
    }
    ++fed;
  }
  return fed;
}

std::vector<std::vector<std::uint8_t>> Port::drain() const {
  std::vector<std::vector<std::uint8_t>> out;
  void* item = nullptr;
  while (rte_ring_dequeue(tx_, &item) == 0) {
    auto* m = static_cast<rte_mbuf*>(item);
    std::vector<std::uint8_t> bytes(rte_pktmbuf_pkt_len(m));
    const void* data = rte_pktmbuf_read(m, 0, static_cast<std::uint32_t>(bytes.size()), bytes.data());
    if (data != bytes.data()) std::copy_n(static_cast<const std::uint8_t*>(data), bytes.size(), bytes.begin());
    out.push_back(std::move(bytes));
    rte_pktmbuf_free(m);
  }
  return out;
}

unsigned Port::loop_back(std::uint16_t strip) const {
  void* items[64];
  const unsigned n = rte_ring_dequeue_burst(tx_, items, 64, nullptr);
  for (unsigned i = 0; i < n; ++i)
    if (strip) rte_pktmbuf_adj(static_cast<rte_mbuf*>(items[i]), strip);
  const unsigned back = rte_ring_enqueue_burst(rx_, items, n, nullptr);
  for (unsigned i = back; i < n; ++i) rte_pktmbuf_free(static_cast<rte_mbuf*>(items[i]));
  return back;
}

}  // namespace weir::dp
