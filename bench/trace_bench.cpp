// trace_bench: how fast `weir trace` reads a capture and extracts Pegasus operations, one
// core; first, the hostile capture shapes that were quadratic (each must be linear). Writes a pcap of N frames (64 clients' gets and puts and their replies), then
// times reading it alone, and reading with the extraction. Target: 1 M packets/s.
//   trace_bench [--frames 2000000] [--file /tmp/weir-trace-bench.pcap] [--beaver CAPTURE]
//               [--capybara CAPTURE]
// With --beaver, also times Beaver's extraction over a capture the live harness recorded
// (weir replay --impl beaver ... --record DIR: DIR/capture.pcap); with --capybara, the
// Capybara judge over a switch capture (weir replay --impl capybara --record DIR:
// DIR/switch.pcap; service 10.9.0.100:8000).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "impl/core/pegasus.hpp"
#include "trace/beaver.hpp"
#include "trace/capybara.hpp"
#include "trace/pegasus.hpp"

namespace {

using namespace weir;

void put32(std::ofstream& o, std::uint32_t v) { o.write(reinterpret_cast<const char*>(&v), 4); }

void write_capture(const std::string& path, std::uint64_t frames) {
  std::ofstream o(path, std::ios::binary);
  put32(o, 0xa1b2c3d4);
  put32(o, 2 | 4u << 16);
  put32(o, 0);
  put32(o, 0);
  put32(o, 65535);
  put32(o, 1);
  core::pegasus::Topology t;
  t.switch_ip = 0x0a000001;
  t.servers = {0x0a000101, 0x0a000102, 0x0a000103};
  for (std::uint32_t c = 0; c < 64; ++c) t.clients.push_back(0x0a000200 + c + 1);
  std::vector<core::pegasus::Client> clients;
  for (std::uint8_t c = 0; c < 64; ++c) clients.emplace_back(c, t);
  std::uint64_t us = 0;
  auto write = [&](const packet::Bytes& f) {
    put32(o, static_cast<std::uint32_t>(us / 1'000'000));
    put32(o, static_cast<std::uint32_t>(us % 1'000'000));
    put32(o, static_cast<std::uint32_t>(f.size()));
    put32(o, static_cast<std::uint32_t>(f.size()));
    o.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
    ++us;
  };
  for (std::uint64_t i = 0; i < frames / 2; ++i) {
    const std::uint8_t c = static_cast<std::uint8_t>(i % 64);
    const bool get = i % 3 != 0;
    const std::uint32_t key = static_cast<std::uint32_t>(i % 16);
    const packet::Bytes request =
        clients[c].issue(get ? core::pegasus::Client::Kind::Get : core::pegasus::Client::Kind::Put, key, packet::Bytes{'v', 'a', 'l'});
    write(request);
    // The server's reply, as it would come back through the switch.
    const auto d = packet::decode(request);
    const auto& fr = std::get<packet::Frame>(d);
    auto m = std::get<packet::pegasus::Message>(
        packet::pegasus::decode(packet::View(request).subspan(fr.payload_offset, fr.payload_size), packet::pegasus::kP4Identifier));
    m.h.op = get ? packet::pegasus::Op::RepR : packet::pegasus::Op::RepW;
    m.value = get ? packet::Bytes{'v', 'a', 'l'} : packet::Bytes{};
    packet::Ipv4 ip;
    ip.src = t.servers[key % 3];
    ip.dst = t.clients[c];
    const packet::Bytes reply = packet::encode_udp({}, ip, packet::Udp{8888, 50000}, packet::pegasus::encode(m));
    write(reply);
    clients[c].receive(reply);  // so that the client's next request is a new operation
  }
}

// A pcap (microseconds, Ethernet) written frame by frame.
struct PcapOut {
  std::ofstream o;
  explicit PcapOut(const std::string& path) : o(path, std::ios::binary) {
    for (std::uint32_t v : {0xa1b2c3d4u, 2u | 4u << 16, 0u, 0u, 262144u, 1u}) put32(o, v);
  }
  void frame(std::uint64_t us, const packet::Bytes& f) {
    for (std::uint32_t v : {static_cast<std::uint32_t>(us / 1'000'000), static_cast<std::uint32_t>(us % 1'000'000),
                            static_cast<std::uint32_t>(f.size()), static_cast<std::uint32_t>(f.size())})
      put32(o, v);
    o.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
  }
};

packet::Bytes udp_frame(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport, const packet::Bytes& payload) {
  packet::Ipv4 ip;
  ip.src = src;
  ip.dst = dst;
  return packet::encode_udp({}, ip, packet::Udp{sport, dport}, payload);
}

template <class F>
double seconds_of(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The capture shapes that were quadratic (issue 28, section 5): each must take well under
// 0.1 s. Identical frames seen in two files (deduplication), Capybara connections times
// migrations, frames under thousands of stacked VLAN tags.
void shapes() {
  std::printf("hostile capture shapes (target: each under 0.1 s)\n");
  const std::string a = "/tmp/weir-trace-bench-a.pcap", b = "/tmp/weir-trace-bench-b.pcap";
  {
    const packet::Bytes same = udp_frame(0x0a000201, 0x0a000001, 50000, 8888, packet::Bytes(40, 'x'));
    PcapOut fa(a), fb(b);
    for (std::uint64_t i = 0; i < 30'000; ++i) {
      fa.frame(i, same);
      fb.frame(i, same);
    }
  }
  trace::Stats st;
  double t = seconds_of([&] { trace::read({a, b}, [](const trace::Packet&) {}, st); });
  std::printf("  %-58s %8.3f s  (%llu duplicates dropped)\n", "30,000 identical frames in each of two files, deduplicated", t,
              static_cast<unsigned long long>(st.duplicates));
  {
    namespace pc = packet::capybara;
    PcapOut f(a);
    std::uint64_t us = 0;
    for (std::uint32_t m = 0; m < 200; ++m)
      for (std::uint32_t c = 0; c < 200; ++c) {
        pc::Message msg;
        msg.h = {pc::Stage::Prepare, 0, m * 200 + c, 0x0a000200 + c, static_cast<std::uint16_t>(40000 + c), 8000};
        const std::uint32_t origin = 0x0a000101 + (m % 2), target = 0x0a000102 - (m % 2);
        f.frame(us++, udp_frame(origin, target, pc::kControlPort, pc::kControlPort, pc::encode(msg)));
      }
  }
  trace::capybara::Judge judge({0x0a090064, 8000, packet::capybara::kControlPort});
  std::uint64_t control = 0;
  t = seconds_of([&] {
    trace::Stats s2;
    trace::read({a}, [&](const trace::Packet& p) { judge.add(p); }, s2);
    control = std::move(judge).finish().control;
  });
  std::printf("  %-58s %8.3f s  (%llu control messages judged)\n", "Capybara: 200 connections x 200 migrations, 40,000 PREPAREs", t,
              static_cast<unsigned long long>(control));
  {
    packet::Bytes f = udp_frame(0x0a000201, 0x0a000001, 50000, 8888, packet::Bytes(8, 'x'));
    packet::Bytes tags;
    for (int i = 0; i < 16'000; ++i) tags.insert(tags.end(), {0x81, 0x00, 0x00, static_cast<std::uint8_t>(i & 0xff)});
    f.insert(f.begin() + 12, tags.begin(), tags.end());
    PcapOut out(a);
    for (std::uint64_t i = 0; i < 30; ++i) out.frame(i, f);
  }
  trace::Stats s3;
  t = seconds_of([&] { trace::read({a}, [](const trace::Packet&) {}, s3); });
  std::printf("  %-58s %8.3f s  (%llu frames read)\n", "30 frames under 16,000 stacked VLAN tags each", t,
              static_cast<unsigned long long>(s3.frames));
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t frames = 2'000'000;
  std::string file = "/tmp/weir-trace-bench.pcap", beaver, capybara;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--frames")) frames = std::stoull(argv[i + 1]);
    if (!std::strcmp(argv[i], "--file")) file = argv[i + 1];
    if (!std::strcmp(argv[i], "--beaver")) beaver = argv[i + 1];
    if (!std::strcmp(argv[i], "--capybara")) capybara = argv[i + 1];
  }
  shapes();
  write_capture(file, frames);
  std::printf("trace_bench: %llu frames, %.1f MB (%s), one core; target: 1 M packets/s decoding and extraction\n",
              static_cast<unsigned long long>(frames), static_cast<double>(std::filesystem::file_size(file)) / 1e6, file.c_str());
  for (int pass = 0; pass < 2; ++pass) {
    trace::Stats stats;
    trace::pegasus::Extractor x;
    std::uint64_t bytes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const auto err = trace::read({file}, [&](const trace::Packet& p) {
      bytes += p.bytes.size();
      if (pass == 1) x.add(p);
    }, stats);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (err) {
      std::printf("error: %s\n", err->message().c_str());
      return 1;
    }
    const auto e = std::move(x).finish();
    std::printf("  %-32s %8.2f M packets/s  (%.2f s)%s\n", pass == 0 ? "read (libpcap, normalised)" : "read + Pegasus extraction",
                static_cast<double>(stats.frames) / s / 1e6, s,
                pass == 1 ? (", " + std::to_string(e.ops.size()) + " operations").c_str() : "");
  }
  std::filesystem::remove(file);
  if (!beaver.empty()) {
    trace::Stats stats;
    trace::beaver::Options o;
    o.threshold_us = 33;
    trace::beaver::Extractor x(o);
    trace::Options ro;
    ro.dedupe_window_ns = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const auto err = trace::read({beaver}, [&](const trace::Packet& p) { x.add(p); }, stats, ro);
    const auto e = std::move(x).finish([](trace::beaver::FrameRef) { return std::string(); });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (err) {
      std::printf("error: %s\n", err->message().c_str());
      return 1;
    }
    std::printf("  %-32s %8.2f M packets/s  (%.2f s, %llu frames, %llu messages)\n", "read + Beaver extraction",
                static_cast<double>(stats.frames) / s / 1e6, s, static_cast<unsigned long long>(stats.frames),
                static_cast<unsigned long long>(e.messages));
  }
  if (!capybara.empty()) {
    trace::Stats stats;
    trace::capybara::Judge judge({0x0a090064, 8000, 7300});
    const auto t0 = std::chrono::steady_clock::now();
    const auto err = trace::read({capybara}, [&](const trace::Packet& p) { judge.add(p); }, stats);
    const auto r = std::move(judge).finish();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (err) {
      std::printf("error: %s\n", err->message().c_str());
      return 1;
    }
    std::printf("  %-32s %8.2f M packets/s  (%.2f s, %llu frames, %zu migrations)\n", "read + Capybara judge",
                static_cast<double>(stats.frames) / s / 1e6, s, static_cast<unsigned long long>(stats.frames),
                r.migrations.size());
  }
  return 0;
}
