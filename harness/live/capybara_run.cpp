// Capybara's live migrations between network namespaces (live.hpp, run_capybara):
//
//                           +-- s0 10.9.10.2 (listener :8000, agent :7300)
//   client 10.9.1.2 --- switch (router; tc: migration directory) --- s1 10.9.11.2
//                           +-- s2 10.9.12.2 ...
//   service address 10.9.0.100:8000, held by no one: the switch sends each connection to
//   its owner and gives the owner's packets the service address back.
#include <pcap/pcap.h>
#include <poll.h>

#include <fstream>
#include <thread>

#include "harness/live/detail/capybara_app.hpp"
#include "harness/live/live.hpp"
#include "harness/live/netns.hpp"
#include "impl/xdp/xdp.hpp"
#include "trace/capybara.hpp"

namespace weir::live {

namespace {

using Clock = std::chrono::steady_clock;

std::uint32_t server_ip(unsigned i) { return 0x0a090a02u + (i << 8); }  // 10.9.(10+i).2

std::string server_name(unsigned i) { return std::string("s").append(std::to_string(i)); }

// A capture of one device (or "any") of the calling thread's namespace into a pcap file,
// until stopped.
class Capture {
 public:
  std::optional<std::string> open(const std::string& device, const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_ = pcap_create(device.c_str(), err);
    if (!pcap_) return std::string("libpcap: ") + err;
    pcap_set_snaplen(pcap_, 256);  // headers and the agents' message headers; not the streams
    pcap_set_immediate_mode(pcap_, 1);
    pcap_set_buffer_size(pcap_, 32 << 20);
    if (pcap_activate(pcap_) < 0) return "cannot capture on " + device + ": " + pcap_geterr(pcap_);
    if (device == "any") pcap_set_datalink(pcap_, DLT_LINUX_SLL2);
    pcap_setnonblock(pcap_, 1, err);
    dump_ = pcap_dump_open(pcap_, path.c_str());
    if (!dump_) return "cannot write " + path + ": " + pcap_geterr(pcap_);
    return std::nullopt;
  }
  void run(const std::atomic<bool>& stop) {
    pollfd p{pcap_get_selectable_fd(pcap_), POLLIN, 0};
    for (;;) {
      const bool last = stop.load();
      poll(&p, 1, 2);
      while (pcap_dispatch(pcap_, -1, pcap_dump, reinterpret_cast<u_char*>(dump_)) > 0) {
      }
      if (last) break;
    }
    pcap_dump_flush(dump_);
  }
  pcap_stat stats() {
    pcap_stat s{};
    pcap_stats(pcap_, &s);
    return s;
  }
  ~Capture() {
    if (dump_) pcap_dump_close(dump_);
    if (pcap_) pcap_close(pcap_);
  }

