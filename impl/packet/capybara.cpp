// Capybara's migration messages inside UDP (packet.hpp).
#include <algorithm>
#include <cstdio>

#include "impl/packet/bytes.hpp"

namespace weir::packet::capybara {

namespace {

constexpr std::size_t kStateFixed = 52;  // the fields of TcpState before the three byte blocks

std::size_t append(Bytes& b, const Bytes& block) {
  b.insert(b.end(), block.begin(), block.end());
  return block.size();
}

}  // namespace

const char* name(Stage s) {
  switch (s) {
    case Stage::Prepare: return "PREPARE";
    case Stage::PrepareAck: return "PREPARE_ACK";
    case Stage::ConnectionState: return "CONNECTION_STATE";
    case Stage::StateAck: return "STATE_ACK";
  }
  return "?";
}

Bytes encode(const Message& m) {
  Bytes b;
  b.reserve(kHeaderSize + kStateFixed + m.state.app.size() + m.state.send_queue.size() + m.state.recv_queue.size());
  detail::put32(b, kMagic);
  detail::put8(b, static_cast<std::uint8_t>(m.h.stage));
  detail::put8(b, m.h.flags);
  detail::put16(b, 0);
  detail::put32(b, m.h.migration);
  detail::put32(b, m.h.client_ip);
  detail::put16(b, m.h.client_port);
  detail::put16(b, m.h.service_port);
  if (m.h.stage != Stage::ConnectionState) return b;
  const TcpState& s = m.state;
  detail::put32(b, s.send_seq);
  detail::put32(b, s.recv_seq);
  detail::put16(b, s.mss);
  detail::put8(b, s.snd_wscale);
  detail::put8(b, s.rcv_wscale);
  detail::put8(b, s.options);
  detail::put8(b, 0);
  detail::put32(b, s.timestamp);
  for (std::uint32_t v : {s.snd_wl1, s.snd_wnd, s.max_window, s.rcv_wnd, s.rcv_wup, s.unsent}) detail::put32(b, v);
  detail::put16(b, static_cast<std::uint16_t>(s.app.size()));
  detail::put32(b, static_cast<std::uint32_t>(s.send_queue.size()));
  detail::put32(b, static_cast<std::uint32_t>(s.recv_queue.size()));
  append(b, s.app);
  append(b, s.send_queue);
  append(b, s.recv_queue);
  return b;
}

Decoded<Header> decode_header(View payload, std::size_t offset) {
  detail::In in(payload, offset);
  if (auto e = in.need("capybara.header", 0, kHeaderSize)) return *e;
  if (in.u32(0) != kMagic) {
    char t[64];
    std::snprintf(t, sizeof t, "0x%08x, not Capybara's 0x%08x", in.u32(0), kMagic);
    return DecodeError{"capybara.magic", offset, t};
  }
  const std::uint8_t stage = in.u8(4);
  if (stage < 1 || stage > 4)
    return DecodeError{"capybara.stage", offset + 4, "stage " + std::to_string(stage) + " is not one of 1..4"};
  Header h;
  h.stage = static_cast<Stage>(stage);
  h.flags = in.u8(5);
  if ((h.flags & ~kLoad) != 0)
    return DecodeError{"capybara.flags", offset + 5, "unknown flag bits " + std::to_string(h.flags & ~kLoad)};
  if (h.load() && h.stage != Stage::PrepareAck)
    return DecodeError{"capybara.flags", offset + 5, std::string("LOAD on a ") + name(h.stage) + " (only PREPARE_ACK carries it)"};
  h.migration = in.u32(8);
  h.client_ip = in.u32(12);
  h.client_port = in.u16(16);
  h.service_port = in.u16(18);
  return h;
}

Decoded<Message> decode(View payload, std::size_t offset) {
  auto header = decode_header(payload, offset);
  if (auto* e = std::get_if<DecodeError>(&header)) return *e;
  Message m;
  m.h = std::get<Header>(header);
  detail::In in(payload, offset);
  if (m.h.stage != Stage::ConnectionState) {
    if (in.size() != kHeaderSize)
      return DecodeError{"capybara.length", offset + kHeaderSize,
                         std::to_string(in.size() - kHeaderSize) + " bytes after a " + name(m.h.stage) + " header"};
    return m;
  }
  if (auto e = in.need("capybara.state", kHeaderSize, kStateFixed)) return *e;
  TcpState& s = m.state;
  std::size_t at = kHeaderSize;
  s.send_seq = in.u32(at);
  s.recv_seq = in.u32(at + 4);
  s.mss = in.u16(at + 8);
  s.snd_wscale = in.u8(at + 10);
  s.rcv_wscale = in.u8(at + 11);
  s.options = in.u8(at + 12);
  s.timestamp = in.u32(at + 14);
  std::uint32_t* words[] = {&s.snd_wl1, &s.snd_wnd, &s.max_window, &s.rcv_wnd, &s.rcv_wup, &s.unsent};
  for (std::size_t i = 0; i < 6; ++i) *words[i] = in.u32(at + 18 + 4 * i);
  const std::size_t app = in.u16(at + 42), send = in.u32(at + 44), recv = in.u32(at + 48);
  at += kStateFixed;
  if (s.unsent > send)
    return DecodeError{"capybara.unsent", offset + kHeaderSize + 38,
                       std::to_string(s.unsent) + " unsent bytes in a send queue of " + std::to_string(send)};
  const std::size_t blocks = app + send + recv;
  if (auto e = in.need("capybara.queues", at, blocks)) return *e;
  if (in.size() != at + blocks)
    return DecodeError{"capybara.length", offset + at + blocks,
                       std::to_string(in.size() - at - blocks) + " bytes after the receive queue"};
  const View v = in.view();
  s.app.assign(v.begin() + at, v.begin() + at + app);
  s.send_queue.assign(v.begin() + at + app, v.begin() + at + app + send);
  s.recv_queue.assign(v.begin() + at + app + send, v.begin() + at + blocks);
  return m;
}

}  // namespace weir::packet::capybara
