// impl/packet: the wire formats of the protocols' data planes, as real bytes (the papers'
// artifacts put them on the wire this way). Every decoder checks lengths before it reads
// and checksums where the format has them; a packet it refuses comes back with the field
// and the byte offset at fault. Encoders write correct IPv4 and UDP/TCP checksums.
//
//   Ethernet (14) | IPv4 (20, options skipped) | UDP (8) or TCP (20, options skipped) | payload
//
// Beaver (OSDI'24 artifact):
//   gateway -> backend: Ethernet + IPv4 + UDP (source port 12345) + the gateway's snapshot
//   id (4 bytes, network order) + the client's whole original frame; the backend strips
//   those 46 bytes.
//   in-group (backend -> backend, TCP port 7000): a 14-bit snapshot id in the IPv4 header,
//   ToS = id mod 256, TTL = ((id / 256) << 2) + 3, read back as tos + (ttl >> 2) * 256.
//   controller -> gateway: UDP, first byte 1, then the new id (u32); the gateway answers
//   with the id it was asked for (u32) and the time it received the request (u64), both
//   in network order, and no type byte (load_balancer/src/load_balance.cc).
// Pegasus (OSDI'20): a 20-byte header in UDP, then the value.
// Capybara (APSys'23): the migration agents' messages in UDP (port 7300), a 20-byte header
// (magic 0xCAFEDEAD, stage, LOAD flag, migration id, the connection's client address and
// port and the service port); CONNECTION_STATE carries the TCP state that Linux's repair
// mode reads and writes, the application's state, and both queues' bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace weir::packet {

using Bytes = std::vector<std::uint8_t>;
using View = std::span<const std::uint8_t>;

// Why a packet was refused: the field, where it starts in the frame, and the cause.
struct DecodeError {
  std::string field;  // "ipv4.checksum", "pegasus.op", ...
  std::size_t offset = 0;
  std::string cause;
  std::string message() const;  // "ipv4.checksum at byte 24: ..."
};
template <class T>
using Decoded = std::variant<T, DecodeError>;

// ---- link, network, transport ----

using Mac = std::array<std::uint8_t, 6>;
inline constexpr std::uint16_t kEtherIpv4 = 0x0800;
inline constexpr std::uint8_t kProtoTcp = 6, kProtoUdp = 17;

struct Ethernet {
  Mac dst{}, src{};
  std::uint16_t type = kEtherIpv4;
};

struct Ipv4 {
  std::uint8_t tos = 0;
  std::uint16_t id = 0;
  std::uint8_t ttl = 64;
  std::uint8_t proto = kProtoUdp;
  std::uint32_t src = 0, dst = 0;  // host order
};

struct Udp {
  std::uint16_t sport = 0, dport = 0;
};

struct Tcp {
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;  // FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10
  std::uint16_t window = 65535;
};

// A decoded IPv4 frame: headers and where the transport payload lies in the frame.
struct Frame {
  Ethernet eth;
  Ipv4 ip;
  std::variant<Udp, Tcp> l4;
  std::size_t payload_offset = 0;  // into the frame
  std::size_t payload_size = 0;
};

// Ethernet + IPv4 + UDP or TCP around `payload`, checksums filled in.
Bytes encode_udp(const Ethernet& eth, const Ipv4& ip, const Udp& udp, View payload);
Bytes encode_tcp(const Ethernet& eth, const Ipv4& ip, const Tcp& tcp, View payload);
// Checks lengths, versions and both checksums (a UDP checksum of 0 means none).
// Which checksums decode() verifies: all (a receiver), or the IPv4 header's only (a
// device that forwards, as routers and load balancers do, and leaves the transport
// checksum to the receiver).
enum class Checksums : std::uint8_t { All, HeaderOnly };
Decoded<Frame> decode(View frame, Checksums verify = Checksums::All);

