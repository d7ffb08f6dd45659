// impl/packet: random packets round-trip through encode and decode; every truncation and
// every corrupted checksum is refused with the field and offset at fault; the Beaver and
// Pegasus fields sit where the artifacts put them.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <fstream>
#include <iterator>

#include "impl/packet/packet.hpp"

namespace weir::packet {
namespace {

Ethernet eth() { return Ethernet{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, kEtherIpv4}; }
Ipv4 ip(std::uint8_t tos = 0, std::uint8_t ttl = 64) { return Ipv4{tos, 7, ttl, kProtoUdp, 0x0a000001, 0x0a000002}; }

template <class T>
T ok(Decoded<T> d) {
  if (auto* e = std::get_if<DecodeError>(&d)) throw std::runtime_error("refused: " + e->message());
  return std::get<T>(std::move(d));
}

RC_GTEST_PROP(Packet, UdpAndTcpRoundTrip, (std::vector<std::uint8_t> payload, std::uint8_t tos, std::uint16_t sport,
                                          std::uint32_t seq, bool tcp)) {
  const Bytes b = tcp ? encode_tcp(eth(), ip(tos), Tcp{sport, 7000, seq, seq + 1, 0x18, 512}, payload)
                      : encode_udp(eth(), ip(tos), Udp{sport, 9}, payload);
  const Frame f = ok(decode(b));
  RC_ASSERT(f.ip.tos == tos);
  RC_ASSERT(f.ip.src == 0x0a000001u);
  RC_ASSERT(f.payload_size == payload.size());
  RC_ASSERT(Bytes(b.begin() + static_cast<std::ptrdiff_t>(f.payload_offset), b.end()) == payload);
  if (tcp) {
    RC_ASSERT(std::get<Tcp>(f.l4).seq == seq);
    RC_ASSERT(std::get<Tcp>(f.l4).sport == sport);
  } else {
    RC_ASSERT(std::get<Udp>(f.l4).sport == sport);
  }
}

RC_GTEST_PROP(Packet, EveryTruncationIsRefusedWithinTheFrame, (std::vector<std::uint8_t> payload, bool tcp)) {
  const Bytes b = tcp ? encode_tcp(eth(), ip(), Tcp{1, 2, 3, 4, 0x10, 5}, payload)
                      : encode_udp(eth(), ip(), Udp{1, 2}, payload);
  for (std::size_t n = 0; n < b.size(); ++n) {
    const Bytes cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));  // exactly n bytes: ASan sees a read past
    auto d = decode(cut);
    RC_ASSERT(std::holds_alternative<DecodeError>(d));
    RC_ASSERT(std::get<DecodeError>(d).offset <= b.size());
  }
}