 private:
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dump_ = nullptr;
};

struct Topology {
  std::vector<Namespace> ns;  // client, switch, s0, s1, ...
};

std::variant<Topology, std::string> make_topology(unsigned servers) {
  Topology t;
  std::vector<std::string> names{"client", "switch"};
  for (unsigned i = 0; i < servers; ++i) names.push_back(server_name(i));
  for (const std::string& n : names) {
    auto made = Namespace::make(n);
    if (auto* why = std::get_if<std::string>(&made)) return *why;
    t.ns.push_back(std::move(std::get<Namespace>(made)));
  }
  Namespace &client = t.ns[0], &sw = t.ns[1];
  if (auto why = veth(sw, {"sc", "02:00:00:09:01:01", "10.9.1.1/24"}, client, {"c0", "02:00:00:09:01:02", "10.9.1.2/24"}))
    return "cannot make a veth pair: " + *why;
  for (unsigned i = 0; i < servers; ++i) {
    const std::string net = std::string("10.9.").append(std::to_string(10 + i)).append(".");
    char mac_a[32], mac_b[32];
    std::snprintf(mac_a, sizeof mac_a, "02:00:00:09:%02x:01", 10 + i);
    std::snprintf(mac_b, sizeof mac_b, "02:00:00:09:%02x:02", 10 + i);
    if (auto why = veth(sw, {server_name(i), mac_a, net + "1/24"}, t.ns[2 + i], {"e0", mac_b, net + "2/24"}))
      return "cannot make a veth pair: " + *why;
    if (auto [code, why] = t.ns[2 + i].run({"ip", "route", "add", "default", "via", net + "1"}); code != 0)
      return server_name(i) + ": ip route: " + why;
  }
  if (auto [code, why] = client.run({"ip", "route", "add", "default", "via", "10.9.1.1"}); code != 0)
    return "client: ip route: " + why;
  // The switch forwards; it does not check that a source fits the port it came in by (the
  // owner's packets leave with the service address, which no port's route covers).
  const int set = sw.call([] {
    for (const char* f : {"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv4/conf/all/rp_filter",
                          "/proc/sys/net/ipv4/conf/default/rp_filter"}) {
      std::ofstream o(f);
      if (!(o << (std::string(f).find("forward") != std::string::npos ? "1\n" : "0\n"))) return 1;
    }
    return 0;
  });
  if (set != 0) return "switch: cannot turn on IPv4 forwarding";
  return t;
}

}  // namespace

std::variant<CapybaraRun, std::string> run_capybara(const CapybaraScenario& s) {
  if (s.servers < 2) return std::string("a migration needs at least 2 servers");
  if (s.clients < 1 || s.bytes == 0 || s.duration_s <= 0) return std::string("nothing to stream");
  if (auto why = capybara::repair_unavailable()) return "TCP repair mode: " + *why;
  auto topo = make_topology(s.servers);
  if (auto* why = std::get_if<std::string>(&topo)) return *why;
  std::vector<Namespace>& ns = std::get<Topology>(topo).ns;
  const Namespace &client_ns = ns[0], &switch_ns = ns[1];
  CapybaraRun run;
  run.log.push_back("topology: client --veth-- switch (tc: migration directory) --veth-- s0.." +
                    std::to_string(s.servers - 1) + "; service " + trace::capybara::endpoint(kCapybaraService, kCapybaraServicePort));

  // The switch's program, attached from a thread inside its namespace.
  std::variant<std::unique_ptr<xdp::CapybaraSwitch>, std::string> attached = std::string("not attached");
  std::thread([&] {
    if (auto why = switch_ns.enter_thread()) {
      attached = *why;
      return;
    }
    xdp::SwitchConfig c;
    c.devices = {"sc"};
    for (unsigned i = 0; i < s.servers; ++i) c.devices.push_back(server_name(i));
    c.service_ip = kCapybaraService;
    c.service_port = kCapybaraServicePort;
    c.default_owner = server_ip(0);
    attached = xdp::CapybaraSwitch::attach(c);
  }).join();
  if (auto* why = std::get_if<std::string>(&attached)) return "the switch: " + *why;
  xdp::CapybaraSwitch& directory = *std::get<std::unique_ptr<xdp::CapybaraSwitch>>(attached);

  // Captures at the client and at every port of the switch.
  const std::string client_pcap = s.work_dir + "/client.pcap", switch_pcap = s.work_dir + "/switch.pcap";
  Capture at_client, at_switch;
  std::atomic<bool> stop_capture{false};
  std::optional<std::string> capture_error;
  std::vector<std::thread> captures;
  for (const auto& at : {std::tuple{&at_client, &client_ns, "c0", client_pcap},
                         std::tuple{&at_switch, &switch_ns, "any", switch_pcap}}) {
    std::promise<std::optional<std::string>> opened;
    auto ready = opened.get_future();
    captures.emplace_back([&, at, opened = std::move(opened)]() mutable {
      const auto& [cap, where, dev, path] = at;
      auto why = where->enter_thread();
      if (!why) why = cap->open(dev, path);
      const bool ok = !why;
      opened.set_value(why);
      if (ok) cap->run(stop_capture);
    });
    if (auto why = ready.get()) capture_error = why;
  }
  auto end_captures = [&] {
    stop_capture = true;
    for (std::thread& t : captures) t.join();
    captures.clear();
  };
  if (capture_error) {
    end_captures();
    return *capture_error;
  }

  // The servers, each in its namespace with its agent.
  detail::Findings findings;
  const detail::StreamPlan plan{s.bytes, static_cast<double>(s.bytes) / s.duration_s};
  std::vector<std::unique_ptr<detail::Server>> servers;
  std::vector<std::thread> server_threads;
  for (unsigned i = 0; i < s.servers; ++i) {
    capybara::AgentConfig a;
    a.self = server_ip(i);
    a.service_port = kCapybaraServicePort;
    a.drain = s.drain;
    a.refuse_every = s.refuse_every;
    a.mutant = s.mutant;
    servers.push_back(std::make_unique<detail::Server>(server_name(i), a, directory, plan, findings));
    detail::Server* srv = servers.back().get();
    const Namespace* where = &ns[2 + i];
    server_threads.emplace_back([srv, where, &findings] {
      if (auto why = where->enter_thread()) {
        findings.violate("setup", *why);
        return;
      }
      srv->run();
    });
  }
  for (auto& srv : servers)
    for (int i = 0; i < 2000 && !srv->ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  // The clients, and the migrations while they stream.
  const Clock::time_point start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(static_cast<long>(s.duration_s * 1000) + 5000);
  detail::Clients clients(s.clients, plan, findings);
  std::thread client_thread([&] {
    if (auto why = client_ns.enter_thread()) {
      findings.violate("setup", *why);
      return;
    }
    clients.run(kCapybaraService, kCapybaraServicePort, deadline);
  });
  while (clients.connected < s.clients && Clock::now() < start + std::chrono::seconds(2))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::vector<capybara::Flow> flows = clients.flows();
  std::vector<unsigned> owner(flows.size(), 0);  // every connection starts at s0, the switch's default
  for (unsigned i = 0; i < s.migrations && !flows.empty(); ++i) {
    // Evenly through the middle of the streams.
    const double at = s.duration_s * (0.1 + 0.8 * (i + 1) / (s.migrations + 1));
    std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<long>(at * 1e6)));
    const std::size_t c = i % flows.size();
    const unsigned from = owner[c], to = (from + 1) % s.servers;
    CapybaraMigration m;
    m.number = i + 1;
    m.flow = flows[c];
    m.from = server_ip(from);
    m.to = server_ip(to);
    m.outcome = servers[from]->migrate(flows[c], server_ip(to)).get();
    if (m.outcome.result == capybara::Outcome::Result::Moved) owner[c] = to;
    run.migrations.push_back(m);
  }
  client_thread.join();
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the last segments into the captures
  std::vector<std::pair<capybara::Flow, std::size_t>> completed;
  for (auto& srv : servers) {
    srv->stop();
    for (auto& c : srv->completed()) completed.push_back(c);
  }
  for (std::thread& t : server_threads) t.join();
  const xdp::SwitchStats sw = directory.stats();
  end_captures();
  const pcap_stat cs = at_client.stats(), ss = at_switch.stats();
  if (cs.ps_drop + ss.ps_drop > 0)
    run.notes.push_back("the captures dropped " + std::to_string(cs.ps_drop + ss.ps_drop) + " packets (kernel buffer full)");
  run.pcaps = {client_pcap, switch_pcap};
  run.log.push_back("switch: " + std::to_string(sw.to_owner) + " client packets to owners, " + std::to_string(sw.from_owner) +
                    " back, " + std::to_string(sw.held) + " held while frozen, " + std::to_string(sw.stale) +
                    " from a server that was not the owner dropped");

