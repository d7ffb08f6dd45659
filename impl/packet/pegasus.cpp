// Pegasus's 20-byte header inside UDP.
#include <algorithm>
#include <cstdio>

#include "impl/packet/bytes.hpp"

namespace weir::packet::pegasus {

void write_header(std::span<std::uint8_t, kHeaderSize> out, const Header& h) {
  detail::set16(out, 0, h.identifier);
  out[2] = static_cast<std::uint8_t>(h.op);
  detail::set32(out, 3, h.keyhash);
  out[7] = h.client_id;
  out[8] = h.server_id;
  detail::set16(out, 9, h.load);
  detail::set32(out, 11, h.ver);
  detail::set32(out, 15, h.bitmap);
  out[19] = h.request_id;
}

Bytes encode(const Message& m) {
  Bytes b(kHeaderSize + m.value.size());
  write_header(std::span<std::uint8_t, kHeaderSize>(b.data(), kHeaderSize), m.h);
  std::copy(m.value.begin(), m.value.end(), b.begin() + kHeaderSize);
  return b;
}

Decoded<Header> decode_header(View payload, std::uint16_t identifier, std::size_t offset) {
  detail::In in(payload, offset);
  if (auto e = in.need("pegasus.header", 0, kHeaderSize)) return *e;
  Header h;
  h.identifier = in.u16(0);
  if (h.identifier != identifier) {
    char t[64];
    std::snprintf(t, sizeof t, "0x%04x, not this deployment's 0x%04x", h.identifier, identifier);
    return DecodeError{"pegasus.identifier", offset, t};
  }
  const std::uint8_t op = in.u8(2);
  if (op >= kOps) return DecodeError{"pegasus.op", offset + 2, "op " + std::to_string(op) + " is not one of 0..7"};
  h.op = static_cast<Op>(op);
  h.keyhash = in.u32(3);
  h.client_id = in.u8(7);
  h.server_id = in.u8(8);
  h.load = in.u16(9);
  h.ver = in.u32(11);
  h.bitmap = in.u32(15);
  h.request_id = in.u8(19);
  return h;
}

Decoded<Message> decode(View payload, std::uint16_t identifier, std::size_t offset) {
  auto h = decode_header(payload, identifier, offset);
  if (auto* e = std::get_if<DecodeError>(&h)) return *e;
  Message m;
  m.h = std::get<Header>(h);
  m.value.assign(payload.begin() + kHeaderSize, payload.end());
  return m;
}

}  // namespace weir::packet::pegasus
