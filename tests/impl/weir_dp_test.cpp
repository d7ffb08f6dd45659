// weir-dp, the program, as a user runs it: a trace in through net_pcap, a trace out. Every
// well-formed frame leaves encapsulated for a backend and stamped with the id asked for,
// in order; malformed ones are counted and dropped; nothing stays in the pool; bad
// options and devices DPDK cannot open exit 2 with the reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "impl/core/pegasus.hpp"
#include "impl/packet/packet.hpp"
#include "tests/cli/cli_support.hpp"
#include "tests/impl/pcap_files.hpp"

namespace weir {
namespace {

namespace fs = std::filesystem;
using test::Frames;
using test::read_pcap;
using test::Scratch;
using test::write_pcap;

test::CliRun weir_dp(const std::string& args, const fs::path& dir) {
  return test::run_program(WEIR_DP_BINARY, args, dir.string());
}

TEST(WeirDp, ATraceThroughTheBeaverGatewayComesOutMarked) {
  const Scratch scratch;
  const fs::path& dir = scratch.path;
  Frames frames;
  for (std::uint16_t i = 0; i < 120; ++i) {
    packet::Ipv4 ip;
    ip.src = 0xc0a80001 + i % 5;
    ip.dst = 0x0a000064;
    frames.push_back(packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(1000 + i), 80}, packet::Bytes(10, 'x')));
  }
  Frames with_bad = frames;
  with_bad.insert(with_bad.begin() + 10, packet::Bytes(30, 0));                 // not IPv4
  with_bad.insert(with_bad.begin() + 50, packet::Bytes(frames[3].begin(), frames[3].begin() + 30));  // truncated
  write_pcap(dir / "in.pcap", with_bad);
  const test::CliRun r = weir_dp("beaver-gateway --port net_pcap0,rx_pcap=" + (dir / "in.pcap").string() + ",tx_pcap=" +
                            (dir / "out.pcap").string() + " --ip 10.0.0.1 --backend 10.1.0.1 --backend 10.1.0.2 --ssid 7",
                        dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto counters = nlohmann::json::parse(r.out);
  EXPECT_EQ(counters["received"], 122);
  EXPECT_EQ(counters["sent"], 120);
  EXPECT_EQ(counters["refused"], 2);
  EXPECT_EQ(counters["buffers_in_use"], 0);
  const Frames out = read_pcap(dir / "out.pcap");
  ASSERT_EQ(out.size(), frames.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto x = packet::beaver::decapsulate(out[i]);
    ASSERT_TRUE(std::holds_alternative<packet::beaver::Encapsulated>(x)) << std::get<packet::DecodeError>(x).message();
    const auto& e = std::get<packet::beaver::Encapsulated>(x);
    EXPECT_EQ(e.ssid, 7u);
    EXPECT_TRUE(e.outer.ip.dst == 0x0a010001u || e.outer.ip.dst == 0x0a010002u);
    EXPECT_EQ(packet::Bytes(out[i].begin() + static_cast<std::ptrdiff_t>(e.inner_offset), out[i].end()), frames[i]);
  }
}

TEST(WeirDp, ATraceThroughThePegasusSwitchComesOutAsTheCoreRoutesIt) {
  const Scratch scratch;
  const fs::path& dir = scratch.path;
  namespace cp = core::pegasus;
  cp::Topology t;
  t.switch_ip = 0x0a000001;
  t.servers = {0x0a000101, 0x0a000102, 0x0a000103};
  t.clients = {0x0a000201, 0x0a000202};
  cp::Switch reference(t, {42});
  cp::Client a(0, t), b(1, t);
  Frames requests, expected;
  for (int i = 0; i < 60; ++i) {
    cp::Client& c = i % 2 ? a : b;
    requests.push_back(i % 3 == 0 ? c.issue(cp::Client::Kind::Put, i % 4 ? 42 : 7, packet::Bytes{'v'})
                                  : c.issue(cp::Client::Kind::Get, i % 4 ? 42 : 7));
    auto outs = reference.receive(requests.back());
    for (auto& o : std::get<std::vector<cp::Out>>(outs)) expected.push_back(std::move(o.frame));
  }
  write_pcap(dir / "in.pcap", requests);
  const test::CliRun r = weir_dp("pegasus-switch --port net_pcap0,rx_pcap=" + (dir / "in.pcap").string() +
                                     ",tx_pcap=" + (dir / "out.pcap").string() +
                                     " --ip 10.0.0.1 --server 10.0.1.1 --server 10.0.1.2 --server 10.0.1.3"
                                     " --client 10.0.2.1 --client 10.0.2.2 --hot 42",
                                 dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto counters = nlohmann::json::parse(r.out);
  EXPECT_EQ(counters["received"], 60);
  EXPECT_EQ(counters["sent"], 60);
  EXPECT_EQ(counters["buffers_in_use"], 0);
  EXPECT_EQ(read_pcap(dir / "out.pcap"), expected);
}

// The hold stage: frames held for a delay and a drawn jitter leave all of them, out of
// their order; loss and duplication take and add frames, and every buffer comes back.
TEST(WeirDp, InterferenceDelaysReordersLosesAndDuplicatesInUserSpace) {
  const Scratch scratch;
  const fs::path& dir = scratch.path;
  Frames frames;
  for (std::uint16_t i = 0; i < 200; ++i) {
    packet::Ipv4 ip;
    ip.src = 0xc0a80001;
    ip.dst = 0x0a000064;
    frames.push_back(packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(1000 + i), 80}, packet::Bytes(4, 'x')));
  }
  write_pcap(dir / "in.pcap", frames);
  auto through = [&](const std::string& interference) {
    const test::CliRun r = weir_dp("beaver-gateway --port net_pcap0,rx_pcap=" + (dir / "in.pcap").string() + ",tx_pcap=" +
                                       (dir / "out.pcap").string() + " --ip 10.0.0.1 --backend 10.1.0.1 " + interference,
                                   dir);
    EXPECT_EQ(r.exit, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["buffers_in_use"], 0) << interference;
    // Each frame out as the client's source port, in the order it left.
    std::vector<std::uint16_t> ports;
    for (const auto& f : read_pcap(dir / "out.pcap")) {
      const auto x = packet::beaver::decapsulate(f);
      EXPECT_TRUE(std::holds_alternative<packet::beaver::Encapsulated>(x));
      const auto inner = packet::decode(packet::View(f).subspan(std::get<packet::beaver::Encapsulated>(x).inner_offset));
      ports.push_back(std::get<packet::Udp>(std::get<packet::Frame>(inner).l4).sport);
    }
    return std::pair{j, ports};
  };
  const auto [plain, in_order] = through("");
  ASSERT_EQ(in_order.size(), 200u);
  EXPECT_TRUE(std::is_sorted(in_order.begin(), in_order.end()));
  // A constant delay alone reorders nothing: frames due at the same time (a burst taken
  // at once) leave in the order they came.
  const auto [delayed, delayed_order] = through("--delay-us 2000");
  EXPECT_EQ(delayed["hold"]["sent"], 200);
  EXPECT_EQ(delayed_order, in_order) << "a constant delay reordered frames due at the same time";
  const auto [held, reordered] = through("--delay-us 1000 --jitter-us 20000");
  EXPECT_EQ(held["hold"]["sent"], 200);
  ASSERT_EQ(reordered.size(), 200u);
  EXPECT_FALSE(std::is_sorted(reordered.begin(), reordered.end())) << "a jitter 100 times the spacing reordered nothing";
  EXPECT_EQ(std::set<std::uint16_t>(reordered.begin(), reordered.end()).size(), 200u);  // every frame, once
  const auto [lossy, kept] = through("--loss 0.5 --seed 7");
  EXPECT_EQ(lossy["hold"]["lost"].get<std::size_t>() + kept.size(), 200u);
  EXPECT_GT(kept.size(), 60u);
  EXPECT_LT(kept.size(), 140u);
  const auto [doubled, twice] = through("--duplicate 1");
  EXPECT_EQ(twice.size(), 400u);
  EXPECT_EQ(doubled["hold"]["duplicated"], 200);
}

