// An execution: processes, their events, the messages between them and the channel
// states snapshots recorded; Builder and Recorder make one while keeping its rules
// (checker/cut/cut.hpp says what is judged).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace weir::cut {

inline constexpr std::uint32_t kNone = ~std::uint32_t{0};

enum class Kind : std::uint8_t { Send, Recv, Local, Snapshot };
enum class Group : std::uint8_t { In, Out };

// 32 bytes: a 10 M-event execution is written once by the reader and walked by every
// pass, so its time (which most traces leave out) is kept apart, in Execution::times.
struct Event {
  std::uint32_t process = 0;
  std::uint32_t index = 0;          // position in its process
  std::uint32_t message = kNone;    // Send, Recv: into Execution::messages
  std::uint32_t channels = kNone;   // Snapshot: into Execution::channel_states, when recorded
  std::uint64_t ssid = 0;           // Snapshot: its id; Send, Recv: the tag, if any (not judged)
  std::uint32_t line = 0;           // in the file, 1-based; 0 when built in memory
  Kind kind = Kind::Local;
  bool has_time = false;            // Execution::time(it) says when
};
static_assert(sizeof(Event) == 32);

struct Process {
  std::string name;
  Group group = Group::In;
  std::vector<std::uint32_t> events;  // into Execution::events, in program order
};

struct Message {
  std::uint32_t send = kNone;  // its send event
  std::uint32_t recv = kNone;  // its first receive event (a duplicate may arrive again)
  std::uint32_t to = kNone;    // destination process, when the send names it
  // Its id (Execution::message_id spells it): a whole number below kNamedId as it is,
  // since trace ids are mostly counters and a string each would triple a message's size;
  // any other id is kNamedId + its place in Execution::message_names.
  std::uint32_t id = 0;
};
inline constexpr std::uint32_t kNamedId = std::uint32_t{1} << 31;

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
  std::vector<std::string> message_names;  // the ids that are not whole numbers below kNamedId
  std::vector<double> times;  // per event, once any event has a time (until then empty)

  // When event i happened, for an event that has_time.
  double time(std::uint32_t i) const { return i < times.size() ? times[i] : 0; }

  // Message m's id as the file wrote it (a number in its decimal form).
  std::string message_id(std::uint32_t m) const {
    const std::uint32_t id = messages[m].id;
    return id & kNamedId ? message_names[id - kNamedId] : std::to_string(id);
  }
};

struct ReadError {
  std::string file;
  std::size_t line = 0;  // 0: the file as a whole
  std::string cause;
  std::string message() const;  // "file:line: cause"
};

// Builds an execution in memory (the reader, models, generators, tests), enforcing the
// rules every execution must keep; a method that refuses returns the cause in words.
class Builder {
 public:
  explicit Builder(std::string file = "<memory>");
  // Interned by name. A process's group is fixed by its first event (default in-group).
  std::uint32_t process(std::string_view name);
  std::optional<std::string> state_group(std::uint32_t process, Group g);
  std::uint32_t message(std::string_view id);
  std::uint32_t message(std::uint64_t number);  // the same as message(its decimal text)
  // Appends e (process, kind, message, ssid, line, and `time` when e.has_time; index is
  // filled in).
  std::optional<std::string> add(Event e, double time = 0);
  // A send that names its destination (so that a message never received still has a channel).
  std::optional<std::string> address(std::uint32_t message, std::uint32_t to);
  std::optional<std::string> channel_state(std::uint32_t snapshot_event, ChannelState c);
  // Checks what only the whole execution tells (every receive has a send).
  std::variant<Execution, ReadError> finish() &&;

  std::size_t events() const { return x_.events.size(); }
  // Room for about this many events and messages, so a large execution is not copied as
  // it grows (untouched room costs address space, not memory).
  void reserve(std::size_t events);

 private:
  struct Names;
  // How far the flat table of decimal ids may reach: a few words per message read.
  std::size_t room() const;
  // A new message whose id is the number n (below room()), entered in the flat table.
  std::uint32_t numbered_message(std::uint64_t n);
  Execution x_;
  std::shared_ptr<Names> names_;
  // Per process: its last snapshot id, if any. No "ssid + 1" encoding: every 64-bit id,
  // the largest too, is an id like the others.
  std::vector<std::optional<std::uint64_t>> last_ssid_;
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

}  // namespace weir::cut
