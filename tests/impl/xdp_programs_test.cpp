// The eBPF programs of impl/xdp, one frame at a time, attached nowhere (the kernel's
// BPF_PROG_TEST_RUN through libbpf's bpf_prog_test_run_opts): every branch of Beaver's
// XDP ingress and tc egress and of Capybara's tc switch, with in-group and out-group
// sources and destinations, each map effect (the id, the events, the counters, the
// directory) and each checksum. End-to-end runs never show most of these branches (no
// out-group packet ever reaches a backend there). Skipped, saying why, where the kernel
// will not load BPF (not root).
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "impl/packet/packet.hpp"
#include "impl/xdp/xdp.hpp"

namespace weir::xdp {
namespace {

namespace pb = packet::beaver;
using Frame = std::vector<std::uint8_t>;

constexpr std::uint32_t kGroup = 0x0a010000, kMask = 0xffff0000;  // 10.1.0.0/16
constexpr std::uint16_t kBackendPort = 9000;

std::unique_ptr<Backend> backend(std::uint32_t ssid, core::beaver::Mutant m = core::beaver::Mutant::None) {
  Config c;
  c.group_prefix = kGroup;
  c.group_mask = kMask;
  c.backend_port = kBackendPort;
  c.ssid = ssid;
  c.mutant = m;
  auto made = Backend::attach(c);  // no devices: loaded, attached nowhere
  if (auto* why = std::get_if<std::string>(&made)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<Backend>>(made));
}

bool can_load_bpf() {
  Config c;
  return std::holds_alternative<std::unique_ptr<Backend>>(Backend::attach(c));
}

#define SKIP_WITHOUT_BPF() \
  if (!can_load_bpf()) GTEST_SKIP() << "the kernel will not load BPF programs here (root, CAP_BPF)"

Frame udp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport, std::uint8_t tos = 0, std::uint8_t ttl = 64,
          std::size_t payload = 18) {
  packet::Ipv4 ip;
  ip.src = src;
  ip.dst = dst;
  ip.tos = tos;
  ip.ttl = ttl;
  return packet::encode_udp({}, ip, packet::Udp{sport, dport}, packet::Bytes(payload, 'p'));
}

// A gateway's packet: the client's frame behind the 46 bytes of encapsulation.
Frame encapsulated(std::uint32_t ssid, const Frame& client, std::uint16_t dport = kBackendPort) {
  packet::Ipv4 outer;
  outer.src = 0x0a000001;
  outer.dst = kGroup | 1;
  return pb::joined(pb::encap_header({}, outer, dport, ssid, client), client);
}

TestRun ran(const std::variant<TestRun, std::string>& r) {
  if (auto* why = std::get_if<std::string>(&r)) {
    ADD_FAILURE() << *why;
    return {};
  }
  return std::get<TestRun>(r);
}

TEST(XdpPrograms, AGatewaysPacketIsDecapsulatedAndANewerIdAdoptedBeforeItGoesUp) {
  SKIP_WITHOUT_BPF();
  auto b = backend(3);
  ASSERT_TRUE(b);
  const Frame client = udp(0xc0a80001, 0x0a000064, 40000, 80);
  const TestRun r = ran(b->run_ingress(encapsulated(5, client)));
  EXPECT_EQ(r.verdict, XDP_PASS);
  EXPECT_EQ(r.frame, client) << "the client's frame, exactly, is what goes up";
  EXPECT_EQ(b->ssid(), 5u);
  const auto events = b->poll(100);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].from, 3u);
  EXPECT_EQ(events[0].to, 5u);
  EXPECT_FALSE(events[0].in_group);
  // An older id is decapsulated too, and moves nothing: gateways' ids compare whole.
  EXPECT_EQ(ran(b->run_ingress(encapsulated(4, client))).frame, client);
  EXPECT_EQ(b->ssid(), 5u);
  EXPECT_TRUE(b->poll(0).empty());
  // So is an id 2^31 ahead (whole 32 bits, no window), unlike in-group ids.
  ran(b->run_ingress(encapsulated(5u + (1u << 31), client)));
  EXPECT_EQ(b->ssid(), 5u + (1u << 31));
  const Stats st = b->stats();
  EXPECT_EQ(st.decapsulated, 3u);
  EXPECT_EQ(st.adopted, 2u);
  EXPECT_EQ(st.in_group, 0u);
}

