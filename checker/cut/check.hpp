// The causal-cut check of an execution and its witnesses (checker/cut/cut.hpp says how).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "checker/cut/execution.hpp"

namespace weir::cut {

// UnclosedChannel: a snapshot recorded channel states but none for an in-group process
// that sends to it (the recording of that channel never ended, e.g. its marker never came).
enum class ViolationKind : std::uint8_t { Inconsistent, Incomplete, ChannelState, UnclosedChannel };

struct Violation {
  ViolationKind kind = ViolationKind::Inconsistent;
  std::uint64_t ssid = 0;
  // Inconsistent: `outside` (an event after its process's snapshot) happened before
  // `inside` (an event before its process's snapshot). The chain runs from one to the
  // other: send, receive, send, receive, ... (program order between them implied).
  std::uint32_t outside = kNone;
  std::uint32_t inside = kNone;
  std::uint32_t snapshot_outside = kNone;  // the snapshot events that cut the two processes
  std::uint32_t snapshot_inside = kNone;
  std::vector<std::uint32_t> chain;
  // Incomplete: the in-group process that never recorded ssid.
  std::uint32_t process = kNone;
  // ChannelState, UnclosedChannel: the snapshot event and the sender; (ChannelState) what
  // it lacks and what it has too many.
  std::uint32_t snapshot = kNone;
  std::uint32_t from = kNone;
  std::vector<std::uint32_t> missing;  // messages
  std::vector<std::uint32_t> extra;
};

struct Result {
  bool consistent = true;
  std::vector<std::uint64_t> snapshots;  // every ssid seen, ascending
  std::vector<Violation> violations;     // at most one Inconsistent per ssid
  std::size_t events = 0;
};

// Fails (returns the cause, naming the events) when happened-before has a cycle: a
// receive that must precede its own send.
std::variant<Result, ReadError> check(const Execution& x);

// The processes a violation's chain passes through that are out-group, in order.
std::vector<std::uint32_t> out_group_hops(const Execution& x, const Violation& v);
// An event in words: "p1 #4 (line 12): send m3".
std::string describe(const Execution& x, std::uint32_t event);
// A violation in a few sentences, for people.
std::string explain(const Execution& x, const Violation& v);

}  // namespace weir::cut
