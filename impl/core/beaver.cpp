#include "impl/core/beaver.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace weir::core::beaver {

namespace pb = packet::beaver;

namespace {

constexpr std::array<MutantInfo, 8> kMutants{{
    {Mutant::None, "none", "the correct data plane"},
    {Mutant::MarkAfterForward, "mark-after-forward",
     "a gateway enters a snapshot only after forwarding one more packet with the old id"},
    {Mutant::DeliverBeforeSnapshot, "deliver-before-snapshot",
     "a backend delivers the packet that brings a newer id before it records"},
    {Mutant::UntaggedInternal, "untagged-internal", "a backend's in-group traffic carries no snapshot id"},
    {Mutant::NoAcceptanceCheck, "no-acceptance-check", "the initiator accepts every snapshot, whatever t1 - t0"},
    {Mutant::NoChecksumFix, "no-checksum-fix",
     "a backend rewrites ToS/TTL and leaves the IPv4 checksum stale: receivers drop the packet"},
    {Mutant::WrapWindowMismatch, "wrap-window-mismatch",
     "the gateway compares ids with <, the backend with <=: an id 8191 ahead moves the backend only"},
    {Mutant::TtlUnderflow, "ttl-underflow",
     "a backend stamps TTL without its 3-hop budget: ids below 256 leave TTL 0, dropped at the first hop"},
}};

// A 64-bit mix for rendezvous hashing (splitmix64's finaliser).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::optional<FiveTuple> flow_of(const packet::Frame& f) {
  FiveTuple t{f.ip.src, f.ip.dst, 0, 0, f.ip.proto};
  if (const auto* u = std::get_if<packet::Udp>(&f.l4)) {
    t.sport = u->sport;
    t.dport = u->dport;
  } else if (const auto* tcp = std::get_if<packet::Tcp>(&f.l4)) {
    t.sport = tcp->sport;
    t.dport = tcp->dport;
  }
  return t;
}

}  // namespace

std::span<const MutantInfo> mutants() { return kMutants; }

std::optional<Mutant> parse_mutant(std::string_view name) { return find_mutant(mutants(), name); }

std::optional<std::uint32_t> advance(std::uint32_t current, std::uint32_t wire, std::uint32_t window) {
  const std::uint32_t ahead = (wire - current) % pb::kSsidSpace;
  if (ahead == 0 || ahead > window) return std::nullopt;
  return current + ahead;  // the artifact's "pkt + 16384 * (ssid / 16384)", wrap included
}

std::size_t FiveTupleHash::operator()(const FiveTuple& t) const {
  return static_cast<std::size_t>(mix((std::uint64_t{t.src} << 32 | t.dst) ^ mix(std::uint64_t{t.sport} << 24 |
                                                                                 std::uint64_t{t.dport} << 8 | t.proto)));
}

// ---- gateway ----

FlowTable::FlowTable(std::size_t capacity) : slots_(std::bit_ceil(std::max<std::size_t>(capacity, kProbe))) {}

std::optional<std::uint32_t> FlowTable::find(const FiveTuple& flow, std::size_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = 0; i < kProbe; ++i) {
    const Slot& s = slots_[(hash + i) & mask];
    if (!s.used) return std::nullopt;
    if (s.flow == flow) return s.backend;
  }
  return std::nullopt;
}

void FlowTable::insert(const FiveTuple& flow, std::size_t hash, std::uint32_t backend) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = 0; i < kProbe; ++i) {
    Slot& s = slots_[(hash + i) & mask];
    if (s.used) continue;
    s = Slot{flow, backend, true};
    ++used_;
    return;
  }
}

Gateway::Gateway(GatewayConfig config, Mutant mutant)
    : c_(std::move(config)), mutant_(mutant), ssid_(c_.ssid), flows_(c_.flows) {}

std::uint32_t Gateway::backend_of(const FiveTuple& flow) {
  const std::uint64_t h = FiveTupleHash{}(flow);
  if (auto known = flows_.find(flow, h)) return *known;
  // Rendezvous hashing: the backend whose hash with the flow is highest. Adding or
  // removing a backend moves only the flows that hash highest to it.
  std::uint32_t best = 0;
  std::uint64_t best_score = 0;
  for (std::uint32_t i = 0; i < c_.backends.size(); ++i) {
    const std::uint64_t score = mix(h ^ mix(c_.backends[i]));
    if (i == 0 || score > best_score) {
      best = i;
      best_score = score;
    }
  }
  flows_.insert(flow, h, best);
  return best;
}

Decoded<Bytes> Gateway::forward(View frame) {
  auto m = mark(frame);
  if (auto* e = std::get_if<packet::DecodeError>(&m)) return *e;
  return pb::joined(std::get<Marking>(m).header, frame);
}

