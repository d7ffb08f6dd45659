// Tests' pcap files: the classic format written and read by hand (no libpcap), so that
// what Weir writes with libpcap is checked by a reader of its own; and a scratch
// directory per test.
#pragma once

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "impl/packet/packet.hpp"

namespace weir::test {

namespace fs = std::filesystem;
using Frames = std::vector<packet::Bytes>;

// The classic pcap format (little-endian, microseconds, Ethernet): enough to write a
// trace and read weir-dp's back without another library.
inline void put32(std::ofstream& o, std::uint32_t v) { o.write(reinterpret_cast<const char*>(&v), 4); }
// One record: its time and bytes.
struct Record {
  std::uint32_t sec = 1, usec = 0;
  packet::Bytes bytes;
};
inline void write_pcap(const fs::path& p, std::uint32_t link, const std::vector<Record>& recs) {
  std::ofstream o(p, std::ios::binary);
  put32(o, 0xa1b2c3d4);
  put32(o, 2 | 4u << 16);  // version 2.4
  put32(o, 0);
  put32(o, 0);
  put32(o, 65535);
  put32(o, link);
  for (const Record& r : recs) {
    put32(o, r.sec);
    put32(o, r.usec);
    put32(o, static_cast<std::uint32_t>(r.bytes.size()));
    put32(o, static_cast<std::uint32_t>(r.bytes.size()));
    o.write(reinterpret_cast<const char*>(r.bytes.data()), static_cast<std::streamsize>(r.bytes.size()));
  }
}
// Ethernet frames, one microsecond apart.
inline void write_pcap(const fs::path& p, const Frames& frames) {
  std::vector<Record> recs;
  for (std::size_t i = 0; i < frames.size(); ++i) recs.push_back({1, static_cast<std::uint32_t>(i), frames[i]});
  write_pcap(p, 1, recs);
}
inline Frames read_pcap(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), {});
  auto u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, all.data() + at, 4);
    return v;
  };
  Frames out;
  for (std::size_t at = 24; at + 16 <= all.size();) {
    const std::uint32_t len = u32(at + 8);
    if (at + 16 + len > all.size()) break;
    out.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(at + 16), all.begin() + static_cast<std::ptrdiff_t>(at + 16 + len));
    at += 16 + len;
  }
  return out;
}

// A scratch directory of this test, removed when it ends (passed or not).
struct Scratch {
  explicit Scratch(const std::string& name = "weir-dp")
      : path(fs::temp_directory_path() / (name + "-" + std::to_string(getpid()))) {
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  fs::path path;
};

}  // namespace weir::test
