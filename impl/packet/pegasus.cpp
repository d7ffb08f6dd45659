// Pegasus's 20-byte header inside UDP.
#include <algorithm>
#include <cstdio>

#include "impl/packet/bytes.hpp"

namespace weir::packet::pegasus {

Bytes encode(const Message& m) {
  Bytes b;
  b.reserve(kHeaderSize + m.value.size());
  detail::put16(b, m.h.identifier);
  detail::put8(b, static_cast<std::uint8_t>(m.h.op));
  detail::put32(b, m.h.keyhash);
  detail::put8(b, m.h.client_id);
  detail::put8(b, m.h.server_id);
  detail::put16(b, m.h.load);
  detail::put32(b, m.h.ver);
  detail::put32(b, m.h.bitmap);
  detail::put8(b, m.h.request_id);
  b.insert(b.end(), m.value.begin(), m.value.end());
  return b;
}

Decoded<Message> decode(View payload, std::uint16_t identifier, std::size_t offset) {
  detail::In in(payload, offset);
  if (auto e = in.need("pegasus.header", 0, kHeaderSize)) return *e;
  Message m;
  m.h.identifier = in.u16(0);
  if (m.h.identifier != identifier) {
    char t[64];
    std::snprintf(t, sizeof t, "0x%04x, not this deployment's 0x%04x", m.h.identifier, identifier);
    return DecodeError{"pegasus.identifier", offset, t};
  }
  const std::uint8_t op = in.u8(2);
  if (op >= kOps) return DecodeError{"pegasus.op", offset + 2, "op " + std::to_string(op) + " is not one of 0..7"};
  m.h.op = static_cast<Op>(op);
  m.h.keyhash = in.u32(3);
  m.h.client_id = in.u8(7);
  m.h.server_id = in.u8(8);
  m.h.load = in.u16(9);
  m.h.ver = in.u32(11);
  m.h.bitmap = in.u32(15);
  m.h.request_id = in.u8(19);
  m.value.assign(payload.begin() + kHeaderSize, payload.end());
  return m;
}

}  // namespace weir::packet::pegasus
