// weir-xdp: Beaver's backend agent in the kernel, as a program. It attaches the eBPF
// backend (XDP ingress, tc egress) to devices of the network namespace it runs in,
// prints {"ready":...} once attached, then one JSON line per snapshot the kernel takes
// (the id's change, and whether a gateway's packet or in-group traffic carried it), and
// at the end its id and counters. It stops after --duration or on SIGINT/SIGTERM and
// detaches everything it attached.
//   weir-xdp --dev DEV [--dev DEV...] [--group PREFIX/LEN] [--backend-port N] [--ssid N]
//            [--mutant NAME] [--duration S]
// Exit codes: 0 ran, 2 bad options, 4 the kernel refused (the reason says which part).
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "impl/xdp/xdp.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

nlohmann::json event_json(const weir::xdp::Event& e) {
  return {{"snapshot", e.to}, {"from", e.from}, {"via", e.in_group ? "in-group" : "gateway"}, {"time_ns", e.time_ns}};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace weir;
  CLI::App app{"weir-xdp: Beaver's backend agent in eBPF (XDP ingress, tc egress)"};
  xdp::Config c;
  std::string group = "10.1.0.0/16", mutant = "none";
  double duration = 10;
  app.add_option("--dev", c.devices, "a device to attach to (repeat)")->required();
  app.add_option("--group", group, "the in-group prefix")->capture_default_str();
  app.add_option("--backend-port", c.backend_port, "where gateways send encapsulated packets")->capture_default_str();
  app.add_option("--ssid", c.ssid, "the id it starts at")->capture_default_str();
  app.add_option("--mutant", mutant, "plant a bug: no-checksum-fix, untagged-internal, ttl-underflow")->capture_default_str();
  app.add_option("--duration", duration, "stop after this many seconds")->check(CLI::Range(0.0, 1e6))->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "weir-xdp: " << e.what() << "\n";
    return 2;
  }
  const auto prefix = packet::parse_prefix(group);
  if (!prefix) {
    std::cerr << "weir-xdp: --group " << group << ": not PREFIX/LEN (e.g. 10.1.0.0/16)\n";
    return 2;
  }
  c.group_prefix = prefix->prefix;
  c.group_mask = prefix->mask;
  const auto m = core::beaver::parse_mutant(mutant);
  if (!m) {
    std::cerr << "weir-xdp: --mutant " << mutant << ": not a mutant of the Beaver cores\n";
    return 2;
  }
  c.mutant = *m;
  if (auto why = xdp::unsupported(c.mutant)) {
    std::cerr << "weir-xdp: --mutant " << *why << "\n";
    return 2;
  }
  auto attached = xdp::Backend::attach(c);
  if (auto* why = std::get_if<std::string>(&attached)) {
    std::cerr << "weir-xdp: " << *why << "\n";
    return 4;
  }
  xdp::Backend& be = *std::get<std::unique_ptr<xdp::Backend>>(attached);
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::cout << nlohmann::json{{"ready", true}, {"devices", c.devices}, {"ssid", be.ssid()}}.dump() << std::endl;
  const auto start = std::chrono::steady_clock::now();
  while (!stop_requested && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < duration)
    for (const xdp::Event& e : be.poll(50)) std::cout << event_json(e).dump() << std::endl;
  for (const xdp::Event& e : be.poll(0)) std::cout << event_json(e).dump() << std::endl;
  const xdp::Stats s = be.stats();
  std::cout << nlohmann::json{{"ssid", be.ssid()},
                              {"stats",
                               {{"decapsulated", s.decapsulated}, {"in_group", s.in_group}, {"adopted", s.adopted},
                                {"stamped", s.stamped}, {"malformed", s.malformed}, {"events_lost", s.events_lost}}}}
                   .dump()
            << std::endl;
  return 0;
}
