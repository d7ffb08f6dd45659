#include <algorithm>

#include "trace/detail/reassembly.hpp"

namespace weir::trace::detail {

namespace {
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 | static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
constexpr std::size_t kMaxPayload = 65535 - 20;
}  // namespace

bool is_fragment(const packet::Bytes& eth) {
  if (eth.size() < 34 || be16(&eth[12]) != packet::kEtherIpv4 || (eth[14] >> 4) != 4) return false;
  const std::uint16_t flags_offset = be16(&eth[20]);
  return (flags_offset & 0x2000) != 0 || (flags_offset & 0x1fff) != 0;
}

bool captured_whole(const packet::Bytes& eth) {
  return eth.size() >= 34 && 14 + static_cast<std::size_t>(be16(&eth[16])) <= eth.size();
}

void Reassembler::expire(std::uint64_t now) {
  while (!by_age_.empty()) {
    const auto& [t, key] = by_age_.front();
    auto it = open_.find(key);
    if (it == open_.end() || it->second.first_ns != t) {  // completed or given up already
      by_age_.pop_front();
      continue;
    }
    // Capture time can step back between files or in a clock jump: a datagram is old only
    // when now is past its first fragment by more than the timeout.
    if ((now < t || now - t <= kTimeoutNs) && open_.size() <= kMaxPending) break;
    given_up_ += !it->second.head.empty();  // headless: a copy of one delivered (given_up())
    open_.erase(it);
    by_age_.pop_front();
  }
}

std::optional<packet::Bytes> Reassembler::add(std::uint32_t file, std::uint64_t time_ns, const packet::Bytes& eth) {
  expire(time_ns);
  const std::size_t ihl = static_cast<std::size_t>(eth[14] & 0x0f) * 4;
  const std::size_t ip_len = be16(&eth[16]);
  if (ihl < 20 || ip_len < ihl || 14 + ip_len > eth.size()) return std::nullopt;  // a broken header: left to the decoders' count
  const Key key{file, be32(&eth[26]), be32(&eth[30]), eth[23], be16(&eth[18])};
  const std::uint16_t flags_offset = be16(&eth[20]);
  const std::size_t offset = static_cast<std::size_t>(flags_offset & 0x1fff) * 8;
  const bool more = flags_offset & 0x2000;
  const std::size_t len = ip_len - ihl;  // Ethernet padding beyond the IPv4 length is not payload
  const auto emplaced = open_.try_emplace(key);
  const auto it = emplaced.first;
  Datagram& d = it->second;
  if (emplaced.second) {
    d.first_ns = time_ns;
    by_age_.emplace_back(time_ns, key);
  }
  auto give_up = [&] {
    open_.erase(it);
    ++given_up_;
    return std::nullopt;
  };
  // Every fragment but the last holds whole 8-byte blocks; nothing may reach past 65,535.
  if (offset + len > kMaxPayload || (more && len % 8 != 0) || (!more && d.total && *d.total != offset + len)) return give_up();
  if (!more) {
    d.total = offset + len;
    // A block already held beyond the end means the fragments disagree on the length.
    for (std::size_t b = (offset + len + 7) / 8; b < d.have.size(); ++b)
      if (d.have[b]) return give_up();
  }
  if (d.total && offset + len > *d.total) return give_up();
  // The buffers grow with the furthest fragment seen, so that 1,024 open datagrams of a
  // few hundred bytes cost kilobytes, not 64 MB.
  if (d.payload.size() < offset + len) {
    d.payload.resize(offset + len, 0);
    d.have.resize((offset + len + 7) / 8, false);
  }
  const std::uint8_t* data = eth.data() + 14 + ihl;
  for (std::size_t b = offset / 8; b < (offset + len + 7) / 8; ++b) {
    const std::size_t from = b * 8, to = std::min(from + 8, offset + len);
    if (d.have[b]) {
      // A copy (the same fragment seen again) is fine; different bytes are not.
      if (!std::equal(data + (from - offset), data + (to - offset), d.payload.begin() + static_cast<std::ptrdiff_t>(from))) return give_up();
      continue;
    }
    std::copy(data + (from - offset), data + (to - offset), d.payload.begin() + static_cast<std::ptrdiff_t>(from));
    d.have[b] = true;
    ++d.covered;
  }
  if (offset == 0 && d.head.empty()) d.head.assign(eth.begin(), eth.begin() + static_cast<std::ptrdiff_t>(14 + ihl));
  if (!d.total || d.head.empty() || d.covered != (*d.total + 7) / 8) return std::nullopt;
  // Whole: the first fragment's headers, made the header of one unfragmented datagram.
  packet::Bytes whole = std::move(d.head);
  whole.insert(whole.end(), d.payload.begin(), d.payload.begin() + static_cast<std::ptrdiff_t>(*d.total));
  const std::size_t total_len = whole.size() - 14;
  whole[16] = static_cast<std::uint8_t>(total_len >> 8);
  whole[17] = static_cast<std::uint8_t>(total_len);
  whole[20] &= 0x40;  // keep DF, clear MF and the offset
  whole[21] = 0;
  packet::fix_ipv4_checksum(whole);
  open_.erase(it);
  ++reassembled_;
  return whole;
}

}  // namespace weir::trace::detail
