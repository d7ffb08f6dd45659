// harness/sim: virtual time, seeded interleavings and networks, the same trace for the
// same seed, and a deadlock reported instead of waited on.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "harness/sim/sim.hpp"

namespace weir::sim {
namespace {

// A client sends `rounds` pings and waits for each pong; the server echoes until the end.
RunResult ping_pong(std::uint64_t seed, int rounds, LinkModel link, int* answered = nullptr, bool keep = false) {
  RunOptions o;
  o.seed = seed;
  o.keep_trace = keep;
  Sim sim(o);
  sim.default_link(link);
  const NodeId server = sim.add("server", [](Node& n) {
    for (;;) {
      const Packet p = n.receive(Wait::Idle);
      n.send(p.from, p.bytes);
    }
  });
  sim.add("client", [=](Node& n) {
    int ok = 0;
    for (int i = 0; i < rounds; ++i) {
      n.send(server, Bytes{static_cast<std::uint8_t>(i)});
      // Retry on a timeout: a lossy link drops some.
      while (!n.receive_until(n.now() + 1000)) n.send(server, Bytes{static_cast<std::uint8_t>(i)});
      ++ok;
    }
    if (answered) *answered = ok;
  });
  return sim.run();
}

TEST(Sim, VirtualTimeAdvancesByTheLinkDelays) {
  int answered = 0;
  const RunResult r = ping_pong(1, 10, LinkModel{5, 5, 0, 0}, &answered);
  EXPECT_FALSE(r.deadlock);
  EXPECT_EQ(answered, 10);
  EXPECT_EQ(r.end, 10u * 2 * 5);  // ten round trips of 5 + 5
  EXPECT_EQ(r.events, 20u);
}

TEST(Sim, TheSameSeedGivesTheSameTraceAndAnotherSeedAnother) {
  const LinkModel lossy{1, 50, 0.2, 0.1};
  const RunResult a = ping_pong(7, 30, lossy, nullptr, true), b = ping_pong(7, 30, lossy, nullptr, true);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.trace, b.trace);
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) hashes.insert(ping_pong(seed, 30, lossy).trace_hash);
  EXPECT_EQ(hashes.size(), 5u);
}

