// trace: production captures read as packets. pcap and pcapng (libpcap), Ethernet, Linux
// cooked captures (SLL, as `tcpdump -i any` writes them; SLL2) and raw IP, 802.1Q/802.1ad VLAN
// tags taken off; several files at once (one per capture point), merged by timestamp in
// one streaming pass, IPv4 fragments reassembled, a packet seen at two points (the same bytes in two files within a
// window) kept once, at its first sighting. Protocols' extractions (trace/pegasus.hpp)
// turn the packets into the histories and executions the checkers judge; the checkers
// never see a packet.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/packet/packet.hpp"

namespace weir::trace {

// One packet as captured: where (file and 1-based frame number, as Wireshark counts),
// when (ns since the epoch), and its bytes as an Ethernet frame (a cooked capture's
// header is replaced by an Ethernet one with zero addresses; VLAN tags are removed).
enum class Direction : std::uint8_t { Unknown, In, Out };
struct Packet {
  std::uint32_t file = 0;  // index into the files given
  std::uint64_t frame = 0;
  std::uint64_t time_ns = 0;
  packet::Bytes bytes;
  // Whether the capturing host received or sent it, as cooked captures (SLL, SLL2:
  // `tcpdump -i any`) say; Ethernet and raw IP captures do not.
  Direction direction = Direction::Unknown;
};

struct Stats {
  std::uint64_t frames = 0;       // read, over every file
  std::uint64_t duplicates = 0;   // seen again at another capture point, kept once
  std::uint64_t not_ethernet = 0; // link types or frames that are not IPv4-capable Ethernet: skipped
  std::uint64_t out_of_order = 0; // frames stamped earlier than the one before them in their file
  // IPv4 fragments, reassembled (trace/detail/reassembly.hpp: bounded in memory and time);
  // a datagram that could not be made whole (a fragment missing, timed out, inconsistent) is
  // counted in `unreassembled`, and a judgement over a capture with any is unknown (exit 3),
  // never a pass on what is left.
  std::uint64_t fragments = 0, reassembled = 0, unreassembled = 0;
  std::uint64_t truncated_fragments = 0;  // cut by the snap length: passed on as they are, not joined
};

// A capture that cannot be read on: the file, the frame at which it failed, and why.
struct ReadError {
  std::string file;
  std::uint64_t frame = 0;  // 0: the file's header
  std::string cause;
  std::string message() const;
};

struct Options {
  // Two sightings of the same bytes in different files closer than this are one packet.
  std::uint64_t dedupe_window_ns = 1'000'000;
};

// Reads `files` merged by time and calls `on` with each packet, in time order (ties: file
// order, then frame order). Each file is taken in its own order: a frame stamped before
// its predecessor is given the predecessor's time (Stats::out_of_order). Stops at the
// first unreadable frame, after delivering those before it.
std::optional<ReadError> read(const std::vector<std::string>& files, const std::function<void(const Packet&)>& on,
                              Stats& stats, const Options& o = {});

// "capture.pcap#12": a frame as people find it in Wireshark.
std::string frame_name(const std::vector<std::string>& files, std::uint32_t file, std::uint64_t frame);

}  // namespace weir::trace