  // The streams: every byte both ways, once, in order (the readers checked each byte).
  for (const detail::ClientResult& r : clients.results) {
    CapybaraStream st;
    st.flow = r.flow;
    st.down = r.received;
    for (const auto& [f, n] : completed)
      if (f == r.flow) st.up = n;
    if (r.finished && st.up != s.bytes)
      findings.violate("exactly-once", "the service read " + std::to_string(st.up) + " of the " + std::to_string(s.bytes) +
                                           " bytes the client " + trace::capybara::endpoint(r.flow.client_ip, r.flow.client_port) + " sent");
    run.streams.push_back(st);
  }
  for (auto& [inv, what] : findings.violations) run.violations.push_back({inv, what, ""});
  for (auto& line : findings.log) run.notes.push_back(line);

  // The captures, judged by the model's invariants on the wire.
  trace::capybara::Options o;
  o.service_ip = kCapybaraService;
  o.service_port = kCapybaraServicePort;
  trace::capybara::Judge judge(o);
  trace::Stats stats;
  if (auto e = trace::read(run.pcaps, [&](const trace::Packet& p) { judge.add(p); }, stats))
    return "reading the run's captures: " + e->message();
  trace::capybara::Report report = std::move(judge).finish();
  for (const auto& v : report.violations)
    run.violations.push_back({v.invariant, v.what, trace::frame_name(run.pcaps, v.frame.file, v.frame.frame)});
  for (auto& n : report.notes) run.notes.push_back(n);
  for (CapybaraMigration& m : run.migrations)
    for (const auto& x : report.migrations)
      if (x.id == m.outcome.migration) {
        if (x.frozen_ns) m.frozen_us = static_cast<double>(*x.frozen_ns) / 1000.0;
        m.state_bytes = x.state_bytes;
      }
  for (CapybaraStream& st : run.streams)
    for (const auto& c : report.connections)
      if (c.client_ip == st.flow.client_ip && c.client_port == st.flow.client_port) st.owners = c.owners;
  return run;
}

}  // namespace weir::live
