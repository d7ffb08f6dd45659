// Pegasus (Li et al., "Pegasus: Tolerating Skewed Workloads in Distributed Storage with
// In-Network Coherence Directories", OSDI'20), as a model for `weir explore`.
//
// Clients send reads and writes through one switch to n storage servers. For each
// replicated (hot) key the switch keeps a coherence directory entry: the replica set
// `rset` of servers known to hold the newest completed write, and `ver_completed`, that
// write's version. The switch stamps every write with `ver = ver_next++` and may send a
// write of a replicated key to any server and a read to any member of `rset`; other keys
// go to their home server. Every reply passes the switch, which applies the completion
// rule before forwarding it: ver > ver_completed makes the sender the only replica of the
// new version; ver == ver_completed adds the sender to rset. Servers apply a write only if
// its version is at least the one they hold, and filter retried requests by request id
// (at-most-once execution: a copy of a request executed gets the same reply again).
// The network reorders, loses and duplicates; clients retry after a timeout.
//
// What must hold: the clients' history is linearizable (the kv spec of `weir check lin`);
// every server in rset holds a version >= ver_completed; no reply forwarded to a client
// carries a version above ver_completed; for every key, replicated or not, ver_completed
// is at least the version of every write of it whose reply reached a client (the
// directory must know of every completed write, or re-replicating the key would serve
// stale reads); a server's versions never decrease; no server applies one write twice.
// Progress: in a state where nothing more can happen, every client has finished its
// operations. (Loss here is a message never delivered; a state where nothing more can
// happen is one where delivering anything still in flight changes nothing.)
//
// Goals: a read is served by a replica that is not the key's home server; the switch
// changes its directory (with --reconfigs >= 1), and does so twice (>= 2).
//
// Mutants (planted bugs, --mutant NAME): no-version-check (servers apply any write),
// complete-on-forward (the switch raises ver_completed when it forwards a write rather
// than when the write completes), read-any-server (reads of replicated keys go to any
// server), no-dedup (servers apply a retried write again), restamp-retries (the switch
// gives a write that reaches it again a new version), unsafe-unreplicate (the switch
// unreplicates a key while a newer write may live only on another server), frozen-completed
// (the switch stops advancing ver_completed of a key that is not replicated).
//
// Replicating and unreplicating (--reconfigs N: that many changes). Key 0 starts
// replicated on its home server; the switch may add a directory entry for a key that has
// none, with rset = {home}: while a key is not replicated every write goes to its home
// server, which therefore holds every completed write. It may remove a key's entry only
// when its home server holds the newest version: home is in rset and ver_completed is the
// newest version the switch stamped on a write of the key, so that no write lives only on
// another server. The switch keeps ver_completed for every key, replicated or not: a
// reply carries the sender's version, and after an unreplicate a stale reply from a
// former replica must not make that replica the key's only member of rset again.
//
// One write, one version. A request can reach the switch more than once (a client's
// retry, a duplicating network), possibly after its write completed and its client went
// on. If the switch stamped each arrival anew, a stale copy would take effect again at a
// server that never saw it, with a version above writes that came after it, and a later
// read would see the old value come back: not linearizable (restamp-retries shows it).
// So the switch keeps, per client, the newest request id it has seen and the version it
// gave it if it was a write: a copy of that request gets the same version, an older one
// is dropped (its client has moved on).
//
// How the model keeps the search small without losing a violation:
//   - The history is kept as the set of configurations a linearization can be in
//     (core::KvMonitor), not as a list of events.
//   - Messages that can no longer do anything are removed (inert()).
//   - The hops between clients and the switch are instant: a client's call and the
//     switch's forwarding are one step, and so are the switch's forwarding of a reply
//     and the client's return. Moving a call later, to just before the switch takes the
//     request, or a return earlier, to just after the switch forwards the reply, only
//     narrows operations' intervals, and nothing else reads a client's state: a history
//     that is not linearizable stays so. The other properties read the switch and the
//     servers, whose steps keep their order.
//   - On a duplicating network the switch sends a request to every server it may choose
//     at once. A copy of the request can reach the switch again and again, each time
//     sent to another of them, with nothing changing in between: the same messages in
//     flight. (Not under complete-on-forward, which names the chosen server in rset.)
//   - On a duplicating network a request stays in flight, so a client's retry adds
//     nothing and is left to the network.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/core/actors.hpp"
#include "model/core/kv_monitor.hpp"
#include "model/core/mutants.hpp"

