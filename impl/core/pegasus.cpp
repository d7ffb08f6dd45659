#include "impl/core/pegasus.hpp"

#include <array>

namespace weir::core::pegasus {

namespace {

constexpr std::array<MutantInfo, 5> kMutants{{
    {Mutant::None, "none", "the correct data plane"},
    {Mutant::NoVersionCheck, "no-version-check", "a server applies a write whatever its version"},
    {Mutant::CompleteOnForward, "complete-on-forward",
     "the switch counts a write completed when it forwards it, before any server applied it"},
    {Mutant::ReadAnyServer, "read-any-server", "the switch sends reads to any server, not only to rset"},
    {Mutant::NoDedup, "no-dedup",
     "a retried or duplicated write gets a new version, and servers run a copy again"},
}};

// Whether request id a comes before b (8-bit serial numbers, half window).
bool before(std::uint8_t a, std::uint8_t b) {
  const auto ahead = static_cast<std::uint8_t>(b - a);
  return ahead != 0 && ahead < 128;
}

bool is_write(pp::Op op) { return op == pp::Op::Put || op == pp::Op::Del; }

// The frame's Pegasus message, or why not.
Decoded<pp::Message> message_of(View frame, std::uint16_t identifier) {
  auto f = packet::decode(frame);
  if (auto* e = std::get_if<packet::DecodeError>(&f)) return *e;
  const packet::Frame& fr = std::get<packet::Frame>(f);
  if (!std::holds_alternative<packet::Udp>(fr.l4))
    return packet::DecodeError{"pegasus.transport", 23, "not UDP: Pegasus runs over UDP"};
  return pp::decode(frame.subspan(fr.payload_offset, fr.payload_size), identifier, fr.payload_offset);
}

Bytes frame_to(std::uint32_t src, std::uint32_t dst, const pp::Message& m) {
  packet::Ipv4 ip;
  ip.src = src;
  ip.dst = dst;
  return packet::encode_udp({}, ip, packet::Udp{kPort, kPort}, pp::encode(m));
}

}  // namespace

std::span<const MutantInfo> mutants() { return kMutants; }

std::optional<Mutant> parse_mutant(std::string_view name) { return find_mutant(mutants(), name); }

// ---- switch ----

Switch::Switch(Topology t, std::vector<std::uint32_t> replicated_keys, Mutant mutant)
    : t_(std::move(t)), mutant_(mutant), load_(t_.servers.size(), 0) {
  // At first every server holds every replicated key (version 0, absent).
  const std::uint32_t all = t_.servers.size() >= 32 ? ~0u : (1u << t_.servers.size()) - 1;
  for (std::uint32_t k : replicated_keys) dir_[k] = Entry{all, 0, 0};
}

const Switch::Entry* Switch::entry(std::uint32_t keyhash) const {
  auto it = dir_.find(keyhash);
  return it == dir_.end() ? nullptr : &it->second;
}

std::uint32_t Switch::least_loaded() const {
  std::uint32_t best = 0;
  for (std::uint32_t s = 1; s < load_.size(); ++s)
    if (load_[s] < load_[best]) best = s;
  return best;
}

Decoded<std::vector<Out>> Switch::receive(View frame) {
  Bytes out(frame.begin(), frame.end());
  auto to = route(out);
  if (auto* e = std::get_if<packet::DecodeError>(&to)) return *e;
  if (!std::get<std::optional<std::uint32_t>>(to)) return std::vector<Out>{};
  return std::vector<Out>{Out{std::move(out)}};
}

Decoded<std::optional<std::uint32_t>> Switch::route(std::span<std::uint8_t> frame) {
  // A switch forwards: the IPv4 header's checksum is checked, the transport's is the
  // receiver's (and is computed again below, over what the switch rewrote).
  auto f = packet::decode(frame, packet::Checksums::HeaderOnly);
  if (auto* e = std::get_if<packet::DecodeError>(&f)) return *e;
  const packet::Frame& fr = std::get<packet::Frame>(f);
  if (!std::holds_alternative<packet::Udp>(fr.l4))
    return packet::DecodeError{"pegasus.transport", 23, "not UDP: Pegasus runs over UDP"};
  const auto payload = frame.subspan(fr.payload_offset, fr.payload_size);
  auto decoded = pp::decode_header(payload, t_.identifier, fr.payload_offset);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) return *e;
  pp::Header& h = std::get<pp::Header>(decoded);
  std::optional<std::uint32_t> to;
  if (h.op == pp::Op::RepR || h.op == pp::Op::RepW)
    to = reply(h);
  else if (h.op == pp::Op::Get || is_write(h.op))
    to = request(h);
  if (!to) return to;  // nothing to send; RC_REQ, RC_ACK, PUT_FWD: reconfiguration, not modelled here
  pp::write_header(payload.first<pp::kHeaderSize>(), h);
  const std::uint32_t addresses[2] = {t_.switch_ip, *to};  // source, destination: bytes 26..33
  for (int i = 0; i < 2; ++i)
    for (int b = 0; b < 4; ++b) frame[26 + 4 * i + b] = static_cast<std::uint8_t>(addresses[i] >> (24 - 8 * b));
  packet::fix_ipv4_checksum(frame);
  packet::fix_udp_checksum(frame);
  return to;
}

