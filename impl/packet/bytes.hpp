// Big-endian reads and writes with bounds (impl/packet, internal): a read past the end of
// the packet is a DecodeError naming the field, never a read of memory beyond it.
#pragma once

#include <optional>
#include <span>

#include "impl/packet/packet.hpp"

namespace weir::packet::detail {

class In {
 public:
  In(View data, std::size_t base = 0) : d_(data), base_(base) {}
  // `field` is what a refusal names; `at` is the offset within this view.
  bool has(std::size_t at, std::size_t n) const { return at <= d_.size() && n <= d_.size() - at; }
  std::optional<DecodeError> need(const char* field, std::size_t at, std::size_t n) const {
    if (has(at, n)) return std::nullopt;
    return DecodeError{field, base_ + at,
                       "truncated: needs " + std::to_string(n) + " bytes, the packet has " +
                           std::to_string(at < d_.size() ? d_.size() - at : 0) + " from here"};
  }
  std::uint8_t u8(std::size_t at) const { return d_[at]; }
  std::uint16_t u16(std::size_t at) const { return static_cast<std::uint16_t>(d_[at] << 8 | d_[at + 1]); }
  std::uint32_t u32(std::size_t at) const {
    return static_cast<std::uint32_t>(u16(at)) << 16 | u16(at + 2);
  }
  std::uint64_t u64(std::size_t at) const { return static_cast<std::uint64_t>(u32(at)) << 32 | u32(at + 4); }
  std::size_t size() const { return d_.size(); }
  std::size_t base() const { return base_; }
  View view() const { return d_; }

 private:
  View d_;
  std::size_t base_;
};

inline void put8(Bytes& b, std::uint8_t v) { b.push_back(v); }
inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
inline void put64(Bytes& b, std::uint64_t v) {
  put32(b, static_cast<std::uint32_t>(v >> 32));
  put32(b, static_cast<std::uint32_t>(v));
}
inline void set16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
inline void set32(std::span<std::uint8_t> b, std::size_t at, std::uint32_t v) {
  set16(b, at, static_cast<std::uint16_t>(v >> 16));
  set16(b, at + 2, static_cast<std::uint16_t>(v));
}

// Ethernet and an option-less IPv4 header, as every encoder here writes them.
inline constexpr std::size_t kEthIpSize = 14 + 20;
// Both headers into `out`, the IPv4 checksum computed; `l4_len`: what follows them.
void write_eth_ip(std::span<std::uint8_t, kEthIpSize> out, const Ethernet& eth, const Ipv4& ip, std::size_t l4_len);
// The transport pseudo-header's sum: source, destination, protocol, transport length.
std::uint32_t pseudo_sum(const Ipv4& ip, std::size_t l4_len);

}  // namespace weir::packet::detail
