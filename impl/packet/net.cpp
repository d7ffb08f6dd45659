// Ethernet, IPv4, UDP and TCP: encoding with checksums, decoding with every length and
// checksum checked.
#include <algorithm>
#include <bit>
#include <cstring>
#include <cstdio>

#include "impl/packet/bytes.hpp"

namespace weir::packet {

using detail::In;

std::string DecodeError::message() const {
  return field + " at byte " + std::to_string(offset) + ": " + cause;
}

std::uint32_t sum16(View data, std::uint32_t sum) {
  // Eight bytes at a time, in the host's byte order: a ones' complement sum of the
  // byte-swapped words is the byte-swapped sum (RFC 1071, section 2(B)), so it is folded
  // to 16 bits and swapped back once at the end.
  std::uint64_t wide = 0;
  std::size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    wide += (w & 0xffffffffu) + (w >> 32);  // below 2^33 per step: no overflow for any frame
  }
  while (wide >> 16) wide = (wide & 0xffff) + (wide >> 16);
  std::uint16_t folded = static_cast<std::uint16_t>(wide);
  if constexpr (std::endian::native == std::endian::little) folded = static_cast<std::uint16_t>(folded >> 8 | folded << 8);
  sum += folded;
  for (; i + 1 < data.size(); i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (i < data.size()) sum += static_cast<std::uint32_t>(data[i] << 8);  // an odd byte, padded
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

namespace {

constexpr std::size_t kEth = 14, kIp = 20, kUdp = 8, kTcp = 20;

}  // namespace

namespace detail {

std::uint32_t pseudo_sum(const Ipv4& ip, std::size_t l4_len) {
  std::uint32_t s = 0;
  s += ip.src >> 16;
  s += ip.src & 0xffff;
  s += ip.dst >> 16;
  s += ip.dst & 0xffff;
  s += ip.proto;
  s += static_cast<std::uint32_t>(l4_len);
  return s;
}

void write_eth_ip(std::span<std::uint8_t, kEthIpSize> out, const Ethernet& eth, const Ipv4& ip, std::size_t l4_len) {
  std::copy(eth.dst.begin(), eth.dst.end(), out.begin());
  std::copy(eth.src.begin(), eth.src.end(), out.begin() + 6);
  set16(out, 12, eth.type);
  out[14] = 0x45;  // version 4, 5 words
  out[15] = ip.tos;
  set16(out, 16, static_cast<std::uint16_t>(kIp + l4_len));
  set16(out, 18, ip.id);
  set16(out, 20, 0x4000);  // don't fragment
  out[22] = ip.ttl;
  out[23] = ip.proto;
  set16(out, 24, 0);
  set16(out, 26, static_cast<std::uint16_t>(ip.src >> 16));
  set16(out, 28, static_cast<std::uint16_t>(ip.src));
  set16(out, 30, static_cast<std::uint16_t>(ip.dst >> 16));
  set16(out, 32, static_cast<std::uint16_t>(ip.dst));
  set16(out, 24, static_cast<std::uint16_t>(~fold(sum16(View(out).subspan(kEth, kIp)))));
}

}  // namespace detail

void fix_udp_checksum(std::span<std::uint8_t> frame) {
  if (frame.size() < kEth + kIp) return;
  const std::size_t ihl = static_cast<std::size_t>(frame[kEth] & 0x0f) * 4;  // options included
  const std::size_t total = static_cast<std::size_t>(frame[kEth + 2] << 8 | frame[kEth + 3]);
  const std::size_t l4 = kEth + ihl;
  if (ihl < kIp || total < ihl + kUdp || kEth + total > frame.size()) return;
  if (frame[l4 + 6] == 0 && frame[l4 + 7] == 0) return;  // "none" stays none
  const std::size_t l4_len = total - ihl;
  Ipv4 ip;
  ip.src = static_cast<std::uint32_t>(frame[26] << 24 | frame[27] << 16 | frame[28] << 8 | frame[29]);
  ip.dst = static_cast<std::uint32_t>(frame[30] << 24 | frame[31] << 16 | frame[32] << 8 | frame[33]);
  ip.proto = kProtoUdp;
  detail::set16(frame, l4 + 6, 0);
  std::uint16_t c =
      static_cast<std::uint16_t>(~fold(sum16(View(frame).subspan(l4, l4_len), detail::pseudo_sum(ip, l4_len))));
  if (c == 0) c = 0xffff;
  detail::set16(frame, l4 + 6, c);
}

void fix_ipv4_checksum(std::span<std::uint8_t> frame, std::size_t ip_offset) {
  const std::size_t ihl = static_cast<std::size_t>(frame[ip_offset] & 0x0f) * 4;
  detail::set16(frame, ip_offset + 10, 0);
  detail::set16(frame, ip_offset + 10,
                static_cast<std::uint16_t>(~fold(sum16(View(frame).subspan(ip_offset, ihl)))));
}

namespace {

// Ethernet + IPv4 around a transport header (its checksum field zero, at `checksum_at`
// within it) and `payload`; the transport checksum covers the pseudo-header.
Bytes encode_l4(const Ethernet& eth, Ipv4 ip, std::uint8_t proto, const Bytes& header, std::size_t checksum_at,
                View payload) {
  ip.proto = proto;
  const std::size_t l4 = header.size() + payload.size();
  Bytes b(kEth + kIp);
  b.reserve(kEth + kIp + l4);
  detail::write_eth_ip(std::span<std::uint8_t, detail::kEthIpSize>(b.data(), detail::kEthIpSize), eth, ip, l4);
  const std::size_t at = b.size();
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), payload.begin(), payload.end());
  std::uint16_t c = static_cast<std::uint16_t>(~fold(sum16(View(b).subspan(at), detail::pseudo_sum(ip, l4))));
  if (c == 0 && proto == kProtoUdp) c = 0xffff;  // a UDP checksum of 0 would mean "none"
  detail::set16(b, at + checksum_at, c);
  return b;
}

}  // namespace