std::optional<std::uint32_t> Switch::request(pp::Header& h) {
  const std::size_t n = t_.servers.size();
  LastRequest& last = last_[h.client_id];
  const bool stale = last.any && before(h.request_id, last.request_id);
  auto it = dir_.find(h.keyhash);
  if (it == dir_.end() || h.op == pp::Op::Get) {
    if (!stale && h.request_id != last.request_id) last = LastRequest{h.request_id, h.keyhash, 0, true};
  }
  if (it == dir_.end()) {  // not replicated: its home server decides everything
    return t_.servers[h.keyhash % n];
  }
  Entry& e = it->second;
  if (h.op == pp::Op::Get) {
    std::uint32_t& cursor = e.read_cursor;
    std::uint32_t server = 0;
    for (std::size_t tries = 0; tries < n; ++tries) {  // the next rset member after the cursor
      server = static_cast<std::uint32_t>((cursor + 1 + tries) % n);
      if (mutant_ == Mutant::ReadAnyServer || (e.rset >> server & 1)) break;
    }
    cursor = server;
    h.server_id = static_cast<std::uint8_t>(server);
    return t_.servers[server];
  }
  // A write: one version for good, whichever copy of it this is.
  if (stale && mutant_ != Mutant::NoDedup) return std::nullopt;  // a copy of an older write, overtaken
  const bool copy = last.any && last.ver != 0 && h.request_id == last.request_id && h.keyhash == last.keyhash;
  if (copy && mutant_ != Mutant::NoDedup) {
    h.ver = last.ver;  // a retry or a duplicate: the same version
  } else {
    h.ver = ++e.ver_next;
    last = LastRequest{h.request_id, h.keyhash, h.ver, true};
  }
  const std::uint32_t server = least_loaded();
  h.server_id = static_cast<std::uint8_t>(server);
  if (mutant_ == Mutant::CompleteOnForward && h.ver > e.ver_completed) {
    e.ver_completed = h.ver;
    e.rset = 1u << server;
  }
  return t_.servers[server];
}

std::optional<std::uint32_t> Switch::reply(pp::Header& h) {
  if (h.server_id < load_.size()) load_[h.server_id] = h.load;
  auto it = dir_.find(h.keyhash);
  // Any reply carries the version its server holds: a read that saw a newer write than
  // ver_completed proves that write is visible, so from now on reads must only go where
  // it is (else a later read elsewhere could see the older value: found by weir fuzz).
  if (it != dir_.end() && h.server_id < 32) {
    Entry& e = it->second;
    if (h.ver > e.ver_completed) {
      e.ver_completed = h.ver;
      e.rset = 1u << h.server_id;
    } else if (h.ver == e.ver_completed) {
      e.rset |= 1u << h.server_id;
    }
  }
  if (h.client_id >= t_.clients.size()) return std::nullopt;
  return t_.clients[h.client_id];
}

