// trace/pegasus: a Pegasus capture as the clients' history. Requests (get, put, delete)
// and replies are paired per client by the header's client and request ids; an operation
// is called at the first sighting of its request anywhere in the capture and returns at
// the first sighting of its reply. Wherever the capture was taken (clients, the switch,
// servers), the server applied or read the value after the request passed and before the
// reply did, so each interval holds the operation's effect: a capture at the switch gives
// narrower intervals than the clients saw, never wrong ones.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trace/trace.hpp"

namespace weir::trace::pegasus {

struct Options {
  // The header's identifier: both known ones by default (the P4 program's 0x5047, the
  // artifact's software switch's 0x1573).
  std::vector<std::uint16_t> identifiers = {packet::pegasus::kP4Identifier, packet::pegasus::kSwitchIdentifier};
};

struct FrameRef {
  std::uint32_t file = 0;
  std::uint64_t frame = 0;
};

struct Op {
  unsigned client = 0;   // the header's client id
  // The history's process: the client, or, after an operation of the client's that was never
  // answered in the capture, client + 256 x (operations left open before it).
  unsigned process = 0;
  std::uint8_t request_id = 0;
  std::uint64_t call_ns = 0;
  std::optional<std::uint64_t> ret_ns;  // none: no reply in the capture
  bool get = false;
  std::string key;    // "k<keyhash>"
  std::string value;  // put: written ("" for a delete); get: read. Printable ASCII as is ('\' doubled), other bytes \xNN
  FrameRef call_frame;
  std::optional<FrameRef> ret_frame;
};

struct Extraction {
  std::vector<Op> ops;
  std::uint64_t requests = 0, replies = 0;  // sightings
  std::uint64_t other = 0;      // packets that are not Pegasus (other protocols, other ports)
  std::uint64_t malformed = 0;  // a Pegasus identifier, then a header that does not decode
  std::uint64_t late = 0;       // copies of requests and replies of operations already done
};

class Extractor {
 public:
  explicit Extractor(Options o = {}) : o_(std::move(o)) {}
  void add(const Packet& p);
  Extraction finish() &&;

 private:
  Options o_;
  Extraction x_;
  struct Client {
    std::optional<std::size_t> open;  // the operation awaiting its reply
    std::optional<std::uint8_t> last_done;  // the request id of the last one answered
    unsigned generation = 0;                // operations left open so far: the process's number
  };
  std::vector<Client> clients_ = std::vector<Client>(256);
};

// The operations as JSON Lines (Weir's native history, `check lin --spec kv`): line i+1 is
// ops[i], so a witness's lines name the operations and through them the frames.
std::string history_jsonl(const std::vector<Op>& ops);

}  // namespace weir::trace::pegasus
