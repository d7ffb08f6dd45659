// Causal-cut consistency of snapshots (Chandy & Lamport; partial snapshots as in Beaver,
// Yu et al., OSDI'24, Theorem 1).
//
// An execution is a set of processes, each a sequence of events: sends, receives, local
// events and snapshots. Happened-before is program order plus send -> receive, closed
// under transitivity. A snapshot with id `ssid` cuts every in-group process at its
// snapshot event for that id: the events before it are in the cut. The cut is consistent
// when it is closed under happened-before: no event after a process's snapshot happened
// before an event in the cut. Out-group processes are black boxes: they record nothing,
// yet a message out of the group and back in still carries causality, so chains through
// them count.
//
// The check is one pass in a causal order, linear in the events: each process carries
// "the highest snapshot id whose out-of-cut events lie in my causal past" (plus one), a
// message carries its sender's value, and a process that takes snapshot n while that value
// exceeds n has an event of its cut that depends on an event outside it. Snapshot ids
// increase along each process, so one number stands for every snapshot at once; vector
// clocks would cost a word per process per event. Where a snapshot records the state of
// its incoming channels, the recorded messages must be exactly those sent before the
// sender's cut and not received before the receiver's.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace weir::cut {

inline constexpr std::uint32_t kNone = ~std::uint32_t{0};

enum class Kind : std::uint8_t { Send, Recv, Local, Snapshot };
enum class Group : std::uint8_t { In, Out };

struct Event {
  std::uint32_t process = 0;
  std::uint32_t index = 0;          // position in its process
  Kind kind = Kind::Local;
  bool has_time = false;
  std::uint32_t message = kNone;    // Send, Recv: into Execution::messages
  std::uint64_t ssid = 0;           // Snapshot: its id; Send, Recv: the tag, if any (not judged)
  std::uint32_t channels = kNone;   // Snapshot: into Execution::channel_states, when recorded
  double time = 0;                  // when has_time
  std::uint32_t line = 0;           // in the file, 1-based; 0 when built in memory
};

struct Process {
  std::string name;
  Group group = Group::In;
  std::vector<std::uint32_t> events;  // into Execution::events, in program order
};

struct Message {
  std::string id;
  std::uint32_t send = kNone;  // its send event
  std::uint32_t recv = kNone;  // its first receive event (a duplicate may arrive again)
  std::uint32_t to = kNone;    // destination process, when the send names it
};

// The messages a snapshot recorded as in flight on the channel from one process.
struct ChannelState {
  std::uint32_t from = 0;
  std::vector<std::uint32_t> messages;
  std::uint32_t line = 0;
};

struct Execution {
  std::string file;  // for messages
  std::vector<Process> processes;
  std::vector<Event> events;  // in the order they were read
  std::vector<Message> messages;
  std::vector<std::vector<ChannelState>> channel_states;
};

struct ReadError {
  std::string file;
  std::size_t line = 0;  // 0: the file as a whole
  std::string cause;
  std::string message() const;  // "file:line: cause"
};

// JSON Lines, one event per line (README, "Execution format").
std::variant<Execution, ReadError> read_execution(const std::string& path);
std::variant<Execution, ReadError> parse_execution(std::string_view text, const std::string& name);

// The execution as JSON Lines, one event per line, that read_execution reads back.
std::string to_jsonl(const Execution& x);

// Builds an execution in memory (the reader, models, generators, tests), enforcing the
// rules every execution must keep; a method that refuses returns the cause in words.
class Builder {
 public:
  explicit Builder(std::string file = "<memory>");
  // Interned by name. A process's group is fixed by its first event (default in-group).
  std::uint32_t process(std::string_view name);
  std::optional<std::string> state_group(std::uint32_t process, Group g);
  std::uint32_t message(std::string_view id);
  // Appends e (process, kind, message, ssid, time, line; index is filled in).
  std::optional<std::string> add(Event e);
  // A send that names its destination (so that a message never received still has a channel).
  std::optional<std::string> address(std::uint32_t message, std::uint32_t to);
  std::optional<std::string> channel_state(std::uint32_t snapshot_event, ChannelState c);
  // Checks what only the whole execution tells (every receive has a send).
  std::variant<Execution, ReadError> finish() &&;

  std::size_t events() const { return x_.events.size(); }

 private:
  struct Names;
  Execution x_;
  std::shared_ptr<Names> names_;
  std::vector<std::uint64_t> last_ssid_;  // per process: 0 none yet, else ssid + 1
  std::vector<double> last_time_;
  std::vector<std::uint8_t> group_fixed_;
};

// Records an execution as a program runs (a model replaying a path, a solver's schedule):
// the program calls these as its processes send, receive and record. A refusal is a bug
// in that program, not bad input: it throws std::logic_error.
class Recorder {
 public:
  explicit Recorder(std::string name) : b_(std::move(name)) {}

  std::uint32_t process(const std::string& name, Group group);
  // A message is known to the model by a key of its own; `name` is how the file shows it.
  // `to`, when known at the send, puts a message that is never received on its channel.
  void send(std::uint32_t p, std::uint64_t key, const std::string& name, std::uint64_t tag, double time,
            std::uint32_t to = kNone);
  void recv(std::uint32_t p, std::uint64_t key, double time);
  std::uint32_t snapshot(std::uint32_t p, std::uint64_t ssid, double time);  // the event's index
  void channel_state(std::uint32_t snapshot_event, std::uint32_t from, const std::vector<std::uint64_t>& keys);
  // A refusal here is a bug in the model, not bad input: it throws std::logic_error.
  Execution finish() &&;

 private:
  // Appends an event (time < 0: none) and returns its index.
  std::uint32_t add(std::uint32_t p, Kind kind, std::uint32_t message, std::uint64_t ssid, double time);
  Builder b_;
  std::unordered_map<std::uint64_t, std::uint32_t> messages_;
};


enum class ViolationKind : std::uint8_t { Inconsistent, Incomplete, ChannelState };

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
  // ChannelState: the snapshot event and the sender; what it lacks and what it has too many.
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
