// A capture's verdict does not depend on where its snapshot ids stand: the same traffic
// with its ids shifted (to 0, next to the 14-bit in-group wrap, next to 2^32) gives the same
// snapshots and the same inconsistency. Guards the class of an id derived by subtracting one
// (a start one below the first id wrapped from 0 to 2^32-1, no backend took a snapshot, and
// an inconsistent capture was called consistent).
#include <gtest/gtest.h>

#include "checker/cut/cut.hpp"
#include "trace/beaver.hpp"

namespace weir::trace {
namespace {

namespace pb = packet::beaver;

constexpr std::uint32_t kGateway = 0x0a000001, kLagging = 0x0a000002, kVip = 0x0a000064;
constexpr std::uint32_t kBackendA = 0x0a010001, kBackendB = 0x0a010002, kClient = 0x0a020001, kService = 0x0a030001;

packet::Bytes plain(std::uint32_t src, std::uint32_t dst, std::uint16_t ip_id, const std::string& body) {
  packet::Ipv4 ip;
  ip.src = src;
  ip.dst = dst;
  ip.id = ip_id;
  const packet::Bytes payload(body.begin(), body.end());
  return packet::encode_udp({}, ip, {40000, 8000}, payload);
}

packet::Bytes marked(std::uint32_t gateway, std::uint32_t backend, std::uint32_t ssid, const packet::Bytes& inner) {
  packet::Ipv4 ip;
  ip.src = gateway;
  ip.dst = backend;
  return pb::encapsulate({}, ip, 8000, ssid, inner);
}

// Backend A takes snapshot b+1 (a request marked b+1), then tells an out-group service, which
// calls back in through a gateway that lags at b: backend B receives it inside snapshot b+1's
// cut, though A's send is outside it. Inconsistent at b+1, whatever b is.
cut::Result judge(std::uint32_t b, std::vector<std::uint32_t>* ids) {
  beaver::Extractor x;
  std::uint64_t t = 1'000'000, frame = 0;
  auto add = [&](packet::Bytes bytes) { x.add(Packet{0, ++frame, t += 1000, std::move(bytes), Direction::Unknown}); };
  const auto r1 = plain(kClient, kVip, 1, "request");
  add(r1);
  add(marked(kGateway, kBackendA, b + 1, r1));
  const auto m1 = plain(kBackendA, kService, 2, "tell");
  add(m1);
  add(m1);
  const auto m2 = plain(kService, kVip, 3, "call back");
  add(m2);
  add(marked(kLagging, kBackendB, b, m2));
  const beaver::Extraction e = std::move(x).finish([](beaver::FrameRef f) { return std::string("#").append(std::to_string(f.frame)); });
  EXPECT_TRUE(e.problems.empty()) << e.problems.front();
  for (const auto& s : e.snapshots) ids->push_back(s.ssid);
  auto parsed = cut::parse_execution(e.execution_jsonl, "capture");
  EXPECT_TRUE(std::holds_alternative<cut::Execution>(parsed));
  auto checked = cut::check(std::get<cut::Execution>(parsed));
  EXPECT_TRUE(std::holds_alternative<cut::Result>(checked));
  return std::get<cut::Result>(checked);
}

TEST(BeaverTraceIds, TheVerdictIsTheSameWhereverTheIdsStart) {
  for (std::uint32_t b : {0u, 1u, 5u, pb::kSsidSpace - 2, pb::kSsidSpace - 1, pb::kSsidSpace, 0x7fffffffu, 0xfffffffdu,
                          0xfffffffeu}) {
    SCOPED_TRACE("first id " + std::to_string(b));
    std::vector<std::uint32_t> ids;
    const cut::Result r = judge(b, &ids);
    EXPECT_EQ(ids, (std::vector<std::uint32_t>{b, b + 1}));
    EXPECT_EQ(r.snapshots, (std::vector<std::uint64_t>{b, std::uint64_t{b} + 1})) << "every backend took both snapshots";
    EXPECT_FALSE(r.consistent);
    ASSERT_FALSE(r.violations.empty());
    EXPECT_EQ(r.violations[0].kind, cut::ViolationKind::Inconsistent);
    EXPECT_EQ(r.violations[0].ssid, std::uint64_t{b} + 1);
  }
}

}  // namespace
}  // namespace weir::trace