namespace weir::model::pegasus {

using core::ActorId;

enum class Mutant : std::uint8_t {
  None, NoVersionCheck, CompleteOnForward, ReadAnyServer, NoDedup, RestampRetries, UnsafeUnreplicate,
  FrozenCompleted
};
using MutantInfo = core::MutantInfo<Mutant>;
const std::vector<MutantInfo>& mutants();
inline std::optional<Mutant> parse_mutant(std::string_view name) { return core::find_mutant(mutants(), name); }

struct Options {
  unsigned clients = 2;
  unsigned servers = 3;
  unsigned ops = 2;          // operations per client, each a read or a write of any key
  unsigned keys = 1;         // key 0 is replicated (hot); the others are not
  unsigned retries = 1;      // times a client resends a request that got no reply
  // Versions the switch hands out; past it, the switch ignores write requests (0: clients
  // * ops). The correct switch gives each write one version, so that many always suffice.
  // Under restamp-retries a duplicating network can deliver a write to the switch any
  // number of times, each with a version of its own: the copies then draw on the same
  // budget, which keeps the state space finite.
  unsigned max_versions = 0;
  // Times the switch may change its directory: replicate a key that is not, or
  // unreplicate one that is (each an action, see pegasus.hpp).
  unsigned reconfigs = 1;
  bool lossy = true;
  bool duplicating = true;
  Mutant mutant = Mutant::None;
};
std::optional<std::string> invalid(const Options& o);

inline constexpr unsigned kMaxKeys = 2, kMaxServers = 5, kMaxClients = 3, kMaxOps = 3;

enum class OpKind : std::uint8_t { Read, Write };

struct Msg {
  enum class Kind : std::uint8_t { Request, Reply } kind = Kind::Request;
  std::uint8_t client = 0, req = 0;  // who asked, and which of its operations
  OpKind op = OpKind::Read;
  std::uint8_t key = 0;
  std::uint8_t value = 0;  // write: the value; reply: the value the server holds
  std::uint8_t ver = 0;    // request: stamped by the switch; reply: the server's version
  bool operator==(const Msg&) const = default;
  auto operator<=>(const Msg&) const = default;
};

// One flat state for every role; each actor uses its own part.
struct Actor {
  // client
  std::uint8_t next_op = 0;   // operations issued so far
  bool waiting = false;       // for the reply to operation next_op - 1
  std::uint8_t retries_left = 0;
  Msg pending{};              // the request to resend
  // switch
  std::uint8_t ver_next = 1;
  std::array<std::uint8_t, kMaxKeys> rset{};          // bit s: server s
  std::array<std::uint8_t, kMaxKeys> ver_completed{};
  bool forwarded_above = false;  // a reply went out with a version above ver_completed
  bool completed_behind = false;  // a write's reply reached a client, ver_completed below its version
  std::array<std::uint8_t, kMaxClients> newest_req{};  // per client: 1 + the newest request id seen, 0 none
  std::array<std::uint8_t, kMaxClients> stamped{};     // per client: the version that request got
  std::uint8_t directory = 0;  // bit k: key k is replicated (has a directory entry)
  std::array<std::uint8_t, kMaxKeys> ver_newest{};  // the newest version stamped on a write of each key
  std::uint8_t reconfigs_left = 0;
  // server
  std::array<std::uint8_t, kMaxKeys> ver{}, value{};
  // At-most-once execution: per client, the newest request executed and its reply.
  struct Executed {
    std::uint8_t req1 = 0;  // 1 + the request id, 0 none
    std::uint8_t value = 0, ver = 0;  // the reply sent
    bool applied = false;  // a write that this server applied
    bool operator==(const Executed&) const = default;
  };
  std::array<Executed, kMaxClients> executed{};
  bool regressed = false, applied_twice = false;
  bool operator==(const Actor&) const = default;
};

// The clients' history: an operation's call, and later its return.
struct Event {
  bool is_return = false;
  std::uint8_t client = 0, req = 0;
  OpKind op = OpKind::Read;
  std::uint8_t key = 0, value = 0;  // call: written value; return: value read
  bool operator==(const Event&) const = default;
};

class Pegasus {
 public:
  using Actor = pegasus::Actor;
  using Msg = pegasus::Msg;
  using Event = pegasus::Event;
  // The state keeps what linearizability needs of the history, not the history itself.
  using History = core::KvMonitor;
  using Out = core::Out<Msg, Event>;
  enum Timer : core::TimerId { kRetry = 0, kNextOp = 1, kReconfigure = 2 };
  // Its invariants read actors and the history, never the network: a lost message is one
  // never delivered, a duplicated one is delivered and kept (see model/core/actors.hpp).
  static constexpr bool invariants_ignore_network = true;

