// One Beaver run in the simulator. Nodes: gateways (the load balancer), backends (the
// in-group), out-group services, clients, and the initiator. Every data packet carries a
// message id (8 bytes) and a depth (1 byte) that bounds the causal chains it starts.
#include "harness/beaver/scenario.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace weir::harness::beaver {

namespace {

namespace core = weir::core::beaver;
namespace pb = packet::beaver;
using packet::Bytes;
using sim::Node;
using sim::NodeId;
using sim::Time;

constexpr std::uint32_t kGroup = 0x0a010000, kGroupMask = 0xffff0000;  // backends: 10.1.0.0/16
constexpr std::uint32_t kVip = 0x0a000064;                             // the service's address
constexpr std::uint8_t kFinalize = 0xff;                               // initiator -> backend
constexpr unsigned kMaxDepth = 2;  // a client request, its echo through a service, one more

// "b" and 3 make "b3" (no "literal" + string: GCC 12 warns falsely about it).
std::string named(const char* prefix, std::uint64_t i) { return std::string(prefix).append(std::to_string(i)); }

std::uint32_t backend_ip(unsigned b) { return kGroup | (b + 1); }
std::uint32_t outside_ip(unsigned kind, unsigned i) { return 0xc0a80000 | kind << 8 | (i + 1); }

Bytes payload(std::uint64_t msg, std::uint8_t depth) {
  Bytes p(9);
  for (int i = 0; i < 8; ++i) p[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(msg >> (56 - 8 * i));
  p[8] = depth;
  return p;
}
std::pair<std::uint64_t, std::uint8_t> read_payload(const Bytes& frame) {
  const auto f = packet::decode(frame);
  const auto& fr = std::get<packet::Frame>(f);
  std::uint64_t msg = 0;
  for (int i = 0; i < 8; ++i) msg = msg << 8 | frame[fr.payload_offset + static_cast<std::size_t>(i)];
  return {msg, frame[fr.payload_offset + 8]};
}

// A router on the in-group path decrements TTL and updates the checksum incrementally
// (RFC 1624), as routers do: a checksum that was stale stays stale. TTL 1 or 0 cannot be
// forwarded: the packet is dropped. With `remark`, it also rewrites the DSCP bits (ToS
// bits 7..2) to best effort, keeping ECN: a network that re-classifies traffic.
void incremental_fix(Bytes& frame, std::size_t word_at, std::uint16_t old_word) {
  const std::uint16_t new_word = static_cast<std::uint16_t>(frame[word_at] << 8 | frame[word_at + 1]);
  const std::uint16_t check = static_cast<std::uint16_t>(frame[24] << 8 | frame[25]);
  std::uint32_t sum = static_cast<std::uint16_t>(~check) + static_cast<std::uint16_t>(~old_word) + new_word;
  const std::uint16_t updated = static_cast<std::uint16_t>(~packet::fold(sum));
  frame[24] = static_cast<std::uint8_t>(updated >> 8);
  frame[25] = static_cast<std::uint8_t>(updated);
}
bool route(Bytes& frame, bool remark) {
  if (frame.size() < 34 || frame[22] <= 1) return false;
  const std::uint16_t ttl_word = static_cast<std::uint16_t>(frame[22] << 8 | frame[23]);
  --frame[22];
  incremental_fix(frame, 22, ttl_word);
  if (remark) {
    const std::uint16_t tos_word = static_cast<std::uint16_t>(frame[14] << 8 | frame[15]);
    frame[15] &= 0x03;
    incremental_fix(frame, 14, tos_word);
  }
  return true;
}

// Where the ids stand at the start (Scenario::lagging_gateway), from a generator of the
// seed's own.
struct Start {
  std::uint32_t base = 0, lag = 0;
};
Start draw_start(const Scenario& s) {
  std::mt19937_64 g(s.seed ^ 0x73746172742d6964ull);
  std::uniform_real_distribution<double> coin(0, 1);
  Start st;
  if (coin(g) < s.lagging_gateway) {
    // The edge most often: the last lag the wire still tells apart, then others.
    switch (g() % 6) {
      case 0: st.lag = 1; break;
      case 1: st.lag = pb::kHalfWindow - 2; break;
      case 2: st.lag = static_cast<std::uint32_t>(1 + g() % (pb::kHalfWindow - 1)); break;
      default: st.lag = pb::kHalfWindow - 1; break;
    }
  }
  switch (g() % 3) {
    case 0: st.base = st.lag; break;
    case 1:  // just below a wrap of the 14-bit id: the run's snapshots cross it
      st.base = static_cast<std::uint32_t>(pb::kSsidSpace * (1 + g() % 64) - 1 - g() % 3);
      break;
    default: st.base = st.lag + static_cast<std::uint32_t>(g() % (1u << 30)); break;
  }
  return st;
}

// Whether gateway g0 rejoins in this run (Scenario::rejoining_gateway), from a generator of
// the seed's own, so that shrinking other knobs keeps it.
bool rejoins(const Scenario& s) {
  std::mt19937_64 g(s.seed ^ 0x72656a6f696e2d67ull);
  return std::uniform_real_distribution<double>(0, 1)(g) < s.rejoining_gateway;
}

// The newest started snapshot id when `frame` is in-group traffic carrying it (its 14 low
// bits) and the gateway, at `current`, has not entered it; else nothing. Only ids at least
// 8191 are taken, so that the stale id below them is a real one.
std::optional<std::uint32_t> newest_unentered_id(packet::View frame, const std::set<std::uint32_t>& started, std::uint32_t current) {
  if (started.empty()) return std::nullopt;
  const std::uint32_t k = *started.rbegin();
  if (k < pb::kHalfWindow || current >= k) return std::nullopt;
  const auto d = packet::decode(frame, packet::Checksums::HeaderOnly);
  const auto* f = std::get_if<packet::Frame>(&d);
  if (!f || (f->ip.src & kGroupMask) != kGroup) return std::nullopt;
  if (pb::ssid_of(f->ip.tos, f->ip.ttl) != k % pb::kSsidSpace) return std::nullopt;
  return k;
}

// What the harness records as the run goes, replayed into an execution at the end with
// the accepted snapshots only.
struct Record {
  enum class Kind { Send, Recv, Snapshot } kind;
  std::uint32_t process;
  std::uint64_t msg;
  std::uint32_t ssid;
  Time time;
  std::uint32_t to;  // Send: the destination process, or cut::kNone
};

struct World {
  explicit World(const Scenario& sc) : s(sc) {}
  const Scenario& s;
  std::vector<Record> log;
  std::vector<std::string> problems;
  std::uint64_t next_msg = 1;
  std::set<std::uint32_t> started;  // snapshot ids the initiator began
  std::vector<std::uint32_t> accepted, rejected;
  // Processes of the execution: backends (in-group), services and clients (out-group).
  std::vector<std::string> names;
  std::vector<bool> in_group;
  // The online invariant: per process, the highest snapshot id whose post-snapshot events
  // are in its causal past (0: none); per message, its sender's at the send.
  std::vector<std::uint32_t> past;
  std::vector<std::uint32_t> recorded;  // per backend process: the last started id it recorded
  std::vector<std::uint32_t> core_at;   // per backend process: the id its core is at
  std::map<std::uint64_t, std::uint32_t> msg_past;
  std::set<std::uint32_t> broken;  // ids a delivery broke, accepted or not

  std::uint32_t process(std::string name, bool in) {
    names.push_back(std::move(name));
    in_group.push_back(in);
    past.push_back(0);
    recorded.push_back(0);
    core_at.push_back(0);
    return static_cast<std::uint32_t>(names.size() - 1);
  }
  std::uint64_t send(std::uint32_t p, Time t, std::uint32_t to = cut::kNone) {
    const std::uint64_t m = next_msg++;
    log.push_back({Record::Kind::Send, p, m, 0, t, to});
    msg_past[m] = std::max(past[p], recorded[p]);
    return m;
  }
  void recv(std::uint32_t p, std::uint64_t m, Time t) {
    log.push_back({Record::Kind::Recv, p, m, 0, t, cut::kNone});
    const std::uint32_t carried = msg_past[m];
    // Delivered before this backend recorded ids up to `carried`: each such id's cut here
    // holds an event that depends on one after another process's cut.
    if (in_group[p])
      for (std::uint32_t n : started)
        if (n > recorded[p] && n <= carried) broken.insert(n);
    past[p] = std::max(past[p], carried);
  }
  // Backend p's core moved to id `to`: it records every started id it passed (one local
  // state for all of them). An id started later but below `to` it will never record.
  void snapshot_up_to(std::uint32_t p, std::uint32_t to, Time t) {
    for (std::uint32_t n : started) {
      if (n <= core_at[p] || n > to) continue;
      log.push_back({Record::Kind::Snapshot, p, 0, n, t, cut::kNone});
      recorded[p] = std::max(recorded[p], n);
    }
    core_at[p] = std::max(core_at[p], to);
  }
};

}  // namespace

Outcome run(const Scenario& s) {
  World w(s);
  const Start start = draw_start(s);
  // About how long the clients' traffic lasts: snapshots and partitions fall within it.
  const Time span = Time{s.requests} * std::max<Time>(1, s.request_gap_max);
  sim::RunOptions opts;
  opts.seed = s.seed;
  opts.max_events = 2'000'000;
  // Node ids are assigned in this order (gateways, backends, services, clients, initiator).
  const NodeId initiator_id = s.gateways + s.backends + s.services + s.clients;
  if (s.capture)
    opts.tap = [&s, initiator_id](NodeId from, NodeId to, const Bytes& bytes, Time now, bool) {
      if (from != initiator_id && to != initiator_id) return s.capture(bytes, now);
      if (to < s.gateways || from < s.gateways) {  // a request or a reply, as UDP
        packet::Ipv4 ip;
        ip.src = from == initiator_id ? kControllerIp : 0x0a000001 + from;
        ip.dst = to == initiator_id ? kControllerIp : 0x0a000001 + to;
        s.capture(packet::encode_udp({}, ip, packet::Udp{kControlPort, kControlPort}, bytes), now);
      }
    };
  sim::Sim sm(opts);
  sm.default_link(sim::LinkModel{1, std::max<Time>(1, s.link_max), 0, 0});

  // Node ids are assigned in this order.
  const NodeId first_gateway = 0, first_backend = s.gateways, first_service = first_backend + s.backends,
               first_client = first_service + s.services, initiator = first_client + s.clients;
  std::vector<std::uint32_t> backend_proc, service_proc, client_proc;
  for (unsigned b = 0; b < s.backends; ++b) backend_proc.push_back(w.process(named("b", b), true));
  for (unsigned x = 0; x < s.services; ++x) service_proc.push_back(w.process(named("x", x), false));
  for (unsigned c = 0; c < s.clients; ++c) client_proc.push_back(w.process(named("c", c), false));
  auto backend_node_of = [&](std::uint32_t ip) -> NodeId { return first_backend + ((ip & 0xff) - 1); };

  core::GatewayConfig gc;
  for (unsigned b = 0; b < s.backends; ++b) gc.backends.push_back(backend_ip(b));
  gc.group_prefix = kGroup;
  gc.group_mask = kGroupMask;

  for (unsigned g = 0; g < s.gateways; ++g) {
    sm.add(named("g", g), [&, g](Node& n) {
      core::GatewayConfig c = gc;
      c.ip = 0x0a000001 + g;
      c.ssid = g == 0 ? start.base - start.lag : start.base;
      core::Gateway gw(c, s.mutant);
      const GatewayPath path = s.data_plane ? s.data_plane(gw, g) : GatewayPath([&gw](packet::View f, Time) { return gw.forward(f); });
      bool rejoin = g == 0 && rejoins(s);
      // The moment that matters for a rejoin: the frame is bound for a backend that has not
      // entered k either (asked of a copy, so that the gateway itself learns nothing).
      auto bound_for_unentered = [&](const core::Gateway& now, packet::View frame, std::uint32_t k) {
        core::Gateway probe = now;
        const auto m = probe.mark(frame);
        const auto* marking = std::get_if<core::Marking>(&m);
        return marking && w.recorded[backend_proc[backend_node_of(marking->backend) - first_backend]] < k;
      };
      for (;;) {
        const sim::Packet p = n.receive();
        if (rejoin && p.from != initiator)
          if (const auto k = newest_unentered_id(p.bytes, w.started, gw.ssid()); k && bound_for_unentered(gw, p.bytes, *k)) {
            // Scenario::rejoining_gateway: g0 restarts, its id 8191 behind snapshot k.
            core::GatewayConfig stale = c;
            stale.ssid = *k - pb::kHalfWindow;
            gw = core::Gateway(stale, s.mutant);
            rejoin = false;
          }
        if (p.from == initiator) {
          auto reply = gw.request(p.bytes, n.now());
          if (auto* b = std::get_if<Bytes>(&reply)) n.send(initiator, *b);
          continue;
        }
        auto out = path(p.bytes, n.now());
        if (auto* e = std::get_if<packet::DecodeError>(&out)) {
          w.problems.push_back(n.name() + " refused a packet: " + e->message());
          continue;
        }
        const Bytes& frame = std::get<Bytes>(out);
        n.send(backend_node_of(std::get<packet::Frame>(packet::decode(frame)).ip.dst), frame);
      }
    });
  }
  for (unsigned b = 0; b < s.backends; ++b) {
    sm.add(named("b", b), [&, b](Node& n) {
      core::Backend be({backend_ip(b), kGroup, kGroupMask, start.base}, s.mutant);
      const std::uint32_t me = backend_proc[b];
      for (;;) {
        sim::Packet p = n.receive();
        if (p.from == initiator && p.bytes.size() == 5 && p.bytes[0] == kFinalize) {
          // What it never saw marked, it records now.
          w.snapshot_up_to(me, static_cast<std::uint32_t>(p.bytes[1] << 24 | p.bytes[2] << 16 | p.bytes[3] << 8 | p.bytes[4]),
                           n.now());
          continue;
        }
        auto effects = be.receive(p.bytes);
        if (auto* e = std::get_if<packet::DecodeError>(&effects)) {
          w.problems.push_back(n.name() + " refused a packet: " + e->message());
          continue;
        }
        for (core::Effect& eff : std::get<std::vector<core::Effect>>(effects)) {
          if (eff.kind == core::Effect::Kind::Snapshot) {
            w.snapshot_up_to(me, eff.ssid, n.now());
            continue;
          }
          const auto [msg, depth] = read_payload(eff.frame);
          w.recv(me, msg, n.now());
          if (depth >= kMaxDepth) continue;
          std::uniform_real_distribution<double> coin(0, 1);
          if (s.backends > 1 && coin(n.rng()) < s.in_group_chatter) {  // tell another backend
            // Directly, or through the service's address and so a gateway, which picks the
            // backend (maybe this one).
            const bool via_gateway = coin(n.rng()) < s.in_group_via_gateway;
            unsigned to = static_cast<unsigned>(n.rng()() % (s.backends - 1));
            if (to >= b) ++to;
            const std::uint64_t m = w.send(me, n.now(), via_gateway ? cut::kNone : backend_proc[to]);
            packet::Ipv4 ip;
            ip.src = backend_ip(b);
            ip.dst = via_gateway ? kVip : backend_ip(to);
            Bytes frame = be.send(packet::encode_tcp({}, ip, packet::Tcp{40000, pb::kInGroupPort, 1, 1, 0x18, 512},
                                                     payload(m, static_cast<std::uint8_t>(depth + 1))));
            bool delivered = true;
            for (unsigned r = static_cast<unsigned>(n.rng()() % 3); r > 0 && delivered; --r)
              delivered = route(frame, s.dscp_remark > 0 && coin(n.rng()) < s.dscp_remark);
            if (!delivered) {
              w.problems.push_back(std::string(n.name()).append("'s in-group packet was dropped by a router: its TTL ran out"));
              continue;
            }
            n.send(via_gateway ? first_gateway + static_cast<NodeId>(n.rng()() % s.gateways) : first_backend + to, frame);
          }
          if (s.services > 0) {  // call an out-group service: causality leaves the group
            const unsigned x = static_cast<unsigned>(n.rng()() % s.services);
            const std::uint64_t m = w.send(me, n.now(), service_proc[x]);
            packet::Ipv4 ip;
            ip.src = backend_ip(b);
            ip.dst = outside_ip(1, x);
            n.send(first_service + x, packet::encode_udp({}, ip, packet::Udp{40000, 80},
                                                         payload(m, static_cast<std::uint8_t>(depth + 1))));
          }
        }
      }
    });
  }
  for (unsigned x = 0; x < s.services; ++x) {
    sm.add(named("x", x), [&, x](Node& n) {
      for (;;) {
        const sim::Packet p = n.receive();
        const auto [msg, depth] = read_payload(p.bytes);
        w.recv(service_proc[x], msg, n.now());
        // Back into the group through any gateway: an external causal chain.
        const std::uint64_t m = w.send(service_proc[x], n.now());
        packet::Ipv4 ip;
        ip.src = outside_ip(1, x);
        ip.dst = kVip;
        n.send(first_gateway + static_cast<NodeId>(n.rng()() % s.gateways),
               packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(30000 + m % 1000), 80},
                                  payload(m, depth)));
      }
    });
  }
  for (unsigned c = 0; c < s.clients; ++c) {
    sm.add(named("c", c), [&, c](Node& n) {
      for (unsigned r = 0; r < s.requests; ++r) {
        n.sleep_until(n.now() + 1 + n.rng()() % std::max<Time>(1, s.request_gap_max));
        const std::uint64_t m = w.send(client_proc[c], n.now());
        packet::Ipv4 ip;
        ip.src = outside_ip(2, c);
        ip.dst = kVip;
        n.send(first_gateway + static_cast<NodeId>(n.rng()() % s.gateways),
               packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(20000 + r), 80}, payload(m, 0)));
      }
    });
  }
  sm.add("initiator", [&](Node& n) {
    core::Initiator init(s.gateways, s.threshold, s.mutant);
    for (std::uint32_t k = start.base + 1; k <= start.base + s.snapshots; ++k) {
      n.sleep_until(n.now() + 1 + n.rng()() % std::max<Time>(1, span / (s.snapshots + 1)));
      w.started.insert(k);
      const Bytes req = init.start(k, n.now());
      for (unsigned g = 0; g < s.gateways; ++g) n.send(first_gateway + g, req);
      for (;;) {
        const auto p = n.receive_until(n.now() + 100000);
        if (!p) break;  // a gateway never answered: no decision
        auto d = init.reply(p->from - first_gateway, p->bytes, n.now());
        if (auto* dec = std::get_if<std::optional<core::Initiator::Decision>>(&d); dec && *dec) {
          ((*dec)->accepted ? w.accepted : w.rejected).push_back(k);
          break;
        }
      }
    }
    // Once the traffic is over, every backend records what it never saw marked.
    n.sleep_until(n.now() + span + 100 * (s.hop_max + s.link_max));
    const std::uint32_t last = start.base + s.snapshots;
    for (unsigned b = 0; b < s.backends; ++b)
      n.send(first_backend + b, Bytes{kFinalize, static_cast<std::uint8_t>(last >> 24), static_cast<std::uint8_t>(last >> 16),
                                      static_cast<std::uint8_t>(last >> 8), static_cast<std::uint8_t>(last)});
  });

  // Links: the chain's hops (gateway -> backend, backend -> service, service -> gateway)
  // take hop_min..hop_max; the initiator's requests reach the gateways after their skew;
  // links to and among backends may drop and duplicate.
  const sim::LinkModel hop{s.hop_min, s.hop_max, 0, 0};
  for (unsigned g = 0; g < s.gateways; ++g) {
    if (s.entry_fixed) {
      const Time at = 1 + (s.gateways > 1 ? s.entry_skew_max * g / (s.gateways - 1) : 0);
      sm.link(initiator, first_gateway + g, sim::LinkModel{at, at, 0, s.control_duplicate});
    } else {
      sm.link(initiator, first_gateway + g, sim::LinkModel{1, std::max<Time>(1, s.entry_skew_max), 0, s.control_duplicate});
    }
    sm.link(first_gateway + g, initiator, sim::LinkModel{1, std::max<Time>(1, s.reply_max), 0, s.control_duplicate});
    for (unsigned b = 0; b < s.backends; ++b)
      sm.link(first_gateway + g, first_backend + b, sim::LinkModel{s.hop_min, s.hop_max, s.drop, s.duplicate});
    for (unsigned x = 0; x < s.services; ++x) sm.link(first_service + x, first_gateway + g, hop);
  }
  for (unsigned b = 0; b < s.backends; ++b) {
    for (unsigned x = 0; x < s.services; ++x) sm.link(first_backend + b, first_service + x, hop);
    for (unsigned o = 0; o < s.backends; ++o)
      if (o != b) sm.link(first_backend + b, first_backend + o, sim::LinkModel{1, std::max<Time>(1, s.link_max), s.drop, s.duplicate});
  }

  // Partitions, while the clients' traffic lasts (the finalizing round after it gets
  // through): drawn like the start, from the seed alone.
  std::mt19937_64 cuts(s.seed ^ 0x7061727469746e73ull);
  for (unsigned i = 0; i < s.partitions; ++i) {
    const NodeId node = static_cast<NodeId>(cuts() % (s.gateways + s.backends + s.services));
    const Time from = cuts() % std::max<Time>(1, span), length = 1 + cuts() % std::max<Time>(1, s.partition_max);
    sm.partition(node, from, std::min(from + length, span));
  }

  Outcome out;
  out.start_ssid = start.base;
  out.gateway_lag = start.lag;
  out.run = sm.run();
  out.accepted = w.accepted;
  out.rejected = w.rejected;
  out.problems = w.problems;
  // An accepted id that some backend never recorded has no cut there (incomplete); one a
  // delivery broke is inconsistent.
  std::map<std::uint32_t, std::set<std::uint32_t>> recorders;
  for (const Record& r : w.log)
    if (r.kind == Record::Kind::Snapshot) recorders[r.ssid].insert(r.process);
  for (std::uint32_t n : w.accepted) {
    if (recorders[n].empty()) {  // the execution cannot show it: the harness says it
      out.problems.push_back(named("snapshot ", n) + " was accepted, yet no backend recorded it");
      continue;
    }
    if (w.broken.count(n) || recorders[n].size() != s.backends) out.inconsistent_online.push_back(n);
  }
  out.consistent_online = out.inconsistent_online.empty();

  // The execution, with the accepted snapshots only.
  const std::set<std::uint32_t> judged(w.accepted.begin(), w.accepted.end());
  cut::Recorder rec("beaver-seed-" + std::to_string(s.seed));
  std::vector<std::uint32_t> pid;
  for (std::size_t p = 0; p < w.names.size(); ++p)
    pid.push_back(rec.process(w.names[p], w.in_group[p] ? cut::Group::In : cut::Group::Out));
  for (const Record& r : w.log) {
    const double t = static_cast<double>(r.time);
    switch (r.kind) {
      case Record::Kind::Send:
        rec.send(pid[r.process], r.msg, named("m", r.msg), 0, t, r.to == cut::kNone ? cut::kNone : pid[r.to]);
        break;
      case Record::Kind::Recv: rec.recv(pid[r.process], r.msg, t); break;
      case Record::Kind::Snapshot:
        if (judged.count(r.ssid)) rec.snapshot(pid[r.process], r.ssid, t);
        break;
    }
  }
  out.execution = std::move(rec).finish();
  return out;
}

}  // namespace weir::harness::beaver
