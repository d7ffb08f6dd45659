// trace/capybara and Capybara's wire format: the agents' messages round-trip and bad ones
// are refused with the field at fault; the capture judge follows owners through
// migrations, measures the frozen time, and catches each invariant's breach on frames
// built by hand (the live runs' captures are judged in replay_capybara_cli_test).
#include <gtest/gtest.h>

#include "impl/packet/packet.hpp"
#include "trace/capybara.hpp"

namespace {

namespace cp = weir::packet::capybara;
using weir::packet::Bytes;
using weir::trace::Direction;
using weir::trace::Packet;
namespace tc = weir::trace::capybara;

constexpr std::uint32_t kClient = 0x0a090102, kService = 0x0a090064, kS0 = 0x0a090a02, kS1 = 0x0a090b02;
constexpr std::uint16_t kPort = 40000;

cp::Message state_message() {
  cp::Message m;
  m.h.stage = cp::Stage::ConnectionState;
  m.h.migration = 7;
  m.h.client_ip = kClient;
  m.h.client_port = kPort;
  m.h.service_port = 8000;
  m.state.send_seq = 0xfffffff0;  // wraps within the queue
  m.state.recv_seq = 12345;
  m.state.mss = 1448;
  m.state.snd_wscale = 7;
  m.state.rcv_wscale = 9;
  m.state.options = 7;
  m.state.timestamp = 99;
  m.state.snd_wnd = 65535;
  m.state.unsent = 2;
  m.state.app = {1, 2};
  m.state.send_queue = {10, 11, 12, 13};
  m.state.recv_queue = {20, 21, 22};
  return m;
}

TEST(CapybaraWire, ConnectionStateRoundTrips) {
  const cp::Message m = state_message();
  const Bytes b = cp::encode(m);
  auto d = cp::decode(b);
  ASSERT_TRUE(std::holds_alternative<cp::Message>(d)) << std::get<weir::packet::DecodeError>(d).message();
  const cp::Message& back = std::get<cp::Message>(d);
  EXPECT_EQ(back.h.stage, cp::Stage::ConnectionState);
  EXPECT_EQ(back.h.client_port, kPort);
  EXPECT_EQ(back.state, m.state);
}

TEST(CapybaraWire, BadMessagesAreRefusedWithTheField) {
  Bytes b = cp::encode(state_message());
  auto field = [](const Bytes& x) {
    auto d = cp::decode(x);
    return std::holds_alternative<weir::packet::DecodeError>(d) ? std::get<weir::packet::DecodeError>(d).field : "accepted";
  };
  Bytes bad_magic = b;
  bad_magic[0] = 0;
  EXPECT_EQ(field(bad_magic), "capybara.magic");
  Bytes bad_stage = b;
  bad_stage[4] = 9;
  EXPECT_EQ(field(bad_stage), "capybara.stage");
  Bytes load_on_state = b;
  load_on_state[5] = cp::kLoad;
  EXPECT_EQ(field(load_on_state), "capybara.flags");
  EXPECT_EQ(field(Bytes(b.begin(), b.end() - 1)), "capybara.queues");  // truncated
  Bytes longer = b;
  longer.push_back(0);
  EXPECT_EQ(field(longer), "capybara.length");
  Bytes too_unsent = b;
  too_unsent[20 + 41] = 5;  // unsent 5 > a send queue of 4
  EXPECT_EQ(field(too_unsent), "capybara.unsent");
  EXPECT_EQ(field(Bytes(b.begin(), b.begin() + 10)), "capybara.header");
}

// A small capture, as the switch's `-i any` sees it.
class Capture {
 public:
  void control(std::uint32_t from, std::uint32_t to, cp::Stage stage, bool load, Direction d = Direction::In) {
    cp::Message m;
    m.h.stage = stage;
    m.h.flags = load ? cp::kLoad : 0;
    m.h.migration = 1;
    m.h.client_ip = kClient;
    m.h.client_port = kPort;
    m.h.service_port = 8000;
    if (stage == cp::Stage::ConnectionState) m = {m.h, state_message().state};
    weir::packet::Ipv4 ip;
    ip.src = from;
    ip.dst = to;
    add(weir::packet::encode_udp({}, ip, {cp::kControlPort, cp::kControlPort}, cp::encode(m)), d);
  }
  void tcp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport, std::uint8_t flags, Direction d) {
    weir::packet::Ipv4 ip;
    ip.proto = weir::packet::kProtoTcp;
    ip.src = src;
    ip.dst = dst;
    weir::packet::Tcp t;
    t.sport = sport;
    t.dport = dport;
    t.flags = flags;
    add(weir::packet::encode_tcp({}, ip, t, Bytes{1, 2, 3}), d);
  }
  // The client's segment in, and out to `owner`.
  void up(std::uint32_t owner) {
    tcp(kClient, kPort, kService, 8000, 0x18, Direction::In);
    tcp(kClient, kPort, owner, 8000, 0x18, Direction::Out);
  }
  // `server`'s segment in, and out to the client as `as`.
  void down(std::uint32_t server, std::uint32_t as, std::uint8_t flags = 0x18) {
    tcp(server, 8000, kClient, kPort, flags, Direction::In);
    tcp(as, 8000, kClient, kPort, flags, Direction::Out);
  }
  tc::Report judge() {
    tc::Judge j({kService, 8000, cp::kControlPort});
    for (const Packet& p : packets_) j.add(p);
    return std::move(j).finish();
  }
  std::uint64_t now = 1'000'000;

