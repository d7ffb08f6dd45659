// harness/sim: a deterministic network simulator on Boost.Fiber. Every node runs in a
// fiber on one thread; the scheduler (scheduler.hpp) picks the next ready fiber with the
// run's seeded generator; time is virtual (an event queue, never a real clock or sleep);
// the network delays, drops and duplicates packets by seeded distributions, so that
// packets also overtake each other. When every fiber waits and no event is pending, the
// run ends; if a node was waiting for something it needs, that is a deadlock, reported.
//
// Same seed, same run: the trace (every send, delivery, drop and timer, in order) and its
// hash are the same whatever else runs on the machine.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace weir::sim {

using Bytes = std::vector<std::uint8_t>;
using NodeId = std::uint32_t;
using Time = std::uint64_t;  // virtual microseconds (or any one unit)

// How one link behaves, drawn per packet from the run's generator.
struct LinkModel {
  Time delay_min = 1, delay_max = 10;  // uniform
  double drop = 0;       // probability a packet is lost
  double duplicate = 0;  // probability it arrives twice (each copy its own delay)
};

struct Packet {
  NodeId from = 0;
  Bytes bytes;
  Time sent = 0;
};

// What a node's wait means when the run goes quiet: an idle server waiting for work is
// the normal end; a node waiting for an answer it needs is deadlocked.
enum class Wait : std::uint8_t { Idle, Needed };

class Sim;

// A node's view of the simulation, used only from its own fiber.
class Node {
 public:
  NodeId id() const { return id_; }
  const std::string& name() const;
  Time now() const;
  // Sends over the link to `to` (its model decides delay, loss, duplication).
  void send(NodeId to, Bytes bytes);
  // The next packet; for the timed one, nullopt once `until` passed. When the run ends
  // (quiet, or a budget spent) every wait throws Stopped, which ends the node's fiber:
  // no node can keep a finished run alive.
  Packet receive(Wait wait = Wait::Idle);
  std::optional<Packet> receive_until(Time until, Wait wait = Wait::Needed);
  void sleep_until(Time t);
  std::mt19937_64& rng();  // the run's generator: a node's choices are seeded too

 private:
  friend class Sim;
  Node(Sim& sim, NodeId id) : sim_(&sim), id_(id) {}
  Sim* sim_;
  NodeId id_;
};

// Thrown from a node's wait when the run has ended; the simulator catches it.
struct Stopped {};

struct RunResult {
  bool deadlock = false;
  std::vector<std::string> waiting;  // the nodes that waited for something they needed
  Time end = 0;                      // virtual time of the last event
  std::uint64_t events = 0;          // deliveries, drops and timers
  std::uint64_t trace_hash = 0;      // over the trace, word by word
  std::vector<std::string> trace;    // kept when asked (RunOptions::keep_trace)
  bool budget_spent = false;         // stopped at max_events or max_time
};

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint64_t max_events = 10'000'000;
  Time max_time = ~Time{0};
  bool keep_trace = false;
  // A capture on every node: each packet as its sender sends it (before the link decides
  // its fate) and as its receiver takes it (`delivered`), at that virtual time.
  std::function<void(NodeId from, NodeId to, const Bytes& bytes, Time now, bool delivered)> tap;
};

class Sim {
 public:
  explicit Sim(RunOptions opts);
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  // Declares a node; its body runs in its own fiber when run() starts.
  NodeId add(std::string name, std::function<void(Node&)> body);
  void link(NodeId from, NodeId to, LinkModel model);  // default: LinkModel{}
  void default_link(LinkModel model);
  // Cuts `node` off over [from, until): what it sends then, and what would arrive then,
  // is lost (its fiber runs on; timers still fire). Declare after the node.
  void partition(NodeId node, Time from, Time until);
  // Runs every node to the end. One run per Sim.
  RunResult run();

  Time now() const;
  std::uint64_t seed() const;

 private:
  friend class Node;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace weir::sim
