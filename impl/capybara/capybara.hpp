// impl/capybara: Capybara's live TCP migration on Linux (Choi et al., APSys'23), with the
// kernel's TCP repair mode (what CRIU uses) standing in for Capybara's own stack.
//
// One migration moves an established connection from an origin server to a target while
// the client keeps its one 5-tuple to the service address:
//   origin: PREPARE ->                       target: willing? PREPARE_ACK with LOAD
//   origin: freeze the flow at the switch (its packets are dropped: nothing reaches a
//           socket that is being serialized), let what already passed arrive, enter repair
//           mode, read the state, close in repair mode (no FIN, no RST), CONNECTION_STATE ->
//   target: socket in repair mode, queue sequences, bind and connect (no SYN), options,
//           timestamp, queues, window; point the switch at itself with the reverse rewrite;
//           leave repair mode, send the never-sent bytes, unfreeze; STATE_ACK ->
// A refusal (PREPARE_ACK without LOAD) changes nothing.
//
// The agent knows no harness: it is handed sockets and an application state to carry, and
// a Directory (the switch's migration directory) to update.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "impl/packet/packet.hpp"

namespace weir::capybara {

using packet::Bytes;
using packet::capybara::TcpState;

// ---- TCP repair (repair.cpp) ----

struct Endpoint {
  std::uint32_t ip = 0;  // host order
  std::uint16_t port = 0;
};
// Puts `fd` (established) in repair mode and reads its state; it stays in repair mode.
// Why not (no CAP_NET_ADMIN, not established, ...), or the state.
std::variant<TcpState, std::string> read_state(int fd);
// Whether this kernel lets us use repair mode (a socket of our own, in the current
// network namespace); why not, or nothing.
std::optional<std::string> repair_unavailable();
// A non-blocking socket in repair mode, bound to `local` and connected to `remote` without a SYN, with
// `s` restored (sequence numbers, options, timestamp, queues, window); still in repair
// mode so that the switch can be pointed at it before it sends anything.
// `buffer`: SO_SNDBUF and SO_RCVBUF to set first (0: the kernel's defaults).
std::variant<int, std::string> restore(const TcpState& s, Endpoint local, Endpoint remote, int buffer = 0);
// Leaves repair mode (the kernel probes the window, which draws the client's ACK) and
// sends the bytes that were queued but never sent.
std::optional<std::string> resume(int fd, const TcpState& s);

// ---- mutants: the real-world forms of the model's (model/capybara) and known pitfalls ----

enum class Mutant : std::uint8_t {
  None,
  ResteerBeforeRestore,  // the flow goes to the target on LOAD, before its socket exists: the model's load-before-ready
  NoFreeze,              // the origin serializes while the client's segments still reach it
  NoReverseRewrite,      // the target's packets pass with its own address: no-source-rewrite
  OriginKeepsServing,    // the origin keeps its socket and serves after serializing
  DropReceiveQueue,      // the receive queue is not moved
};
struct MutantInfo {
  Mutant mutant;
  const char* name;
  const char* what;
};
const std::vector<MutantInfo>& mutants();
std::optional<Mutant> parse_mutant(std::string_view name);
const char* name(Mutant m);

// ---- the switch's migration directory, as the agent updates it ----

struct Flow {
  std::uint32_t client_ip = 0;  // host order
  std::uint16_t client_port = 0;
  bool operator==(const Flow&) const = default;
};
class Directory {
 public:
  virtual ~Directory() = default;
  // Where the client's packets of `f` go (`owner`'s address), whether the owner's packets
  // get the service address as their source, and whether the flow is frozen (the client's
  // packets dropped). Why it failed, or nothing.
  virtual std::optional<std::string> set(Flow f, std::uint32_t owner, bool rewrite, bool frozen) = 0;
};

// ---- the agent ----

struct AgentConfig {
  std::uint32_t self = 0;               // this server's address (host order)
  std::uint16_t service_port = 0;       // the service's TCP port
  unsigned refuse_every = 0;            // as a target: refuse every k-th PREPARE (one without room); 0: never
  std::chrono::microseconds drain{1000};  // after the freeze, for packets already past the switch
  std::chrono::milliseconds timeout{2000};  // for each answer
  // SO_SNDBUF and SO_RCVBUF of restored sockets (0: the kernel's): the state must fit in
  // one CONNECTION_STATE datagram, so the queues must stay below 64 KiB together.
  int socket_buffer = 0;
  Mutant mutant = Mutant::None;
};

// One migration as the origin saw it. Times are CLOCK_MONOTONIC nanoseconds.
struct Outcome {
  enum class Result : std::uint8_t { Moved, Refused, Failed } result = Result::Failed;
  std::string error;  // Failed: why
  bool kept = false;  // the origin still holds the socket (origin-keeps-serving)
  std::uint32_t migration = 0;
  std::size_t send_queue = 0, unsent = 0, recv_queue = 0;  // bytes moved
  std::uint64_t prepared_ns = 0, frozen_ns = 0, state_sent_ns = 0, acked_ns = 0;
};

// A connection the target restored: its socket (out of repair mode, serving) and the
// application state that came with it.
struct Arrival {
  int fd = -1;
  Flow flow;
  Bytes app;
  std::uint32_t migration = 0;
};

class Agent {
 public:
  // `control`: a UDP socket bound to (self, packet::capybara::kControlPort).
  Agent(const AgentConfig& c, Directory& directory, int control);

  // Origin: moves the connection `fd` (whose client is `flow`) to `target`; runs every
  // stage and waits for each answer. `app` is called once the flow is frozen, before the
  // state is read: the application's last turn (a busy server writes until its socket is
  // taken) and the state of it to carry along. On Moved the socket is closed (unless kept).
  Outcome migrate(int fd, Flow flow, const std::function<Bytes(int fd)>& app, std::uint32_t target);
  // Target: one control message from `from`; the connection it restored, if it did.
  std::optional<Arrival> on_message(packet::View payload, std::uint32_t from);
  // Why the last on_message failed, if it did (empty otherwise).
  const std::string& last_error() const { return error_; }

 private:
  bool send_to(std::uint32_t ip, const packet::capybara::Message& m);
  bool send_to(std::uint32_t ip, const Bytes& payload);
  std::optional<packet::capybara::Message> await(std::uint32_t from, packet::capybara::Stage stage,
                                                 std::uint32_t migration, std::string& why);
  AgentConfig c_;
  Directory& directory_;
  int control_;
  std::uint32_t next_migration_ = 1;
  unsigned prepares_ = 0;  // PREPAREs received as a target
  std::string error_;
};

}  // namespace weir::capybara
