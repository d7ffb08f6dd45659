#include "harness/sim/sim.hpp"

#include <boost/fiber/all.hpp>
#include <deque>
#include <map>
#include <algorithm>
#include <cstring>

#include "harness/sim/scheduler.hpp"

namespace weir::sim {

namespace {

constexpr std::uint64_t kHashSeed = 1469598103934665603ull;

// The trace hash: each 8-byte word folded in by splitmix64's finaliser, a word at a time
// (a byte-at-a-time FNV-1a was a tenth of a protocol run's time).
std::uint64_t fold(std::uint64_t h, std::uint64_t word) {
  std::uint64_t x = h ^ (word + 0x9e3779b97f4a7c15ull);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
std::uint64_t hash_bytes(std::uint64_t h, const void* data, std::size_t n) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = fold(h, w);
  }
  std::uint64_t tail = n;  // the length too, so that trailing zeros count
  for (; i < n; ++i) tail = tail << 8 | p[i];
  return fold(h, tail);
}

}  // namespace

struct Sim::Impl {
  struct NodeState {
    std::string name;
    std::function<void(Node&)> body;
    std::deque<Packet> inbox;
    boost::fibers::mutex mtx;
    boost::fibers::condition_variable cv;
    bool waiting = false;
    Wait wait = Wait::Idle;
    bool finished = false;
    std::uint64_t timer = 0;        // the token of the timer this node waits for
    std::uint64_t timer_fired = 0;  // the last token that fired
    std::vector<std::pair<Time, Time>> down;  // partitioned over [from, until)
    bool cut_off(Time t) const {
      for (const auto& [from, until] : down)
        if (t >= from && t < until) return true;
      return false;
    }
  };
  struct Event {
    Time time = 0;
    std::uint64_t seq = 0;  // ties broken by scheduling order: deterministic
    NodeId node = 0;
    bool timer = false;
    std::uint64_t token = 0;
    Packet packet;
    bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };

  explicit Impl(RunOptions o) : opts(o), rng(o.seed) {}

  // One line of the trace. The hash covers the fields, not the text, so that a run
  // costs no string building unless its trace is kept; the text is the same either way.
  enum class Rec : std::uint8_t { Dropped, Partitioned, Sent, Timer, Delivered };
  void record(Rec kind, NodeId from, NodeId to, std::uint64_t size = 0, std::uint64_t content = 0,
              std::uint64_t arrives = 0, bool duplicate = false) {
    const std::uint64_t fields[] = {now, static_cast<std::uint64_t>(kind), from, to, size, content, arrives, duplicate};
    for (std::uint64_t f : fields) result.trace_hash = fold(result.trace_hash, f);
    if (!opts.keep_trace) return;
    std::string line = std::to_string(now).append(" ");
    if (kind == Rec::Timer) {
      result.trace.push_back(line.append("timer ").append(nodes[to].name));
      return;
    }
    line.append(nodes[from].name).append("->").append(nodes[to].name).append(" ");
    if (kind == Rec::Delivered) {
      result.trace.push_back(line.append("delivered ").append(std::to_string(size)).append("B"));
      return;
    }
    line.append(std::to_string(size)).append("B #").append(std::to_string(content % 100000));
    if (kind == Rec::Dropped) line.append(" dropped");
    if (kind == Rec::Partitioned) line.append(" lost to a partition");
    if (kind == Rec::Sent) line.append(" sent, arrives ").append(std::to_string(arrives)).append(duplicate ? " (duplicate)" : "");
    result.trace.push_back(std::move(line));
  }
  void wake(NodeState& n) {
    std::unique_lock lk(n.mtx);
    n.cv.notify_all();
  }
  void schedule(Event e) {
    e.seq = seq++;
    events.push_back(std::move(e));
    std::push_heap(events.begin(), events.end(), std::greater<>{});
  }
  // A timer for `node` at `t` (not before now); its token.
  std::uint64_t arm_timer(NodeId node, Time t) {
    Event e;
    e.time = std::max(t, now);
    e.node = node;
    e.timer = true;
    e.token = next_token++;
    const std::uint64_t token = e.token;
    schedule(std::move(e));
    return token;
  }

  RunOptions opts;
  std::mt19937_64 rng;
  Time now = 0;
  std::uint64_t seq = 0;
  std::uint64_t next_token = 1;
  bool stopping = false;
  std::deque<NodeState> nodes;  // stable addresses
  std::map<std::pair<NodeId, NodeId>, LinkModel> links;
  LinkModel default_link;
  std::vector<Event> events;  // a min-heap by (time, seq); popped by moving, not copying
  RunResult result;
  bool ran = false;
};

// ---- Node ----

const std::string& Node::name() const { return sim_->impl_->nodes[id_].name; }
Time Node::now() const { return sim_->impl_->now; }
std::mt19937_64& Node::rng() { return sim_->impl_->rng; }

void Node::send(NodeId to, Bytes bytes) {
  Sim::Impl& s = *sim_->impl_;
  auto it = s.links.find({id_, to});
  const LinkModel& link = it == s.links.end() ? s.default_link : it->second;
  if (s.opts.tap) s.opts.tap(id_, to, bytes, s.now, false);
  const std::uint64_t h = hash_bytes(kHashSeed, bytes.data(), bytes.size());
  using Rec = Sim::Impl::Rec;
  std::uniform_real_distribution<double> coin(0, 1);
  if (link.drop > 0 && coin(s.rng) < link.drop) {
    s.record(Rec::Dropped, id_, to, bytes.size(), h);
    return;
  }
  const int copies = link.duplicate > 0 && coin(s.rng) < link.duplicate ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    std::uniform_int_distribution<Time> delay(link.delay_min, std::max(link.delay_min, link.delay_max));
    Sim::Impl::Event e;
    e.time = s.now + delay(s.rng);
    e.node = to;
    e.packet = Packet{id_, bytes, s.now};
    // A partitioned node sends nothing out and gets nothing in.
    if (s.nodes[id_].cut_off(s.now) || s.nodes[to].cut_off(e.time)) {
      s.record(Rec::Partitioned, id_, to, bytes.size(), h);
      continue;
    }
    s.record(Rec::Sent, id_, to, bytes.size(), h, e.time, c > 0);
    s.schedule(std::move(e));
  }
}

