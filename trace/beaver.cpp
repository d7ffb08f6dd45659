#include "trace/beaver.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

namespace weir::trace::beaver {

namespace {
namespace pb = packet::beaver;

std::string address(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 255) + "." + std::to_string(a >> 8 & 255) + "." +
         std::to_string(a & 255);
}

std::uint32_t be32(packet::View v, std::size_t at) {
  return static_cast<std::uint32_t>(v[at]) << 24 | static_cast<std::uint32_t>(v[at + 1]) << 16 |
         static_cast<std::uint32_t>(v[at + 2]) << 8 | v[at + 3];
}

// What identifies a message across capture points: addresses, IP id, protocol, ports,
// TCP sequence, payload; not what routers rewrite.
std::string key_of(const packet::Frame& f, packet::View frame) {
  std::string k;
  auto put = [&](std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) k.push_back(static_cast<char>(v >> (8 * i)));
  };
  put(f.ip.src, 4);
  put(f.ip.dst, 4);
  put(f.ip.id, 2);
  put(f.ip.proto, 1);
  if (const auto* u = std::get_if<packet::Udp>(&f.l4)) {
    put(u->sport, 2);
    put(u->dport, 2);
  } else if (const auto* t = std::get_if<packet::Tcp>(&f.l4)) {
    put(t->sport, 2);
    put(t->dport, 2);
    put(t->seq, 4);
  }
  const auto payload = frame.subspan(f.payload_offset, f.payload_size);
  k.append(payload.begin(), payload.end());
  return k;
}

// Two independent 64-bit hashes of a message's key (the standard library's, and a
// multiply-xorshift over 8-byte words): 128 bits, so that two messages of one capture are
// not taken for one.
std::pair<std::uint64_t, std::uint64_t> hash128(const std::string& k) {
  std::uint64_t h = 0x9ae16a3b2f90404full ^ k.size();
  std::size_t i = 0;
  for (; i + 8 <= k.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, k.data() + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, k.data() + i, k.size() - i);
  h = (h ^ tail) * 0xBF58476D1CE4E5B9ull;
  h ^= h >> 31;
  return {std::hash<std::string>{}(k), h};
}

template <class Map, class K>
void keep_min(Map& m, const K& k, std::uint64_t t) {
  auto [it, fresh] = m.emplace(k, t);
  if (!fresh) it->second = std::min(it->second, t);
}
}  // namespace

void Extractor::sighting(const std::string& key, std::uint32_t src, std::uint32_t dst, const Sighting& s,
                         std::optional<std::uint32_t> backend, std::optional<std::uint32_t> ssid) {
  auto [it, fresh] = index_.try_emplace(hash128(key), messages_.size());
  if (fresh) {
    Message m;
    m.src = src;
    m.dst = dst;
    m.first = s;
    messages_.push_back(m);
  }
  Message& m = messages_[it->second];
  m.last = s;
  if (backend) {
    m.backend = backend;
    m.ssid = ssid;
    if (m.encap_count++ == 0) m.encap_first = s.t;
    m.encap_last = s.t;
  } else {
    if (m.plain_count++ == 0) m.plain_first = s.t;
    m.plain_last = s.t;
  }
}

