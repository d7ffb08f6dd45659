// Reading captures: link types normalised to Ethernet (SLL, SLL2, raw IP, VLAN tags off),
// pcapng as pcap, files merged by time, a packet seen at two capture points kept once
// (and a real duplicate within one file kept twice), and unreadable input refused with
// the file, the frame and the cause.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/impl/pcap_files.hpp"
#include "trace/trace.hpp"

namespace weir::trace {
namespace {

namespace fs = std::filesystem;
using test::Frames;

using Rec = test::Record;
using test::put32;
using test::write_pcap;

void put16(std::ofstream& o, std::uint16_t v) { o.write(reinterpret_cast<const char*>(&v), 2); }

// pcapng: a section header, one Ethernet interface (microseconds), enhanced packet blocks.
void write_pcapng(const fs::path& p, const std::vector<Rec>& recs) {
  std::ofstream o(p, std::ios::binary);
  put32(o, 0x0a0d0d0a);
  put32(o, 28);
  put32(o, 0x1a2b3c4d);
  put16(o, 1);
  put16(o, 0);
  put32(o, 0xffffffff);
  put32(o, 0xffffffff);
  put32(o, 28);
  put32(o, 1);  // interface description
  put32(o, 20);
  put16(o, 1);  // Ethernet
  put16(o, 0);
  put32(o, 65535);
  put32(o, 20);
  for (const Rec& r : recs) {
    const std::uint32_t padded = (static_cast<std::uint32_t>(r.bytes.size()) + 3) & ~3u;
    const std::uint64_t us = std::uint64_t{r.sec} * 1'000'000 + r.usec;
    put32(o, 6);
    put32(o, 32 + padded);
    put32(o, 0);
    put32(o, static_cast<std::uint32_t>(us >> 32));
    put32(o, static_cast<std::uint32_t>(us));
    put32(o, static_cast<std::uint32_t>(r.bytes.size()));
    put32(o, static_cast<std::uint32_t>(r.bytes.size()));
    o.write(reinterpret_cast<const char*>(r.bytes.data()), static_cast<std::streamsize>(r.bytes.size()));
    for (std::uint32_t i = static_cast<std::uint32_t>(r.bytes.size()); i < padded; ++i) o.put(0);
    put32(o, 32 + padded);
  }
}

packet::Bytes udp_frame(std::uint16_t sport) {
  packet::Ipv4 ip;
  ip.src = 0x0a000001;
  ip.dst = 0x0a000002;
  return packet::encode_udp({}, ip, packet::Udp{sport, 80}, packet::Bytes{'h', 'i'});
}

struct Got {
  std::vector<Packet> packets;
  Stats stats;
  std::optional<ReadError> error;
};
Got read_all(const std::vector<fs::path>& files, Options o = {}) {
  Got g;
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.string());
  g.error = read(names, [&](const Packet& p) { g.packets.push_back(p); }, g.stats, o);
  return g;
}

TEST(Capture, LinkTypesComeOutAsEthernetFrames) {
  const test::Scratch dir("weir-capture");
  const packet::Bytes eth = udp_frame(1000);
  const packet::Bytes ip(eth.begin() + 14, eth.end());
  // SLL: packet type, ARPHRD, address length, 8 address bytes, protocol.
  packet::Bytes sll = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00};
  sll.insert(sll.end(), ip.begin(), ip.end());
  // SLL2: protocol, reserved, ifindex, ARPHRD, packet type, address length, 8 address bytes.
  packet::Bytes sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0};
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  // Two VLAN tags (802.1ad outside 802.1Q) between the addresses and the type.
  packet::Bytes vlan(eth.begin(), eth.begin() + 12);
  for (std::uint8_t b : {0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14}) vlan.push_back(b);
  vlan.insert(vlan.end(), eth.begin() + 12, eth.end());
  write_pcap(dir.path / "sll.pcap", 113, {{1, 0, sll}});
  write_pcap(dir.path / "sll2.pcap", 276, {{1, 0, sll2}});
  write_pcap(dir.path / "raw.pcap", 101, {{1, 0, ip}});
  write_pcap(dir.path / "vlan.pcap", 1, {{1, 0, vlan}});
  for (const char* f : {"sll.pcap", "sll2.pcap", "raw.pcap", "vlan.pcap"}) {
    const Got g = read_all({dir.path / f});
    ASSERT_FALSE(g.error) << g.error->message();
    ASSERT_EQ(g.packets.size(), 1u) << f;
    const auto d = packet::decode(g.packets[0].bytes);
    ASSERT_TRUE(std::holds_alternative<packet::Frame>(d)) << f << ": " << std::get<packet::DecodeError>(d).message();
    EXPECT_EQ(std::get<packet::Udp>(std::get<packet::Frame>(d).l4).sport, 1000) << f;
    EXPECT_EQ(packet::Bytes(g.packets[0].bytes.begin() + 14, g.packets[0].bytes.end()), ip) << f;
  }
}