Decoded<Marking> Gateway::mark(View frame) {
  // A gateway forwards: the client's transport checksum is the receiver's to check (and
  // the outer UDP checksum covers the frame as it came).
  auto decoded = packet::decode(frame, packet::Checksums::HeaderOnly);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) return *e;
  const packet::Frame& f = std::get<packet::Frame>(decoded);
  if ((f.ip.src & c_.group_mask) == c_.group_prefix) {
    // In-group traffic passing through: a newer id means the snapshot has begun.
    // The artifact's gateway compares with <, one short of the backend's window.
    const std::uint32_t window = mutant_ == Mutant::WrapWindowMismatch ? pb::kHalfWindow - 1 : pb::kHalfWindow;
    if (auto n = advance(ssid_, pb::ssid_of(f.ip.tos, f.ip.ttl), window)) ssid_ = *n;
  }
  Marking out;
  out.backend = c_.backends[backend_of(*flow_of(f))];
  packet::Ipv4 outer;
  outer.src = c_.ip;
  outer.dst = out.backend;
  out.header = pb::encap_header(c_.eth, outer, c_.backend_port, ssid_, frame);
  if (pending_) {  // MarkAfterForward: the packet above left unmarked; now it marks
    ssid_ = std::max(ssid_, *pending_);
    pending_.reset();
  }
  return out;
}

Decoded<Bytes> Gateway::request(View payload, std::uint64_t now) {
  auto r = pb::decode_request(payload);
  if (auto* e = std::get_if<packet::DecodeError>(&r)) return *e;
  const std::uint32_t n = std::get<pb::Request>(r).ssid;
  if (n > ssid_) {
    if (mutant_ == Mutant::MarkAfterForward)
      pending_ = n;
    else
      ssid_ = n;
  }
  return pb::encode_reply({n, now});
}

// ---- backend ----

Backend::Backend(BackendConfig config, Mutant mutant) : c_(config), mutant_(mutant), ssid_(c_.ssid) {}

std::vector<Effect> Backend::adopt(std::uint32_t ssid, Bytes delivered) {
  std::vector<Effect> out;
  Effect deliver{Effect::Kind::Deliver, 0, std::move(delivered)};
  if (ssid == ssid_) {
    out.push_back(std::move(deliver));
    return out;
  }
  ssid_ = ssid;
  // Record first, then deliver: the packet was sent after its sender's snapshot, so it
  // must not be in this node's cut (Beaver, section 4).
  Effect snapshot{Effect::Kind::Snapshot, ssid, {}};
  if (mutant_ == Mutant::DeliverBeforeSnapshot) {
    out.push_back(std::move(deliver));
    out.push_back(snapshot);
  } else {
    out.push_back(snapshot);
    out.push_back(std::move(deliver));
  }
  return out;
}

Decoded<std::vector<Effect>> Backend::receive(View frame) {
  auto decoded = packet::decode(frame);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) return *e;
  const packet::Frame& f = std::get<packet::Frame>(decoded);
  const auto* udp = std::get_if<packet::Udp>(&f.l4);
  if (udp && udp->sport == pb::kEncapSourcePort) {
    auto x = pb::decapsulate(frame);
    if (auto* e = std::get_if<packet::DecodeError>(&x)) return *e;
    const pb::Encapsulated& enc = std::get<pb::Encapsulated>(x);
    Bytes inner(frame.begin() + static_cast<std::ptrdiff_t>(enc.inner_offset), frame.end());
    // Gateways stamp the whole 32-bit id: compared whole, as the artifact does.
    return adopt(std::max(ssid_, enc.ssid), std::move(inner));
  }
  Bytes copy(frame.begin(), frame.end());
  if ((f.ip.src & c_.group_mask) != c_.group_prefix) return adopt(ssid_, std::move(copy));
  const std::optional<std::uint32_t> n = advance(ssid_, pb::ssid_of(f.ip.tos, f.ip.ttl));
  return adopt(n.value_or(ssid_), std::move(copy));
}

Bytes Backend::send(Bytes frame) const {
  if (mutant_ == Mutant::UntaggedInternal) return frame;
  pb::TosTtl s = pb::stamp(ssid_);
  if (mutant_ == Mutant::TtlUnderflow) s.ttl = static_cast<std::uint8_t>(s.ttl & ~3u);
  frame[15] = s.tos;  // IPv4 header at 14: ToS at +1, TTL at +8
  frame[22] = s.ttl;
  if (mutant_ != Mutant::NoChecksumFix) packet::fix_ipv4_checksum(frame);
  return frame;
}

// ---- initiator ----

Initiator::Initiator(std::size_t gateways, std::uint64_t threshold, Mutant mutant)
    : gateways_(gateways), threshold_(threshold), mutant_(mutant) {}

Bytes Initiator::start(std::uint32_t ssid, std::uint64_t t0) {
  ssid_ = ssid;
  t0_ = t0;
  answered_.assign(gateways_, 0);
  answers_ = 0;
  open_ = true;
  return pb::encode_request({ssid});
}

Decoded<std::optional<Initiator::Decision>> Initiator::reply(std::size_t gateway, View payload, std::uint64_t now) {
  auto r = pb::decode_reply(payload);
  if (auto* e = std::get_if<packet::DecodeError>(&r)) return *e;
  // A reply to an earlier snapshot, a duplicate, or one after the decision: nothing new.
  if (!open_ || std::get<pb::Reply>(r).ssid != ssid_ || gateway >= gateways_ || answered_[gateway])
    return std::optional<Decision>();
  answered_[gateway] = 1;
  if (++answers_ < gateways_) return std::optional<Decision>();
  open_ = false;
  Decision d;
  d.ssid = ssid_;
  d.measured = now - t0_;
  d.accepted = mutant_ == Mutant::NoAcceptanceCheck || d.measured < threshold_;
  return std::optional<Decision>(d);
}

}  // namespace weir::core::beaver