void Extractor::add(const Packet& p) {
  auto d = packet::decode(p.bytes, packet::Checksums::HeaderOnly);
  if (const auto* e = std::get_if<packet::DecodeError>(&d); e && e->field == "ipv4.checksum") {
    // Counted as a finding, then read anyway: the rest of the packet is still what it was.
    ++bad_checksums_;
    if (!first_bad_ && p.bytes.size() >= 34)
      first_bad_ = {FrameRef{p.file, p.frame}, be32(packet::View(p.bytes), 26)};
    packet::Bytes fixed = p.bytes;
    packet::fix_ipv4_checksum(fixed);
    d = packet::decode(fixed, packet::Checksums::HeaderOnly);
  }
  const auto* f = std::get_if<packet::Frame>(&d);
  if (!f) {
    ++other_;
    return;
  }
  last_t_ = std::max(last_t_, p.time_ns);
  ++seq_;
  const packet::View all(p.bytes);
  const FrameRef ref{p.file, p.frame};
  if (const auto* u = std::get_if<packet::Udp>(&f->l4)) {
    const auto payload = all.subspan(f->payload_offset, f->payload_size);
    if (u->dport == o_.control_port) {  // the controller's request (5 bytes) or a gateway's reply (12)
      ++control_;
      if (payload.size() == 5 && payload[0] == 1) {
        const std::uint32_t ssid = be32(payload, 1);
        Snapshot& s = snapshots_[ssid];
        s.ssid = ssid;
        if (!s.t0_ns || p.time_ns < *s.t0_ns) s.t0_ns = p.time_ns;
        controllers_[f->ip.src] = true;
        gateways_[f->ip.dst] = true;
      } else if (payload.size() == 12) {
        const std::uint32_t ssid = be32(payload, 0);
        snapshots_[ssid].ssid = ssid;
        // The initiator decides at the arrival of the last gateway's reply: the latest
        // sighting (a capture at the gateway sees it leave, one at the controller arrive).
        auto [it, fresh] = snapshots_[ssid].replies_ns.emplace(f->ip.src, p.time_ns);
        if (!fresh) it->second = std::max(it->second, p.time_ns);
        const std::uint64_t entered = static_cast<std::uint64_t>(be32(payload, 4)) << 32 | be32(payload, 8);
        entered_.emplace(std::pair{ssid, f->ip.src}, entered);
        controllers_[f->ip.dst] = true;
        gateways_[f->ip.src] = true;
      }
      return;
    }
    if (u->sport == pb::kEncapSourcePort && u->dport != pb::kEncapSourcePort) {
      const auto x = pb::decapsulate(all);
      if (const auto* e = std::get_if<pb::Encapsulated>(&x)) {
        const auto inner_view = all.subspan(e->inner_offset);
        const auto inner = packet::decode(inner_view, packet::Checksums::HeaderOnly);
        if (const auto* in = std::get_if<packet::Frame>(&inner)) {
          ++encapsulated_;
          gateways_[f->ip.src] = true;
          backends_[f->ip.dst] = true;
          vips_[in->ip.dst] = true;
          snapshots_[e->ssid].ssid = e->ssid;
          keep_min(snapshots_[e->ssid].first_marked_ns, f->ip.src, p.time_ns);
          sighting(key_of(*in, inner_view), in->ip.src, in->ip.dst, {p.time_ns, seq_, ref, f->ip.tos, f->ip.ttl}, f->ip.dst,
                   e->ssid);
          return;
        }
      }
    }
  } else if (!std::holds_alternative<packet::Tcp>(f->l4)) {
    ++other_;
    return;
  }
  sighting(key_of(*f, all), f->ip.src, f->ip.dst, {p.time_ns, seq_, ref, f->ip.tos, f->ip.ttl}, std::nullopt, std::nullopt);
}

