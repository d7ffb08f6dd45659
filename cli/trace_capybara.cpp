// `weir trace check --protocol capybara`: per connection its owners, per migration its
// stages, frozen time and state size, and every breach of the model's invariants with
// its frame (trace/capybara).
#include "cli/trace_capybara.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/cli.hpp"
#include "trace/capybara.hpp"

namespace weir::cli {

namespace {

namespace tc = trace::capybara;


std::string us(std::uint64_t ns) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f us", static_cast<double>(ns) / 1000.0);
  return b;
}

}  // namespace

int trace_check_capybara(const CapybaraTraceArgs& a) {
  tc::Options o;
  o.control_port = a.control_port;
  const auto colon = a.service.rfind(':');
  const auto ip = packet::parse_ipv4(a.service.substr(0, colon));
  unsigned long port = 0;
  if (colon != std::string::npos) {
    // The whole port, digits only: "8000junk" is not a port.
    const std::string digits = a.service.substr(colon + 1);
    const bool whole = !digits.empty() && digits.size() <= 5 && digits.find_first_not_of("0123456789") == std::string::npos;
    port = whole ? std::stoul(digits) : 0;
  }
  if (a.service.empty() || colon == std::string::npos || !ip || port == 0 || port > 65535) {
    std::cerr << "weir: trace: --protocol capybara needs --service ADDRESS:PORT, the address clients connect to (e.g. "
                 "10.9.0.100:8000)"
              << (a.service.empty() ? "" : ", not " + a.service) << "\n";
    return kBadInput;
  }
  o.service_ip = *ip;
  o.service_port = static_cast<std::uint16_t>(port);
  tc::Judge judge(o);
  trace::Stats stats;
  trace::Options ro;
  ro.dedupe_window_ns = static_cast<std::uint64_t>(a.dedupe_us * 1000);
  if (auto e = trace::read(a.files, [&](const trace::Packet& p) { judge.add(p); }, stats, ro)) {
    std::cerr << "weir: trace: " << e->message() << "\n";
    return kBadInput;
  }
  const tc::Report r = std::move(judge).finish();
  const std::string name = a.files.size() == 1 ? a.files[0] : std::to_string(a.files.size()) + " captures";
  auto frame = [&](const tc::FrameRef& f) { return trace::frame_name(a.files, f.file, f.frame); };
  if (r.control == 0 && r.connections.empty()) {
    std::cerr << "weir: trace: " << name << ": no Capybara traffic (no migration messages on port " << a.control_port
              << ", no connection to " << a.service << "): nothing to judge\n";
    return kBadInput;
  }
  std::vector<double> frozen;
  nlohmann::json j = {{"file", name}, {"protocol", "capybara"}, {"frames", stats.frames}, {"notes", r.notes}};
  j["connections"] = nlohmann::json::array();
  j["migrations"] = nlohmann::json::array();
  j["violations"] = nlohmann::json::array();
  std::ostringstream out;
  out << name << ": capybara, " << stats.frames << " frames, " << r.connections.size() << " connection(s), "
      << r.migrations.size() << " migration(s) (" << r.control << " migration messages, " << r.malformed << " malformed, "
      << r.other << " other packets)\n";
  for (const tc::Connection& c : r.connections) {
    nlohmann::json owners = nlohmann::json::array();
    out << "  connection " << tc::endpoint(c.client_ip, c.client_port) << ": owners";
    for (std::uint32_t w : c.owners) {
      out << " " << tc::address(w);
      owners.push_back(tc::address(w));
    }
    if (c.owners.empty()) out << " (none seen)";
    std::size_t moves = 0;
    for (const tc::Migration& m : r.migrations) moves += m.client_ip == c.client_ip && m.client_port == c.client_port;
    out << "; " << moves << " migration(s); up " << c.up.bytes << " bytes (" << c.up.retransmissions << " retransmissions), down " << c.down.bytes
        << " bytes (" << c.down.retransmissions << " retransmissions), " << c.resets << " resets, "
        << (c.foreign ? "saw another source address" : "only the service address") << "\n";
    j["connections"].push_back({{"client", tc::endpoint(c.client_ip, c.client_port)}, {"owners", owners}, {"migrations", moves},
                                {"from_client", c.from_client}, {"to_client", c.to_client}, {"bytes_up", c.up.bytes},
                                {"bytes_down", c.down.bytes}, {"retransmissions_up", c.up.retransmissions},
                                {"retransmissions_down", c.down.retransmissions}, {"resets", c.resets},
                                {"foreign_address", c.foreign}});
  }
  for (const tc::Migration& m : r.migrations) {
    const char* result = m.refused ? "refused" : m.ack_ns ? "moved" : "incomplete";
    out << "  migration " << m.id << " of " << tc::endpoint(m.client_ip, m.client_port) << ": " << tc::address(m.origin) << " -> "
        << tc::address(m.target) << ", " << result;
    nlohmann::json x = {{"id", m.id}, {"client", tc::endpoint(m.client_ip, m.client_port)}, {"origin", tc::address(m.origin)},
                        {"target", tc::address(m.target)}, {"result", result}, {"prepare_frame", frame(m.prepare_frame)}};
    if (m.frozen_ns) {
      out << ", frozen " << us(*m.frozen_ns);
      x["frozen_us"] = static_cast<double>(*m.frozen_ns) / 1000.0;
      frozen.push_back(static_cast<double>(*m.frozen_ns) / 1000.0);
    }
    if (m.state_ns) {
      out << ", state " << m.state_bytes << " bytes (send queue " << m.send_queue << ", unsent " << m.unsent
          << ", receive queue " << m.recv_queue << ")";
      x["state_bytes"] = m.state_bytes;
      x["send_queue"] = m.send_queue;
      x["unsent"] = m.unsent;
      x["recv_queue"] = m.recv_queue;
    }
    out << "; PREPARE at " << frame(m.prepare_frame) << "\n";
    j["migrations"].push_back(x);
  }
  if (!frozen.empty()) {
    std::sort(frozen.begin(), frozen.end());
    auto at = [&](double q) { return frozen[static_cast<std::size_t>(q * static_cast<double>(frozen.size() - 1))]; };
    char b[160];
    std::snprintf(b, sizeof b, "  frozen time: min %.1f, p50 %.1f, p99 %.1f, max %.1f us over %zu migration(s)\n", frozen.front(),
                  at(0.5), at(0.99), frozen.back(), frozen.size());
    out << b;
    j["frozen_us"] = {{"min", frozen.front()}, {"p50", at(0.5)}, {"p99", at(0.99)}, {"max", frozen.back()}, {"n", frozen.size()}};
  }
  for (const std::string& n : r.notes) out << "  note: " << n << "\n";
  for (const tc::Violation& v : r.violations) {
    out << "  VIOLATION (" << v.invariant << "): " << v.what << " [" << frame(v.frame) << "]\n";
    j["violations"].push_back({{"invariant", v.invariant}, {"what", v.what}, {"frame", frame(v.frame)}});
  }
  const bool holds = r.violations.empty();
  if (holds)
    out << "  holds: no reset and only the service address reached the clients, one owner at a time, every migration's "
           "stages in order\n";
  // A pass needs something delivered: a capture of migration messages alone, or of
  // connections that carried no byte, shows nothing the invariants could break.
  std::uint64_t delivered = 0;
  for (const tc::Connection& c : r.connections) delivered += c.up.bytes + c.down.bytes;
  std::optional<std::string> unknown;
  if (holds && delivered == 0) unknown = "no byte of any connection to the service was delivered in the capture: nothing judged";
  else if (holds && stats.unreassembled)
    unknown = std::to_string(stats.unreassembled) + " IPv4 datagram(s) whose fragments could not be reassembled: what they "
              "carry was not judged";
  if (unknown) out << "  unknown: " << *unknown << "\n";
  j["verdict"] = unknown ? "unknown" : holds ? "holds" : "violation";
  if (a.json) std::cout << json_text(j) << "\n";
  else std::cout << out.str();
  return unknown ? kUnknown : holds ? kHolds : kViolation;
}

}  // namespace weir::cli