  explicit Pegasus(const Options& o) : o_(o) {}
  const Options& options() const { return o_; }

  std::size_t actor_count() const { return o_.clients + 1 + o_.servers; }
  Actor start(ActorId id, Out& out) const;
  std::uint32_t msg_choices(ActorId id, const Actor& a, ActorId from, const Msg& m) const;
  std::uint32_t timer_choices(ActorId id, const Actor& a, core::TimerId t) const;
  void on_msg(ActorId id, Actor& a, ActorId from, const Msg& m, std::uint32_t choice, Out& out) const;
  void on_timer(ActorId id, Actor& a, core::TimerId t, std::uint32_t choice, Out& out) const;
  const char* violated(const core::System<Pegasus>& s) const;
  const char* stuck(const core::System<Pegasus>& s) const;
  std::vector<std::string> goals() const;
  std::uint32_t reached(const core::System<Pegasus>& from, const core::ActorAction& a,
                        const core::System<Pegasus>& to) const;
  void record(History& h, const Event& e) const;
  // A reply its client no longer waits for, once the switch has nothing left to learn
  // from it.
  bool inert(const core::System<Pegasus>& s, const core::Envelope<Msg>& e) const;
  bool instant(const core::Envelope<Msg>& e) const {
    return (is_client(e.src) && broadcast()) || (e.src == switch_id() && is_client(e.dst));
  }

  std::uint64_t hash(const Actor& a) const;
  std::uint64_t hash(const Msg& m) const;
  std::uint64_t hash(const History& h) const { return h.hash(); }
  std::string describe(const Msg& m) const;
  std::string describe(ActorId id, const Actor& a) const;
  std::string describe_timer(ActorId id, const Actor& a, core::TimerId t, std::uint32_t choice) const;
  std::string actor_name(ActorId id) const;

 private:
  ActorId switch_id() const { return static_cast<ActorId>(o_.clients); }
  ActorId server_id(unsigned s) const { return static_cast<ActorId>(o_.clients + 1 + s); }
  bool is_client(ActorId id) const { return id < o_.clients; }
  unsigned max_versions() const { return o_.max_versions ? o_.max_versions : o_.clients * o_.ops; }
  bool is_server(ActorId id) const { return id > o_.clients; }
  unsigned server_index(ActorId id) const { return id - o_.clients - 1; }
  unsigned home(unsigned key) const { return key % o_.servers; }
  static bool replicated(const Actor& sw, unsigned key) { return (sw.directory >> key) & 1u; }
  // Replicate key k, or unreplicate it when that is safe (see above).
  void reconfigure(Actor& sw, unsigned k) const;
  // The switch sends a request to all the servers it may choose at once (see above).
  bool broadcast() const { return o_.duplicating && o_.mutant != Mutant::CompleteOnForward; }
  // The goals this configuration has (bit i: the i-th of every goal, see pegasus.cpp).
  std::uint32_t goals_that_apply() const;
  // The servers a request may go to (bit s: server s); `choice` picks one.
  unsigned targets(const Actor& sw, const Msg& m) const;

  Options o_;
};

using Model = core::ActorModel<Pegasus>;
Model make_model(const Options& o);

}  // namespace weir::model::pegasus

namespace weir::model::registry {
struct ModelInfo;
}
namespace weir::model::pegasus {
const registry::ModelInfo& descriptor();

}  // namespace weir::model::pegasus
