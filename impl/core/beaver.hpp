// Beaver's data plane as pure logic (Yu et al., OSDI'24; the eniac/Beaver artifact): the
// gateway, the backend agent and the initiator, each bytes in and bytes out, with time
// passed in. No I/O, no clock, no knowledge of who records what: the simulator and the
// DPDK application drive the same objects.
//
// Ids: every node keeps a 32-bit snapshot id. Gateways stamp it whole into the
// encapsulation; in-group traffic carries its low 14 bits in ToS/TTL, read back as a
// serial number: newer when 1..8191 ahead modulo 2^14 (impl/packet).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "impl/core/mutant.hpp"
#include "impl/packet/packet.hpp"

namespace weir::core::beaver {

using packet::Bytes;
using packet::Decoded;
using packet::View;

// Planted bugs, switched on by name. The first four mirror the Beaver model's; the last
// three are bugs that only live in real data planes.
enum class Mutant : std::uint8_t {
  None,
  MarkAfterForward,       // gateway: enters a snapshot only after forwarding one more packet unmarked
  DeliverBeforeSnapshot,  // backend: delivers the packet that carries a newer id, then records
  UntaggedInternal,       // backend: in-group egress carries no id
  NoAcceptanceCheck,      // initiator: accepts every snapshot, whatever t1 - t0
  NoChecksumFix,          // backend: rewrites ToS/TTL and leaves the IPv4 checksum stale
  WrapWindowMismatch,     // gateway compares ids with <, backend with <=: 8191 ahead moves one only
  TtlUnderflow,           // backend: stamps TTL without its 3-hop budget (ids below 256 leave TTL 0)
};
using MutantInfo = core::MutantInfo<Mutant>;
std::span<const MutantInfo> mutants();
std::optional<Mutant> parse_mutant(std::string_view name);

// `current` moved forward by a 14-bit id seen on the in-group wire, when that id is 1 to
// `window` ahead of current's low 14 bits; nullopt otherwise.
std::optional<std::uint32_t> advance(std::uint32_t current, std::uint32_t wire,
                                     std::uint32_t window = packet::beaver::kHalfWindow);

// A flow: what picks its backend.
struct FiveTuple {
  std::uint32_t src = 0, dst = 0;
  std::uint16_t sport = 0, dport = 0;
  std::uint8_t proto = 0;
  bool operator==(const FiveTuple&) const = default;
};
struct FiveTupleHash {
  std::size_t operator()(const FiveTuple& t) const;
};

// Flows to backends in one array allocated up front, so that the data plane never
// allocates per packet. Open addressing with a short probe; a flow that finds no free
// slot is placed by hashing every time, which gives it the same backend while the set of
// backends stays the same.
class FlowTable {
 public:
  explicit FlowTable(std::size_t capacity);  // rounded up to a power of two
  std::optional<std::uint32_t> find(const FiveTuple& flow, std::size_t hash) const;
  void insert(const FiveTuple& flow, std::size_t hash, std::uint32_t backend);
  std::size_t size() const { return used_; }

 private:
  static constexpr std::size_t kProbe = 16;
  struct Slot {
    FiveTuple flow;
    std::uint32_t backend = 0;
    bool used = false;
  };
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

// What a gateway does with one client frame, decided without allocating: the backend it
// goes to and the 46 bytes to put in front of it (a DPDK gateway prepends them in place).
struct Marking {
  std::uint32_t backend = 0;  // its address
  packet::beaver::EncapHeader header{};
};

struct GatewayConfig {
  packet::Ethernet eth;  // the gateway's side of the link to the backends
  std::uint32_t ip = 0;
  std::vector<std::uint32_t> backends;  // their addresses; at least one
  std::uint16_t backend_port = 9000;    // where backends listen for encapsulated packets
  std::uint32_t group_prefix = 0, group_mask = 0;  // in-group addresses
  std::uint32_t ssid = 0;  // the id it starts at (a node that missed snapshots starts behind)
  std::size_t flows = 1 << 16;  // the flow table's capacity
};

class Gateway {
 public:
  explicit Gateway(GatewayConfig config, Mutant mutant = Mutant::None);

  // A frame from outside: encapsulated, stamped with the gateway's id, for the flow's
  // backend (a flow keeps its backend; a new one is placed by rendezvous hashing). A frame
  // from an in-group address teaches the gateway a newer id first.
  Decoded<Bytes> forward(View frame);
  // The same decision, as the header to prepend; forward() is this and a copy.
  Decoded<Marking> mark(View frame);
  // The controller's request (a UDP payload) received at `now`: the reply payload.
  Decoded<Bytes> request(View payload, std::uint64_t now);

  std::uint32_t ssid() const { return ssid_; }
  const GatewayConfig& config() const { return c_; }
  std::uint32_t backend_of(const FiveTuple& flow);

 private:
  GatewayConfig c_;
  Mutant mutant_;
  std::uint32_t ssid_ = 0;
  std::optional<std::uint32_t> pending_;  // MarkAfterForward: entered, not yet marking
  FlowTable flows_;
};

// What a backend does with a packet, in the order it does it.
struct Effect {
  enum class Kind : std::uint8_t { Snapshot, Deliver } kind = Kind::Deliver;
  std::uint32_t ssid = 0;  // Snapshot: the id recorded
  Bytes frame;             // Deliver: the frame handed up (the client's, decapsulated)
};

struct BackendConfig {
  std::uint32_t ip = 0;
  std::uint32_t group_prefix = 0, group_mask = 0;
  std::uint32_t ssid = 0;  // the id it starts at
};

class Backend {
 public:
  explicit Backend(BackendConfig config, Mutant mutant = Mutant::None);

  // A frame from a gateway (encapsulated) or from another backend (in-group): a newer id
  // is adopted and recorded before the packet is delivered.
  Decoded<std::vector<Effect>> receive(View frame);
  // An in-group frame this backend sends: its id stamped in ToS/TTL, checksum fixed.
  Bytes send(Bytes frame) const;

  std::uint32_t ssid() const { return ssid_; }

 private:
  std::vector<Effect> adopt(std::uint32_t ssid, Bytes delivered);
  BackendConfig c_;
  Mutant mutant_;
  std::uint32_t ssid_ = 0;
};

// The initiator: asks every gateway to enter snapshot n at t0, and accepts the snapshot
// when the last reply comes back before t0 + threshold (the artifact: 33 us): then the
// gateways' entries lie closer than the shortest external chain (Theorem 2).
class Initiator {
 public:
  Initiator(std::size_t gateways, std::uint64_t threshold, Mutant mutant = Mutant::None);

  Bytes start(std::uint32_t ssid, std::uint64_t t0);  // the request payload for every gateway
  struct Decision {
    std::uint32_t ssid = 0;
    bool accepted = false;
    std::uint64_t measured = 0;  // t1 - t0
  };
  // Gateway `gateway`'s reply at `now`; the decision once every gateway has answered (a
  // duplicated reply counts once).
  Decoded<std::optional<Decision>> reply(std::size_t gateway, View payload, std::uint64_t now);

 private:
  std::size_t gateways_;
  std::uint64_t threshold_;
  Mutant mutant_;
  std::uint32_t ssid_ = 0;
  std::uint64_t t0_ = 0;
  std::vector<std::uint8_t> answered_;
  std::size_t answers_ = 0;
  bool open_ = false;
};

}  // namespace weir::core::beaver