TEST(XdpPrograms, OnlyAGatewaysPacketToTheBackendPortIsDecapsulated) {
  SKIP_WITHOUT_BPF();
  auto b = backend(3);
  ASSERT_TRUE(b);
  const Frame client = udp(0xc0a80001, 0x0a000064, 40000, 80);
  for (const Frame& f : {encapsulated(9, client, kBackendPort + 1),                  // another port
                         udp(0x0a000001, kGroup | 1, 12346, kBackendPort, 0, 64, 8),  // not from the gateways' port
                         udp(0x0a000001, kGroup | 1, pb::kEncapSourcePort, kBackendPort, 0, 64, 2)}) {  // no room for an id
    const TestRun r = ran(b->run_ingress(f));
    EXPECT_EQ(r.verdict, XDP_PASS);
    EXPECT_EQ(r.frame, f) << "passed up as it came";
  }
  EXPECT_EQ(b->ssid(), 3u);
  EXPECT_EQ(b->stats().decapsulated, 0u);
  // Not IPv4 at all (ARP): up, untouched.
  Frame arp(60, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_EQ(ran(b->run_ingress(arp)).frame, arp);
}

TEST(XdpPrograms, InGroupIdsMoveTheIdOnlyWithinTheHalfWindowAndAcrossTheWrap) {
  SKIP_WITHOUT_BPF();
  // The in-group id rides in ToS (low 8 bits) and TTL (bits 8-13 above a 2-bit hop budget).
  auto in_group = [](std::uint32_t id) {
    const std::uint32_t low = id % pb::kSsidSpace;
    return udp(kGroup | 2, kGroup | 1, pb::kInGroupPort, pb::kInGroupPort, static_cast<std::uint8_t>(low),
               static_cast<std::uint8_t>((low >> 8) << 2 | 3));
  };
  struct Case {
    std::uint32_t from, wire, expect;
  };
  for (const Case c : {Case{100, 101, 101}, Case{100, 100 + pb::kHalfWindow, 100 + pb::kHalfWindow},
                       Case{100, 100 + pb::kHalfWindow + 1, 100}, Case{100, 100, 100}, Case{100, 99, 100},
                       Case{pb::kSsidSpace - 1, pb::kSsidSpace + 2, pb::kSsidSpace + 2},          // across the wrap
                       Case{3 * pb::kSsidSpace + 5, 7, 3 * pb::kSsidSpace + 7}}) {                // high bits kept
    auto b = backend(c.from);
    ASSERT_TRUE(b);
    const Frame f = in_group(c.wire);
    const TestRun r = ran(b->run_ingress(f));
    EXPECT_EQ(r.verdict, XDP_PASS);
    EXPECT_EQ(r.frame, f);
    EXPECT_EQ(b->ssid(), c.expect) << "from " << c.from << ", wire " << c.wire;
    EXPECT_EQ(b->stats().in_group, 1u);
    const auto events = b->poll(c.expect != c.from ? 100 : 0);
    ASSERT_EQ(events.size(), c.expect != c.from ? 1u : 0u);
    if (!events.empty()) {
      EXPECT_TRUE(events[0].in_group);
    }
  }
  // An out-group source carries no id, whatever its ToS and TTL say.
  auto b = backend(100);
  ASSERT_TRUE(b);
  ran(b->run_ingress(udp(0xc0a80001, kGroup | 1, 5000, 80, 101, 3)));
  EXPECT_EQ(b->ssid(), 100u);
  EXPECT_EQ(b->stats().in_group, 0u);
}

TEST(XdpPrograms, EgressStampsInGroupTrafficWithAValidChecksumAndLeavesTheRest) {
  SKIP_WITHOUT_BPF();
  const std::uint32_t id = 5 * pb::kSsidSpace + 0x2a7;  // low 14 bits: 0x2a7
  auto b = backend(id);
  ASSERT_TRUE(b);
  const Frame to_group = udp(kGroup | 1, kGroup | 2, pb::kInGroupPort, pb::kInGroupPort);
  const TestRun r = ran(b->run_egress(to_group));
  EXPECT_EQ(r.verdict, TC_ACT_OK);
  auto d = packet::decode(r.frame);  // checks the IPv4 and UDP checksums
  ASSERT_TRUE(std::holds_alternative<packet::Frame>(d)) << std::get<packet::DecodeError>(d).message();
  const auto& ip = std::get<packet::Frame>(d).ip;
  EXPECT_EQ(ip.tos, 0xa7);
  EXPECT_EQ(ip.ttl, (0x2 << 2) | 3);
  EXPECT_EQ(pb::ssid_of(ip.tos, ip.ttl), id % pb::kSsidSpace);
  EXPECT_EQ(b->stats().stamped, 1u);
  // Out of the group: as it was.
  const Frame out = udp(kGroup | 1, 0xc0a80001, 80, 40000, 0x10, 64);
  EXPECT_EQ(ran(b->run_egress(out)).frame, out);
  EXPECT_EQ(b->stats().stamped, 1u);
}

TEST(XdpPrograms, EachPlantedBugChangesExactlyItsEffect) {
  SKIP_WITHOUT_BPF();
  const Frame to_group = udp(kGroup | 1, kGroup | 2, pb::kInGroupPort, pb::kInGroupPort);
  {
    auto b = backend(0x2a7, core::beaver::Mutant::NoChecksumFix);
    ASSERT_TRUE(b);
    const TestRun r = ran(b->run_egress(to_group));
    EXPECT_EQ(r.frame[15], 0xa7);  // stamped
    EXPECT_TRUE(std::holds_alternative<packet::DecodeError>(packet::decode(r.frame))) << "the checksum was left stale";
  }
  {
    auto b = backend(0x2a7, core::beaver::Mutant::UntaggedInternal);
    ASSERT_TRUE(b);
    EXPECT_EQ(ran(b->run_egress(to_group)).frame, to_group);
  }
  {
    auto b = backend(0x2a7, core::beaver::Mutant::TtlUnderflow);
    ASSERT_TRUE(b);
    const TestRun r = ran(b->run_egress(to_group));
    EXPECT_EQ(r.frame[22] & 3, 0) << "no hop budget left";
    EXPECT_TRUE(std::holds_alternative<packet::Frame>(packet::decode(r.frame)));
  }
}

// ---- Capybara's switch ----

constexpr std::uint32_t kService = 0x0a090064, kClient = 0xc0a80107, kS1 = 0x0a090001, kS2 = 0x0a090002;
constexpr std::uint16_t kServicePort = 8000, kClientPort = 41000;

Frame tcp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport) {
  packet::Ipv4 ip;
  ip.proto = packet::kProtoTcp;
  ip.src = src;
  ip.dst = dst;
  packet::Tcp t;
  t.sport = sport;
  t.dport = dport;
  t.seq = 1000;
  t.flags = 0x18;
  return packet::encode_tcp({}, ip, t, packet::Bytes(10, 'd'));
}