TEST(WeirDp, BadOptionsAndDevicesExitTwoWithTheReason) {
  const Scratch scratch;
  const fs::path& dir = scratch.path;
  test::CliRun r = weir_dp("beaver-gateway --port net_null0 --ip 10.0.0 --backend 10.1.0.1", dir);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("--ip 10.0.0: not an IPv4 address"), std::string::npos) << r.err;
  r = weir_dp("beaver-gateway --port net_nosuchdevice0 --ip 10.0.0.1 --backend 10.1.0.1", dir);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("virtual device net_nosuchdevice0"), std::string::npos) << r.err;
  r = weir_dp("beaver-gateway --port net_null0 --ip 10.0.0.1 --backend 10.1.0.1 --group 10.1.0.0/40", dir);
  EXPECT_EQ(r.exit, 2);
  r = weir_dp("beaver-gateway --ip 10.0.0.1", dir);  // no --port
  EXPECT_EQ(r.exit, 2);
  r = weir_dp("pegasus-switch --port net_null0 --ip 10.0.0.1 --server 10.0.1.1 --client 10.0.2.1 --identifier 0x10000", dir);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("--identifier 0x10000: not a 16-bit number"), std::string::npos) << r.err;
  r = weir_dp("pegasus-switch --port net_null0 --ip 10.0.0.1 --server 10.0.1.x --client 10.0.2.1", dir);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("--server 10.0.1.x: not an IPv4 address"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace weir
