// weir-dp: the data plane as a program, one role per instance, on DPDK virtual devices.
//   weir-dp beaver-gateway --port DEVARGS [--out DEVARGS] --ip A --backend A [--backend A...]
//                          [--group PREFIX/LEN] [--ssid N] [--mac M] [--next-hop-mac M] [--no-marking]
//                          [--duration S] [--idle-ms MS] [INTERFERENCE]
//   weir-dp pegasus-switch --port DEVARGS [--out DEVARGS] --ip A --server A [--server A...]
//                          --client A [--client A...] [--hot KEYHASH...] [--identifier 0x5047]
//                          [--duration S] [--idle-ms MS]
// INTERFERENCE on the way out, made in user space: [--delay-us US] [--jitter-us US]
// [--loss P] [--duplicate P] [--seed N].
// e.g. --port net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap: a trace in, a trace out. It
// stops when --duration has passed, when no frame came for --idle-ms, or on SIGINT or
// SIGTERM, closes its ports (a pcap is flushed then) and prints its counters as one JSON
// line. Exit codes as for weir: 0 ran, 2 bad options or a device DPDK would not open,
// 4 DPDK itself would not start.
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "impl/dpdk/dp.hpp"

namespace {

using namespace weir;
volatile std::sig_atomic_t stop_requested = 0;

// What every role takes: its devices and when to stop.
struct Common {
  std::string port, out, ip;
  double duration = 10;
  unsigned idle_ms = 200;
  dp::Impairment impair;  // on the way out
};

struct BeaverOptions {
  std::string group = "10.1.0.0/16";
  std::vector<std::string> backends;
  std::uint32_t ssid = 0;
  bool no_marking = false;
  std::string mac = "02:00:00:00:00:01", next_hop_mac = "ff:ff:ff:ff:ff:ff";
};

struct PegasusOptions {
  std::vector<std::string> servers, clients;
  std::vector<std::uint32_t> hot;
  std::string identifier = "0x5047";
};

struct Bad {
  std::string why;
};

std::uint32_t ipv4(const std::string& option, const std::string& text) {
  const auto a = packet::parse_ipv4(text);
  if (!a) throw Bad{option + " " + text + ": not an IPv4 address"};
  return *a;
}
std::vector<std::uint32_t> ipv4s(const std::string& option, const std::vector<std::string>& texts) {
  std::vector<std::uint32_t> out;
  for (const std::string& t : texts) out.push_back(ipv4(option, t));
  return out;
}

// Opens the devices, runs `DataPlane` until it is time to stop, closes the devices and
// prints the counters with `extra` fields.
template <class DataPlane, class Make, class Extra>
int run(const Common& o, const char* role, Make make, Extra extra) {
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
    throw Bad{e.what()};
  }
  const std::uint16_t out_id = out ? out->id() : in->id();
  // With interference, the element sends into a ring the hold stage drains on time.
  std::unique_ptr<dp::Port> held;
  std::unique_ptr<dp::Hold> hold;
  if (o.impair.any()) {
    held = dp::Port::ring("weir_dp_hold", *pool, 4096);
    hold = std::make_unique<dp::Hold>(held->tx(), out_id, o.impair);
  }
  DataPlane plane = make(in->id(), held ? held->id() : out_id);
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto us = [&](clock::time_point t) { return std::chrono::duration<double, std::micro>(t - start).count(); };
  auto last_frame = start;
  while (!stop_requested) {
    const auto now = clock::now();
    if (plane.poll() > 0) last_frame = now;
    if (hold) hold->poll(us(now));
    if (std::chrono::duration<double>(now - start).count() >= o.duration) break;
    if (now - last_frame >= std::chrono::milliseconds(o.idle_ms) && (!hold || hold->pending() == 0)) break;
  }
  // What is still held leaves when due (a signal cuts that short: then it is freed).
  while (hold && !stop_requested && hold->pending() > 0) hold->poll(us(clock::now()));
  const dp::Counters k = plane.counters();
  const dp::HoldCounters h = hold ? hold->counters() : dp::HoldCounters{};
  hold.reset();
  held.reset();
  out.reset();
  in.reset();  // closes the devices: a tx_pcap is written out here
  nlohmann::json j = {{"role", role},       {"received", k.received}, {"sent", k.sent},
                      {"refused", k.refused}, {"dropped", k.dropped},  {"no_room", k.no_room},
                      {"tx_full", k.tx_full}, {"buffers_in_use", pool->in_use()}};
  if (o.impair.any())
    j["hold"] = {{"taken", h.taken}, {"sent", h.sent}, {"lost", h.lost}, {"duplicated", h.duplicated}, {"overflow", h.overflow},
                 {"tx_full", h.tx_full}};
  extra(j);
  std::cout << j.dump() << "\n";
  return 0;
}