// ---- server ----

Server::Server(std::uint8_t id, Topology t, Mutant mutant) : id_(id), t_(std::move(t)), mutant_(mutant) {}

const Server::Stored* Server::stored(std::uint32_t keyhash) const {
  auto it = store_.find(keyhash);
  return it == store_.end() ? nullptr : &it->second;
}

Decoded<std::vector<Out>> Server::receive(View frame) {
  auto decoded = message_of(frame, t_.identifier);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) return *e;
  pp::Message m = std::get<pp::Message>(std::move(decoded));
  if (m.h.op != pp::Op::Get && !is_write(m.h.op)) return std::vector<Out>{};
  auto reply_frame = [&](const pp::Message& r) { return Out{frame_to(t_.servers[id_], t_.switch_ip, r)}; };
  // At most once: a copy of the last request gets its reply again; an older one, nothing.
  auto done = done_.find(m.h.client_id);
  if (done != done_.end() && mutant_ != Mutant::NoDedup) {
    if (m.h.request_id == done->second.first) return std::vector<Out>{reply_frame(done->second.second)};
    if (before(m.h.request_id, done->second.first)) return std::vector<Out>{};
  }
  Stored& s = store_[m.h.keyhash];
  pp::Message r;
  r.h = m.h;
  r.h.server_id = id_;
  r.h.load = ++load_;
  if (is_write(m.h.op)) {
    // Versions order the writes: an older one arriving late must not undo a newer one.
    if (mutant_ == Mutant::NoVersionCheck || m.h.ver >= s.ver) {
      s.present = m.h.op == pp::Op::Put;
      s.value = s.present ? m.value : Bytes{};
      s.ver = m.h.ver;
    }
    r.h.op = pp::Op::RepW;
  } else {
    r.h.op = pp::Op::RepR;
    r.h.ver = s.ver;
    r.h.bitmap = s.present ? 1 : 0;  // found
    r.value = s.value;
  }
  done_[m.h.client_id] = {m.h.request_id, r};
  return std::vector<Out>{reply_frame(r)};
}

// ---- client ----

Client::Client(std::uint8_t id, Topology t) : id_(id), t_(std::move(t)) {}

Bytes Client::issue(Kind kind, std::uint32_t keyhash, Bytes value) {
  pp::Message m;
  m.h.identifier = t_.identifier;
  m.h.op = kind == Kind::Get ? pp::Op::Get : kind == Kind::Put ? pp::Op::Put : pp::Op::Del;
  m.h.keyhash = keyhash;
  m.h.client_id = id_;
  m.h.request_id = ++next_request_;
  m.value = std::move(value);
  open_ = m;
  return frame_to(t_.clients[id_], t_.switch_ip, m);
}

Bytes Client::retry() const { return frame_to(t_.clients[id_], t_.switch_ip, *open_); }

Decoded<std::optional<Client::Result>> Client::receive(View frame) {
  auto decoded = message_of(frame, t_.identifier);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) return *e;
  const pp::Message& m = std::get<pp::Message>(decoded);
  if (!open_ || m.h.client_id != id_ || m.h.request_id != open_->h.request_id) return std::optional<Result>();
  Result r;
  r.kind = open_->h.op == pp::Op::Get ? Kind::Get : open_->h.op == pp::Op::Put ? Kind::Put : Kind::Del;
  r.keyhash = open_->h.keyhash;
  if (m.h.op == pp::Op::RepR) {
    r.found = m.h.bitmap & 1;
    r.value = m.value;
  }
  open_.reset();
  return std::optional<Result>(r);
}

}  // namespace weir::core::pegasus
