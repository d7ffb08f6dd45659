// weir-dp: the data plane as a program, one role per instance, on DPDK virtual devices.
//   weir-dp beaver-gateway --port DEVARGS [--out DEVARGS] --ip A --backend A [--backend A...]
//                          [--group PREFIX/LEN] [--ssid N] [--no-marking] [--duration S] [--idle-ms MS]
// e.g. --port net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap: a trace in, a trace out. It
// stops when --duration has passed, when no frame came for --idle-ms, or on SIGINT or
// SIGTERM, closes its ports (a pcap is flushed then) and prints its counters as one JSON
// line. Exit codes as for weir: 0 ran, 2 bad options or a device DPDK would not open,
// 4 DPDK itself would not start.
#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "impl/dpdk/dp.hpp"

namespace {

using namespace weir;
volatile std::sig_atomic_t stop_requested = 0;

std::optional<std::uint32_t> ipv4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

struct Options {
  std::string port, out, ip, group = "10.1.0.0/16";
  std::vector<std::string> backends;
  std::uint32_t ssid = 0;
  bool no_marking = false;
  double duration = 10;
  unsigned idle_ms = 200;
};

int bad(const std::string& why) {
  std::cerr << "weir-dp: " << why << "\n";
  return 2;
}

int run_gateway(const Options& o) {
  core::beaver::GatewayConfig c;
  const auto ip = ipv4(o.ip);
  if (!ip) return bad("--ip " + o.ip + ": not an IPv4 address");
  c.ip = *ip;
  for (const std::string& b : o.backends) {
    const auto a = ipv4(b);
    if (!a) return bad("--backend " + b + ": not an IPv4 address");
    c.backends.push_back(*a);
  }
  const std::size_t slash = o.group.find('/');
  const auto prefix = ipv4(o.group.substr(0, slash));
  const int len = slash == std::string::npos ? -1 : std::atoi(o.group.c_str() + slash + 1);
  if (!prefix || len < 0 || len > 32) return bad("--group " + o.group + ": not PREFIX/LEN (e.g. 10.1.0.0/16)");
  c.group_mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
  c.group_prefix = *prefix & c.group_mask;
  c.ssid = o.ssid;
  if (auto why = dp::start_eal()) {
    std::cerr << "weir-dp: " << *why << "\n";
    return 4;
  }
  std::unique_ptr<dp::Pool> pool;
  std::unique_ptr<dp::Port> in, out;
  try {
    pool = std::make_unique<dp::Pool>("weir_dp", 4095);
    in = dp::Port::vdev(o.port, *pool);
    if (!o.out.empty()) out = dp::Port::vdev(o.out, *pool);
  } catch (const std::runtime_error& e) {
    return bad(e.what());
  }
  core::beaver::Gateway gateway(c);
  dp::BeaverGateway gw(gateway, in->id(), out ? out->id() : in->id(), !o.no_marking);
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_frame = start;
  while (!stop_requested) {
    const auto now = clock::now();
    if (gw.poll() > 0) last_frame = now;
    if (std::chrono::duration<double>(now - start).count() >= o.duration) break;
    if (now - last_frame >= std::chrono::milliseconds(o.idle_ms)) break;
  }
  const dp::Counters k = gw.counters();
  out.reset();
  in.reset();  // closes the devices: a tx_pcap is written out here
  std::cout << nlohmann::json{{"role", "beaver-gateway"}, {"received", k.received}, {"sent", k.sent},
                              {"refused", k.refused},     {"no_room", k.no_room},   {"tx_full", k.tx_full},
                              {"ssid", gateway.ssid()},   {"buffers_in_use", pool->in_use()}}
                   .dump()
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weir-dp: Weir's data-plane cores on DPDK virtual devices"};
  app.require_subcommand(1);
  Options o;
  CLI::App* gw = app.add_subcommand("beaver-gateway", "Beaver's gateway: encapsulates and stamps every frame");
  gw->add_option("--port", o.port, "the device frames come in on (and go out of, without --out)")->required();
  gw->add_option("--out", o.out, "a second device for what goes out");
  gw->add_option("--ip", o.ip, "the gateway's address")->required();
  gw->add_option("--backend", o.backends, "a backend's address (repeat)")->required();
  gw->add_option("--group", o.group, "the in-group prefix")->capture_default_str();
  gw->add_option("--ssid", o.ssid, "the snapshot id to stamp")->capture_default_str();
  gw->add_flag("--no-marking", o.no_marking, "forward only (the Ethernet addresses rewritten)");
  gw->add_option("--duration", o.duration, "stop after this many seconds")->check(CLI::Range(0.0, 1e6))->capture_default_str();
  gw->add_option("--idle-ms", o.idle_ms, "stop when no frame came for this long")->check(CLI::Range(1u, 3'600'000u))->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return bad(e.what());
  }
  return run_gateway(o);
}
