// Figures for impl/dpdk (issue 15): million packets per second through Beaver's gateway
// on DPDK, marking (encapsulating in place, stamping the id) and as a plain forwarder
// (the same loop, marking off), 64-byte frames, one core; and through Pegasus's switch.
//   dp_bench [--seconds S]
// net_ring: the port's receive and transmit rings are joined by this program, which puts
// every sent frame back (its 46 bytes taken off), so the figure includes one ring
// dequeue and enqueue per frame beside the gateway's work. net_null: a device that
// makes zero-filled frames and drops what it is given; only the forwarder can run there,
// since the gateway refuses frames that are not IPv4.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "impl/dpdk/dp.hpp"

namespace {

using namespace weir;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

core::beaver::GatewayConfig config() {
  core::beaver::GatewayConfig c;
  c.ip = 0x0a000001;
  c.backends = {0x0a010001, 0x0a010002, 0x0a010003, 0x0a010004};
  c.group_prefix = 0x0a010000;
  c.group_mask = 0xffff0000;
  return c;
}

// 64-byte frames (Ethernet 14, IPv4 20, UDP 8, payload 22) over 256 flows.
std::vector<std::vector<std::uint8_t>> frames(unsigned n) {
  std::vector<std::vector<std::uint8_t>> f;
  for (unsigned i = 0; i < n; ++i) {
    packet::Ipv4 ip;
    ip.src = 0xc0a80001 + i % 16;
    ip.dst = 0x0a000064;
    f.push_back(packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(1000 + i % 16), 80},
                                   packet::Bytes(22, 1)));
  }
  return f;
}

// A data plane whose input and output is `port`, every sent frame put back.
template <class DataPlane>
double ring_loop(DataPlane& dp, const dp::Port& port, std::uint16_t strip, double seconds) {
  const double t0 = now();
  double t = t0;
  while (t - t0 < seconds) {
    for (int i = 0; i < 4096; ++i) {
      dp.poll();
      port.loop_back(strip);
    }
    t = now();
  }
  if (dp.counters().refused || dp.counters().no_room || dp.counters().dropped)
    std::fprintf(stderr, "dp_bench: frames refused or dropped\n");
  return static_cast<double>(dp.counters().sent) / (t - t0) / 1e6;
}

double ring_mpps(bool marking, double seconds, const dp::Pool& pool, int round) {
  auto port = dp::Port::ring("bench" + std::to_string(round), pool, 1024);
  core::beaver::Gateway g(config());
  dp::BeaverGateway gw(g, port->id(), port->id(), marking);
  port->feed(pool, frames(512));
  return ring_loop(gw, *port, marking ? packet::beaver::kEncapOverhead : 0, seconds);
}

// Pegasus's switch routing reads of the hot key (62-byte frames: a GET has no value),
// round-robin over rset, each routed frame routed again.
double pegasus_mpps(double seconds, const dp::Pool& pool) {
  auto port = dp::Port::ring("bench_pegasus", pool, 1024);
  core::pegasus::Topology t;
  t.switch_ip = 0x0a000001;
  t.servers = {0x0a000101, 0x0a000102, 0x0a000103};
  for (std::uint32_t c = 0; c < 16; ++c) t.clients.push_back(0x0a000201 + c);
  core::pegasus::Switch s(t, {42});
  dp::PegasusSwitch sw(s, port->id(), port->id());
  std::vector<std::vector<std::uint8_t>> reads;
  for (std::uint8_t c = 0; c < 16; ++c) {
    core::pegasus::Client client(c, t);
    for (int i = 0; i < 32; ++i) reads.push_back(client.issue(core::pegasus::Client::Kind::Get, 42));
  }
  port->feed(pool, reads);
  return ring_loop(sw, *port, 0, seconds);
}

double null_mpps(double seconds, const dp::Pool& pool) {
  auto port = dp::Port::vdev("net_null0,size=64", pool);
  core::beaver::Gateway g(config());
  dp::BeaverGateway gw(g, port->id(), port->id(), false);
  const double t0 = now();
  double t = t0;
  while (t - t0 < seconds) {
    for (int i = 0; i < 4096; ++i) gw.poll();
    t = now();
  }
  return static_cast<double>(gw.counters().sent) / (t - t0) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[i + 1]);
  if (auto why = dp::start_eal()) {
    std::fprintf(stderr, "dp_bench: %s\n", why->c_str());
    return 1;
  }
  const dp::Pool pool("bench", 4095);
  std::printf("one core, %.0f s each, 64-byte frames; targets: marking >= 10 Mpps, marking/forwarding >= 0.9\n",
              seconds);
  const double forward = ring_mpps(false, seconds, pool, 0), mark = ring_mpps(true, seconds, pool, 1);
  std::printf("  net_ring  beaver-gateway, forwarding (marking off)  %6.2f Mpps\n", forward);
  std::printf("  net_ring  beaver-gateway, marking                   %6.2f Mpps  (ratio %.2f)\n", mark, mark / forward);
  std::printf("  net_null  beaver-gateway, forwarding (marking off)  %6.2f Mpps\n", null_mpps(seconds, pool));
  std::printf("  net_ring  pegasus-switch, routing reads             %6.2f Mpps\n", pegasus_mpps(seconds, pool));
  return 0;
}