TEST(Sim, LossAndDuplicationHappenAndRetriesCopeWithThem) {
  int answered = 0;
  const RunResult r = ping_pong(3, 50, LinkModel{1, 20, 0.3, 0.3}, &answered, true);
  EXPECT_EQ(answered, 50);
  std::size_t dropped = 0, duplicated = 0;
  for (const std::string& line : r.trace) {
    dropped += line.find(" dropped") != std::string::npos;
    duplicated += line.find("(duplicate)") != std::string::npos;
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_GT(duplicated, 0u);
}

// A partition loses what the node sends and what would reach it, and nothing after it
// heals: the client's pings keep timing out until then, and get through afterwards.
// Both edges of a partition, with a fixed 10-unit delay: a packet is lost when its sender
// is cut off as it sends or its receiver is cut off as it arrives, over [from, until).
// So a packet sent before the cut and arriving inside it is lost, one sent into a cut that
// heals before it arrives is delivered, and the bounds are exact.
TEST(Sim, APartitionCutsAtBothEdgesOfEveryMessage) {
  struct Case {
    const char* what;
    bool cut_sender;       // which node is partitioned over [from, until)
    Time from, until;
    Time sent;             // arrives at sent + 10
    bool delivered;
  };
  for (const Case c : {Case{"sent before, arrives inside the receiver's cut", false, 15, 100, 10, false},
                       Case{"sent inside the receiver's cut, arrives after it heals", false, 5, 15, 10, true},
                       Case{"arrives exactly as the receiver's cut begins", false, 20, 100, 10, false},
                       Case{"arrives exactly as the receiver's cut ends", false, 5, 20, 10, true},
                       Case{"sent inside the sender's cut, would arrive after it heals", true, 5, 15, 10, false},
                       Case{"sent exactly as the sender's cut ends", true, 5, 10, 10, true},
                       Case{"sent just before the sender's cut, arrives inside it", true, 11, 100, 10, true}}) {
    RunOptions o;
    Sim sim(o);
    sim.default_link(LinkModel{10, 10, 0, 0});
    std::optional<Time> got;
    const NodeId receiver = sim.add("receiver", [&](Node& n) {
      if (n.receive_until(1000)) got = n.now();
    });
    const NodeId sender = sim.add("sender", [&](Node& n) {
      n.sleep_until(c.sent);
      n.send(receiver, Bytes{1});
    });
    sim.partition(c.cut_sender ? sender : receiver, c.from, c.until);
    sim.run();
    EXPECT_EQ(got.has_value(), c.delivered) << c.what;
    if (got) {
      EXPECT_EQ(*got, c.sent + 10) << c.what;
    }
  }
}

TEST(Sim, APartitionLosesPacketsUntilItHeals) {
  RunOptions o;
  o.keep_trace = true;
  Sim sim(o);
  sim.default_link(LinkModel{5, 5, 0, 0});
  const NodeId server = sim.add("server", [](Node& n) {
    for (;;) {
      const Packet p = n.receive(Wait::Idle);
      n.send(p.from, p.bytes);
    }
  });
  Time answered_at = 0;
  int timeouts = 0;
  sim.add("client", [&](Node& n) {
    n.send(server, Bytes{1});
    while (!n.receive_until(n.now() + 100)) {
      ++timeouts;
      n.send(server, Bytes{1});
    }
    answered_at = n.now();
  });
  sim.partition(server, 0, 250);
  const RunResult r = sim.run();
  EXPECT_FALSE(r.deadlock);
  EXPECT_EQ(timeouts, 3);          // sent at 0, 100, 200: all lost; 300 gets through
  EXPECT_EQ(answered_at, 310u);
  int lost = 0;
  for (const std::string& line : r.trace) lost += line.find("lost to a partition") != std::string::npos;
  EXPECT_EQ(lost, 3);
}

TEST(Sim, ADeadlockIsReportedNotWaitedOn) {
  Sim sim(RunOptions{});
  const NodeId silent = sim.add("silent", [](Node& n) { n.receive(Wait::Idle); });
  sim.add("asker", [=](Node& n) {
    n.send(silent, Bytes{1});
    n.receive(Wait::Needed);  // the answer never comes
  });
  const RunResult r = sim.run();
  EXPECT_TRUE(r.deadlock);
  EXPECT_EQ(r.waiting, std::vector<std::string>{"asker"});
}

TEST(Sim, AnIdleServerAtTheEndIsNoDeadlock) {
  int answered = 0;
  EXPECT_FALSE(ping_pong(2, 3, LinkModel{}, &answered).deadlock);
  EXPECT_EQ(answered, 3);
}

TEST(Sim, VirtualTimeCostsNoRealTime) {
  Sim sim(RunOptions{});
  Time woke = 0;
  sim.add("sleeper", [&](Node& n) {
    n.sleep_until(1'000'000'000'000);  // eleven and a half days of virtual microseconds
    woke = n.now();
  });
  const auto t0 = std::chrono::steady_clock::now();
  sim.run();
  EXPECT_EQ(woke, 1'000'000'000'000u);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(Sim, TheSeedPicksTheInterleaving) {
  // Three nodes ready at once: which runs first is the scheduler's seeded choice.
  std::set<std::string> orders;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    RunOptions o;
    o.seed = seed;
    Sim sim(o);
    std::string order;
    for (char c : std::string("abc")) sim.add(std::string(1, c), [&order, c](Node&) { order += c; });
    sim.run();
    orders.insert(order);
    RunOptions again = o;
    Sim twin(again);
    std::string order2;
    for (char c : std::string("abc")) twin.add(std::string(1, c), [&order2, c](Node&) { order2 += c; });
    twin.run();
    EXPECT_EQ(order, order2) << seed;
  }
  EXPECT_GT(orders.size(), 1u);
}

TEST(Sim, ABudgetStopsARunThatWouldNotEnd) {
  RunOptions o;
  o.max_events = 100;
  Sim sim(o);
  sim.add("ticker", [](Node& n) {
    for (;;) {
      n.sleep_until(n.now() + 1);
      if (n.now() > 1'000'000) return;
    }
  });
  const RunResult r = sim.run();
  EXPECT_TRUE(r.budget_spent);
  EXPECT_FALSE(r.deadlock);
  EXPECT_EQ(r.events, 100u);
}

}  // namespace
}  // namespace weir::sim
