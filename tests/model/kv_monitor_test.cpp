// The incremental linearizability monitor gives `weir check lin`'s verdict (kv spec) on
// every prefix of a clients' history: on histories linearizable by construction, and on
// random ones that mostly are not.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <memory>
#include <string>

#include "checker/lin/lin.hpp"
#include "model/core/kv_monitor.hpp"

namespace weir::model::core {
namespace {

struct Event {
  bool is_return = false;
  unsigned client = 0;
  KvMonitor::Kind kind = KvMonitor::Kind::Read;
  unsigned key = 0;
  std::uint8_t value = 0;  // call: the value written; return: the value read
};

// The same history as check lin reads it: one op per call, its return if it came.
bool check_lin_says(const std::vector<Event>& events) {
  lin::History h;
  h.spec = spec::SpecKind::Kv;
  h.values = std::make_shared<spec::ValueTable>();
  h.init = h.values->intern("");
  auto text = [](std::uint8_t v) { return v == 0 ? std::string() : std::string("v").append(std::to_string(v)); };
  std::array<std::size_t, KvMonitor::kMaxClients> open{};
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.is_return) {
      lin::Operation& op = h.ops[open[e.client]];
      op.ret = i;
      op.input.known = true;
      if (e.kind == KvMonitor::Kind::Read) op.input.out = h.values->intern(text(e.value));
      continue;
    }
    lin::Operation op;
    op.client = std::to_string(e.client);
    op.call = i;
    op.input.kind = e.kind == KvMonitor::Kind::Read ? spec::OpKind::Get : spec::OpKind::Put;
    op.input.key = h.values->intern(std::string("k").append(std::to_string(e.key)));
    if (e.kind == KvMonitor::Kind::Write) op.input.arg = h.values->intern(text(e.value));
    op.input.known = false;
    open[e.client] = h.ops.size();
    h.ops.push_back(std::move(op));
  }
  std::erase_if(h.ops, [](const lin::Operation& op) { return op.ret == lin::kPending && op.input.kind == spec::OpKind::Get; });
  lin::CheckOptions opts;
  opts.jobs = 1;
  return lin::check(h, opts).verdict == lin::Verdict::Ok;
}

// Clients call, take effect (on a true store, when `truthful`) and return, interleaved at
// random. Truthful reads return what they saw when they took effect: linearizable. Others
// return a value drawn from those written so far.
std::vector<Event> gen_history(bool truthful) {
  const auto clients = *rc::gen::inRange(1u, KvMonitor::kMaxClients + 1);
  const auto keys = *rc::gen::inRange(1u, 3u);
  const auto steps = *rc::gen::inRange(1, 24);
  struct Open {
    bool active = false, effect = false;
    KvMonitor::Kind kind = KvMonitor::Kind::Read;
    unsigned key = 0;
    std::uint8_t value = 0;
  };
  std::array<Open, KvMonitor::kMaxClients> open{};
  std::array<std::uint8_t, 2> store{};
  std::uint8_t next_value = 1;
  std::vector<Event> events;
  for (int i = 0; i < steps; ++i) {
    const unsigned c = *rc::gen::inRange(0u, clients);
    Open& op = open[c];
    if (!op.active) {
      op = {true, false, *rc::gen::element(KvMonitor::Kind::Read, KvMonitor::Kind::Write), *rc::gen::inRange(0u, keys), 0};
      if (op.kind == KvMonitor::Kind::Write) op.value = next_value++;
      events.push_back({false, c, op.kind, op.key, op.value});
    } else if (truthful && !op.effect) {
      op.effect = true;  // its linearization point
      if (op.kind == KvMonitor::Kind::Write)
        store[op.key] = op.value;
      else
        op.value = store[op.key];
    } else {
      std::uint8_t out = op.value;
      if (!truthful && op.kind == KvMonitor::Kind::Read) out = *rc::gen::inRange<std::uint8_t>(0, next_value);
      events.push_back({true, c, op.kind, op.key, op.kind == KvMonitor::Kind::Read ? out : std::uint8_t{0}});
      op.active = false;
    }
  }
  return events;
}

void expect_same_verdicts(const std::vector<Event>& events) {
  KvMonitor monitor;
  std::vector<Event> prefix;
  for (const Event& e : events) {
    prefix.push_back(e);
    if (e.is_return)
      monitor.ret(e.client, e.value);
    else
      monitor.call(e.client, e.kind, e.key, e.value);
    RC_ASSERT(monitor.linearizable() == check_lin_says(prefix));
  }
  RC_CLASSIFY(!monitor.linearizable(), "not linearizable");
}

RC_GTEST_PROP(KvMonitor, AgreesWithCheckLinOnLinearizableHistories, ()) {
  const std::vector<Event> events = gen_history(true);
  expect_same_verdicts(events);
  KvMonitor monitor;
  for (const Event& e : events) e.is_return ? monitor.ret(e.client, e.value) : monitor.call(e.client, e.kind, e.key, e.value);
  RC_ASSERT(monitor.linearizable());
}

RC_GTEST_PROP(KvMonitor, AgreesWithCheckLinOnRandomHistories, ()) { expect_same_verdicts(gen_history(false)); }

TEST(KvMonitor, StaleReadAfterACompletedWriteIsCaught) {
  KvMonitor m;
  m.call(0, KvMonitor::Kind::Write, 0, 1);
  m.ret(0, 0);
  m.call(1, KvMonitor::Kind::Read, 0, 0);
  EXPECT_TRUE(m.linearizable());
  m.ret(1, 0);  // the initial value, after the write of 1 completed
  EXPECT_FALSE(m.linearizable());
}

TEST(KvMonitor, APendingWriteMayOrMayNotHaveHappened) {
  KvMonitor m;
  m.call(0, KvMonitor::Kind::Write, 0, 7);  // never returns
  m.call(1, KvMonitor::Kind::Read, 0, 0);
  m.ret(1, 7);
  m.call(1, KvMonitor::Kind::Read, 0, 0);
  m.ret(1, 7);
  EXPECT_TRUE(m.linearizable());
  m.call(1, KvMonitor::Kind::Read, 0, 0);
  m.ret(1, 0);  // it cannot be undone once seen
  EXPECT_FALSE(m.linearizable());
}

TEST(KvMonitor, EqualHistoriesMeetInOneState) {
  // Two interleavings of the same completed operations leave the same configurations.
  KvMonitor a, b;
  a.call(0, KvMonitor::Kind::Write, 0, 1);
  a.ret(0, 0);
  a.call(1, KvMonitor::Kind::Write, 1, 2);
  a.ret(1, 0);
  b.call(1, KvMonitor::Kind::Write, 1, 2);
  b.call(0, KvMonitor::Kind::Write, 0, 1);
  b.ret(1, 0);
  b.ret(0, 0);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
}

}  // namespace
}  // namespace weir::model::core
