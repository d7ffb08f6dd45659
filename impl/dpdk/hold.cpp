// The hold stage of impl/dpdk (dp.hpp, Hold): delay, jitter, loss and duplication on a
// hop, in user space, without allocating per frame.
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <algorithm>

#include "impl/dpdk/burst.hpp"

namespace weir::dp {

namespace {
// xorshift64*: a generator per hold, seeded, cheap on the fast path.
double uniform(std::uint64_t& s) {
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return static_cast<double>((s * 0x2545F4914F6CDD1Dull) >> 11) * 0x1.0p-53;
}
bool later(const auto& a, const auto& b) { return a.due > b.due || (a.due == b.due && a.order > b.order); }
}  // namespace

Hold::Hold(rte_ring* from, std::uint16_t out, Impairment imp, unsigned capacity)
    : from_(from), out_(out), imp_(imp), capacity_(capacity), rng_(imp.seed ? imp.seed : 1) {
  heap_.reserve(capacity_);
}

Hold::~Hold() {
  for (const Held& h : heap_) rte_pktmbuf_free(h.m);
}

std::size_t Hold::pending() const { return heap_.size() + rte_ring_count(from_); }

void Hold::send_now(rte_mbuf* m) {
  if (rte_eth_tx_burst(out_, 0, &m, 1) == 1) {
    ++c_.sent;
  } else {
    ++c_.tx_full;
    rte_pktmbuf_free(m);
  }
}

unsigned Hold::poll(double now_us) {
  void* items[detail::kBurst];
  const unsigned n = rte_ring_dequeue_burst(from_, items, detail::kBurst, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    auto* m = static_cast<rte_mbuf*>(items[i]);
    ++c_.taken;
    if (imp_.loss > 0 && uniform(rng_) < imp_.loss) {
      ++c_.lost;
      rte_pktmbuf_free(m);
      continue;
    }
    const unsigned copies = imp_.duplicate > 0 && uniform(rng_) < imp_.duplicate ? 2 : 1;
    if (copies == 2) {
      rte_mbuf_refcnt_update(m, 1);  // one buffer, sent twice; each send drops a reference
      ++c_.duplicated;
    }
    for (unsigned k = 0; k < copies; ++k) {
      if (heap_.size() == capacity_) {
        ++c_.overflow;
        send_now(m);
        continue;
      }
      heap_.push_back({now_us + imp_.delay_us + imp_.jitter_us * uniform(rng_), order_++, m});
      std::push_heap(heap_.begin(), heap_.end(), [](const Held& a, const Held& b) { return later(a, b); });
    }
  }
  unsigned sent = 0;
  while (!heap_.empty() && heap_.front().due <= now_us) {
    std::pop_heap(heap_.begin(), heap_.end(), [](const Held& a, const Held& b) { return later(a, b); });
    rte_mbuf* m = heap_.back().m;
    heap_.pop_back();
    send_now(m);
    ++sent;
  }
  return sent;
}

}  // namespace weir::dp
