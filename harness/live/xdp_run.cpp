// Beaver end to end in network namespaces (live.hpp, run_xdp): DPDK gateway, eBPF
// backends, a Linux router between them.
//
//   g (weir-dp) --veth-- b0 (weir-xdp, worker) --veth-- r (router) --veth-- b1 (weir-xdp, worker)
//   10.0.0.1        10.0.0.2, VIP 10.0.0.100 on lo                    10.1.1.2
//                   10.1.0.1                        10.1.0.254 | 10.1.1.254
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "harness/live/live.hpp"
#include "harness/live/netns.hpp"
#include "harness/live/pcap_writer.hpp"
#include "impl/xdp/xdp.hpp"

namespace weir::live {

namespace {

constexpr const char* kVip = "10.0.0.100";
constexpr std::uint16_t kServicePort = 80, kInGroupPort = 7000;

std::uint64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(t.tv_nsec);
}

sockaddr_in address(const char* ip, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

// A worker in a backend: every datagram on `port` is logged as "recv NAME T"; with
// `forward_to`, it is passed on in-group as "n<i>" and logged as "send NAME T".
int worker(const std::string& log_path, const char* bind_ip, std::uint16_t port, const char* forward_to) {
  std::ofstream log(log_path);
  const int in = socket(AF_INET, SOCK_DGRAM, 0), out = socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in me = address(bind_ip, port);
  if (in < 0 || out < 0 || bind(in, reinterpret_cast<const sockaddr*>(&me), sizeof me) != 0) {
    log << "error cannot bind " << bind_ip << ":" << port << std::endl;
    return 1;
  }
  log << "ready" << std::endl;
  const sockaddr_in peer = forward_to ? address(forward_to, kInGroupPort) : sockaddr_in{};
  for (;;) {
    char buf[64];
    const ssize_t n = recv(in, buf, sizeof buf, 0);
    if (n <= 0) continue;
    const std::string msg(buf, static_cast<std::size_t>(n));
    log << "recv " << msg << " " << monotonic_ns() << std::endl;
    if (!forward_to) continue;
    const std::string next = std::string("n").append(msg.substr(1));
    const std::uint64_t t = monotonic_ns();
    sendto(out, next.data(), next.size(), 0, reinterpret_cast<const sockaddr*>(&peer), sizeof peer);
    log << "send " << next << " " << t << std::endl;
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Waits until `path` holds `what` (a program or worker is ready), up to two seconds.
bool wait_for_text(const std::string& path, const std::string& what) {
  for (int i = 0; i < 200; ++i) {
    if (slurp(path).find(what) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The client's frames, as a pcap for the gateway: UDP to the VIP, addressed at L2 to
// b0's veth (what b0's kernel sees once XDP has taken the encapsulation off).
void write_clients(const std::string& path, unsigned messages) {
  detail::PcapWriter w(path);
  for (unsigned i = 0; i < messages; ++i) {
    packet::Ethernet eth;
    eth.dst = {0x02, 0, 0, 0, 0, 0x02};
    eth.src = {0x02, 0, 0, 0, 0, 0x09};
    packet::Ipv4 ip;
    ip.src = 0xc0a80201;  // 192.168.2.1
    ip.dst = *packet::parse_ipv4(kVip);
    const std::string msg = std::string("m") + std::to_string(i);
    w.write(packet::encode_udp(eth, ip, packet::Udp{static_cast<std::uint16_t>(20000 + i), kServicePort},
                               packet::Bytes(msg.begin(), msg.end())),
            i);
  }
}

struct Line {
  std::string what, msg;
  std::uint64_t t = 0;
};
std::vector<Line> read_log(const std::string& path) {
  std::vector<Line> out;
  std::istringstream in(slurp(path));
  for (Line l; in >> l.what;) {
    if (l.what == "ready") continue;
    if (!(in >> l.msg >> l.t)) break;
    out.push_back(l);
  }
  return out;
}

// When the kernel took snapshot `ssid`, from weir-xdp's output; nothing if it never did.
std::optional<std::uint64_t> snapshot_time(const std::string& out, std::uint32_t ssid, std::string& via) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("snapshot")) continue;
    if (j["from"].get<std::uint32_t>() < ssid && ssid <= j["snapshot"].get<std::uint32_t>()) {
      via = j["via"].get<std::string>();
      return j["time_ns"].get<std::uint64_t>();
    }
  }
  return std::nullopt;
}

long long delta(const std::map<std::string, long long>& after, const std::map<std::string, long long>& before,
                const std::string& key) {
  const auto a = after.find(key), b = before.find(key);
  return (a == after.end() ? 0 : a->second) - (b == before.end() ? 0 : b->second);
}

}  // namespace

std::optional<std::string> xdp_unsupported(core::beaver::Mutant m) { return xdp::unsupported(m); }

std::variant<XdpRun, std::string> run_xdp(const XdpScenario& s) {
  XdpRun run;
  std::vector<Namespace> ns;
  for (const char* name : {"g", "b0", "r", "b1"}) {
    auto made = Namespace::make(name);
    if (auto* why = std::get_if<std::string>(&made)) return *why;
    ns.push_back(std::move(std::get<Namespace>(made)));
  }
  Namespace &g = ns[0], &b0 = ns[1], &r = ns[2], &b1 = ns[3];
  // The router's own addresses lie outside the group (10.9/16): what it originates, an
  // ICMP error for one, must not read as in-group traffic carrying an id.
  for (auto [a, x, b, y] : {std::tuple{&g, VethEnd{"wg0", "02:00:00:00:00:01", "10.0.0.1/24"}, &b0, VethEnd{"wb0", "02:00:00:00:00:02", "10.0.0.2/24"}},
                            std::tuple{&b0, VethEnd{"wb1", "02:00:00:00:01:01", "10.1.0.1/32"}, &r, VethEnd{"wr0", "02:00:00:00:01:02", "10.9.0.254/32"}},
                            std::tuple{&r, VethEnd{"wr1", "02:00:00:00:02:01", "10.9.1.254/32"}, &b1, VethEnd{"wc0", "02:00:00:00:02:02", "10.1.1.2/32"}}})
    if (auto why = veth(*a, x, *b, y)) return std::string("cannot make a veth pair: ") + *why;
  using Cmd = std::vector<std::string>;
  for (auto [n, cmd] : {std::pair{&b0, Cmd{"ip", "addr", "add", std::string(kVip) + "/32", "dev", "lo"}},
                        std::pair{&b0, Cmd{"ip", "route", "add", "default", "via", "10.0.0.1"}},
                        std::pair{&b0, Cmd{"ip", "route", "add", "10.9.0.254/32", "dev", "wb1"}},
                        std::pair{&b0, Cmd{"ip", "route", "add", "10.1.1.0/24", "via", "10.9.0.254"}},
                        std::pair{&r, Cmd{"ip", "route", "add", "10.1.0.1/32", "dev", "wr0"}},
                        std::pair{&r, Cmd{"ip", "route", "add", "10.1.1.2/32", "dev", "wr1"}},
                        std::pair{&b1, Cmd{"ip", "route", "add", "10.9.1.254/32", "dev", "wc0"}},
                        std::pair{&b1, Cmd{"ip", "route", "add", "default", "via", "10.9.1.254"}}})
    if (auto [code, why] = n->run(cmd); code != 0) return n->name() + ": " + cmd[1] + " " + cmd[2] + " " + cmd[3] + ": " + why;
  if (r.call([] { return std::ofstream("/proc/sys/net/ipv4/ip_forward") << "1\n" ? 0 : 1; }) != 0)
    return std::string("r: cannot turn on IPv4 forwarding");
  run.log.push_back("topology: g --veth-- b0 --veth-- r (router) --veth-- b1, four network namespaces of this run");

  // The backends' agents in the kernel, one id behind the gateway.
  const std::string dir = s.work_dir;
  std::vector<std::string> agent = {s.weir_xdp, "--group", "10.1.0.0/16", "--ssid", std::to_string(s.ssid - 1), "--duration", "60",
                                    "--mutant", std::string(core::beaver::mutants()[static_cast<std::size_t>(s.mutant)].name)};
  auto with_devs = [&](std::vector<std::string> devs) {
    std::vector<std::string> a = agent;
    for (auto& d : devs) a.insert(a.end(), {"--dev", d});
    return a;
  };
  const pid_t x0 = b0.start(with_devs({"wb0", "wb1"}), dir + "/b0-xdp.out", dir + "/b0-xdp.err");
  const pid_t x1 = b1.start(with_devs({"wc0"}), dir + "/b1-xdp.out", dir + "/b1-xdp.err");
  for (auto [pid, name] : {std::pair{x0, "b0"}, std::pair{x1, "b1"}})
    if (!wait_for_text(dir + "/" + name + "-xdp.out", "\"ready\"")) {
      stop(x0);
      stop(x1);
      const std::string err = slurp(dir + "/" + name + "-xdp.err");
      return std::string(name) + ": weir-xdp did not attach: " + (err.empty() ? "no answer in 2 s" : err.substr(0, err.find_last_not_of('\n') + 1));
    }
  const pid_t w0 = b0.spawn([&] { return worker(dir + "/b0.log", kVip, kServicePort, "10.1.1.2"); });
  const pid_t w1 = b1.spawn([&] { return worker(dir + "/b1.log", "0.0.0.0", kInGroupPort, nullptr); });
  bool workers_ready = wait_for_text(dir + "/b0.log", "ready") && wait_for_text(dir + "/b1.log", "ready");
  const auto r_before = r.snmp(), b1_before = b1.snmp(), b0_before = b0.snmp();

  // The gateway on DPDK: the clients' trace in, marked frames out of the veth.
  write_clients(dir + "/clients.pcap", s.messages);
  const std::uint64_t t0 = monotonic_ns();
  const pid_t gw = g.start({s.weir_dp, "beaver-gateway", "--port", "net_pcap0,rx_pcap=" + dir + "/clients.pcap", "--out",
                            "net_af_packet0,iface=wg0", "--ip", "10.0.0.1", "--backend", "10.0.0.2", "--mac",
                            "02:00:00:00:00:01", "--next-hop-mac", "02:00:00:00:00:02", "--ssid",
                            std::to_string(s.ssid), "--idle-ms", "300", "--duration", "10"},
                           dir + "/gateway.out", dir + "/gateway.err");
  const std::optional<int> gw_status = wait_for(gw, std::chrono::milliseconds(15000));
  if (!gw_status) stop(gw);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last packets through b0 and r
  stop(w0);
  stop(w1);
  stop(x0);
  stop(x1);
  const std::uint64_t t_end = monotonic_ns();
  if (!workers_ready) return std::string("the backends' workers could not bind: ") + slurp(dir + "/b0.log") + slurp(dir + "/b1.log");
  if (gw_status.value_or(-1) != 0)
    return std::string("the gateway (weir-dp on net_af_packet) failed: ") + slurp(dir + "/gateway.err") + slurp(dir + "/gateway.out");
  run.log.push_back(std::string("gateway (weir-dp, DPDK net_af_packet on wg0): ") + slurp(dir + "/gateway.out").substr(0, 200));
  const auto r_after = r.snmp(), b1_after = b1.snmp(), b0_after = b0.snmp();

  // What happened, in the kernels' own clock.
  const std::vector<Line> l0 = read_log(dir + "/b0.log"), l1 = read_log(dir + "/b1.log");
  std::string via0, via1;
  const auto snap0 = snapshot_time(slurp(dir + "/b0-xdp.out"), s.ssid, via0);
  const auto snap1 = snapshot_time(slurp(dir + "/b1-xdp.out"), s.ssid, via1);
  for (auto [name, snap, via] : {std::tuple{"b0", snap0, via0}, std::tuple{"b1", snap1, via1}})
    run.log.push_back(std::string(name) + ": " +
                      (snap ? std::string("took snapshot ") + std::to_string(s.ssid) + " in the kernel (learnt from " + via + ")"
                            : std::string("never took snapshot ") + std::to_string(s.ssid) + ": it records it when the run ends"));
  const auto count = [](const std::vector<Line>& l, const char* what) {
    return std::count_if(l.begin(), l.end(), [&](const Line& x) { return x.what == what; });
  };
  const long long got0 = count(l0, "recv"), sent0 = count(l0, "send"), got1 = count(l1, "recv");
  run.log.push_back(std::string("b0 received ") + std::to_string(got0) + std::string(" of ") + std::to_string(s.messages) + " client requests and told b1 " +
                    std::to_string(sent0) + std::string(" times; b1 received ") + std::to_string(got1));

  for (auto [name, after, before] : {std::tuple{"b0", &b0_after, &b0_before}, std::tuple{"r", &r_after, &r_before},
                                     std::tuple{"b1", &b1_after, &b1_before}})
    for (const auto& [k, v] : *after)
      if (long long d = delta(*after, *before, k); d != 0) run.counters[std::string(name) + " " + k] = d;
  // What the kernels dropped, from their own counters: a bad header checksum is counted
  // as such (IpExt.InCsumErrors) and as a header error; a TTL that runs out at the
  // router as a header error only (its ICMP errors are rate-limited, not a count).
  long long csum = 0, hdr = 0;
  for (auto [after, before] : {std::pair{&r_after, &r_before}, std::pair{&b1_after, &b1_before}}) {
    csum += delta(*after, *before, "IpExt.InCsumErrors");
    hdr += delta(*after, *before, "Ip.InHdrErrors");
  }
  if (csum > 0)
    run.problems.push_back(std::string("the kernel dropped ") + std::to_string(csum) +
                           " in-group packets for a bad IPv4 header checksum (IpExt.InCsumErrors in r and b1): they left b0 "
                           "with ToS/TTL rewritten and the checksum not updated");
  if (hdr > csum)
    run.problems.push_back(std::string("the router r dropped ") + std::to_string(hdr - csum) +
                           " in-group packets whose TTL ran out (Ip.InHdrErrors without a checksum error; Icmp.OutTimeExcds " +
                           std::to_string(delta(r_after, r_before, "Icmp.OutTimeExcds")) + "): the id's stamp left them no hops");
  // No node may be ahead of the newest snapshot started: an id from nowhere.
  for (auto [name, out] : {std::pair{"b0", dir + "/b0-xdp.out"}, std::pair{"b1", dir + "/b1-xdp.out"}}) {
    std::istringstream in(slurp(out));
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.contains("snapshot") && j["snapshot"].get<std::uint32_t>() > s.ssid) {
        run.problems.push_back(std::string(name) + " moved to snapshot id " + std::to_string(j["snapshot"].get<std::uint32_t>()) +
                               ", beyond the newest one started (" + std::to_string(s.ssid) + "), learnt from " +
                               j["via"].get<std::string>() + " traffic that carried no id of Beaver's");
        break;
      }
    }
  }
  if (got0 < s.messages)
    run.problems.push_back(std::string("b0 received ") + std::to_string(got0) + std::string(" of the ") + std::to_string(s.messages) +
                           " client requests the gateway marked (Udp.InDatagrams " +
                           std::to_string(delta(b0_after, b0_before, "Udp.InDatagrams")) + ")");
  if (got1 < sent0 && run.problems.empty())
    run.problems.push_back(std::string("b1 received ") + std::to_string(got1) + std::string(" of the ") + std::to_string(sent0) + " in-group packets b0 sent");

  // The execution, in time order (sends before receives at a tie).
  cut::Recorder rec("beaver-xdp");
  const std::uint32_t client = rec.process("client", cut::Group::Out), p0 = rec.process("b0", cut::Group::In),
                      p1 = rec.process("b1", cut::Group::In);
  struct Ev {
    std::uint64_t t;
    int order;  // 0 send, 1 snapshot, 2 receive
    std::uint32_t p;
    std::string msg;
  };
  std::vector<Ev> evs;
  for (unsigned i = 0; i < s.messages; ++i) evs.push_back({t0, 0, client, std::string("m") + std::to_string(i)});
  for (const Line& l : l0) evs.push_back({l.t, l.what == "send" ? 0 : 2, p0, l.msg});
  for (const Line& l : l1) evs.push_back({l.t, 2, p1, l.msg});
  evs.push_back({snap0.value_or(t_end), 1, p0, ""});
  evs.push_back({snap1.value_or(t_end), 1, p1, ""});
  std::stable_sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) { return std::tie(a.t, a.order) < std::tie(b.t, b.order); });
  std::map<std::string, std::uint64_t> keys;
  for (const Ev& e : evs) {
    const double us = static_cast<double>(e.t - std::min(e.t, t0)) / 1000.0;
    const std::uint64_t key = keys.emplace(e.msg, keys.size() + 1).first->second;
    if (e.order == 1) rec.snapshot(e.p, s.ssid, us);
    else if (e.order == 0) rec.send(e.p, key, e.msg, 0, us);
    else rec.recv(e.p, key, us);
  }
  run.execution = std::move(rec).finish();
  return run;
}

}  // namespace weir::live
