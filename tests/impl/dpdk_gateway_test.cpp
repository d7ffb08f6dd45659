// Beaver's gateway on DPDK (impl/dpdk) over net_ring ports fed and drained in this
// process: what comes out is byte for byte what the core's forward() gives; frames the
// core refuses are freed, and so is everything else: the pool gets every buffer back
// (the Beaver artifact leaks the send buffers of packets it cannot map).
#include <gtest/gtest.h>

#include "tests/impl/dpdk_rig.hpp"

namespace weir::dp {
namespace {

using core::beaver::Gateway;
using core::beaver::GatewayConfig;

GatewayConfig config() {
  GatewayConfig c;
  c.ip = 0x0a000001;
  c.backends = {0x0a010001, 0x0a010002, 0x0a010003};
  c.group_prefix = 0x0a010000;
  c.group_mask = 0xffff0000;
  return c;
}

Frames client_frames(unsigned n) {
  Frames f;
  for (unsigned i = 0; i < n; ++i) {
    packet::Ipv4 ip;
    ip.src = 0xc0a80001 + i % 7;
    ip.dst = 0x0a000064;
    f.push_back(packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(1000 + i), 80},
                                   packet::Bytes(i % 40, static_cast<std::uint8_t>(i))));
  }
  return f;
}

TEST_F(DpdkGateway, MarksEveryFrameAsTheCoreDoes) {
  Rig rig;
  Gateway on_dpdk(config()), reference(config());
  BeaverGateway gw(on_dpdk, rig.in->id(), rig.out->id());
  // A snapshot begins halfway: the frames after it carry the new id.
  const Frames frames = client_frames(1000);
  const Frames first(frames.begin(), frames.begin() + 500), second(frames.begin() + 500, frames.end());
  // The reference sees the same frames and the same request, in the same order.
  auto forward_all = [&](const Frames& fs, Frames& into) {
    for (const auto& f : fs) {
      const auto x = reference.forward(f);
      ASSERT_TRUE(std::holds_alternative<packet::Bytes>(x));
      into.push_back(std::get<packet::Bytes>(x));
    }
  };
  Frames expected, got = rig.run(gw, first);
  forward_all(first, expected);
  ASSERT_TRUE(std::holds_alternative<packet::Bytes>(on_dpdk.request(packet::beaver::encode_request({9}), 1)));
  ASSERT_TRUE(std::holds_alternative<packet::Bytes>(reference.request(packet::beaver::encode_request({9}), 1)));
  for (auto& f : rig.run(gw, second)) got.push_back(std::move(f));
  forward_all(second, expected);
  ASSERT_EQ(got.size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) ASSERT_EQ(got[i], expected[i]) << "frame " << i;
  EXPECT_EQ(packet::beaver::decapsulate(got.back()).index(), 0u);
  EXPECT_EQ(std::get<packet::beaver::Encapsulated>(packet::beaver::decapsulate(got.back())).ssid, 9u);
  EXPECT_EQ(std::get<packet::beaver::Encapsulated>(packet::beaver::decapsulate(got.front())).ssid, 0u);
  EXPECT_EQ(gw.counters().received, 1000u);
  EXPECT_EQ(gw.counters().sent, 1000u);
  EXPECT_EQ(rig.pool->in_use(), 0u);
}

TEST_F(DpdkGateway, RefusedFramesAreFreedNotLeaked) {
  Rig rig;
  Gateway core(config());
  BeaverGateway gw(core, rig.in->id(), rig.out->id());
  Frames frames = client_frames(3000);
  for (std::size_t i = 0; i < frames.size(); i += 3) frames[i].resize(20);       // truncated
  for (std::size_t i = 1; i < frames.size(); i += 3) frames[i][12] = 0x86;        // not IPv4
  const Frames got = rig.run(gw, frames);
  EXPECT_EQ(got.size(), 1000u);
  EXPECT_EQ(gw.counters().refused, 2000u);
  EXPECT_EQ(gw.counters().received, 3000u);
  EXPECT_EQ(rig.pool->in_use(), 0u);  // 3000 frames through a pool of 2047: none kept
}

TEST_F(DpdkGateway, WithMarkingOffItOnlyReaddressesFrames) {
  Rig rig;
  GatewayConfig c = config();
  c.eth = packet::Ethernet{{2, 0, 0, 0, 0, 9}, {2, 0, 0, 0, 0, 1}, packet::kEtherIpv4};
  Gateway core(c);
  BeaverGateway gw(core, rig.in->id(), rig.out->id(), false);
  Frames frames = client_frames(300);
  const Frames got = rig.run(gw, frames);
  for (auto& f : frames) {
    std::copy(c.eth.dst.begin(), c.eth.dst.end(), f.begin());
    std::copy(c.eth.src.begin(), c.eth.src.end(), f.begin() + 6);
  }
  EXPECT_EQ(got, frames);
  EXPECT_EQ(rig.pool->in_use(), 0u);
}

}  // namespace
}  // namespace weir::dp
