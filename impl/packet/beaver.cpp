// Beaver's wire: the gateway's encapsulation, the in-group ToS/TTL stamp and the
// controller's requests.
#include <algorithm>

#include "impl/packet/bytes.hpp"

namespace weir::packet::beaver {

TosTtl stamp(std::uint32_t ssid) {
  const std::uint32_t id = ssid % kSsidSpace;
  // The low two bits of TTL stay 3, so the id survives the routers' decrements for up to
  // three hops; the rest of TTL carries the id's high six bits.
  return TosTtl{static_cast<std::uint8_t>(id % 256), static_cast<std::uint8_t>(((id / 256) << 2) + 3)};
}

std::uint32_t ssid_of(std::uint8_t tos, std::uint8_t ttl) { return tos + (static_cast<std::uint32_t>(ttl) >> 2) * 256; }

bool newer(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t ahead = (a - b) % kSsidSpace;
  return ahead != 0 && ahead <= kHalfWindow;
}

EncapHeader encap_header(const Ethernet& eth, Ipv4 ip, std::uint16_t dport, std::uint32_t ssid, View client_frame) {
  EncapHeader h;
  const std::size_t l4 = kEncapOverhead - detail::kEthIpSize + client_frame.size();  // UDP, id, frame
  ip.proto = kProtoUdp;
  detail::write_eth_ip(std::span<std::uint8_t, detail::kEthIpSize>(h.data(), detail::kEthIpSize), eth, ip, l4);
  detail::set16(h, 34, kEncapSourcePort);
  detail::set16(h, 36, dport);
  detail::set16(h, 38, static_cast<std::uint16_t>(l4));
  detail::set16(h, 40, 0);
  detail::set32(h, 42, ssid);
  const std::uint32_t sum = sum16(client_frame, sum16(View(h).subspan(34), detail::pseudo_sum(ip, l4)));
  std::uint16_t c = static_cast<std::uint16_t>(~fold(sum));
  if (c == 0) c = 0xffff;  // a UDP checksum of 0 would mean "none"
  detail::set16(h, 40, c);
  return h;
}

Bytes encapsulate(const Ethernet& eth, const Ipv4& ip, std::uint16_t dport, std::uint32_t ssid, View client_frame) {
  return joined(encap_header(eth, ip, dport, ssid, client_frame), client_frame);
}

Bytes joined(const EncapHeader& h, View client_frame) {
  Bytes b(h.size() + client_frame.size());
  std::copy(h.begin(), h.end(), b.begin());
  std::copy(client_frame.begin(), client_frame.end(), b.begin() + static_cast<std::ptrdiff_t>(h.size()));
  return b;
}

Decoded<Encapsulated> decapsulate(View frame) {
  auto outer = packet::decode(frame);
  if (auto* e = std::get_if<DecodeError>(&outer)) return *e;
  Encapsulated x;
  x.outer = std::get<Frame>(outer);
  const auto* udp = std::get_if<Udp>(&x.outer.l4);
  if (!udp) return DecodeError{"beaver.encap", 23, "not UDP: a gateway encapsulates in UDP"};
  if (udp->sport != kEncapSourcePort)
    return DecodeError{"udp.source_port", x.outer.payload_offset - 8,
                       "source port " + std::to_string(udp->sport) + ", not Beaver's 12345"};
  detail::In in(frame.subspan(x.outer.payload_offset, x.outer.payload_size), x.outer.payload_offset);
  if (auto e = in.need("beaver.ssid", 0, 4)) return *e;
  x.ssid = in.u32(0);
  x.inner_offset = x.outer.payload_offset + 4;
  return x;
}

Bytes encode_request(const Request& r) {
  Bytes b;
  detail::put8(b, kSnapshotRequest);
  detail::put32(b, r.ssid);
  return b;
}

Decoded<Request> decode_request(View payload, std::size_t offset) {
  detail::In in(payload, offset);
  if (auto e = in.need("beaver.request.type", 0, 1)) return *e;
  if (in.u8(0) != kSnapshotRequest)
    return DecodeError{"beaver.request.type", offset, "type " + std::to_string(in.u8(0)) + ", not 1 (snapshot)"};
  if (auto e = in.need("beaver.request.ssid", 1, 4)) return *e;
  return Request{in.u32(1)};
}

Bytes encode_reply(const Reply& r) {
  Bytes b;
  detail::put32(b, r.ssid);
  detail::put64(b, r.entered);
  return b;
}

Decoded<Reply> decode_reply(View payload, std::size_t offset) {
  detail::In in(payload, offset);
  if (auto e = in.need("beaver.reply.ssid", 0, 4)) return *e;
  if (auto e = in.need("beaver.reply.entered", 4, 8)) return *e;
  return Reply{in.u32(0), in.u64(4)};
}

}  // namespace weir::packet::beaver
