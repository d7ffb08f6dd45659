// impl/core/pegasus: the switch's coherence directory, the servers and a client on real
// bytes, correct and with each planted bug.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <set>

#include "impl/core/pegasus.hpp"

namespace weir::core::pegasus {
namespace {

using packet::Bytes;

Topology topology() {
  Topology t;
  t.servers = {0x0a000101, 0x0a000102, 0x0a000103};
  t.clients = {0x0a000201, 0x0a000202};
  t.switch_ip = 0x0a000001;
  return t;
}

template <class T>
T ok(packet::Decoded<T> d) {
  if (auto* e = std::get_if<packet::DecodeError>(&d)) throw std::runtime_error(e->message());
  return std::get<T>(std::move(d));
}

pp::Message message(const Bytes& frame) {
  const packet::Frame f = ok(packet::decode(frame));
  return ok(pp::decode(packet::View(frame).subspan(f.payload_offset), pp::kP4Identifier));
}
std::uint32_t destination(const Bytes& frame) { return ok(packet::decode(frame)).ip.dst; }
std::size_t server_index(const Bytes& frame) {
  const Topology t = topology();
  for (std::size_t s = 0; s < t.servers.size(); ++s)
    if (t.servers[s] == destination(frame)) return s;
  return 99;
}

constexpr std::uint32_t kHot = 42, kCold = 7;
Bytes v(const char* s) { return Bytes(s, s + std::strlen(s)); }

struct Net {
  explicit Net(Mutant m = Mutant::None) : sw(topology(), {kHot}, m) {
    for (std::uint8_t s = 0; s < 3; ++s) servers.emplace_back(s, topology(), m);
  }
  // Switch -> server -> switch -> client, no loss: the client's result.
  Client::Result run(Client& c, const Bytes& request) {
    auto to_server = ok(sw.receive(request));
    EXPECT_EQ(to_server.size(), 1u);
    auto replies = ok(servers[server_index(to_server[0].frame)].receive(to_server[0].frame));
    EXPECT_EQ(replies.size(), 1u);
    auto to_client = ok(sw.receive(replies[0].frame));
    auto r = ok(c.receive(to_client[0].frame));
    EXPECT_TRUE(r);
    return *r;
  }
  Switch sw;
  std::vector<Server> servers;
};

// route() rewrites a frame in place into the one receive() sends (the switch as source,
// the server or client as destination, version and server in the header), and both
// checksums are right for a receiver that checks them.
TEST(PegasusCore, RouteRewritesInPlaceWhatReceiveSends) {
  Net a, b;
  Client ca(0, topology()), cb(0, topology());
  for (int i = 0; i < 6; ++i) {
    const Bytes request = i % 2 ? ca.issue(Client::Kind::Get, kHot) : ca.issue(Client::Kind::Put, kHot, v("x"));
    cb.issue(i % 2 ? Client::Kind::Get : Client::Kind::Put, kHot, i % 2 ? Bytes{} : v("x"));
    Bytes in_place = request;
    const auto to = ok(b.sw.route(in_place));
    const auto sent = ok(a.sw.receive(request));
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_TRUE(to);
    EXPECT_EQ(in_place, sent[0].frame);
    EXPECT_EQ(*to, destination(in_place));
    const packet::Frame f = ok(packet::decode(in_place));  // every checksum checked
    EXPECT_EQ(f.ip.src, topology().switch_ip);
    a.run(ca, request);  // the rest of the round trip, through receive()
    b.run(cb, request);
  }
}

TEST(PegasusCore, AWriteCompletesOnItsReplyAndReadsFollowRset) {
  Net net;
  Client c(0, topology());
  const Switch::Entry* e = net.sw.entry(kHot);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rset, 0b111u);  // at first every server holds the key (absent, version 0)
  net.run(c, c.issue(Client::Kind::Put, kHot, v("a")));
  EXPECT_EQ(e->ver_completed, 1u);
  EXPECT_EQ(e->ver_next, 1u);
  EXPECT_EQ(std::popcount(e->rset), 1);  // only the server that applied it
  for (int i = 0; i < 6; ++i) {
    const auto r = net.run(c, c.issue(Client::Kind::Get, kHot));
    EXPECT_TRUE(r.found);
    EXPECT_EQ(r.value, v("a"));
  }
  net.run(c, c.issue(Client::Kind::Del, kHot));
  EXPECT_FALSE(net.run(c, c.issue(Client::Kind::Get, kHot)).found);
}

TEST(PegasusCore, ColdKeysGoHome) {
  Net net;
  Client c(1, topology());
  const Bytes req = c.issue(Client::Kind::Put, kCold, v("x"));
  const auto out = ok(net.sw.receive(req));
  EXPECT_EQ(server_index(out[0].frame), kCold % 3);
  EXPECT_EQ(net.sw.entry(kCold), nullptr);
}

TEST(PegasusCore, ARetriedWriteKeepsItsVersion) {
  for (Mutant m : {Mutant::None, Mutant::NoDedup}) {
    Net net(m);
    Client c(0, topology());
    const Bytes req = c.issue(Client::Kind::Put, kHot, v("a"));
    const auto first = ok(net.sw.receive(req));
    const auto again = ok(net.sw.receive(c.retry()));
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(message(first[0].frame).h.ver, 1u);
    EXPECT_EQ(message(again[0].frame).h.ver, m == Mutant::None ? 1u : 2u) << static_cast<int>(m);
  }
}

TEST(PegasusCore, AStaleCopyCannotUndoANewerWrite) {
  for (Mutant m : {Mutant::None, Mutant::NoDedup}) {
    Net net(m);
    Client c(0, topology());
    const Bytes write_a = c.issue(Client::Kind::Put, kHot, v("a"));
    net.run(c, write_a);
    net.run(c, c.issue(Client::Kind::Put, kHot, v("b")));
    const auto late = ok(net.sw.receive(write_a));  // a duplicate of the first write, delayed
    for (const Out& o : late) {
      auto replies = ok(net.servers[server_index(o.frame)].receive(o.frame));
      for (const Out& r : replies) ok(net.sw.receive(r.frame));
    }
    Client reader(1, topology());
    const auto r = net.run(reader, reader.issue(Client::Kind::Get, kHot));
    EXPECT_EQ(r.value, m == Mutant::None ? v("b") : v("a")) << static_cast<int>(m);
  }
}

TEST(PegasusCore, ServersApplyOnlyNewerVersions) {
  for (Mutant m : {Mutant::None, Mutant::NoVersionCheck}) {
    Server s(0, topology(), m);
    auto write = [&](std::uint8_t client, std::uint32_t ver, const char* value) {
      pp::Message w;
      w.h.op = pp::Op::Put;
      w.h.keyhash = kHot;
      w.h.client_id = client;
      w.h.request_id = 1;
      w.h.ver = ver;
      w.value = v(value);
      packet::Ipv4 ip;
      ip.src = topology().switch_ip;
      ip.dst = topology().servers[0];
      ok(s.receive(packet::encode_udp({}, ip, packet::Udp{kPort, kPort}, pp::encode(w))));
    };
    write(0, 2, "new");
    write(1, 1, "old");  // a write of an older version arrives late
    EXPECT_EQ(s.stored(kHot)->value, m == Mutant::None ? v("new") : v("old"));
  }
}

TEST(PegasusCore, AServerRunsARequestAtMostOnce) {
  Server s(0, topology());
  Client c(0, topology());
  Switch sw(topology(), {kHot});
  const auto fwd = ok(sw.receive(c.issue(Client::Kind::Put, kHot, v("a"))));
  const auto first = ok(s.receive(fwd[0].frame));
  const auto second = ok(s.receive(fwd[0].frame));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].frame, second[0].frame);  // the same reply, not a second run (load unchanged)
}

