// A Capybara capture judged by the model's invariants (capybara.hpp).
#include "trace/capybara.hpp"

#include <map>
#include <set>

namespace weir::trace::capybara {

namespace cp = packet::capybara;

namespace {

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) { return static_cast<std::uint32_t>(be16(p)) << 16 | be16(p + 2); }

constexpr std::uint8_t kRst = 0x04, kSyn = 0x02, kFin = 0x01;

std::string frame_text(const FrameRef& f) { return "frame " + std::to_string(f.frame); }

}  // namespace

std::string endpoint(std::uint32_t ip, std::uint16_t port) { return address(ip) + ":" + std::to_string(port); }

std::string address(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string(ip >> 16 & 0xff) + "." + std::to_string(ip >> 8 & 0xff) + "." +
         std::to_string(ip & 0xff);
}


Judge::Flow& Judge::flow(std::uint32_t ip, std::uint16_t port) {
  const std::uint64_t key = static_cast<std::uint64_t>(ip) << 16 | port;
  if (auto it = by_client_.find(key); it != by_client_.end()) return flows_[it->second];
  by_client_.emplace(key, flows_.size());
  Flow f;
  f.client_ip = ip;
  f.client_port = port;
  f.connection = r_.connections.size();
  r_.connections.push_back({ip, port, {}, 0, 0, {}, {}, 0, false});
  flows_.push_back(std::move(f));
  return flows_.back();
}

void Judge::violate(Flow& f, const std::string& invariant, std::string what, const Packet& p) {
  if (!f.reported.insert(invariant).second) return;
  r_.violations.push_back({invariant, std::move(what), {p.file, p.frame}, p.time_ns});
}

void Judge::add(const Packet& p) {
  const packet::Bytes& b = p.bytes;
  if (b.size() < 14 + 20 || be16(&b[12]) != packet::kEtherIpv4 || (b[14] >> 4) != 4) {
    ++r_.other;
    return;
  }
  const std::size_t ihl = static_cast<std::size_t>(b[14] & 0x0f) * 4;
  const std::size_t l4 = 14 + ihl;
  if (ihl < 20 || (be16(&b[14 + 6]) & 0x1fff) != 0) {  // a later fragment carries no header of ours
    ++r_.other;
    return;
  }
  const std::uint8_t proto = b[14 + 9];
  const std::uint32_t src = be32(&b[14 + 12]), dst = be32(&b[14 + 16]);
  if (proto == 17 && b.size() >= l4 + 8) {
    const std::uint16_t sport = be16(&b[l4]), dport = be16(&b[l4 + 2]);
    if (sport == o_.control_port || dport == o_.control_port) {
      const std::size_t udp_length = be16(&b[l4 + 4]);
      const std::size_t end = std::min(b.size(), l4 + std::max<std::size_t>(udp_length, 8));
      control(p, src, dst, packet::View(b.data() + l4 + 8, end - l4 - 8), udp_length);
      return;
    }
  }
  if (proto == 6 && b.size() >= l4 + 14) {
    const std::size_t total = be16(&b[14 + 2]), offset = static_cast<std::size_t>(b[l4 + 12] >> 4) * 4;
    Segment s{src, dst, be16(&b[l4]), be16(&b[l4 + 2]), b[l4 + 13], be32(&b[l4 + 4]),
              static_cast<std::uint32_t>(total > ihl + offset ? total - ihl - offset : 0)};
    segment(p, s);
    return;
  }
  ++r_.other;
}

void Judge::control(const Packet& p, std::uint32_t src, std::uint32_t dst, packet::View payload, std::size_t udp_length) {
  auto decoded = cp::decode_header(payload);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) {
    if (++r_.malformed <= 5) r_.notes.push_back(frame_text({p.file, p.frame}) + ": not a Capybara message: " + e->message());
    return;
  }
  ++r_.control;
  const cp::Header& h = std::get<cp::Header>(decoded);
  Flow& f = flow(h.client_ip, h.client_port);
  const auto known = by_migration_.find(h.migration);
  Migration* m = known == by_migration_.end() ? nullptr : &r_.migrations[known->second];
  const std::string which = "migration " + std::to_string(h.migration) + " of " + endpoint(h.client_ip, h.client_port);
  if (h.stage == cp::Stage::Prepare) {
    if (m) return;  // seen again (in and out of the switch)
    Migration n;
    n.id = h.migration;
    n.client_ip = h.client_ip;
    n.client_port = h.client_port;
    n.origin = src;
    n.target = dst;
    n.prepare_ns = p.time_ns;
    n.prepare_frame = {p.file, p.frame};
    f.migration = r_.migrations.size();
    f.reached_target = false;
    by_migration_.emplace(n.id, r_.migrations.size());
    r_.migrations.push_back(n);
    return;
  }
  if (!m) {
    violate(f, "legal-stages", std::string(cp::name(h.stage)) + " of " + which + " without its PREPARE", p);
    return;
  }
  const bool from_target = src == m->target && dst == m->origin, from_origin = src == m->origin && dst == m->target;
  switch (h.stage) {
    case cp::Stage::Prepare: break;
    case cp::Stage::PrepareAck:
      if (!from_target) violate(f, "legal-stages", "PREPARE_ACK of " + which + " from " + address(src) + ", not its target", p);
      if (h.load()) {
        if (!m->load_ns) m->load_ns = p.time_ns;
      } else {
        m->refused = true;
      }
      break;
    case cp::Stage::ConnectionState:
      if (m->state_ns) break;
      if (!from_origin) violate(f, "legal-stages", "CONNECTION_STATE of " + which + " from " + address(src) + ", not its origin", p);
      if (!m->load_ns)
        violate(f, "legal-stages", "CONNECTION_STATE of " + which + " before a PREPARE_ACK with LOAD", p);
      m->state_ns = p.time_ns;
      m->state_bytes = udp_length >= 8 ? udp_length - 8 : 0;
      if (payload.size() >= cp::kHeaderSize + 52) {
        const std::uint8_t* s = payload.data() + cp::kHeaderSize;
        m->unsent = be32(s + 38);
        m->send_queue = be32(s + 44);
        m->recv_queue = be32(s + 48);
      }
      break;
    case cp::Stage::StateAck:
      if (m->ack_ns) break;
      if (!from_target) violate(f, "legal-stages", "STATE_ACK of " + which + " from " + address(src) + ", not its target", p);
      if (!m->state_ns) violate(f, "legal-stages", "STATE_ACK of " + which + " before its CONNECTION_STATE", p);
      m->ack_ns = p.time_ns;
      f.owner = m->target;
      f.moved_at = {p.file, p.frame};
      r_.connections[f.connection].owners.push_back(m->target);
      break;
  }
}