std::unique_ptr<CapybaraSwitch> capybara_switch() {
  SwitchConfig c;
  c.service_ip = kService;
  c.service_port = kServicePort;
  c.default_owner = kS1;
  auto made = CapybaraSwitch::attach(c);
  if (auto* why = std::get_if<std::string>(&made)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<CapybaraSwitch>>(made));
}

// The frame decoded with both checksums checked, and its addresses.
std::pair<std::uint32_t, std::uint32_t> addresses(const Frame& f) {
  const auto d = packet::decode(f);
  if (auto* e = std::get_if<packet::DecodeError>(&d)) {
    ADD_FAILURE() << "a checksum or length is wrong after the rewrite: " << e->message();
    return {};
  }
  return {std::get<packet::Frame>(d).ip.src, std::get<packet::Frame>(d).ip.dst};
}

TEST(XdpPrograms, TheSwitchSendsAConnectionToItsOwnerAndGivesTheServiceAddressBack) {
  SKIP_WITHOUT_BPF();
  auto sw = capybara_switch();
  ASSERT_TRUE(sw);
  // The first packet makes the entry, owned by the default server; the destination and
  // both checksums are rewritten.
  TestRun r = ran(sw->run(tcp(kClient, kService, kClientPort, kServicePort)));
  EXPECT_EQ(r.verdict, TC_ACT_OK);
  EXPECT_EQ(addresses(r.frame), std::pair(kClient, kS1));
  const auto e = sw->entry({kClient, kClientPort});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->owner, kS1);
  EXPECT_TRUE(e->rewrite);
  EXPECT_EQ(e->passed, 1u);
  // The owner's reply leaves with the service address.
  r = ran(sw->run(tcp(kS1, kClient, kServicePort, kClientPort)));
  EXPECT_EQ(r.verdict, TC_ACT_OK);
  EXPECT_EQ(addresses(r.frame), std::pair(kService, kClient));
  // Another server speaking for the connection is dropped: one owner at a time.
  EXPECT_EQ(ran(sw->run(tcp(kS2, kClient, kServicePort, kClientPort))).verdict, TC_ACT_SHOT);
  EXPECT_EQ(sw->entry({kClient, kClientPort})->stale, 1u);
  const SwitchStats st = sw->stats();
  EXPECT_EQ(st.new_flows, 1u);
  EXPECT_EQ(st.to_owner, 1u);
  EXPECT_EQ(st.from_owner, 1u);
  EXPECT_EQ(st.stale, 1u);
}