 private:
  void add(Bytes b, Direction d) {
    packets_.push_back({0, packets_.size() + 1, now, std::move(b), d});
    now += 1000;  // 1 us apart
  }
  std::vector<Packet> packets_;
};

// s0 serves, the connection moves to s1: PREPARE, ACK with LOAD, STATE, STATE_ACK.
void migrate(Capture& c) {
  c.control(kS0, kS1, cp::Stage::Prepare, false);
  c.control(kS1, kS0, cp::Stage::PrepareAck, true);
  c.now += 100'000;  // 100 us frozen before the state goes
  c.control(kS0, kS1, cp::Stage::ConnectionState, false);
  c.down(kS1, kService, 0x10);  // the target's window probe, before its STATE_ACK
  c.control(kS1, kS0, cp::Stage::StateAck, false);
}

TEST(CapybaraJudge, AMigrationThatKeepsTheRulesHolds) {
  Capture c;
  c.up(kS0);
  c.down(kS0, kService);
  const std::uint64_t last_to_origin = c.now - 3000;  // the up() frame out to s0
  migrate(c);
  const std::uint64_t first_to_target = c.now + 1000;
  c.up(kS1);
  c.down(kS1, kService);
  c.tcp(kS0, 8000, kClient, kPort, 0x04, Direction::In);  // s0's kernel resets a late segment: dropped, noted
  const tc::Report r = c.judge();
  EXPECT_TRUE(r.violations.empty()) << r.violations.front().invariant << ": " << r.violations.front().what;
  ASSERT_EQ(r.migrations.size(), 1u);
  const tc::Migration& m = r.migrations[0];
  EXPECT_EQ(m.origin, kS0);
  EXPECT_EQ(m.target, kS1);
  ASSERT_TRUE(m.ack_ns.has_value());
  ASSERT_TRUE(m.frozen_ns.has_value());
  EXPECT_EQ(*m.frozen_ns, first_to_target - last_to_origin);
  EXPECT_EQ(m.send_queue, 4u);
  EXPECT_EQ(m.unsent, 2u);
  EXPECT_EQ(m.recv_queue, 3u);
  ASSERT_EQ(r.connections.size(), 1u);
  EXPECT_EQ(r.connections[0].owners, (std::vector<std::uint32_t>{kS0, kS1}));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("with a reset after the connection left it"), std::string::npos);
}

std::string first_invariant(const tc::Report& r) { return r.violations.empty() ? "none" : r.violations.front().invariant; }

TEST(CapybaraJudge, EachInvariantsBreachIsCaught) {
  {  // the target's packets reach the client with its own address
    Capture c;
    c.up(kS0);
    migrate(c);
    c.down(kS1, kS1);
    EXPECT_EQ(first_invariant(c.judge()), "no-foreign-address");
  }
  {  // the client receives a reset
    Capture c;
    c.up(kS0);
    c.down(kS0, kService, 0x14);
    EXPECT_EQ(first_invariant(c.judge()), "no-reset");
  }
  {  // the origin still sends data after the STATE_ACK
    Capture c;
    c.up(kS0);
    migrate(c);
    c.tcp(kS0, 8000, kClient, kPort, 0x18, Direction::In);
    const tc::Report r = c.judge();
    EXPECT_EQ(first_invariant(r), "one-owner");
    EXPECT_NE(r.violations.front().what.find("10.9.10.2 still sends for 10.9.1.2:40000 after it moved to 10.9.11.2"),
              std::string::npos);
  }
  {  // the state goes without a LOAD
    Capture c;
    c.up(kS0);
    c.control(kS0, kS1, cp::Stage::Prepare, false);
    c.control(kS1, kS0, cp::Stage::PrepareAck, false);  // a refusal
    c.control(kS0, kS1, cp::Stage::ConnectionState, false);
    EXPECT_EQ(first_invariant(c.judge()), "legal-stages");
  }
  {  // a refusal alone changes nothing and breaks nothing
    Capture c;
    c.up(kS0);
    c.control(kS0, kS1, cp::Stage::Prepare, false);
    c.control(kS1, kS0, cp::Stage::PrepareAck, false);
    c.up(kS0);
    c.down(kS0, kService);
    const tc::Report r = c.judge();
    EXPECT_TRUE(r.violations.empty());
    ASSERT_EQ(r.migrations.size(), 1u);
    EXPECT_TRUE(r.migrations[0].refused);
  }
}

}  // namespace
