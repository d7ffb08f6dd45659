// Pegasus's data plane as pure logic (Li et al., OSDI'20; NUS-Systems-Lab/pegasus): the
// switch's coherence directory, the storage server and the client, each bytes in and
// bytes out. No I/O, no clock: the simulator and the DPDK application drive them.
//
// The switch keeps, per replicated key, `rset` (a bitmap of the servers holding the last
// completed write), `ver_completed` (that write's version) and `ver_next` (the last version
// handed out). A write takes a fresh version and goes to any server (the least loaded); a
// read goes round-robin over rset; a reply (to a write, or to a read: it carries the
// version its server holds) with a version above ver_completed makes its server the whole
// rset, an equal one adds the server. Other keys go to their
// home server (keyhash mod servers).
//
// Retried and duplicated writes: the switch gives a write one version for good, keyed by
// (client, request id), so that a copy can never overwrite a newer write under a newer
// version (the Weir Pegasus model's finding). The authors' TLA+ spec instead pins each
// write's request id to one server (id_to_node), whose client table drops the copy. This
// core does the former: it keeps the switch's state per write small (one version), lets a
// retry go to another server when the first is slow, and the servers' at-most-once table
// still answers a copy without running it again.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "impl/core/mutant.hpp"
#include "impl/packet/packet.hpp"

namespace weir::core::pegasus {

using packet::Bytes;
using packet::Decoded;
using packet::View;
namespace pp = packet::pegasus;

enum class Mutant : std::uint8_t {
  None,
  NoVersionCheck,    // server: applies a write whatever its version
  CompleteOnForward, // switch: a write counts as completed when forwarded, not when acknowledged
  ReadAnyServer,     // switch: reads go to any server, not only to rset
  NoDedup,           // switch gives a retried write a new version; servers run a copy again
};
using MutantInfo = core::MutantInfo<Mutant>;
std::span<const MutantInfo> mutants();
std::optional<Mutant> parse_mutant(std::string_view name);

inline constexpr std::uint16_t kPort = 12345;  // the Pegasus UDP port

struct Topology {
  std::vector<std::uint32_t> servers;  // address by server id
  std::vector<std::uint32_t> clients;  // address by client id
  std::uint32_t switch_ip = 0;
  std::uint16_t identifier = pp::kP4Identifier;
};

// One frame out: the core's output, addressed.
struct Out {
  Bytes frame;
};

class Switch {
 public:
  Switch(Topology t, std::vector<std::uint32_t> replicated_keys, Mutant mutant = Mutant::None);

  // A frame from a client (a request) or from a server (a reply): the frames to send.
  Decoded<std::vector<Out>> receive(View frame);
  // The same decision taken in place, as a switch's pipeline does (the DPDK switch's fast
  // path): the frame becomes the one to send (version and server in the Pegasus header,
  // the switch as source, the destination, both checksums) and its destination is
  // returned; nothing to send (a copy of an overtaken write): nullopt.
  Decoded<std::optional<std::uint32_t>> route(std::span<std::uint8_t> frame);

  struct Entry {
    std::uint32_t rset = 0;
    std::uint32_t ver_completed = 0;
    std::uint32_t ver_next = 0;
    std::uint32_t read_cursor = 0;  // reads go round rset from here
  };
  const Entry* entry(std::uint32_t keyhash) const;

 private:
  // The decision on a request or a reply: its header rewritten, and where it goes.
  std::optional<std::uint32_t> request(pp::Header& h);
  std::optional<std::uint32_t> reply(pp::Header& h);
  std::uint32_t least_loaded() const;

  Topology t_;
  Mutant mutant_;
  // The coherence directory: its keys are fixed when the switch is made, so the data
  // plane only looks up and updates (no allocation after construction).
  std::unordered_map<std::uint32_t, Entry> dir_;
  std::vector<std::uint16_t> load_;                   // per server, as its replies report
  // Per client, its last request (a client runs one at a time): its id and, for a write,
  // its key and version. A copy of that write keeps the version; a write with an older
  // request id (within half the 8-bit space) is a stale copy and is dropped.
  struct LastRequest {
    std::uint8_t request_id = 0;
    std::uint32_t keyhash = 0;
    std::uint32_t ver = 0;  // 0: not a write (versions start at 1)
    bool any = false;
  };
  std::array<LastRequest, 256> last_{};  // by client id (one byte)
};

class Server {
 public:
  Server(std::uint8_t id, Topology t, Mutant mutant = Mutant::None);
  // A request forwarded by the switch: the reply frame (to the switch), or none.
  Decoded<std::vector<Out>> receive(View frame);

  struct Stored {
    Bytes value;
    std::uint32_t ver = 0;
    bool present = false;
  };
  const Stored* stored(std::uint32_t keyhash) const;

 private:
  std::uint8_t id_;
  Topology t_;
  Mutant mutant_;
  std::unordered_map<std::uint32_t, Stored> store_;
  // At most once: per client, the last request id run and its reply.
  std::unordered_map<std::uint8_t, std::pair<std::uint8_t, pp::Message>> done_;
  std::uint16_t load_ = 0;
};

// The header's request id is 8 bits, compared as a serial number (a copy is "older" when
// 1..127 behind the newest a node has seen). A switch or server that last saw a client's id
// r and then sees r + 128 or more would take a new request for an old copy (or, past 256,
// for the same one): a client may issue at most this many operations, and every harness
// refuses more. (The artifact carries a 32-bit request id in the payload instead.)
inline constexpr unsigned kMaxOperationsPerClient = 128;

// A client: one operation at a time, retried with the same request id until answered.
class Client {
 public:
  Client(std::uint8_t id, Topology t);
  enum class Kind : std::uint8_t { Get, Put, Del };
  // The request frame for a new operation (to the switch).
  Bytes issue(Kind kind, std::uint32_t keyhash, Bytes value = {});
  Bytes retry() const;  // the same request again
  struct Result {
    Kind kind = Kind::Get;
    std::uint32_t keyhash = 0;
    Bytes value;  // Get: what was read (empty: absent)
    bool found = false;
  };
  // A reply frame: the result when it answers the open operation (a stale or duplicate
  // reply: nothing).
  Decoded<std::optional<Result>> receive(View frame);
  bool busy() const { return open_.has_value(); }

 private:
  std::uint8_t id_;
  Topology t_;
  std::uint8_t next_request_ = 0;
  std::optional<pp::Message> open_;
};

}  // namespace weir::core::pegasus
