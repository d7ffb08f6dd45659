// trace/beaver: a Beaver capture as an execution for the cut checker. Packets are read
// with every sighting kept (the reader's dedupe off): a data message is identified by its
// IPv4 addresses, IP id, ports and payload (the inner frame of a gateway's encapsulation,
// ignoring what routers rewrite: TTL, ToS, checksum); it is sent at its first sighting and
// received at its last. Gateways are the outer sources of encapsulated packets, backends
// their outer destinations (or the --in-group prefix), the VIP their inner destination;
// the controller's requests and replies (UDP on the control port) give each snapshot's
// t0 and t1. A backend takes snapshot n just before it receives the first packet that
// carries an id at or past n (a gateway's whole id, or an in-group ToS/TTL id moving it
// forward), or before it sends one stamped past what it held; one that never does records
// it at the end (as the artifact's controller finalizes). Memory: a few words per message
// (its key is kept as a 128-bit hash), whatever the payloads and the number of sightings.
#pragma once

#include <functional>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "trace/trace.hpp"

namespace weir::trace::beaver {

struct Options {
  std::optional<packet::Prefix> in_group;  // default: the backends gateways encapsulate to
  std::uint16_t control_port = 7100;
  std::optional<double> threshold_us;      // judge only snapshots accepted under it
};

struct FrameRef {
  std::uint32_t file = 0;
  std::uint64_t frame = 0;
};

struct Snapshot {
  std::uint32_t ssid = 0;
  std::optional<std::uint64_t> t0_ns;                   // the controller's first request
  std::map<std::uint32_t, std::uint64_t> replies_ns;    // per gateway, its first reply
  std::map<std::uint32_t, std::uint64_t> first_marked_ns;  // per gateway, its first packet marked with it
  std::optional<bool> accepted;  // with a threshold and every gateway's reply
  bool judged = false;
};

// Delays measured in the capture, in microseconds (trace delays, trace bound).
struct Delays {
  std::map<std::string, std::vector<double>> to_gateway;    // per gateway: t0 -> its entry (the reply's `entered`)
  std::map<std::string, std::vector<double>> to_initiator;  // per gateway: its entry -> its reply's arrival
  std::vector<double> spread;                               // per snapshot: last entry - first entry
  // The hops of an external chain, each from its first sighting to its last: a gateway's
  // encapsulated packet to its backend, a backend's packet to an out-group process, an
  // out-group process's packet to the VIP (up to the gateway).
  std::vector<double> gateway_to_backend, backend_to_outside, outside_to_gateway;
};

struct Extraction {
  Delays delays;
  // What no receiver would take or no correct node would do, seen on the wire: a packet
  // whose IPv4 header checksum is wrong (a rewritten ToS/TTL not fixed: a kernel drops
  // it), a backend whose id moves past the newest snapshot the controller started (an id
  // read from a packet that carried none). In words, with the first frame.
  std::vector<std::string> problems;
  std::uint64_t bad_checksums = 0;
  std::string execution_jsonl;           // line i+1 is event_frames[i]
  std::vector<FrameRef> event_frames;
  std::vector<Snapshot> snapshots;
  std::vector<std::string> gateways, backends, vips;
  std::uint64_t messages = 0, encapsulated = 0, control = 0, other = 0;
};

class Extractor {
 public:
  explicit Extractor(Options o = {}) : o_(std::move(o)) {}
  void add(const Packet& p);
  // `names` turns a frame into what people find in Wireshark (problems name frames).
  Extraction finish(const std::function<std::string(FrameRef)>& names) &&;

  // One sighting of a message: when, where in the capture, and its header's ToS/TTL.
  struct Sighting {
    std::uint64_t t = 0;
    std::uint64_t seq = 0;  // the packet's place in the capture's order: breaks ties in time
    FrameRef frame;
    std::uint8_t tos = 0, ttl = 0;  // the (outer, or only) header's
  };
  // A message, summed up as its sightings come: a few words whatever its payload and
  // however often it was seen, so that memory grows with messages, not with the capture.
  struct Message {
    std::uint32_t src = 0, dst = 0;
    Sighting first, last;  // sent at the first, received at the last
    // The gateways' encapsulated sightings (to the backend), and the plain ones.
    std::optional<std::uint32_t> backend, ssid;  // the last encapsulated sighting's: who it went to, the id it carried
    std::uint64_t encap_first = 0, encap_last = 0, plain_first = 0, plain_last = 0;
    std::uint32_t encap_count = 0, plain_count = 0;
  };

 private:
  Options o_;
  // A message's key (addresses, id, ports, payload: key_of) as a 128-bit hash, not its bytes.
  struct KeyHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& k) const { return k.first; }
  };
  std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, std::size_t, KeyHash> index_;  // -> messages_
  void sighting(const std::string& key, std::uint32_t src, std::uint32_t dst, const Sighting& s,
                std::optional<std::uint32_t> backend, std::optional<std::uint32_t> ssid);
  std::vector<Message> messages_;
  std::map<std::uint32_t, Snapshot> snapshots_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> entered_;  // (ssid, gateway) -> entered (its clock, us)
  std::map<std::uint32_t, bool> gateways_, backends_, vips_, controllers_;
  std::uint64_t encapsulated_ = 0, control_ = 0, other_ = 0, last_t_ = 0, seq_ = 0;
  std::uint64_t bad_checksums_ = 0;
  std::optional<std::pair<FrameRef, std::uint32_t>> first_bad_;  // its frame and source
};

}  // namespace weir::trace::beaver
