// Beaver's partial snapshots (Yu et al., "Beaver: Practical Partial Snapshots for
// Distributed Cloud Services", OSDI'24), as a timed model with discrete time steps.
//
// The service (in-group nodes) is reached from outside (out-group nodes: external clients
// and black-box services) only through the load balancer's gateways. To take snapshot n
// the initiator tells every gateway to enter n; from then on a gateway tags every inbound
// packet with n. An in-group node takes its local snapshot before it delivers any packet
// tagged above its own snapshot id, and tags what it sends inside the group with its id.
// Once every gateway has entered, the initiator tells the nodes that have not recorded
// yet to record. Out-group nodes forward what they like, after any delay, so causality
// leaves the group and comes back through a gateway.
//
// With one gateway that is enough (Theorem 1): every post-snapshot event follows the
// gateway's entry, so a chain back through it is tagged. With G gateways entering at
// different times it is not: a chain can come back through a gateway that has not entered
// yet. Beaver accepts a snapshot only if the spread between the first and the last entry
// is below tau_min, the shortest external causal chain (gateway -> in-group -> out-group
// -> gateway); then any chain started after the first entry returns after the last
// (Theorem 2). Here every hop takes latency_min..latency_max steps, so the true shortest
// chain is 3 * latency_min; --tau-min may assume another.
//
// Invariants: every accepted snapshot is causally consistent; snapshot ids never
// decrease at any gateway or node. Consistency is judged as the run goes by ghost fields
// (each packet and node carries 1 + the highest snapshot id whose out-of-cut events are in
// its causal past: checker/cut's pass, run online); execution() gives the same run as an
// execution for `weir check cut`, which must agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <variant>

#include "checker/cut/execution.hpp"
#include "checker/explore/counterexample.hpp"
#include "model/core/mutants.hpp"

namespace weir::model::beaver {

enum class Mutant : std::uint8_t {
  None,
  MarkAfterForward,       // a gateway forwards the first packet after entering before it marks
  DeliverBeforeSnapshot,  // a node delivers a tagged packet, then takes its snapshot
  UntaggedInternal,       // in-group messages carry no snapshot id
  NoAcceptanceCheck,      // every snapshot is accepted
  AcceptOnEqual,          // a spread equal to tau_min is accepted
};

using MutantInfo = core::MutantInfo<Mutant>;
const std::vector<MutantInfo>& mutants();
inline std::optional<Mutant> parse_mutant(std::string_view name) { return core::find_mutant(mutants(), name); }

struct Options {
  unsigned gateways = 2;
  unsigned in_group = 2;
  unsigned out_group = 1;
  unsigned requests = 2;     // external requests the out-group sends in all
  unsigned sends = 3;        // further messages (replies, internal, forwards) in all
  unsigned latency_min = 1;  // steps per hop
  unsigned latency_max = 1;
  unsigned tau_min = 0;      // 0: the true shortest chain, 3 * latency_min
  unsigned window = 0;       // gateways enter within this many steps of the start; 0: tau_min + 1
  unsigned snapshots = 1;
  // What the initiator accepts on: the true spread of entries (below tau_min), or what it
  // can measure, t1 - t0 from its requests to the last reply (below `threshold`). A gateway
  // enters enter_min..window steps after the start; a reply takes at least reply_min steps
  // (a longer one only makes acceptance less likely, so the model takes the shortest).
  unsigned start = 0;  // the step at which the initiator starts the first snapshot
  bool measured = false;
  unsigned enter_min = 0;
  unsigned reply_min = 0;
  unsigned threshold = 0;
  Mutant mutant = Mutant::None;
};

std::optional<std::string> invalid(const Options& o);

class Beaver {
 public:
  enum class To : std::uint8_t { Gateway, Node, Out };
  struct Msg {
    To to = To::Gateway;
    std::uint8_t dst = 0;
    std::uint8_t tag = 0;       // snapshot id it carries (to a node)
    std::uint8_t taint = 0;     // ghost: 1 + highest ssid with an out-of-cut event in its past
    std::uint8_t earliest = 0;  // delivery window, in steps
    std::uint8_t latest = 0;
    auto operator<=>(const Msg&) const = default;
  };
  struct Gateway {
    std::uint8_t ssid = 0;
    std::uint8_t mark = 0;  // the id it stamps (lags ssid only in mark-after-forward)
    std::uint8_t entered_at = 0;
    bool operator==(const Gateway&) const = default;
  };
  struct Node {
    std::uint8_t ssid = 0;
    std::uint8_t taint = 0;  // ghost
    bool operator==(const Node&) const = default;
  };
  struct State {
    std::uint8_t now = 0;
    std::uint8_t snapshot = 1;  // the one being taken (snapshots + 1 when all are done)
    std::uint8_t start = 0;     // when it started
    std::uint8_t requests = 0, sends = 0;  // budgets left
    std::vector<Gateway> gateways;
    std::vector<Node> nodes;        // in-group
    std::vector<std::uint8_t> outs;  // out-group nodes' taint (ghost)
    std::vector<Msg> flight;         // sorted
    std::uint8_t accepted = 0, rejected = 0;  // bit per ssid
    std::uint8_t inconsistent = 0;            // ghost: bit per ssid
    bool decreased = false;
    bool operator==(const State&) const = default;
  };
  enum class Kind : std::uint8_t { Tick, Enter, Mark, Request, Deliver };
  struct Action {
    Kind kind = Kind::Tick;
    std::uint8_t who = 0;     // Enter: gateway; Mark: node; Request: out-group node; Deliver: index into flight
    std::uint8_t choice = 0;  // Request: gateway; Deliver: what the receiver does (see actions())
  };

