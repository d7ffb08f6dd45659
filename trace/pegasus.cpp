#include "trace/pegasus.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace weir::trace::pegasus {

namespace {
namespace pp = packet::pegasus;

// Serial numbers: a is after b when 1..127 ahead modulo 256.
bool after(std::uint8_t a, std::uint8_t b) {
  const std::uint8_t ahead = static_cast<std::uint8_t>(a - b);
  return ahead != 0 && ahead < 128;
}

// A value as text, one-to-one: printable ASCII as it is but '\', which is doubled, and every
// other byte as \xNN. Two different byte strings never print alike (a "hex:" form let a
// printable value spell a binary one, and a stale read passed).
std::string shown(const packet::Bytes& v) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(v.size());
  for (std::uint8_t c : v) {
    if (c == '\\') s.append("\\\\");
    else if (c >= 0x20 && c < 0x7f) s.push_back(static_cast<char>(c));
    else s.append({'\\', 'x', hex[c >> 4], hex[c & 15]});
  }
  return s;
}
}  // namespace

void Extractor::add(const Packet& p) {
  const auto frame = packet::decode(p.bytes, packet::Checksums::HeaderOnly);  // captures often precede checksum offload
  const packet::Frame* f = std::get_if<packet::Frame>(&frame);
  if (!f || !std::holds_alternative<packet::Udp>(f->l4) || f->payload_size < 2) {
    ++x_.other;
    return;
  }
  const packet::View payload = packet::View(p.bytes).subspan(f->payload_offset, f->payload_size);
  const std::uint16_t identifier = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
  if (std::find(o_.identifiers.begin(), o_.identifiers.end(), identifier) == o_.identifiers.end()) {
    ++x_.other;
    return;
  }
  const auto decoded = pp::decode(payload, identifier, f->payload_offset);
  if (std::holds_alternative<packet::DecodeError>(decoded)) {
    ++x_.malformed;
    return;
  }
  const pp::Message& m = std::get<pp::Message>(decoded);
  Client& c = clients_[m.h.client_id];
  const bool request = m.h.op == pp::Op::Get || m.h.op == pp::Op::Put || m.h.op == pp::Op::Del;
  const bool reply = m.h.op == pp::Op::RepR || m.h.op == pp::Op::RepW;
  if (request) {
    ++x_.requests;
    // Another sighting of the open request (a retry, a copy, the switch's forward) or a
    // late copy of one answered: nothing new.
    if (c.open && x_.ops[*c.open].request_id == m.h.request_id) return;
    // A client runs one operation at a time with increasing request ids (8 bits, wrapping):
    // one not after the newest seen is a late copy of an earlier operation.
    const std::optional<std::uint8_t> newest = c.open ? std::optional<std::uint8_t>(x_.ops[*c.open].request_id) : c.last_done;
    if (newest && !after(m.h.request_id, *newest)) {
      ++x_.late;
      return;
    }
    // A new operation; one still open was never answered within the capture: pending.
    // Its client goes on as a new process, as Jepsen does after an operation of unknown
    // outcome: a process has at most one operation open.
    if (c.open) ++c.generation;
    Op op;
    op.client = m.h.client_id;
    op.process = m.h.client_id + 256u * c.generation;
    op.request_id = m.h.request_id;
    op.call_ns = p.time_ns;
    op.get = m.h.op == pp::Op::Get;
    op.key = std::string("k").append(std::to_string(m.h.keyhash));
    if (!op.get) op.value = m.h.op == pp::Op::Del ? std::string() : shown(m.value);
    op.call_frame = {p.file, p.frame};
    c.open = x_.ops.size();
    x_.ops.push_back(std::move(op));
    return;
  }
  if (reply) {
    ++x_.replies;
    if (!c.open || x_.ops[*c.open].request_id != m.h.request_id) {
      ++x_.late;
      return;
    }
    Op& op = x_.ops[*c.open];
    op.ret_ns = p.time_ns;
    op.ret_frame = FrameRef{p.file, p.frame};
    if (op.get) op.value = shown(m.value);
    c.last_done = op.request_id;
    c.open.reset();
    return;
  }
  ++x_.other;  // the switch's own traffic (replication control)
}

Extraction Extractor::finish() && { return std::move(x_); }

std::string history_jsonl(const std::vector<Op>& ops) {
  std::string text;
  for (const Op& op : ops) {
    nlohmann::json line = {{"client", op.process}, {"call", op.call_ns}, {"f", op.get ? "get" : "put"}, {"key", op.key}};
    if (op.ret_ns) line["return"] = *op.ret_ns;
    if (!op.get) line["value"] = op.value;
    if (op.get && op.ret_ns) line["output"] = op.value;
    text.append(line.dump()).append("\n");
  }
  return text;
}

}  // namespace weir::trace::pegasus