RC_GTEST_PROP(Packet, AnyFlippedBitInTheHeadersIsCaught, (std::vector<std::uint8_t> payload, std::uint8_t bit_seed)) {
  Bytes b = encode_udp(eth(), ip(), Udp{1, 2}, payload);
  // A bit of the IPv4 header (not the Ethernet one, which has no checksum) or the UDP one.
  const std::size_t bit = 14 * 8 + bit_seed % ((20 + 8) * 8);
  b[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  RC_PRE(!(b[40] == 0 && b[41] == 0));  // a UDP checksum flipped to 0 means "none": legal
  RC_ASSERT(std::holds_alternative<DecodeError>(decode(b)));
}

// The word-at-a-time sum folds to what RFC 1071's pair-at-a-time sum folds to.
RC_GTEST_PROP(Packet, ChecksumSumIsTheByPairSum, (std::vector<std::uint8_t> data, std::uint16_t start)) {
  std::uint32_t pairs = start;
  for (std::size_t i = 0; i < data.size(); i += 2)
    pairs += static_cast<std::uint32_t>(data[i] << 8 | (i + 1 < data.size() ? data[i + 1] : 0));
  RC_ASSERT(fold(sum16(data, start)) == fold(pairs));
}

TEST(Packet, RefusalsNameTheField) {
  Bytes b = encode_udp(eth(), ip(), Udp{1, 2}, Bytes{1, 2, 3});
  b[15] ^= 0x04;  // ToS rewritten, checksum left stale
  EXPECT_EQ(std::get<DecodeError>(decode(b)).message(),
            "ipv4.checksum at byte 24: wrong header checksum (a rewritten header not fixed?)");
  fix_ipv4_checksum(b);
  EXPECT_TRUE(std::holds_alternative<Frame>(decode(b)));
  EXPECT_EQ(std::get<DecodeError>(decode(Bytes(b.begin(), b.begin() + 20))).field, "ipv4");
  Bytes udp_bad = encode_udp(eth(), ip(), Udp{1, 2}, Bytes{1, 2, 3});
  udp_bad.back() ^= 0xff;
  EXPECT_EQ(std::get<DecodeError>(decode(udp_bad)).field, "udp.checksum");
}

// After a rewrite, the UDP checksum is right again, behind IPv4 options too.
TEST(Packet, FixUdpChecksumAfterARewrite) {
  Bytes b = encode_udp(eth(), ip(), Udp{1, 2}, Bytes{1, 2, 3, 4, 5});
  // Four bytes of options (NOPs) after the 20-byte header: IHL 6, total length + 4.
  b.insert(b.begin() + 34, {1, 1, 1, 1});
  b[14] = 0x46;
  b[17] = static_cast<std::uint8_t>(b[17] + 4);
  b[33] ^= 0x01;  // the destination rewritten
  fix_ipv4_checksum(b);
  EXPECT_EQ(std::get<DecodeError>(decode(b)).field, "udp.checksum");
  fix_udp_checksum(b);
  EXPECT_EQ(ok(decode(b)).payload_size, 5u);
  Bytes none = encode_udp(eth(), ip(), Udp{1, 2}, Bytes{9});
  none[40] = none[41] = 0;  // no checksum: stays none
  fix_udp_checksum(none);
  EXPECT_EQ(none[40] | none[41], 0);
}

// A forwarding device verifies the IPv4 header's checksum and leaves the transport's to
// the receiver; lengths are checked either way.
TEST(Packet, HeaderOnlyLeavesTheTransportChecksumToTheReceiver) {
  for (bool tcp : {false, true}) {
    Bytes b = tcp ? encode_tcp(eth(), ip(), Tcp{1, 2, 3, 4, 0x10, 5}, Bytes{1, 2, 3})
                  : encode_udp(eth(), ip(), Udp{1, 2}, Bytes{1, 2, 3});
    b.back() ^= 0xff;
    EXPECT_TRUE(std::holds_alternative<DecodeError>(decode(b)));
    EXPECT_TRUE(std::holds_alternative<Frame>(decode(b, Checksums::HeaderOnly)));
    b[15] ^= 0x04;
    EXPECT_EQ(std::get<DecodeError>(decode(b, Checksums::HeaderOnly)).field, "ipv4.checksum");
    EXPECT_TRUE(std::holds_alternative<DecodeError>(decode(Bytes(b.begin(), b.end() - 1), Checksums::HeaderOnly)));
  }
}

TEST(BeaverWire, StampEncodesFourteenBitsInTosAndTtl) {
  for (std::uint32_t id : {0u, 1u, 255u, 256u, 1000u, 8191u, 8192u, 16383u}) {
    const auto s = beaver::stamp(id);
    EXPECT_EQ(beaver::ssid_of(s.tos, s.ttl), id) << id;
    EXPECT_EQ(s.ttl & 3, 3) << id;
  }
  EXPECT_EQ(beaver::stamp(16384).tos, 0);  // ids live modulo 2^14 on the wire
  EXPECT_EQ(beaver::stamp(300).tos, 44);
  EXPECT_EQ(beaver::stamp(300).ttl, (1 << 2) + 3);
}

TEST(BeaverWire, SerialNumbersWrapInAHalfWindow) {
  EXPECT_TRUE(beaver::newer(5, 4));
  EXPECT_FALSE(beaver::newer(4, 5));
  EXPECT_FALSE(beaver::newer(4, 4));
  EXPECT_TRUE(beaver::newer(0, 16383));        // wrapped: 0 follows 16383
  EXPECT_TRUE(beaver::newer(8191, 0));         // exactly the half window ahead: newer
  EXPECT_FALSE(beaver::newer(8192, 0));        // one more: behind
  EXPECT_FALSE(beaver::newer(0, 8192));
}

RC_GTEST_PROP(BeaverWire, EncapsulationRoundTrips, (std::vector<std::uint8_t> inner, std::uint32_t ssid)) {
  const Bytes client = encode_udp(eth(), ip(), Udp{40000, 80}, inner);
  const Bytes b = beaver::encapsulate(eth(), ip(), 9000, ssid, client);
  RC_ASSERT(b.size() == client.size() + beaver::kEncapOverhead);
  const beaver::Encapsulated x = ok(beaver::decapsulate(b));
  RC_ASSERT(x.ssid == ssid);
  RC_ASSERT(x.inner_offset == beaver::kEncapOverhead);
  RC_ASSERT(Bytes(b.begin() + 46, b.end()) == client);
}

TEST(BeaverWire, EncapsulationFieldsAreWhereTheArtifactPutsThem) {
  const Bytes b = beaver::encapsulate(eth(), ip(), 9000, 0x01020304, Bytes{0xaa});
  EXPECT_EQ(b[34], 12345 >> 8);  // UDP source port
  EXPECT_EQ(b[35], 12345 & 0xff);
  EXPECT_EQ((Bytes{b[42], b[43], b[44], b[45]}), (Bytes{1, 2, 3, 4}));  // the id, network order
  EXPECT_EQ(b[46], 0xaa);
  const Bytes other = encode_udp(eth(), ip(), Udp{999, 9000}, Bytes{0, 0, 0, 1});
  EXPECT_EQ(std::get<DecodeError>(beaver::decapsulate(other)).field, "udp.source_port");
}

TEST(BeaverWire, ControlMessages) {
  EXPECT_EQ(beaver::encode_request({7}), (Bytes{1, 0, 0, 0, 7}));
  EXPECT_EQ(std::get<beaver::Request>(beaver::decode_request(Bytes{1, 0, 0, 1, 0})).ssid, 256u);
  const Bytes reply = beaver::encode_reply({9, 123456789});
  EXPECT_EQ(reply.size(), 12u);  // id and time, no type byte
  const auto rep = ok(beaver::decode_reply(reply));
  EXPECT_EQ(rep.ssid, 9u);
  EXPECT_EQ(rep.entered, 123456789u);
  EXPECT_EQ(std::get<DecodeError>(beaver::decode_request(Bytes{3, 0, 0, 0, 1})).field, "beaver.request.type");
  EXPECT_EQ(std::get<DecodeError>(beaver::decode_request(Bytes{1, 0, 0})).message(),
            "beaver.request.ssid at byte 1: truncated: needs 4 bytes, the packet has 2 from here");
  EXPECT_EQ(std::get<DecodeError>(beaver::decode_reply(Bytes{0, 0, 0, 1, 0})).field, "beaver.reply.entered");
}

RC_GTEST_PROP(PegasusWire, RoundTrips, (std::uint8_t op, std::uint32_t keyhash, std::uint32_t ver, std::uint32_t bitmap,
                                        std::uint16_t load, std::vector<std::uint8_t> value)) {
  pegasus::Message m;
  m.h.op = static_cast<pegasus::Op>(op % pegasus::kOps);
  m.h.keyhash = keyhash;
  m.h.ver = ver;
  m.h.bitmap = bitmap;
  m.h.load = load;
  m.h.client_id = 3;
  m.h.server_id = 4;
  m.h.request_id = 200;
  m.value = value;
  const Bytes b = pegasus::encode(m);
  RC_ASSERT(b.size() == pegasus::kHeaderSize + value.size());
  const pegasus::Message back = ok(pegasus::decode(b, pegasus::kP4Identifier));
  RC_ASSERT(back.h.op == m.h.op);
  RC_ASSERT(back.h.keyhash == keyhash);
  RC_ASSERT(back.h.ver == ver);
  RC_ASSERT(back.h.bitmap == bitmap);
  RC_ASSERT(back.h.load == load);
  RC_ASSERT(back.h.request_id == 200);
  RC_ASSERT(back.value == value);
  for (std::size_t n = 0; n < pegasus::kHeaderSize; ++n)
    RC_ASSERT(std::get<DecodeError>(pegasus::decode(View(b).first(n), pegasus::kP4Identifier)).field ==
              "pegasus.header");
}

TEST(PegasusWire, IdentifierAndOpAreChecked) {
  pegasus::Message m;
  m.h.identifier = pegasus::kSwitchIdentifier;
  const Bytes b = pegasus::encode(m);
  EXPECT_EQ(b[0], 0x15);
  EXPECT_EQ(b[1], 0x73);
  EXPECT_TRUE(std::holds_alternative<pegasus::Message>(pegasus::decode(b, pegasus::kSwitchIdentifier)));
  EXPECT_EQ(std::get<DecodeError>(pegasus::decode(b, pegasus::kP4Identifier)).message(),
            "pegasus.identifier at byte 0: 0x1573, not this deployment's 0x5047");
  Bytes bad = b;
  bad[2] = 8;
  EXPECT_EQ(std::get<DecodeError>(pegasus::decode(bad, pegasus::kSwitchIdentifier)).field, "pegasus.op");
}

// The fuzz seeds were built byte by byte in Python (struct.pack), independently of this
// code: the encoders must produce the same bytes, and the decoders read them back.
Bytes seed(const std::string& name) {
  std::ifstream in(std::string(WEIR_FUZZ_DATA) + "/corpus/packet/" + name, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(PacketSeeds, EncodersMatchAnIndependentLayout) {
  const Bytes hello{'h', 'e', 'l', 'l', 'o'};
  const Bytes client = encode_udp(eth(), ip(), Udp{40000, 80}, hello);
  EXPECT_EQ(client, seed("udp.bin"));
  EXPECT_EQ(beaver::encapsulate(eth(), ip(), 9000, 5, client), seed("beaver-encap.bin"));
  EXPECT_EQ(ok(beaver::decapsulate(seed("beaver-encap.bin"))).ssid, 5u);
  pegasus::Message m;
  m.h = {pegasus::kP4Identifier, pegasus::Op::Put, 0xdeadbeef, 3, 4, 10, 7, 0b101, 200};
  m.value = {'v', 'a', 'l', 'u', 'e'};
  EXPECT_EQ(pegasus::encode(m), seed("pegasus.bin"));
  EXPECT_EQ(encode_udp(eth(), ip(), Udp{5000, 12345}, seed("pegasus.bin")), seed("pegasus-frame.bin"));
  EXPECT_EQ(beaver::encode_reply({9, 123456789}), seed("beaver-reply.bin"));
}

}  // namespace
}  // namespace weir::packet