int beaver_gateway(const Common& o, const BeaverOptions& b) {
  core::beaver::GatewayConfig c;
  c.ip = ipv4("--ip", o.ip);
  c.backends = ipv4s("--backend", b.backends);
  const auto group = packet::parse_prefix(b.group);
  if (!group) throw Bad{"--group " + b.group + ": not PREFIX/LEN (e.g. 10.1.0.0/16)"};
  c.group_mask = group->mask;
  c.group_prefix = group->prefix;
  c.ssid = b.ssid;
  const auto src = packet::parse_mac(b.mac), dst = packet::parse_mac(b.next_hop_mac);
  if (!src) throw Bad{"--mac " + b.mac + ": not a MAC address (e.g. 02:00:00:00:00:01)"};
  if (!dst) throw Bad{"--next-hop-mac " + b.next_hop_mac + ": not a MAC address (e.g. 02:00:00:00:00:02)"};
  c.eth.src = *src;
  c.eth.dst = *dst;
  core::beaver::Gateway gateway(c);
  return run<dp::BeaverGateway>(
      o, "beaver-gateway",
      [&](std::uint16_t in, std::uint16_t out) { return dp::BeaverGateway(gateway, in, out, !b.no_marking); },
      [&](nlohmann::json& j) { j["ssid"] = gateway.ssid(); });
}

int pegasus_switch(const Common& o, const PegasusOptions& p) {
  core::pegasus::Topology t;
  t.switch_ip = ipv4("--ip", o.ip);
  t.servers = ipv4s("--server", p.servers);
  t.clients = ipv4s("--client", p.clients);
  if (t.servers.size() > 32) throw Bad{"--server: at most 32 (rset is a 32-bit map)"};
  if (t.clients.size() > 256) throw Bad{"--client: at most 256 (client ids are one byte)"};
  char* end = nullptr;
  const unsigned long id = std::strtoul(p.identifier.c_str(), &end, 0);
  if (p.identifier.empty() || *end != '\0' || id > 0xffff)
    throw Bad{"--identifier " + p.identifier + ": not a 16-bit number (0x5047: the P4 program; 0x1573: the artifact's switch)"};
  t.identifier = static_cast<std::uint16_t>(id);
  core::pegasus::Switch sw(t, p.hot);
  return run<dp::PegasusSwitch>(
      o, "pegasus-switch", [&](std::uint16_t in, std::uint16_t out) { return dp::PegasusSwitch(sw, in, out); },
      [](nlohmann::json&) {});
}

void add_common(CLI::App* c, Common& o) {
  c->add_option("--port", o.port, "the device frames come in on (and go out of, without --out)")->required();
  c->add_option("--out", o.out, "a second device for what goes out");
  c->add_option("--ip", o.ip, "this node's address")->required();
  c->add_option("--duration", o.duration, "stop after this many seconds")->check(CLI::Range(0.0, 1e6))->capture_default_str();
  c->add_option("--idle-ms", o.idle_ms, "stop when no frame came for this long")
      ->check(CLI::Range(1u, 3'600'000u))
      ->capture_default_str();
  c->add_option("--delay-us", o.impair.delay_us, "hold every frame this long before it leaves")->check(CLI::Range(0.0, 1e7));
  c->add_option("--jitter-us", o.impair.jitter_us, "... and up to this much more, drawn per frame (reorders)")->check(CLI::Range(0.0, 1e7));
  c->add_option("--loss", o.impair.loss, "lose a frame with this probability")->check(CLI::Range(0.0, 1.0));
  c->add_option("--duplicate", o.impair.duplicate, "send a frame twice with this probability")->check(CLI::Range(0.0, 1.0));
  c->add_option("--seed", o.impair.seed, "the interference's generator")->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weir-dp: Weir's data-plane cores on DPDK virtual devices"};
  app.require_subcommand(1);
  Common common;
  BeaverOptions b;
  PegasusOptions p;
  CLI::App* gw = app.add_subcommand("beaver-gateway", "Beaver's gateway: encapsulates and stamps every frame");
  add_common(gw, common);
  gw->add_option("--backend", b.backends, "a backend's address (repeat)")->required();
  gw->add_option("--group", b.group, "the in-group prefix")->capture_default_str();
  gw->add_option("--ssid", b.ssid, "the snapshot id to stamp")->capture_default_str();
  gw->add_flag("--no-marking", b.no_marking, "forward only (the Ethernet addresses rewritten)");
  gw->add_option("--mac", b.mac, "the gateway's Ethernet address")->capture_default_str();
  // A receiver's kernel drops a frame not addressed to it (PACKET_OTHERHOST) even after
  // XDP takes the encapsulation off: the outer frame must be addressed to the next hop.
  gw->add_option("--next-hop-mac", b.next_hop_mac, "where the outer frames go at L2 (default broadcast)")->capture_default_str();
  CLI::App* sw = app.add_subcommand("pegasus-switch", "Pegasus's switch: the coherence directory, in place");
  add_common(sw, common);
  sw->add_option("--server", p.servers, "a server's address, by server id (repeat)")->required();
  sw->add_option("--client", p.clients, "a client's address, by client id (repeat)")->required();
  sw->add_option("--hot", p.hot, "a replicated key's hash (repeat)");
  sw->add_option("--identifier", p.identifier, "the Pegasus header's identifier")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "weir-dp: " << e.what() << "\n";
    return 2;
  }
  try {
    return gw->parsed() ? beaver_gateway(common, b) : pegasus_switch(common, p);
  } catch (const Bad& e) {
    std::cerr << "weir-dp: " << e.why << "\n";
    return 2;
  }
}
