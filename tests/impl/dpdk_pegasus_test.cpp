// Pegasus's switch on DPDK (impl/dpdk) over net_ring ports: requests and replies come out
// byte for byte as the core's receive() sends them, a stale copy of a write is dropped,
// and every buffer goes back to the pool.
#include <gtest/gtest.h>

#include "tests/impl/dpdk_rig.hpp"

namespace weir::dp {
namespace {

namespace cp = core::pegasus;
using DpdkPegasus = DpdkTest;

cp::Topology topology() {
  cp::Topology t;
  t.switch_ip = 0x0a000001;
  t.servers = {0x0a000101, 0x0a000102, 0x0a000103};
  t.clients = {0x0a000201, 0x0a000202};
  return t;
}

TEST_F(DpdkPegasus, RoutesAsTheCoreDoesAndFreesWhatItDrops) {
  Rig rig;
  cp::Switch on_dpdk(topology(), {42}), reference(topology(), {42});
  PegasusSwitch sw(on_dpdk, rig.in->id(), rig.out->id());
  cp::Client a(0, topology()), b(1, topology());
  Frames requests, expected;
  for (int i = 0; i < 200; ++i) {
    cp::Client& c = i % 2 ? a : b;
    const std::uint32_t key = i % 3 ? 42 : 7;  // the hot key, and a cold one
    requests.push_back(i % 4 == 0 ? c.issue(cp::Client::Kind::Put, key, packet::Bytes{'v', static_cast<std::uint8_t>(i)})
                                  : c.issue(cp::Client::Kind::Get, key));
  }
  // A copy of client 1's first write to the hot key (request 4), arriving after its later
  // requests: overtaken, so dropped.
  requests.push_back(requests[4]);
  for (const auto& r : requests) {
    auto outs = reference.receive(r);
    for (auto& o : std::get<std::vector<cp::Out>>(outs)) expected.push_back(std::move(o.frame));
  }
  const Frames got = rig.run(sw, requests);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(expected.size(), 200u);
  EXPECT_EQ(sw.counters().received, 201u);
  EXPECT_EQ(sw.counters().dropped, 1u);
  EXPECT_EQ(rig.pool->in_use(), 0u);
}

}  // namespace
}  // namespace weir::dp