Bytes encode_udp(const Ethernet& eth, const Ipv4& ip, const Udp& udp, View payload) {
  Bytes h;
  detail::put16(h, udp.sport);
  detail::put16(h, udp.dport);
  detail::put16(h, static_cast<std::uint16_t>(kUdp + payload.size()));
  detail::put16(h, 0);  // checksum
  return encode_l4(eth, ip, kProtoUdp, h, 6, payload);
}

Bytes encode_tcp(const Ethernet& eth, const Ipv4& ip, const Tcp& tcp, View payload) {
  Bytes h;
  detail::put16(h, tcp.sport);
  detail::put16(h, tcp.dport);
  detail::put32(h, tcp.seq);
  detail::put32(h, tcp.ack);
  detail::put8(h, 5 << 4);  // data offset: 5 words
  detail::put8(h, tcp.flags);
  detail::put16(h, tcp.window);
  detail::put16(h, 0);  // checksum
  detail::put16(h, 0);  // urgent pointer
  return encode_l4(eth, ip, kProtoTcp, h, 16, payload);
}

Decoded<Frame> decode(View frame, Checksums verify) {
  In in(frame);
  Frame f;
  if (auto e = in.need("ethernet", 0, kEth)) return *e;
  std::copy_n(frame.begin(), 6, f.eth.dst.begin());
  std::copy_n(frame.begin() + 6, 6, f.eth.src.begin());
  f.eth.type = in.u16(12);
  if (f.eth.type != kEtherIpv4)
    return DecodeError{"ethernet.type", 12, "not IPv4 (0x" + [&] {
                         char t[8];
                         std::snprintf(t, sizeof t, "%04x", f.eth.type);
                         return std::string(t);
                       }() + ")"};
  if (auto e = in.need("ipv4", kEth, kIp)) return *e;
  const std::uint8_t vihl = in.u8(kEth);
  if (vihl >> 4 != 4) return DecodeError{"ipv4.version", kEth, "version " + std::to_string(vihl >> 4) + ", not 4"};
  const std::size_t ihl = static_cast<std::size_t>(vihl & 0x0f) * 4;
  if (ihl < kIp) return DecodeError{"ipv4.ihl", kEth, "header length " + std::to_string(ihl) + " is below 20"};
  if (auto e = in.need("ipv4.options", kEth, ihl)) return *e;
  const std::size_t total = in.u16(kEth + 2);
  if (total < ihl) return DecodeError{"ipv4.total_length", kEth + 2, "shorter than the IPv4 header"};
  if (auto e = in.need("ipv4.total_length", kEth, total)) return *e;
  if (fold(sum16(frame.subspan(kEth, ihl))) != 0xffff)
    return DecodeError{"ipv4.checksum", kEth + 10, "wrong header checksum (a rewritten header not fixed?)"};
  f.ip.tos = in.u8(kEth + 1);
  f.ip.id = in.u16(kEth + 4);
  f.ip.ttl = in.u8(kEth + 8);
  f.ip.proto = in.u8(kEth + 9);
  f.ip.src = in.u32(kEth + 12);
  f.ip.dst = in.u32(kEth + 16);
  const std::size_t l4 = kEth + ihl, l4_len = total - ihl;
  const View segment = frame.subspan(l4, l4_len);  // Ethernet padding beyond total is not ours
  if (f.ip.proto == kProtoUdp) {
    if (auto e = In(segment, l4).need("udp", 0, kUdp)) return *e;
    In u(segment, l4);
    const std::size_t len = u.u16(4);
    if (len < kUdp || len != l4_len) return DecodeError{"udp.length", l4 + 4, "does not match the IPv4 length"};
    if (verify == Checksums::All && u.u16(6) != 0 && fold(sum16(segment, detail::pseudo_sum(f.ip, l4_len))) != 0xffff)
      return DecodeError{"udp.checksum", l4 + 6, "wrong checksum"};
    f.l4 = Udp{u.u16(0), u.u16(2)};
    f.payload_offset = l4 + kUdp;
    f.payload_size = len - kUdp;
    return f;
  }
  if (f.ip.proto == kProtoTcp) {
    In t(segment, l4);
    if (auto e = t.need("tcp", 0, kTcp)) return *e;
    const std::size_t off = static_cast<std::size_t>(t.u8(12) >> 4) * 4;
    if (off < kTcp) return DecodeError{"tcp.data_offset", l4 + 12, "header length " + std::to_string(off) + " is below 20"};
    if (auto e = t.need("tcp.options", 0, off)) return *e;
    if (verify == Checksums::All && fold(sum16(segment, detail::pseudo_sum(f.ip, l4_len))) != 0xffff)
      return DecodeError{"tcp.checksum", l4 + 16, "wrong checksum"};
    Tcp tcp;
    tcp.sport = t.u16(0);
    tcp.dport = t.u16(2);
    tcp.seq = t.u32(4);
    tcp.ack = t.u32(8);
    tcp.flags = t.u8(13);
    tcp.window = t.u16(14);
    f.l4 = tcp;
    f.payload_offset = l4 + off;
    f.payload_size = l4_len - off;
    return f;
  }
  return DecodeError{"ipv4.protocol", kEth + 9, "protocol " + std::to_string(f.ip.proto) + ", not UDP or TCP"};
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t a = 0;
  int parts = 0;
  std::size_t at = 0;
  while (parts < 4) {
    std::size_t end = at;
    unsigned v = 0;
    while (end < text.size() && end - at < 4 && text[end] >= '0' && text[end] <= '9') v = v * 10 + static_cast<unsigned>(text[end++] - '0');
    if (end == at || end - at > 3 || v > 255 || (end - at > 1 && text[at] == '0')) return std::nullopt;
    a = a << 8 | v;
    ++parts;
    if (parts < 4) {
      if (end >= text.size() || text[end] != '.') return std::nullopt;
      at = end + 1;
    } else if (end != text.size()) {
      return std::nullopt;
    }
  }
  return a;
}

std::optional<Prefix> parse_prefix(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto a = parse_ipv4(text.substr(0, slash));
  const std::string_view len = text.substr(slash + 1);
  if (!a || len.empty() || len.size() > 2 || len.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  const unsigned bits = static_cast<unsigned>(std::stoi(std::string(len)));
  if (bits > 32) return std::nullopt;
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return Prefix{*a & mask, mask};
}

std::optional<Mac> parse_mac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  Mac m{};
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 6; ++i) {
    const int hi = hex(text[3 * i]), lo = hex(text[3 * i + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':')) return std::nullopt;
    m[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return m;
}

}  // namespace weir::packet
