// IPv4 reassembly for captures (RFC 791, with RFC 815's idea of tracking what is still
// missing): a datagram split into fragments is delivered once, whole, at the frame that
// completes it. Bounded: a datagram is at most 65,535 bytes, at most kMaxPending are open at
// once (the oldest is given up first), and one not complete within kTimeoutNs of capture
// time (Linux's ipfrag_time, 30 s) is given up. Fragments that overlap with different bytes
// give the datagram up (RFC 5722's rule, taken for IPv4 too: no guess which copy is true).
// Every datagram given up is counted, so that a judgement can say it rests on less.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "impl/packet/packet.hpp"

namespace weir::trace::detail {

class Reassembler {
 public:
  static constexpr std::size_t kMaxPending = 1024;
  static constexpr std::uint64_t kTimeoutNs = 30'000'000'000ull;

  // `eth` is an Ethernet frame holding an IPv4 fragment (is_fragment). The whole datagram
  // as one Ethernet frame when this fragment completes it (the first fragment's Ethernet and
  // IPv4 headers, offset and MF cleared, lengths and header checksum made whole), else nothing.
  std::optional<packet::Bytes> add(std::uint32_t file, std::uint64_t time_ns, const packet::Bytes& eth);
  // Datagrams given up so far (timed out, evicted, inconsistent, over 65,535 bytes); at the
  // end of the capture, those still open count too.
  // A datagram without its first fragment is not counted: in one file that is a copy of a
  // datagram already delivered (seen in and out of a switch), whose head went into it.
  std::uint64_t given_up() const {
    std::uint64_t headed = 0;
    for (const auto& [k, d] : open_) headed += !d.head.empty();
    return given_up_ + headed;
  }
  std::uint64_t reassembled() const { return reassembled_; }

 private:
  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint8_t, std::uint16_t>;  // file, src, dst, proto, id
  struct Datagram {
    std::uint64_t first_ns = 0;
    packet::Bytes head;                 // Ethernet + IPv4 header of the offset-0 fragment
    std::vector<std::uint8_t> payload;  // up to 65,535 - 20 bytes
    std::vector<bool> have;             // per 8-byte block
    std::size_t covered = 0;            // blocks held
    std::optional<std::size_t> total;   // payload length, known from the last fragment
  };
  void expire(std::uint64_t now);
  std::map<Key, Datagram> open_;
  std::deque<std::pair<std::uint64_t, Key>> by_age_;  // (first_ns, key), oldest first; stale entries skipped
  std::uint64_t given_up_ = 0, reassembled_ = 0;
};

// An Ethernet frame holding an IPv4 fragment: more fragments to come, or an offset.
bool is_fragment(const packet::Bytes& eth);
// Whether the frame holds its whole IPv4 datagram (not cut by the capture's snap length).
bool captured_whole(const packet::Bytes& eth);

}  // namespace weir::trace::detail