// The IPv4 header checksum of the header at `ip_offset`, recomputed in place (after a
// rewrite of ToS or TTL: a stale checksum makes a Linux receiver drop the packet).
void fix_ipv4_checksum(std::span<std::uint8_t> frame, std::size_t ip_offset = 14);

// Addresses as people write them (host order): "10.1.0.1", and "10.1.0.0/16" as a prefix
// and its mask; nothing when the text is not one.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
struct Prefix {
  std::uint32_t prefix = 0, mask = 0;
};
std::optional<Prefix> parse_prefix(std::string_view text);
// "02:00:00:00:00:01".
std::optional<Mac> parse_mac(std::string_view text);
// The UDP checksum of a frame whose IPv4 addresses or payload were rewritten, computed
// again (IPv4 options allowed); a checksum of 0 ("none") stays 0.
void fix_udp_checksum(std::span<std::uint8_t> frame);
// The Internet checksum (RFC 1071) of `data`, folded, not complemented, from `sum`.
std::uint32_t sum16(View data, std::uint32_t sum = 0);
std::uint16_t fold(std::uint32_t sum);

// ---- Beaver ----

namespace beaver {

inline constexpr std::uint16_t kEncapSourcePort = 12345;
inline constexpr std::uint16_t kInGroupPort = 7000;
inline constexpr std::size_t kEncapOverhead = 14 + 20 + 8 + 4;  // 46
// Snapshot ids are 14 bits on the in-group wire and compare as serial numbers.
inline constexpr std::uint32_t kSsidSpace = 1u << 14;
inline constexpr std::uint32_t kHalfWindow = 8191;

// The id `ssid` (mod 2^14) as ToS and TTL, and back.
struct TosTtl {
  std::uint8_t tos = 0, ttl = 0;
};
TosTtl stamp(std::uint32_t ssid);
std::uint32_t ssid_of(std::uint8_t tos, std::uint8_t ttl);
// Whether a is newer than b: ahead by 1..kHalfWindow, modulo 2^14.
bool newer(std::uint32_t a, std::uint32_t b);

// gateway -> backend: the client's frame inside, stamped with the gateway's id.
// encap_header: the 46 bytes that go in front of the frame (checksums over both), for a
// data plane that prepends them in place; encapsulate: header and frame in one buffer.
using EncapHeader = std::array<std::uint8_t, kEncapOverhead>;
EncapHeader encap_header(const Ethernet& eth, Ipv4 ip, std::uint16_t dport, std::uint32_t ssid, View client_frame);
Bytes encapsulate(const Ethernet& eth, const Ipv4& ip, std::uint16_t dport, std::uint32_t ssid, View client_frame);
Bytes joined(const EncapHeader& header, View client_frame);  // the two in one buffer
struct Encapsulated {
  Frame outer;
  std::uint32_t ssid = 0;
  std::size_t inner_offset = 0;  // the client's frame: kEncapOverhead when no IP options
};
Decoded<Encapsulated> decapsulate(View frame);

// controller <-> gateway, as UDP payloads
inline constexpr std::uint8_t kSnapshotRequest = 1;
struct Request {
  std::uint32_t ssid = 0;
};
struct Reply {
  std::uint32_t ssid = 0;       // the id the request asked for
  std::uint64_t entered = 0;    // when the gateway received it, on its clock
};
Bytes encode_request(const Request& r);
Decoded<Request> decode_request(View payload, std::size_t offset = 0);
Bytes encode_reply(const Reply& r);
Decoded<Reply> decode_reply(View payload, std::size_t offset = 0);

}  // namespace beaver

// ---- Pegasus ----