TEST(XdpPrograms, AFrozenConnectionIsHeldAndAMovedOneGoesToItsNewOwner) {
  SKIP_WITHOUT_BPF();
  auto sw = capybara_switch();
  ASSERT_TRUE(sw);
  ASSERT_FALSE(sw->set({kClient, kClientPort}, kS2, true, true));
  EXPECT_EQ(ran(sw->run(tcp(kClient, kService, kClientPort, kServicePort))).verdict, TC_ACT_SHOT);
  EXPECT_EQ(sw->entry({kClient, kClientPort})->held, 1u);
  EXPECT_EQ(sw->stats().held, 1u);
  ASSERT_FALSE(sw->set({kClient, kClientPort}, kS2, true, false));
  EXPECT_EQ(addresses(ran(sw->run(tcp(kClient, kService, kClientPort, kServicePort))).frame), std::pair(kClient, kS2));
  EXPECT_EQ(ran(sw->run(tcp(kS1, kClient, kServicePort, kClientPort))).verdict, TC_ACT_SHOT) << "the old owner is stale now";
  // Without REWRITE the owner's packets pass as they are.
  ASSERT_FALSE(sw->set({kClient, kClientPort}, kS2, false, false));
  const Frame plain = tcp(kS2, kClient, kServicePort, kClientPort);
  EXPECT_EQ(ran(sw->run(plain)).frame, plain);
}

TEST(XdpPrograms, TheSwitchLeavesWhatIsNotItsOwnAlone) {
  SKIP_WITHOUT_BPF();
  auto sw = capybara_switch();
  ASSERT_TRUE(sw);
  Frame fragment = tcp(kClient, kService, kClientPort, kServicePort);
  fragment[20] |= 0x20;  // more fragments
  packet::fix_ipv4_checksum(fragment);
  for (const Frame& f : {udp(kClient, kService, kClientPort, kServicePort),  // not TCP
                         tcp(kClient, kService, kClientPort, kServicePort + 1),  // another port
                         tcp(kS1, kClient, kServicePort, kClientPort + 1),       // a connection it does not know
                         fragment}) {
    const TestRun r = ran(sw->run(f));
    EXPECT_EQ(r.verdict, TC_ACT_OK);
    EXPECT_EQ(r.frame, f);
  }
  EXPECT_EQ(sw->stats().new_flows, 0u);
}

}  // namespace
}  // namespace weir::xdp
