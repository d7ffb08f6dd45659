// trace/capybara: a capture of Capybara's migrations judged by the model's invariants
// (model/capybara). It reads the agents' messages (UDP port 7300: PREPARE, PREPARE_ACK with
// or without LOAD, CONNECTION_STATE, STATE_ACK) and the connections' TCP segments around
// the service address, and follows each connection's owner: the server its client's
// segments are forwarded to, which becomes the target at the STATE_ACK.
//
// Where the capture was taken matters, and packet direction says it: a cooked capture
// (`tcpdump -i any` on the switch) marks what the switch received and what it sent; an
// Ethernet capture is taken to be the client's view (on the client, or the switch's
// client-facing port). Invariants:
//   - no-foreign-address: every segment that reaches the client carries the service address;
//   - no-reset: the client never receives a reset;
//   - one-owner: after a connection moved, its old owner sends nothing more for it (a
//     reset the old owner's kernel answers a late segment with is noted, not a violation:
//     the switch drops it);
//   - legal-stages: each migration goes PREPARE, PREPARE_ACK, then with LOAD
//     CONNECTION_STATE and STATE_ACK, between the same two servers.
// Per connection: its owners, and each direction's bytes and retransmissions from the
// sequence numbers (as the client sent them, as they reached it), resets, and whether the
// client saw a foreign address. Per migration: the time the connection was frozen, from the last client segment
// forwarded to the origin to the first forwarded to the target (a capture that sees the
// switch's output), and the bytes the state carried.
#pragma once

#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

#include "trace/trace.hpp"

namespace weir::trace::capybara {

struct Options {
  std::uint32_t service_ip = 0;  // host order; required
  std::uint16_t service_port = 8000;
  std::uint16_t control_port = packet::capybara::kControlPort;
};

struct FrameRef {
  std::uint32_t file = 0;
  std::uint64_t frame = 0;
};

struct Migration {
  std::uint32_t id = 0;
  std::uint32_t client_ip = 0;
  std::uint16_t client_port = 0;
  std::uint32_t origin = 0, target = 0;
  bool refused = false;
  std::optional<std::uint64_t> prepare_ns, load_ns, state_ns, ack_ns;
  std::optional<std::uint64_t> frozen_ns;  // see above
  std::size_t state_bytes = 0;             // the CONNECTION_STATE datagram (UDP length)
  std::size_t send_queue = 0, unsent = 0, recv_queue = 0;
  FrameRef prepare_frame;
};

struct Violation {
  std::string invariant;  // no-foreign-address, no-reset, one-owner, legal-stages
  std::string what;       // in words, with the addresses
  FrameRef frame;
  std::uint64_t time_ns = 0;
};

// One direction of a connection's byte stream, from its sequence numbers.
struct Stream {
  std::uint64_t bytes = 0;            // from the first sequence number seen to the highest end
  std::uint64_t retransmissions = 0;  // segments carrying only bytes already seen
  std::optional<std::uint32_t> base;  // the first sequence number (the SYN's + 1, when seen)
  std::optional<std::uint32_t> file;  // followed at one capture point: a second would count everything twice
};

struct Connection {
  std::uint32_t client_ip = 0;
  std::uint16_t client_port = 0;
  std::vector<std::uint32_t> owners;  // in order
  std::uint64_t to_client = 0, from_client = 0;  // segments seen
  Stream up, down;  // as the client sent it; as it reached the client
  std::uint64_t resets = 0;           // RSTs to or from the client
  bool foreign = false;               // the client saw a source other than the service address
};

struct Report {
  std::vector<Connection> connections;
  std::vector<Migration> migrations;
  std::vector<Violation> violations;  // the first of each kind per connection
  std::vector<std::string> notes;
  std::uint64_t control = 0, malformed = 0, other = 0;
};

class Judge {
 public:
  explicit Judge(Options o) : o_(o) {}
  void add(const Packet& p);
  Report finish() &&;

 private:
  struct Flow {
    std::uint32_t client_ip = 0;
    std::uint16_t client_port = 0;
    std::size_t connection = 0;            // index into r_.connections
    std::optional<std::uint32_t> owner;
    std::optional<std::size_t> migration;  // the latest one prepared
    std::optional<std::uint64_t> last_forward_ns;  // the last client segment the switch forwarded
    std::uint32_t last_forward_to = 0;             // ... and to which server
    bool reached_target = false;
    FrameRef moved_at;                     // the last STATE_ACK
    std::set<std::string> reported;        // invariants already reported for it
    bool noted_stale_reset = false;
  };
  Flow& flow(std::uint32_t ip, std::uint16_t port);
  void control(const Packet& p, std::uint32_t src, std::uint32_t dst, packet::View payload, std::size_t udp_length);
  struct Segment {
    std::uint32_t src = 0, dst = 0;
    std::uint16_t sport = 0, dport = 0;
    std::uint8_t flags = 0;
    std::uint32_t seq = 0, length = 0;  // payload length, from the IPv4 header (snap lengths cut the bytes)
  };
  void segment(const Packet& p, const Segment& s);
  void violate(Flow& f, const std::string& invariant, std::string what, const Packet& p);
  Options o_;
  Report r_;
  std::vector<Flow> flows_;
  std::unordered_map<std::uint64_t, std::size_t> by_client_;  // address << 16 | port -> flows_
  // Migration id -> its place in r_.migrations: every control message names one, and a
  // capture of many migrations would otherwise scan them all per message.
  std::unordered_map<std::uint32_t, std::size_t> by_migration_;
};

// "10.0.0.1", and "10.0.0.1:40000".
std::string address(std::uint32_t ip);
std::string endpoint(std::uint32_t ip, std::uint16_t port);

}  // namespace weir::trace::capybara