  explicit Beaver(const Options& o);

  std::vector<State> init_states() const;
  void actions(const State& s, std::vector<Action>& out) const;
  std::optional<State> next(const State& s, const Action& a) const;
  std::uint64_t fingerprint(const State& s) const;
  const char* violated(const State& s) const;
  // Goals (see checker/explore/explore.hpp) and what each transition reaches.
  std::vector<std::string> goals() const;
  std::uint32_t reached(const State& from, const Action& a, const State& to) const;
  std::string describe(const State& s) const;
  std::string describe(const State& s, const Action& a) const;
  // Who acts in a step and the actor a message goes between (empty: none), for the
  // counterexample's sequence diagram.
  std::pair<std::string, std::string> parties(const State& s, const Action& a) const;

  // One run, chosen: x0's request goes in through gateway `first` at step `request_at`,
  // tagged, to n0, whose reply goes to x0 and back in through gateway `last` to n1, which
  // delivers it and records later, on the initiator's order; each gateway enters at its
  // step (a packet reaching a gateway in the step it enters passes first). The path, or
  // nothing if the model cannot play it. (`weir bound` uses it to replay a schedule.)
  struct Scenario {
    unsigned request_at = 0;
    std::vector<unsigned> enter_at;  // per gateway
    unsigned first = 0, last = 1;
  };
  std::optional<std::vector<std::uint32_t>> play(const Scenario& sc) const;

  unsigned tau_min() const { return tau_min_; }
  unsigned window() const { return window_; }
  // The snapshots that are accepted and, judged by the ghosts, inconsistent, counting the
  // nodes that would record at the end (as execution() makes them).
  std::uint8_t inconsistent_if_finished(const State& s) const;
  // The run along a path as an execution: accepted snapshots only (a rejected one is
  // thrown away), and nodes that have not recorded an accepted snapshot record it at the
  // end, as the initiator's order would make them.
  cut::Execution execution(std::uint32_t init, const std::vector<std::uint32_t>& path) const;

 private:
  struct Recorder;
  void step(State& s, const Action& a, Recorder* r) const;
  void send(State& s, Msg m, std::uint64_t key, Recorder* r) const;
  void take_snapshots(State& s, unsigned node, unsigned upto, Recorder* r) const;
  void enter(State& s, unsigned g) const;
  unsigned choices(const State& s, const Msg& m) const;
  unsigned internal_target(unsigned choice, unsigned self) const;
  Options o_;
  unsigned tau_min_, window_, horizon_;
};

}  // namespace weir::model::beaver

namespace weir::model::registry {
struct ModelInfo;
}
namespace weir::model::beaver {

// A breaking schedule of `weir bound beaver`, in whole steps (one unit, one step): the
// chain at its fastest (every hop `hop` steps), requests leaving at t0 = 0.
struct TimedRun {
  unsigned gateways = 2;
  unsigned hop = 1;
  unsigned enter_min = 0, window = 0, reply_min = 0;  // the bounds on entry and reply
  bool measured = false;       // accept on t1 - t0 (below `threshold`) or on the spread (below it)
  unsigned threshold = 0;
  unsigned chain_start = 0;    // when the client's request leaves
  std::vector<unsigned> enter; // each gateway's entry
  unsigned first = 0, last = 1;  // the gateways the chain leaves by and re-enters through
};
// The schedule played in the model built from its registry options (the ones saved in a
// counterexample, so that `weir explore --replay` walks the same run): the options, the
// path, the invariant it ends up violating and its steps in words. Or why it cannot be.
struct PlayedRun {
  explore::OptionValues options;
  std::vector<std::uint32_t> path;
  std::string invariant;
  std::vector<std::string> steps;
};
std::variant<PlayedRun, std::string> play_schedule(const TimedRun& run);
// The model's entry in the registry (model/registry): options, mutants, invariants, goals.
const registry::ModelInfo& descriptor();
// The Options its table makes of complete option values (what the registry builds).
Options options_of(const explore::OptionValues& values);

}  // namespace weir::model::beaver