namespace {

// Adds a segment to one direction's stream: its end, past the highest so far, or a
// retransmission of bytes already seen.
void follow(Stream& s, std::uint32_t file, std::uint32_t seq, std::uint32_t length, std::uint8_t flags) {
  if (!s.file) s.file = file;
  if (*s.file != file) return;
  if (!s.base) s.base = (flags & kSyn) ? seq + 1 : seq;
  if (length == 0) return;
  const std::uint64_t start = static_cast<std::uint32_t>(seq - *s.base), end = start + length;
  if (end <= s.bytes) ++s.retransmissions;
  else s.bytes = end;
}

}  // namespace

void Judge::segment(const Packet& p, const Segment& seg) {
  const std::uint32_t src = seg.src, dst = seg.dst;
  const std::uint16_t sport = seg.sport, dport = seg.dport;
  const std::uint8_t flags = seg.flags;
  if (dport == o_.service_port && sport != o_.service_port) {
    // The client's segment: to the service address as it sent it, or to a server as the
    // switch forwarded it.
    Flow& f = flow(src, sport);
    Connection& c = r_.connections[f.connection];
    if (dst == o_.service_ip) {  // as the client sent it (the copy forwarded to a server is the same bytes)
      ++c.from_client;
      follow(c.up, p.file, seg.seq, seg.length, flags);
      if (flags & kRst) ++c.resets;
      return;
    }
    if (!f.owner) {
      f.owner = dst;
      r_.connections[f.connection].owners.push_back(dst);
    }
    if (f.migration) {
      Migration& m = r_.migrations[*f.migration];
      if (!m.refused && !f.reached_target && dst == m.target && m.load_ns) {
        f.reached_target = true;
        if (f.last_forward_ns && f.last_forward_to == m.origin) m.frozen_ns = p.time_ns - *f.last_forward_ns;
      }
    }
    f.last_forward_ns = p.time_ns;
    f.last_forward_to = dst;
    return;
  }
  if (sport != o_.service_port) {
    ++r_.other;
    return;
  }
  Flow& f = flow(dst, dport);
  const bool at_client = p.direction != Direction::In;
  if (at_client) {
    Connection& c = r_.connections[f.connection];
    ++c.to_client;
    follow(c.down, p.file, seg.seq, seg.length, flags);
    if (flags & kRst) ++c.resets;
    if (src != o_.service_ip) c.foreign = true;
  }
  if (src != o_.service_ip) {
    // A server's own address: who sent it.
    if (!f.owner) {
      f.owner = src;
      r_.connections[f.connection].owners.push_back(src);
    } else if (src != *f.owner) {
      const Migration* m = f.migration ? &r_.migrations[*f.migration] : nullptr;
      const bool incoming_target = m && m->load_ns && !m->ack_ns && src == m->target;
      if (!incoming_target) {
        if ((flags & (kRst | kSyn | kFin)) == kRst && !(flags & 0x08)) {
          if (!f.noted_stale_reset) {
            f.noted_stale_reset = true;
            r_.notes.push_back(frame_text({p.file, p.frame}) + ": " + address(src) + " answered a late segment of " +
                               endpoint(f.client_ip, f.client_port) +
                               " with a reset after the connection left it");
          }
        } else {
          violate(f, "one-owner",
                  address(src) + " still sends for " + endpoint(f.client_ip, f.client_port) +
                      " after it moved to " + address(*f.owner) + " (STATE_ACK at " + frame_text(f.moved_at) + ")",
                  p);
        }
      }
    }
    if (at_client)
      violate(f, "no-foreign-address",
              "the client " + endpoint(f.client_ip, f.client_port) + " received a segment from " +
                  address(src) + ", not the service address " + address(o_.service_ip),
              p);
  }
  if (at_client && (flags & kRst))
    violate(f, "no-reset",
            "the client " + endpoint(f.client_ip, f.client_port) + " received a reset from " +
                address(src),
            p);
}

Report Judge::finish() && {
  for (const Migration& m : r_.migrations)
    if (!m.refused && !m.ack_ns)
      r_.notes.push_back("migration " + std::to_string(m.id) + " of " + endpoint(m.client_ip, m.client_port) + " did not complete in the capture");
  return std::move(r_);
}

}  // namespace weir::trace::capybara
