// The packet decoders (impl/packet): any bytes as an Ethernet frame, a Beaver
// encapsulation, a Beaver control message, a Pegasus header and a Capybara migration
// message (which re-encodes to its bytes when read).
#include "impl/packet/packet.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace weir::fuzz {
namespace {

template <class T>
void same_twice(const packet::Decoded<T>& a, const packet::Decoded<T>& b, std::size_t size) {
  require(a.index() == b.index(), "decoding one packet twice: once refused, once read");
  if (auto* e = std::get_if<packet::DecodeError>(&a)) {
    require(e->message() == std::get<packet::DecodeError>(b).message(), "two different refusals of one packet");
    require(e->offset <= size, "a refusal that points past the packet");
  }
}

}  // namespace

int packet(const std::uint8_t* data, std::size_t size) {
  const packet::View v(data, size);
  const auto frame = packet::decode(v);
  same_twice(frame, packet::decode(v), size);
  if (auto* f = std::get_if<packet::Frame>(&frame))
    require(f->payload_offset + f->payload_size <= size, "a payload that runs past the frame");
  const auto encap = packet::beaver::decapsulate(v);
  same_twice(encap, packet::beaver::decapsulate(v), size);
  if (auto* x = std::get_if<packet::beaver::Encapsulated>(&encap))
    require(x->inner_offset <= size, "an inner frame past the packet");
  same_twice(packet::beaver::decode_request(v), packet::beaver::decode_request(v), size);
  same_twice(packet::beaver::decode_reply(v), packet::beaver::decode_reply(v), size);
  for (std::uint16_t id : {packet::pegasus::kP4Identifier, packet::pegasus::kSwitchIdentifier}) {
    const auto m = packet::pegasus::decode(v, id);
    same_twice(m, packet::pegasus::decode(v, id), size);
    if (auto* msg = std::get_if<packet::pegasus::Message>(&m))
      require(packet::pegasus::encode(*msg) == packet::Bytes(v.begin(), v.end()), "a Pegasus message re-encodes otherwise");
  }
  const auto cm = packet::capybara::decode(v);
  same_twice(cm, packet::capybara::decode(v), size);
  same_twice(packet::capybara::decode_header(v), packet::capybara::decode_header(v), size);
  if (auto* msg = std::get_if<packet::capybara::Message>(&cm)) {
    // Bytes 6 and 7 are reserved (and 33 in a CONNECTION_STATE): written as zeros.
    packet::Bytes canonical(v.begin(), v.end());
    canonical[6] = canonical[7] = 0;
    if (msg->h.stage == packet::capybara::Stage::ConnectionState) canonical[33] = 0;
    require(packet::capybara::encode(*msg) == canonical, "a Capybara message re-encodes otherwise");
  }
  return 0;
}

}  // namespace weir::fuzz