Packet Node::receive(Wait wait) { return *receive_until(~Time{0}, wait); }

std::optional<Packet> Node::receive_until(Time until, Wait wait) {
  Sim::Impl& s = *sim_->impl_;
  Sim::Impl::NodeState& n = s.nodes[id_];
  const std::uint64_t token = until != ~Time{0} ? s.arm_timer(id_, until) : 0;
  std::unique_lock lk(n.mtx);
  n.waiting = true;
  n.wait = wait;
  n.timer = token;
  n.cv.wait(lk, [&] { return !n.inbox.empty() || s.stopping || (token && n.timer_fired == token); });
  n.waiting = false;
  n.timer = 0;  // a timer still pending is stale now
  if (s.stopping) throw Stopped{};
  if (n.inbox.empty()) return std::nullopt;
  Packet p = std::move(n.inbox.front());
  n.inbox.pop_front();
  if (s.opts.tap) s.opts.tap(p.from, id_, p.bytes, s.now, true);
  return p;
}

void Node::sleep_until(Time t) {
  Sim::Impl& s = *sim_->impl_;
  Sim::Impl::NodeState& n = s.nodes[id_];
  const std::uint64_t token = s.arm_timer(id_, t);
  std::unique_lock lk(n.mtx);
  n.waiting = true;
  n.wait = Wait::Needed;
  n.timer = token;
  n.cv.wait(lk, [&] { return s.stopping || n.timer_fired == token; });
  n.waiting = false;
  n.timer = 0;
  if (s.stopping) throw Stopped{};
}

// ---- Sim ----

Sim::Sim(RunOptions opts) : impl_(std::make_unique<Impl>(opts)) { impl_->result.trace_hash = kHashSeed; }
Sim::~Sim() = default;

NodeId Sim::add(std::string name, std::function<void(Node&)> body) {
  Impl::NodeState& n = impl_->nodes.emplace_back();
  n.name = std::move(name);
  n.body = std::move(body);
  return static_cast<NodeId>(impl_->nodes.size() - 1);
}

void Sim::link(NodeId from, NodeId to, LinkModel model) { impl_->links[{from, to}] = model; }
void Sim::default_link(LinkModel model) { impl_->default_link = model; }
void Sim::partition(NodeId node, Time from, Time until) {
  if (node < impl_->nodes.size() && from < until) impl_->nodes[node].down.emplace_back(from, until);
}
Time Sim::now() const { return impl_->now; }
std::uint64_t Sim::seed() const { return impl_->opts.seed; }

RunResult Sim::run() {
  Impl& s = *impl_;
  if (s.ran) throw std::logic_error("sim: one run per Sim");
  s.ran = true;
  detail::SeededScheduler& sched = detail::SeededScheduler::on_this_thread();
  detail::SeededScheduler::rng() = &s.rng;
  std::vector<Node> handles;
  handles.reserve(s.nodes.size());
  for (NodeId i = 0; i < s.nodes.size(); ++i) handles.push_back(Node(*this, i));
  std::vector<boost::fibers::fiber> fibers;
  for (NodeId i = 0; i < s.nodes.size(); ++i)
    fibers.emplace_back([&s, &handles, i] {
      try {
        s.nodes[i].body(handles[i]);
      } catch (const Stopped&) {
        // the run ended while this node waited
      }
      s.nodes[i].finished = true;
    });
  auto settle = [&] {  // every node runs until it waits
    while (sched.ready_nodes() > 0) boost::this_fiber::yield();
  };
  for (;;) {
    settle();
    const bool budget = s.result.events >= s.opts.max_events || (!s.events.empty() && s.events.front().time > s.opts.max_time);
    if (s.events.empty() || budget) {
      s.result.budget_spent = budget;
      for (const Impl::NodeState& n : s.nodes)
        if (!n.finished && n.waiting && n.wait == Wait::Needed && !budget) s.result.waiting.push_back(n.name);
      s.result.deadlock = !s.result.waiting.empty();
      s.stopping = true;
      for (Impl::NodeState& n : s.nodes) s.wake(n);
      break;
    }
    std::pop_heap(s.events.begin(), s.events.end(), std::greater<>{});
    Impl::Event e = std::move(s.events.back());
    s.events.pop_back();
    Impl::NodeState& n = s.nodes[e.node];
    if (e.timer && n.timer != e.token) continue;  // a timeout whose packet came first
    s.now = e.time;
    ++s.result.events;
    if (e.timer) {
      s.record(Impl::Rec::Timer, e.node, e.node);
      n.timer_fired = e.token;
    } else {
      s.record(Impl::Rec::Delivered, e.packet.from, e.node, e.packet.bytes.size());
      n.inbox.push_back(std::move(e.packet));
    }
    s.wake(n);
  }
  for (boost::fibers::fiber& f : fibers) f.join();
  detail::SeededScheduler::rng() = nullptr;
  s.result.end = s.now;
  return s.result;
}

}  // namespace weir::sim