Extraction Extractor::finish(const std::function<std::string(FrameRef)>& names) && {
  Extraction x;
  x.bad_checksums = bad_checksums_;
  if (first_bad_)
    x.problems.push_back(std::to_string(bad_checksums_) + " packet(s) carry a wrong IPv4 header checksum, the first " +
                         names(first_bad_->first) + " from " + address(first_bad_->second) +
                         ": a receiver's kernel drops them (a rewritten ToS/TTL whose checksum was not updated?)");
  x.encapsulated = encapsulated_;
  x.control = control_;
  x.other = other_;
  x.messages = messages_.size();
  auto in_group = [&](std::uint32_t a) {
    return o_.in_group ? (a & o_.in_group->mask) == o_.in_group->prefix : backends_.count(a) > 0;
  };
  auto is_process = [&](std::uint32_t a) { return !gateways_.count(a) && !vips_.count(a) && !controllers_.count(a); };

  // The snapshots: those the controller asked for, else every id a gateway marked with.
  std::vector<std::uint32_t> ids;
  for (const auto& [id, s] : snapshots_)
    if (s.t0_ns) ids.push_back(id);
  if (ids.empty())
    for (const auto& [id, s] : snapshots_)
      if (!s.first_marked_ns.empty()) ids.push_back(id);
  std::set<std::uint32_t> judged;
  for (std::uint32_t id : ids) {
    Snapshot& s = snapshots_[id];
    if (o_.threshold_us && s.t0_ns && !s.replies_ns.empty() && s.replies_ns.size() >= gateways_.size()) {
      std::uint64_t t1 = 0;
      for (const auto& [g, t] : s.replies_ns) t1 = std::max(t1, t);
      s.accepted = static_cast<double>(t1 - *s.t0_ns) / 1000.0 < *o_.threshold_us;
    } else if (o_.threshold_us) {
      s.accepted = false;  // no decision in the capture: not judged
    }
    s.judged = !o_.threshold_us || s.accepted.value_or(false);
    if (s.judged) judged.insert(id);
  }

  // Every process's sends and receives.
  // A process's events in the capture's order: time, then the order the packets came in
  // (a capture at a node shows a delivery before the send it causes at the same time).
  struct Ev {
    std::uint64_t t;
    std::uint64_t seq;
    std::string kind;
    std::size_t msg = 0;
    std::uint64_t ssid = 0;
    FrameRef frame;
    std::optional<std::uint32_t> whole;  // receive: a gateway's id carried
    std::optional<std::uint32_t> wire;   // an in-group id (14 bits) carried or stamped
  };
  std::map<std::uint32_t, std::vector<Ev>> events;
  for (std::size_t m = 0; m < messages_.size(); ++m) {
    const Message& msg = messages_[m];
    const Sighting& first = msg.first;
    const Sighting& last = msg.last;
    std::optional<std::uint32_t> to;
    if (vips_.count(msg.dst)) {
      if (msg.backend) to = *msg.backend;
    } else if (is_process(msg.dst)) {
      to = msg.dst;
    }
    const bool from_process = is_process(msg.src);
    if (!from_process || !to) {
      if (from_process) events[msg.src].push_back({first.t, first.seq, "send", m, 0, first.frame, std::nullopt, std::nullopt});
      continue;  // a receive needs its send: one from a gateway or the VIP is not a message of the execution
    }
    // Only in-group traffic carries a stamp: to another backend, or to the VIP (through a
    // gateway, which learns from it). What a backend sends out of the group is plain.
    const bool stamped = in_group(msg.src) && (in_group(msg.dst) || vips_.count(msg.dst));
    auto wire = [](const Sighting& s) { return s.tos + (static_cast<std::uint32_t>(s.ttl) >> 2) * 256; };
    Ev send{first.t, first.seq, "send", m, 0, first.frame, std::nullopt, std::nullopt};
    if (stamped) send.wire = wire(first);  // the sender's id as it sent
    events[msg.src].push_back(send);
    Ev recv{last.t, last.seq, "recv", m, 0, last.frame, std::nullopt, std::nullopt};
    if (msg.backend) recv.whole = *msg.ssid;
    else if (stamped) recv.wire = wire(last);  // what arrived, routers and all
    events[*to].push_back(recv);
  }

  // Snapshots at the backends, in their own order of events.
  // A backend starts one below the first snapshot. Kept signed: with id 0 among the
  // snapshots it starts at -1 (an unsigned start wrapped to 2^32-1 and no backend ever
  // took one, so an inconsistent capture was called consistent).
  const std::int64_t start = ids.empty() ? 0 : static_cast<std::int64_t>(ids.front()) - 1;
  std::uint64_t end = last_t_ + 1000;
  for (auto& [p, evs] : events) {
    std::stable_sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) { return std::tie(a.t, a.seq) < std::tie(b.t, b.seq); });
    if (!in_group(p)) continue;
    std::vector<Ev> with;
    std::int64_t cur = start;
    const std::int64_t newest = ids.empty() ? 0 : ids.back();
    const std::uint32_t process = p;  // a lambda may not capture a structured binding (clang 14)
    bool beyond = false;
    auto move_to = [&](std::int64_t target, std::uint64_t t, FrameRef frame) {
      if (!ids.empty() && target > newest && !beyond) {
        beyond = true;
        x.problems.push_back(address(process) + " moved to snapshot id " + std::to_string(target) + " at " + names(frame) +
                             ", beyond the newest one started (" + std::to_string(newest) +
                             "): it read an id from a packet that carried none");
      }
      for (std::uint32_t n : ids)
        if (std::int64_t{n} > cur && std::int64_t{n} <= target && judged.count(n)) with.push_back({t, 0, "snapshot", 0, n, frame, std::nullopt, std::nullopt});
      cur = std::max(cur, target);
    };
    for (const Ev& e : evs) {
      if (e.whole) move_to(*e.whole, e.t, e.frame);
      if (e.wire) {
        // Modulo the 14-bit space, computed in 64 bits so that a start of -1 is one below 0.
        const auto ahead = static_cast<std::int64_t>((std::int64_t{*e.wire} - cur) & (pb::kSsidSpace - 1));
        if (ahead != 0 && ahead <= pb::kHalfWindow) move_to(cur + ahead, e.t, e.frame);
      }
      with.push_back(e);
    }
    for (std::uint32_t n : ids)
      if (std::int64_t{n} > cur && judged.count(n)) with.push_back({end, 0, "snapshot", 0, n, FrameRef{}, std::nullopt, std::nullopt});
    evs = std::move(with);
  }

  // Written by hand: addresses, kinds and ids need no escaping, and a capture makes
  // hundreds of thousands of lines.
  for (const auto& [p, evs] : events) {
    const std::string head = "{\"process\":\"" + address(p) + "\",\"group\":\"" + (in_group(p) ? "in" : "out") + "\",\"kind\":\"";
    for (const Ev& e : evs) {
      char tail[96];
      const double us = static_cast<double>(e.t) / 1000.0;
      if (e.kind == "snapshot")
        std::snprintf(tail, sizeof tail, "snapshot\",\"ssid\":%llu,\"time\":%.3f}\n", static_cast<unsigned long long>(e.ssid), us);
      else
        std::snprintf(tail, sizeof tail, "%s\",\"msg\":\"m%zu\",\"time\":%.3f}\n", e.kind.c_str(), e.msg + 1, us);
      x.execution_jsonl.append(head).append(tail);
      x.event_frames.push_back(e.frame);
    }
  }
  // Delays. Entries are the gateways' own `entered` (microseconds, the clock the
  // controller's t0 is on when they share one, as in a harness; else only the spread holds).
  for (const auto& [id, s] : snapshots_) {
    if (!s.t0_ns) continue;
    std::optional<double> first, last;
    for (const auto& [g, t] : s.replies_ns) {
      const auto e = entered_.find({id, g});
      if (e == entered_.end()) continue;
      const double entered = static_cast<double>(e->second), t0 = static_cast<double>(*s.t0_ns) / 1000.0;
      x.delays.to_gateway[address(g)].push_back(entered - t0);
      x.delays.to_initiator[address(g)].push_back(static_cast<double>(t) / 1000.0 - entered);
      first = std::min(first.value_or(entered), entered);
      last = std::max(last.value_or(entered), entered);
    }
    if (first && s.replies_ns.size() > 1) x.delays.spread.push_back(*last - *first);
  }
  // Out-group processes on a chain: those that hear from the group (clients only talk in).
  std::set<std::uint32_t> on_chain;
  for (const Message& msg : messages_)
    if (in_group(msg.src) && !in_group(msg.dst) && is_process(msg.dst)) on_chain.insert(msg.dst);
  for (const Message& msg : messages_) {
    auto span = [](std::uint64_t from, std::uint64_t to) { return static_cast<double>(to - from) / 1000.0; };
    if (msg.encap_count >= 2) x.delays.gateway_to_backend.push_back(span(msg.encap_first, msg.encap_last));
    if (msg.plain_count < 2) continue;
    if (in_group(msg.src) && !in_group(msg.dst) && is_process(msg.dst))
      x.delays.backend_to_outside.push_back(span(msg.plain_first, msg.plain_last));
    if (on_chain.count(msg.src) && vips_.count(msg.dst) && msg.encap_count > 0)
      x.delays.outside_to_gateway.push_back(span(msg.plain_first, msg.plain_last));
  }
  for (const auto& [id, s] : snapshots_) x.snapshots.push_back(s);
  for (const auto& [a, _] : gateways_) x.gateways.push_back(address(a));
  for (const auto& [a, _] : backends_) x.backends.push_back(address(a));
  for (const auto& [a, _] : vips_) x.vips.push_back(address(a));
  return x;
}

}  // namespace weir::trace::beaver
