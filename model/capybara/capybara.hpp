// Capybara's live TCP migration (Choi et al., "Capybara: Microsecond-Scale Live TCP
// Migration", APSys'23).
//
// A client holds one TCP connection to a service address; the switch in front of the
// servers keeps a migration directory and rewrites traffic. To move the connection from
// the origin server to a target, the origin sends PREPARE_MIGRATION through the switch,
// which picks the target. The target creates the migration, starts buffering the client's
// segments for it, and answers PREPARE_MIGRATION_ACK with the LOAD flag; as that answer
// passes the switch it installs the directory entry, and from then on the client's
// packets go to the target. On the answer the origin drains its receive queue into the
// control block, removes its socket, serializes the state (sequence numbers, unacknowledged
// and unsent data, receive queue) and sends CONNECTION_STATE; a client segment that still
// reaches it afterwards is passed on to the target. The target installs the state,
// acknowledges it and replays what it buffered. The switch rewrites the source of the
// target's packets to the origin's address, so the client sees one 5-tuple throughout. A
// target may also refuse (no LOAD): nothing changes.
//
// Here each stream is a few one-byte segments each way; a receiver takes the next byte in
// order and keeps any later one for when the gap fills (as TCP's out-of-order queue does),
// and acknowledges cumulatively; a sender retransmits its oldest
// unacknowledged byte when its timer fires, which the model allows only when nothing is in
// flight (a timeout is what a stall looks like). The client's packets cross the switch in
// two legs (client -> switch, switch -> server), as do the servers' answers; every leg
// reorders; the client's legs may also lose packets. Servers talk to each other directly.
//
// Invariants:
//   - both byte streams arrive exactly: the apps read each byte once, in order, and when
//     nothing more can happen every byte has been read;
//   - the client never notices: every packet it receives carries the origin's address,
//     it never receives a reset, and it never waits for a timeout unless a packet was lost;
//   - at most one server owns the established connection;
//   - stages move only along legal transitions;
//   - the target installs exactly the state the origin had when it serialized.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include "model/core/mutants.hpp"

namespace weir::model::capybara {

enum class Mutant : std::uint8_t {
  None,
  NoBuffering,         // the target drops the client's segments that arrive before the state
  LoadBeforeReady,     // the directory entry is installed as PREPARE passes the switch
  OriginKeepsServing,  // the origin keeps its socket and serves after serializing
  NoSourceRewrite,     // the switch passes the target's packets with the target's address
  DropReceiveQueue,    // the origin serializes without its receive queue
};

using MutantInfo = core::MutantInfo<Mutant>;
const std::vector<MutantInfo>& mutants();
inline std::optional<Mutant> parse_mutant(std::string_view name) { return core::find_mutant(mutants(), name); }

struct Options {
  unsigned client_bytes = 2;  // the client's stream to the service
  unsigned server_bytes = 2;  // the service's stream to the client
  unsigned migrations = 1;    // origin -> target, then back, ...
  bool lossy = true;          // the client's legs may lose packets
  Mutant mutant = Mutant::None;
};

std::optional<std::string> invalid(const Options& o);

class Capybara {
 public:
  enum Node : std::uint8_t { Client, Switch, Server0, Server1 };  // servers: origin of the first migration, target
  enum class Kind : std::uint8_t { Data, Prepare, PrepareAck, State, StateAck, Reset };
  // What a server knows of the connection: the control block a migration moves.
  struct Tcb {
    std::uint8_t snd_una = 0, snd_nxt = 0;  // its stream: acknowledged, sent
    std::uint8_t rcv_nxt = 0;               // the client's stream: received in order
    std::uint8_t app_read = 0;              // ... of which its app has read (the rest is the receive queue)
    std::uint8_t ooo = 0;                   // bytes after rcv_nxt already here (bit k: rcv_nxt + 1 + k)
    bool operator==(const Tcb&) const = default;
    auto operator<=>(const Tcb&) const = default;
  };
  struct Msg {
    Kind kind = Kind::Data;
    std::uint8_t from = Client, to = Switch;
    std::uint8_t seq = kNoByte;  // Data: the byte carried
    std::uint8_t ack = 0;        // Data: cumulative acknowledgement
    std::uint8_t src = 0;        // at the client: the address it carries (a server)
    bool load = false;           // PrepareAck
    Tcb tcb;                     // State: as serialized
    Tcb truth;                   // State (ghost): the origin's real state then
    auto operator<=>(const Msg&) const = default;
  };
  static constexpr std::uint8_t kNoByte = 255;
  enum class Stage : std::uint8_t { Idle, Established, Preparing, Migrated, Buffering, Installed };
  struct Server {
    Stage stage = Stage::Idle;
    Tcb tcb;
    std::vector<Msg> buffer;  // Buffering: the client's segments held for replay
    bool socket = false;      // owns the established connection
    bool operator==(const Server&) const = default;
  };
  struct State {
    std::uint8_t c_snd_una = 0, c_snd_nxt = 0, c_rcv_nxt = 0, c_ooo = 0;  // the client (ooo as in Tcb)
    std::uint8_t entry = 0;         // the directory: which server the client's packets go to
    std::uint8_t origin = Server0;  // the current owner's role in the next migration
    std::uint8_t migrations = 0;    // left
    std::uint8_t app_total = 0;     // ghost: bytes of the client's stream the service's app has read
    Server servers[2];
    std::vector<Msg> flight;  // sorted
    // Ghosts: verdicts where they happen.
    bool lost = false, reset = false, foreign = false, stalled = false, two_owners = false, illegal = false,
         mismatch = false, misread = false;
    bool operator==(const State&) const = default;
  };
  enum class Act : std::uint8_t { ClientSend, ServerSend, AppRead, Migrate, Deliver, Drop, ClientTimer, ServerTimer };
  struct Action {
    Act act = Act::ClientSend;
    std::uint8_t index = 0;   // Deliver/Drop: into flight; server acts: which server
    std::uint8_t choice = 0;  // Deliver of a Prepare: 1 to refuse
  };

  explicit Capybara(const Options& o) : o_(o) {}
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

 private:
  void send(State& s, Msg m) const;
  void at_switch(State& s, const Msg& m) const;
  void at_client(State& s, const Msg& m) const;
  void at_server(State& s, unsigned who, const Msg& m, std::uint8_t choice) const;
  void data_at_server(State& s, unsigned who, const Msg& m) const;
  void stage(State& s, unsigned who, Stage to) const;
  static void receive(std::uint8_t& rcv_nxt, std::uint8_t& ooo, std::uint8_t seq);
  bool quiet(const State& s) const;
  std::uint32_t goals_that_apply() const;  // bit i: the i-th of every goal (see capybara.cpp)  // nothing in flight or held: only a timer can move things
  Options o_;
};

}  // namespace weir::model::capybara

namespace weir::model::registry {
struct ModelInfo;
}
namespace weir::model::capybara {
// The model's entry in the registry (model/registry): options, mutants, invariants, goals.
const registry::ModelInfo& descriptor();

}  // namespace weir::model::capybara