namespace pegasus {

inline constexpr std::uint16_t kP4Identifier = 0x5047;      // the P4 program
inline constexpr std::uint16_t kSwitchIdentifier = 0x1573;  // the artifact's software switch
inline constexpr std::size_t kHeaderSize = 20;

enum class Op : std::uint8_t { Get = 0, Put = 1, Del = 2, RepR = 3, RepW = 4, RcReq = 5, RcAck = 6, PutFwd = 7 };
inline constexpr std::uint8_t kOps = 8;

struct Header {
  std::uint16_t identifier = kP4Identifier;
  Op op = Op::Get;
  std::uint32_t keyhash = 0;
  std::uint8_t client_id = 0, server_id = 0;
  std::uint16_t load = 0;
  std::uint32_t ver = 0;
  std::uint32_t bitmap = 0;  // rset: one bit per server
  std::uint8_t request_id = 0;
};
struct Message {
  Header h;
  Bytes value;
};
Bytes encode(const Message& m);  // the UDP payload
void write_header(std::span<std::uint8_t, kHeaderSize> out, const Header& h);  // in place
// `identifier`: the one this deployment uses; another is refused. decode_header reads the
// 20 bytes only (no copy of the value: a switch's fast path).
Decoded<Message> decode(View payload, std::uint16_t identifier, std::size_t offset = 0);
Decoded<Header> decode_header(View payload, std::uint16_t identifier, std::size_t offset = 0);

}  // namespace pegasus

// ---- Capybara ----

namespace capybara {

inline constexpr std::uint32_t kMagic = 0xCAFEDEAD;
inline constexpr std::uint16_t kControlPort = 7300;
inline constexpr std::size_t kHeaderSize = 20;

// The stages of one migration, as messages between origin and target:
//   origin -> target  PREPARE           "may I move this connection to you?"
//   target -> origin  PREPARE_ACK       with LOAD: yes (the switch holds the flow for the
//                                       target); without LOAD: a refusal, nothing changes
//   origin -> target  CONNECTION_STATE  the serialized connection
//   target -> origin  STATE_ACK         restored; the target owns the connection
enum class Stage : std::uint8_t { Prepare = 1, PrepareAck = 2, ConnectionState = 3, StateAck = 4 };
inline constexpr std::uint8_t kLoad = 0x01;
const char* name(Stage s);

struct Header {
  Stage stage = Stage::Prepare;
  std::uint8_t flags = 0;          // kLoad
  std::uint32_t migration = 0;     // the origin's number for this migration
  std::uint32_t client_ip = 0;     // the connection, as the client sees it (host order)
  std::uint16_t client_port = 0, service_port = 0;
  bool load() const { return (flags & kLoad) != 0; }
};

// What Linux's TCP repair mode gives and takes (linux/tcp.h): the queues' first sequence
// numbers, the options negotiated at the handshake, the timestamp clock, the window
// state. send_queue holds every byte not yet acknowledged; its last `unsent` bytes were
// never sent. recv_queue holds what arrived in order and the application has not read.
struct TcpState {
  std::uint32_t send_seq = 0;  // sequence number of send_queue[0] (snd_una)
  std::uint32_t recv_seq = 0;  // sequence number of recv_queue[0] (rcv_nxt - its size)
  std::uint16_t mss = 0;
  std::uint8_t snd_wscale = 0, rcv_wscale = 0;
  std::uint8_t options = 0;  // TCPI_OPT_* of tcp_info: timestamps, sack, wscale
  std::uint32_t timestamp = 0;
  std::uint32_t snd_wl1 = 0, snd_wnd = 0, max_window = 0, rcv_wnd = 0, rcv_wup = 0;
  std::uint32_t unsent = 0;
  Bytes app;  // the application's state of this connection, opaque here
  Bytes send_queue, recv_queue;
  bool operator==(const TcpState&) const = default;
};

struct Message {
  Header h;
  TcpState state;  // ConnectionState only
};
Bytes encode(const Message& m);  // the UDP payload
Decoded<Message> decode(View payload, std::size_t offset = 0);
// The 20 bytes only (a switch or a capture reader that needs no state).
Decoded<Header> decode_header(View payload, std::size_t offset = 0);

}  // namespace capybara

}  // namespace weir::packet
