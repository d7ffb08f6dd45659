// One Pegasus run in the simulator. Node ids: the switch, then servers, then clients.
#include "harness/pegasus/scenario.hpp"

#include <nlohmann/json.hpp>

namespace weir::harness::pegasus {

namespace {

namespace core = weir::core::pegasus;
using packet::Bytes;
using sim::Node;
using sim::NodeId;
using sim::Time;

std::string key_name(std::uint32_t k) { return std::string("k").append(std::to_string(k)); }

}  // namespace

std::string history_jsonl(const std::vector<Op>& ops) {
  std::string text;
  for (const Op& op : ops) {
    nlohmann::json line = {{"client", op.client}, {"call", op.call}, {"f", op.get ? "get" : "put"}, {"key", op.key}};
    if (op.ret) line["return"] = *op.ret;
    if (!op.get) line["value"] = op.value;
    if (op.get && op.ret) line["output"] = op.value;
    text.append(line.dump()).append("\n");
  }
  return text;
}

Outcome run(const Scenario& s) {
  Outcome out;
  if (s.operations > core::kMaxOperationsPerClient) {
    // Past it, request ids repeat within a node's window and correct cores fail: refused.
    out.problems.push_back("more than " + std::to_string(core::kMaxOperationsPerClient) +
                           " operations per client: the 8-bit request id would wrap within the servers' window");
    return out;
  }
  sim::RunOptions opts;
  opts.seed = s.seed;
  opts.max_events = 2'000'000;
  sim::Sim sm(opts);
  sm.default_link(sim::LinkModel{s.link_min, std::max(s.link_min, s.link_max), s.drop, s.duplicate});

  core::Topology t;
  t.switch_ip = 0x0a000001;
  for (unsigned i = 0; i < s.servers; ++i) t.servers.push_back(0x0a000100 + i + 1);
  for (unsigned i = 0; i < s.clients; ++i) t.clients.push_back(0x0a000200 + i + 1);
  std::vector<std::uint32_t> hot;
  for (unsigned k = 0; k < std::min(s.hot, s.keys); ++k) hot.push_back(k);
  const NodeId sw = 0, first_server = 1, first_client = 1 + s.servers;
  auto node_of = [&](const Bytes& frame) -> NodeId {
    const std::uint32_t dst = std::get<packet::Frame>(packet::decode(frame)).ip.dst;
    if ((dst & 0xffffff00) == 0x0a000100) return first_server + (dst & 0xff) - 1;
    return first_client + (dst & 0xff) - 1;
  };
  auto problem = [&](const std::string& who, const packet::DecodeError& e) {
    out.problems.push_back(who + " refused a packet: " + e.message());
  };

  sm.add("switch", [&](Node& n) {
    core::Switch dir(t, hot, s.mutant);
    const SwitchPath path = s.data_plane ? s.data_plane(dir) : SwitchPath([&dir](packet::View f, Time) { return dir.receive(f); });
    for (;;) {
      const sim::Packet p = n.receive();
      auto outs = path(p.bytes, n.now());
      if (auto* e = std::get_if<packet::DecodeError>(&outs)) {
        problem(n.name(), *e);
        continue;
      }
      for (core::Out& o : std::get<std::vector<core::Out>>(outs)) {
        const NodeId to = node_of(o.frame);  // before the frame is moved away
        n.send(to, std::move(o.frame));
      }
    }
  });
  for (unsigned i = 0; i < s.servers; ++i) {
    sm.add(std::string("s").append(std::to_string(i)), [&, i](Node& n) {
      core::Server server(static_cast<std::uint8_t>(i), t, s.mutant);
      for (;;) {
        const sim::Packet p = n.receive();
        auto outs = server.receive(p.bytes);
        if (auto* e = std::get_if<packet::DecodeError>(&outs)) {
          problem(n.name(), *e);
          continue;
        }
        for (core::Out& o : std::get<std::vector<core::Out>>(outs)) n.send(sw, std::move(o.frame));
      }
    });
  }
  // Each client's operations, in the order it issued them; written out as JSON lines
  // (those that never returned, without a return) once the run is over.
  std::vector<std::vector<Op>> ops(s.clients);
  for (unsigned c = 0; c < s.clients; ++c) {
    sm.add(std::string("c").append(std::to_string(c)), [&, c](Node& n) {
      core::Client client(static_cast<std::uint8_t>(c), t);
      std::uniform_real_distribution<double> coin(0, 1);
      for (unsigned i = 0; i < s.operations; ++i) {
        const std::uint32_t key = static_cast<std::uint32_t>(n.rng()() % std::max(1u, s.keys));
        const bool get = coin(n.rng()) < s.reads;
        Op op;
        op.client = c;
        op.call = n.now();
        op.get = get;
        op.key = key_name(key);
        // Every put writes a value of its own, so a stale read names the write it saw.
        if (!get) op.value = std::string("c").append(std::to_string(c)).append("-").append(std::to_string(i));
        ops[c].push_back(op);
        Bytes request = client.issue(get ? core::Client::Kind::Get : core::Client::Kind::Put, key,
                                     Bytes(op.value.begin(), op.value.end()));
        auto send = [&](const Bytes& frame) {
          if (s.client_tap) s.client_tap(frame, n.now());
          n.send(sw, frame);
        };
        send(request);
        for (;;) {
          auto p = n.receive_until(n.now() + s.retry_after);
          if (!p) {
            send(client.retry());  // the same request id: the switch keeps its version
            continue;
          }
          if (s.client_tap) s.client_tap(p->bytes, n.now());
          auto r = client.receive(p->bytes);
          if (auto* e = std::get_if<packet::DecodeError>(&r)) {
            problem(n.name(), *e);
            continue;
          }
          const auto& result = std::get<std::optional<core::Client::Result>>(r);
          if (!result) continue;  // a late copy of an earlier answer
          Op& done = ops[c].back();
          done.ret = n.now();
          if (get) done.value.assign(result->value.begin(), result->value.end());
          break;
        }
      }
    });
  }
  std::mt19937_64 cuts(s.seed ^ 0x7061727469746e73ull);
  const Time span = Time{s.operations} * (s.link_max + s.retry_after);  // about when the clients are busy
  for (unsigned i = 0; i < s.partitions; ++i) {
    const NodeId node = static_cast<NodeId>(cuts() % (1 + s.servers));
    const Time from = cuts() % std::max<Time>(1, span), length = 1 + cuts() % std::max<Time>(1, s.partition_max);
    sm.partition(node, from, from + length);
  }
  out.run = sm.run();
  for (const auto& client_ops : ops) out.ops.insert(out.ops.end(), client_ops.begin(), client_ops.end());
  out.history = history_jsonl(out.ops);
  out.operations = out.ops.size();
  out.online_violation = zones_violation(out.ops);
  return out;
}

}  // namespace weir::harness::pegasus
