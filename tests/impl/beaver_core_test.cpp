// impl/core/beaver: the gateway, backend and initiator on real bytes, correct and with
// each planted bug.
#include <gtest/gtest.h>

#include <set>

#include "impl/core/beaver.hpp"

namespace weir::core::beaver {
namespace {

namespace pb = packet::beaver;
using packet::Bytes;

constexpr std::uint32_t kGroup = 0x0a010000, kMask = 0xffff0000;  // 10.1.0.0/16 is in-group
constexpr std::uint32_t kClient = 0xc0a80001;                      // 192.168.0.1, outside

GatewayConfig gateway_config() {
  GatewayConfig c;
  c.ip = 0x0a000001;
  c.backends = {0x0a010001, 0x0a010002, 0x0a010003};
  c.group_prefix = kGroup;
  c.group_mask = kMask;
  return c;
}

Bytes client_frame(std::uint16_t sport, std::uint32_t src = kClient, std::uint8_t tos = 0, std::uint8_t ttl = 64) {
  packet::Ipv4 ip;
  ip.src = src;
  ip.dst = 0x0a000064;
  ip.tos = tos;
  ip.ttl = ttl;
  return packet::encode_udp({}, ip, packet::Udp{sport, 80}, Bytes{'h', 'i'});
}

Bytes in_group_frame(std::uint32_t src, std::uint32_t dst) {
  packet::Ipv4 ip;
  ip.src = src;
  ip.dst = dst;
  return packet::encode_tcp({}, ip, packet::Tcp{40000, pb::kInGroupPort, 1, 1, 0x18, 100}, Bytes{'x'});
}

template <class T>
T ok(packet::Decoded<T> d) {
  if (auto* e = std::get_if<packet::DecodeError>(&d)) throw std::runtime_error(e->message());
  return std::get<T>(std::move(d));
}

std::uint32_t stamped_ssid(const Bytes& encapsulated) { return ok(pb::decapsulate(encapsulated)).ssid; }

TEST(BeaverCore, AdvanceIsASerialNumberInAHalfWindow) {
  EXPECT_EQ(advance(5, 6), 6u);
  EXPECT_EQ(advance(5, 5), std::nullopt);
  EXPECT_EQ(advance(5, 4), std::nullopt);
  EXPECT_EQ(advance(16383, 0), 16384u);              // wraps into the next 2^14 epoch
  EXPECT_EQ(advance(16384 * 3 + 10, 9), std::nullopt);
  EXPECT_EQ(advance(0, 8191), 8191u);                 // exactly the half window: newer
  EXPECT_EQ(advance(0, 8191, 8190), std::nullopt);    // the artifact gateway's <
  EXPECT_EQ(advance(0, 8192), std::nullopt);
  EXPECT_EQ(advance(100000, 100001 % 16384), 100001u);
}

TEST(BeaverCore, GatewayStampsItsIdAndKeepsFlowsOnOneBackend) {
  Gateway g(gateway_config());
  const Bytes first = ok(g.forward(client_frame(1000)));
  EXPECT_EQ(stamped_ssid(first), 0u);
  const auto backend = ok(packet::decode(first)).ip.dst;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ok(packet::decode(ok(g.forward(client_frame(1000))))).ip.dst, backend);
  std::set<std::uint32_t> used;
  for (std::uint16_t port = 1; port < 200; ++port) used.insert(ok(packet::decode(ok(g.forward(client_frame(port))))).ip.dst);
  EXPECT_EQ(used.size(), 3u);  // rendezvous hashing spreads new flows over every backend
  const Bytes reply = ok(g.request(pb::encode_request({7}), 1234));
  EXPECT_EQ(ok(pb::decode_reply(reply)).entered, 1234u);
  EXPECT_EQ(g.ssid(), 7u);
  EXPECT_EQ(stamped_ssid(ok(g.forward(client_frame(1000)))), 7u);
  // The client's frame travels whole behind the 46 bytes.
  const Bytes inner(first.begin() + 46, first.end());
  EXPECT_EQ(inner, client_frame(1000));
}

// The flow table never grows past its capacity; flows that find it full still keep one
// backend (placed by hashing each time), the same a roomy table gives them.
TEST(BeaverCore, AFullFlowTableKeepsFlowsWhereHashingPutsThem) {
  GatewayConfig small = gateway_config();
  small.flows = 16;
  Gateway tight(small), roomy(gateway_config());
  for (int round = 0; round < 2; ++round)
    for (std::uint16_t port = 1; port <= 300; ++port)
      EXPECT_EQ(ok(packet::decode(ok(tight.forward(client_frame(port))))).ip.dst,
                ok(packet::decode(ok(roomy.forward(client_frame(port))))).ip.dst);
  FlowTable t(16);
  for (std::uint32_t i = 0; i < 100; ++i) t.insert(FiveTuple{i, 1, 2, 3, 17}, i * 7, i % 3);
  EXPECT_EQ(t.size(), 16u);
  EXPECT_EQ(t.find(FiveTuple{0, 1, 2, 3, 17}, 0), 0u);
}

// mark() is forward() without the copy: its header in front of the frame is forward()'s output.
TEST(BeaverCore, MarkGivesTheHeaderForwardPrepends) {
  Gateway a(gateway_config()), b(gateway_config());
  for (std::uint16_t port = 1; port < 50; ++port) {
    const Marking m = ok(a.mark(client_frame(port)));
    const Bytes whole = ok(b.forward(client_frame(port)));
    ASSERT_EQ(whole.size(), m.header.size() + client_frame(port).size());
    EXPECT_TRUE(std::equal(m.header.begin(), m.header.end(), whole.begin()));
    EXPECT_EQ(ok(packet::decode(whole)).ip.dst, m.backend);
  }
}

TEST(BeaverCore, GatewayLearnsNewerIdsFromInGroupTraffic) {
  Gateway g(gateway_config());
  const auto s = pb::stamp(300);
  ok(g.forward(client_frame(5, kGroup | 7, s.tos, s.ttl)));
  EXPECT_EQ(g.ssid(), 300u);
  ok(g.forward(client_frame(5, kClient, pb::stamp(900).tos, pb::stamp(900).ttl)));  // not in-group: ignored
  EXPECT_EQ(g.ssid(), 300u);
}

TEST(BeaverCore, MarkAfterForwardLetsOnePacketOutUnmarked) {
  Gateway good(gateway_config()), bad(gateway_config(), Mutant::MarkAfterForward);
  ok(good.request(pb::encode_request({1}), 10));
  ok(bad.request(pb::encode_request({1}), 10));
  EXPECT_EQ(stamped_ssid(ok(good.forward(client_frame(9)))), 1u);
  EXPECT_EQ(stamped_ssid(ok(bad.forward(client_frame(9)))), 0u);  // entered, yet unmarked
  EXPECT_EQ(stamped_ssid(ok(bad.forward(client_frame(9)))), 1u);
}

TEST(BeaverCore, WrapWindowMismatchMovesTheBackendOnly) {
  const auto s = pb::stamp(8191);
  Gateway g(gateway_config(), Mutant::WrapWindowMismatch), ok_g(gateway_config());
  ok(g.forward(client_frame(5, kGroup | 7, s.tos, s.ttl)));
  ok(ok_g.forward(client_frame(5, kGroup | 7, s.tos, s.ttl)));
  EXPECT_EQ(g.ssid(), 0u);
  EXPECT_EQ(ok_g.ssid(), 8191u);
}

TEST(BeaverCore, BackendRecordsBeforeDeliveringANewerId) {
  Backend b({0x0a010001, kGroup, kMask});
  Gateway g(gateway_config());
  ok(g.request(pb::encode_request({4}), 0));
  const auto effects = ok(b.receive(ok(g.forward(client_frame(1)))));
  ASSERT_EQ(effects.size(), 2u);
  EXPECT_EQ(effects[0].kind, Effect::Kind::Snapshot);
  EXPECT_EQ(effects[0].ssid, 4u);
  EXPECT_EQ(effects[1].kind, Effect::Kind::Deliver);
  EXPECT_EQ(effects[1].frame, client_frame(1));  // decapsulated
  EXPECT_EQ(ok(b.receive(ok(g.forward(client_frame(1))))).size(), 1u);  // same id: just delivered

  Backend bad({0x0a010001, kGroup, kMask}, Mutant::DeliverBeforeSnapshot);
  const auto wrong = ok(bad.receive(ok(g.forward(client_frame(1)))));
  ASSERT_EQ(wrong.size(), 2u);
  EXPECT_EQ(wrong[0].kind, Effect::Kind::Deliver);
  EXPECT_EQ(wrong[1].kind, Effect::Kind::Snapshot);
}

TEST(BeaverCore, InGroupTrafficCarriesTheIdInTosAndTtl) {
  Backend sender({0x0a010001, kGroup, kMask}), receiver({0x0a010002, kGroup, kMask});
  Gateway g(gateway_config());
  ok(g.request(pb::encode_request({300}), 0));
  ok(sender.receive(ok(g.forward(client_frame(1)))));
  const Bytes out = sender.send(in_group_frame(0x0a010001, 0x0a010002));
  const packet::Frame f = ok(packet::decode(out));  // checksum fixed: decodes
  EXPECT_EQ(pb::ssid_of(f.ip.tos, f.ip.ttl), 300u);
  const auto effects = ok(receiver.receive(out));
  ASSERT_EQ(effects.size(), 2u);
  EXPECT_EQ(effects[0].ssid, 300u);
  EXPECT_EQ(receiver.ssid(), 300u);
}

TEST(BeaverCore, DataPlaneOnlyBugsShowOnTheWire) {
  Gateway g(gateway_config());
  ok(g.request(pb::encode_request({5}), 0));
  const Bytes in = ok(g.forward(client_frame(1)));
  const Bytes frame = in_group_frame(0x0a010001, 0x0a010002);

  Backend stale({0x0a010001, kGroup, kMask}, Mutant::NoChecksumFix);
  ok(stale.receive(in));
  EXPECT_EQ(std::get<packet::DecodeError>(packet::decode(stale.send(frame))).field, "ipv4.checksum");

  Backend untagged({0x0a010001, kGroup, kMask}, Mutant::UntaggedInternal);
  ok(untagged.receive(in));
  const packet::Frame u = ok(packet::decode(untagged.send(frame)));
  EXPECT_EQ(pb::ssid_of(u.ip.tos, u.ip.ttl), pb::ssid_of(0, 64));  // the id is not there

  Backend budget({0x0a010001, kGroup, kMask}, Mutant::TtlUnderflow), correct({0x0a010001, kGroup, kMask});
  ok(budget.receive(in));
  ok(correct.receive(in));
  EXPECT_EQ(ok(packet::decode(budget.send(frame))).ip.ttl, 0);   // id 5 < 256: no hop to spare
  EXPECT_EQ(ok(packet::decode(correct.send(frame))).ip.ttl, 3);  // three routed hops
}

TEST(BeaverCore, InitiatorAcceptsBelowTheThresholdOnly) {
  Initiator i(2, 33);
  const Bytes req = i.start(1, 100);
  EXPECT_EQ(ok(pb::decode_request(req)).ssid, 1u);
  EXPECT_FALSE(ok(i.reply(0, pb::encode_reply({1, 110}), 110)));
  EXPECT_FALSE(ok(i.reply(0, pb::encode_reply({1, 110}), 111)));  // a duplicate counts once
  const auto d = ok(i.reply(1, pb::encode_reply({1, 120}), 132));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->accepted);
  EXPECT_EQ(d->measured, 32u);
  i.start(2, 200);
  ok(i.reply(0, pb::encode_reply({2, 0}), 210));
  EXPECT_FALSE(ok(i.reply(1, pb::encode_reply({2, 0}), 233))->accepted);  // 33 is not below 33
  Initiator lax(2, 33, Mutant::NoAcceptanceCheck);
  lax.start(1, 0);
  ok(lax.reply(0, pb::encode_reply({1, 0}), 5));
  EXPECT_TRUE(ok(lax.reply(1, pb::encode_reply({1, 0}), 500))->accepted);
}

TEST(BeaverCore, MutantsHaveNames) {
  EXPECT_EQ(mutants().size(), 8u);
  for (const MutantInfo& m : mutants()) EXPECT_EQ(parse_mutant(m.name), m.mutant);
  EXPECT_EQ(parse_mutant("bogus"), std::nullopt);
}

}  // namespace
}  // namespace weir::core::beaver