TEST(PegasusCore, CompleteOnForwardMovesRsetBeforeAnyServerApplied) {
  Net bad(Mutant::CompleteOnForward), good;
  Client c(0, topology());
  ok(bad.sw.receive(c.issue(Client::Kind::Put, kHot, v("a"))));
  EXPECT_EQ(bad.sw.entry(kHot)->ver_completed, 1u);
  Client d(0, topology());
  ok(good.sw.receive(d.issue(Client::Kind::Put, kHot, v("a"))));
  EXPECT_EQ(good.sw.entry(kHot)->ver_completed, 0u);
}

TEST(PegasusCore, ReadsStayInRsetUnlessMutated) {
  for (Mutant m : {Mutant::None, Mutant::ReadAnyServer}) {
    Net net(m);
    Client c(0, topology());
    net.run(c, c.issue(Client::Kind::Put, kHot, v("a")));
    const std::uint32_t rset = net.sw.entry(kHot)->rset;
    std::set<std::size_t> reached;
    for (int i = 0; i < 9; ++i) reached.insert(server_index(ok(net.sw.receive(c.issue(Client::Kind::Get, kHot)))[0].frame));
    for (std::size_t s : reached) {
      if (m == Mutant::None) {
        EXPECT_TRUE(rset >> s & 1) << s;
      }
    }
    EXPECT_EQ(reached.size(), m == Mutant::None ? 1u : 3u);
  }
}

// Found by weir fuzz pegasus (seed 1952): a read that saw an unacknowledged write, then a
// later read at another server that saw the older value. A read's reply carries its
// server's version and must move rset as a write's does.
TEST(PegasusCore, AReadThatSawANewerWriteNarrowsRset) {
  Net net;
  Client writer(0, topology()), reader(1, topology());
  const auto fwd = ok(net.sw.receive(writer.issue(Client::Kind::Put, kHot, v("a"))));
  const std::size_t applied_at = server_index(fwd[0].frame);
  ok(net.servers[applied_at].receive(fwd[0].frame));  // applied; its reply still on the way
  // Reads round-robin over the initial rset (every server) until one lands where the write is.
  for (int i = 0; i < 3; ++i) {
    const auto to = ok(net.sw.receive(reader.issue(Client::Kind::Get, kHot)));
    const std::size_t s = server_index(to[0].frame);
    const auto replies = ok(net.servers[s].receive(to[0].frame));
    const auto back = ok(net.sw.receive(replies[0].frame));
    const auto r = ok(reader.receive(back[0].frame));
    if (s == applied_at) {
      EXPECT_EQ(r->value, v("a"));
      break;
    }
  }
  EXPECT_EQ(net.sw.entry(kHot)->rset, 1u << applied_at);  // only where the newer write is
  EXPECT_EQ(net.sw.entry(kHot)->ver_completed, 1u);
  for (int i = 0; i < 4; ++i) {
    const auto r = net.run(reader, reader.issue(Client::Kind::Get, kHot));
    EXPECT_EQ(r.value, v("a"));
  }
}

TEST(PegasusCore, MutantsHaveNames) {
  EXPECT_EQ(mutants().size(), 5u);
  for (const MutantInfo& m : mutants()) EXPECT_EQ(parse_mutant(m.name), m.mutant);
}

}  // namespace
}  // namespace weir::core::pegasus