TEST(Capture, PcapngReadsAsPcapWithTimesAndFrameNumbers) {
  const test::Scratch dir("weir-capture");
  const std::vector<Rec> recs = {{5, 250, udp_frame(1)}, {5, 900, udp_frame(2)}, {6, 1, udp_frame(3)}};
  write_pcap(dir.path / "a.pcap", 1, recs);
  write_pcapng(dir.path / "a.pcapng", recs);
  const Got classic = read_all({dir.path / "a.pcap"}), ng = read_all({dir.path / "a.pcapng"});
  ASSERT_FALSE(classic.error);
  ASSERT_FALSE(ng.error) << ng.error->message();
  ASSERT_EQ(ng.packets.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ng.packets[i].bytes, classic.packets[i].bytes);
    EXPECT_EQ(ng.packets[i].time_ns, classic.packets[i].time_ns);
    EXPECT_EQ(ng.packets[i].frame, i + 1);
  }
  EXPECT_EQ(classic.packets[1].time_ns, 5'000'900'000ull);
}

TEST(Capture, FilesMergeByTimeAndAPacketSeenTwiceIsKeptOnce) {
  const test::Scratch dir("weir-capture");
  // The same packet seen at two points 40 us apart; another only in b; a real duplicate in a.
  write_pcap(dir.path / "a.pcap", 1, {{1, 100, udp_frame(1)}, {1, 500, udp_frame(3)}, {1, 510, udp_frame(3)}});
  write_pcap(dir.path / "b.pcap", 1, {{1, 140, udp_frame(1)}, {1, 300, udp_frame(2)}});
  const Got g = read_all({dir.path / "a.pcap", dir.path / "b.pcap"});
  ASSERT_FALSE(g.error);
  ASSERT_EQ(g.packets.size(), 4u);
  std::vector<std::uint64_t> times;
  for (const Packet& p : g.packets) times.push_back(p.time_ns / 1000 - 1'000'000);
  EXPECT_EQ(times, (std::vector<std::uint64_t>{100, 300, 500, 510}));
  EXPECT_EQ(g.packets[0].file, 0u);  // its first sighting
  EXPECT_EQ(g.packets[1].file, 1u);
  EXPECT_EQ(g.stats.duplicates, 1u);
  EXPECT_EQ(g.stats.frames, 5u);
  // Beyond the window they are two packets.
  Options narrow;
  narrow.dedupe_window_ns = 10'000;
  EXPECT_EQ(read_all({dir.path / "a.pcap", dir.path / "b.pcap"}, narrow).packets.size(), 5u);
}

TEST(Capture, AFileIsReadInItsOwnOrderWhenItsClockStepsBack) {
  const test::Scratch dir("weir-capture");
  write_pcap(dir.path / "a.pcap", 1, {{1, 500, udp_frame(1)}, {1, 200, udp_frame(2)}, {1, 600, udp_frame(3)}});
  const Got g = read_all({dir.path / "a.pcap"});
  ASSERT_FALSE(g.error);
  ASSERT_EQ(g.packets.size(), 3u);
  EXPECT_EQ(g.packets[1].frame, 2u);
  EXPECT_EQ(g.packets[1].time_ns, g.packets[0].time_ns);  // taken at its predecessor's time
  EXPECT_EQ(g.stats.out_of_order, 1u);
}

TEST(Capture, UnreadableInputIsRefusedWithFileFrameAndCause) {
  const test::Scratch dir("weir-capture");
  write_pcap(dir.path / "ok.pcap", 1, {{1, 0, udp_frame(1)}, {1, 1, udp_frame(2)}, {1, 2, udp_frame(3)}});
  // Cut in the middle of the third record.
  const auto size = fs::file_size(dir.path / "ok.pcap");
  fs::copy_file(dir.path / "ok.pcap", dir.path / "cut.pcap");
  fs::resize_file(dir.path / "cut.pcap", size - 10);
  Got g = read_all({dir.path / "cut.pcap"});
  ASSERT_TRUE(g.error);
  EXPECT_EQ(g.error->frame, 3u);
  EXPECT_NE(g.error->message().find("cut.pcap, frame 3: "), std::string::npos) << g.error->message();
  EXPECT_EQ(g.packets.size(), 2u);  // what came before was read
  std::ofstream(dir.path / "text.pcap") << "not a capture at all\n";
  g = read_all({dir.path / "text.pcap"});
  ASSERT_TRUE(g.error);
  EXPECT_EQ(g.error->frame, 0u);
  EXPECT_NE(g.error->cause.find("not a capture"), std::string::npos) << g.error->message();
  write_pcap(dir.path / "wifi.pcap", 105, {{1, 0, udp_frame(1)}});
  g = read_all({dir.path / "wifi.pcap"});
  ASSERT_TRUE(g.error);
  EXPECT_NE(g.error->cause.find("is not one Weir reads"), std::string::npos) << g.error->message();
}

}  // namespace
}  // namespace weir::trace
