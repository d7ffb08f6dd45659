// impl/dpdk: the cores of impl/core on DPDK. Burst receive, process, burst transmit; on
// the fast path no allocation, no lock, no system call, and every mbuf is either sent or
// freed. Runs without hugepages or NICs: the EAL is started with --no-huge --no-pci
// --in-memory, and ports are virtual devices (net_ring for a harness in the same process,
// net_null for benchmarks, net_pcap or net_af_packet for traces and veths).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impl/core/beaver.hpp"
#include "impl/core/pegasus.hpp"

struct rte_mempool;
struct rte_ring;
struct rte_mbuf;

namespace weir::dp {

// Starts the EAL once per process (later calls return the first outcome): no hugepages,
// no PCI, no shared files, the calling thread as lcore 0. Why it failed, or nothing.
std::optional<std::string> start_eal();

// A pool of packet buffers (rte_pktmbuf_pool_create), freed with the object.
class Pool {
 public:
  Pool(const std::string& name, unsigned buffers);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  rte_mempool* get() const { return pool_; }
  unsigned in_use() const;  // buffers out of the pool: 0 when every mbuf came back
  // A buffer holding `frame` (nullptr when the pool is empty).
  rte_mbuf* make(const std::vector<std::uint8_t>& frame) const;

 private:
  rte_mempool* pool_ = nullptr;
};

// One Ethernet port with one receive and one transmit queue, started.
class Port {
 public:
  // net_ring over two rings of the harness's own: what it puts into `rx()` the port
  // receives, what the port sends appears in `tx()`.
  static std::unique_ptr<Port> ring(const std::string& name, const Pool& pool, unsigned size = 1024);
  // A virtual device by its DPDK arguments, e.g. "net_null0" or
  // "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap".
  static std::unique_ptr<Port> vdev(const std::string& spec, const Pool& pool);
  ~Port();
  Port(const Port&) = delete;
  Port& operator=(const Port&) = delete;

  std::uint16_t id() const { return id_; }
  rte_ring* rx() const { return rx_; }  // net_ring only
  rte_ring* tx() const { return tx_; }

  // The harness's side of a ring port: enqueue frames for the port to receive, dequeue
  // what it sent (and free the buffers).
  unsigned feed(const Pool& pool, const std::vector<std::vector<std::uint8_t>>& frames) const;
  std::vector<std::vector<std::uint8_t>> drain() const;
  // For benchmarks, a port that is both a gateway's input and output: what it sent goes
  // back into what it receives, `strip` bytes (an encapsulation) taken off the front, so
  // that the same buffers go round without allocation. Returns how many went round.
  unsigned loop_back(std::uint16_t strip) const;

 private:
  Port() = default;
  std::uint16_t id_ = 0;
  bool open_ = false;  // a port id was assigned: there is a device to close
  rte_ring* rx_ = nullptr;
  rte_ring* tx_ = nullptr;
  std::string vdev_;  // the device to uninit, when made by vdev()
};

struct Counters {
  std::uint64_t received = 0, sent = 0;
  std::uint64_t refused = 0;    // frames the core would not take (malformed, not IPv4)
  std::uint64_t dropped = 0;    // frames the core took and decided not to send
  std::uint64_t no_room = 0;    // no headroom for the 46 bytes, or a chained mbuf
  std::uint64_t tx_full = 0;    // the port took fewer than offered: freed
};

// Beaver's gateway on one port pair: every frame from `in` goes out of `out`, marked
// (encapsulated in place, stamped with the gateway's id) or, with marking off, only
// readdressed to the next hop (the gateway's Ethernet addresses written over the frame's,
// as l2fwd does): the plain forwarder a benchmark compares with.
class BeaverGateway {
 public:
  BeaverGateway(core::beaver::Gateway& gateway, std::uint16_t in, std::uint16_t out, bool marking = true);
  // One burst: received, processed, sent; what could not be sent is freed. Returns the
  // number of frames received.
  unsigned poll();
  const Counters& counters() const { return c_; }

 private:
  core::beaver::Gateway& gw_;
  std::uint16_t in_, out_;
  bool marking_;
  Counters c_;
};

// Pegasus's switch on one port pair: each request or reply from `in` is rewritten in
// place by the core's pipeline (Switch::route) and sent out of `out`; what the switch
// drops (a copy of an overtaken write) or refuses is freed.
class PegasusSwitch {
 public:
  PegasusSwitch(core::pegasus::Switch& sw, std::uint16_t in, std::uint16_t out);
  unsigned poll();  // one burst; the number of frames received
  const Counters& counters() const { return c_; }

 private:
  core::pegasus::Switch& sw_;
  std::uint16_t in_, out_;
  Counters c_;
};

// Interference on a hop, made in user space (this kernel has no netem): every frame is
// held for `delay_us` plus up to `jitter_us` more (drawn per frame, so frames overtake
// each other when the jitter exceeds their spacing), lost with probability `loss`, sent
// twice with probability `duplicate` (the same mbuf, its reference count raised: no copy).
struct Impairment {
  double delay_us = 0, jitter_us = 0, loss = 0, duplicate = 0;
  std::uint64_t seed = 1;
  bool any() const { return delay_us > 0 || jitter_us > 0 || loss > 0 || duplicate > 0; }
};

struct HoldCounters {
  std::uint64_t taken = 0, sent = 0, lost = 0, duplicated = 0, overflow = 0, tx_full = 0;
};

// Between an element and its real output: takes what the element sent into a ring
// port's transmit ring, keeps each frame until it is due, then sends it out of `out`.
// The frames wait in a heap of fixed capacity made up front; when it is full, a frame is
// sent at once (counted as overflow) rather than dropped or kept in new memory.
class Hold {
 public:
  Hold(rte_ring* from, std::uint16_t out, Impairment imp, unsigned capacity = 8192);
  ~Hold();  // frees whatever it still holds
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;
  // Takes new frames and sends those due by `now_us` (any monotonic microsecond clock);
  // the number sent.
  unsigned poll(double now_us);
  std::size_t pending() const;  // held, or sent to it and not yet taken
  const HoldCounters& counters() const { return c_; }

 private:
  struct Held {
    double due;
    std::uint64_t order;  // ties leave in arrival order
    rte_mbuf* m;
  };
  void send_now(rte_mbuf* m);
  rte_ring* from_;
  std::uint16_t out_;
  Impairment imp_;
  std::vector<Held> heap_;
  std::size_t capacity_;
  std::uint64_t order_ = 0, rng_;
  HoldCounters c_;
};

}  // namespace weir::dp
