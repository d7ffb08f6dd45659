// The migration agent: Capybara's stages between origin and target (capybara.hpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <thread>

#include "impl/capybara/capybara.hpp"

namespace weir::capybara {

namespace cp = packet::capybara;

namespace {

constexpr std::size_t kMaxDatagram = 65507;  // IPv4: 65535 - 20 - 8

std::uint64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(t.tv_nsec);
}

cp::Header header(cp::Stage stage, std::uint32_t migration, Flow f, std::uint16_t service_port) {
  cp::Header h;
  h.stage = stage;
  h.migration = migration;
  h.client_ip = f.client_ip;
  h.client_port = f.client_port;
  h.service_port = service_port;
  return h;
}

}  // namespace

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all{
      {Mutant::ResteerBeforeRestore, "resteer-before-restore",
       "the switch sends the flow to the target on PREPARE_ACK with LOAD, before the target's socket exists"},
      {Mutant::NoFreeze, "no-freeze", "the origin serializes while the client's segments still reach it"},
      {Mutant::NoReverseRewrite, "no-reverse-rewrite", "the switch passes the target's packets with the target's address"},
      {Mutant::OriginKeepsServing, "origin-keeps-serving", "the origin keeps its socket and serves after serializing"},
      {Mutant::DropReceiveQueue, "drop-receive-queue", "the origin serializes without its receive queue"},
  };
  return all;
}

std::optional<Mutant> parse_mutant(std::string_view name) {
  if (name == "none") return Mutant::None;
  for (const MutantInfo& m : mutants())
    if (name == m.name) return m.mutant;
  return std::nullopt;
}

const char* name(Mutant m) {
  for (const MutantInfo& i : mutants())
    if (i.mutant == m) return i.name;
  return "none";
}

Agent::Agent(const AgentConfig& c, Directory& directory, int control) : c_(c), directory_(directory), control_(control) {}

bool Agent::send_to(std::uint32_t ip, const cp::Message& m) { return send_to(ip, cp::encode(m)); }

bool Agent::send_to(std::uint32_t ip, const Bytes& b) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(ip);
  to.sin_port = htons(cp::kControlPort);
  return sendto(control_, b.data(), b.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
         static_cast<ssize_t>(b.size());
}

// The answer of `from` at `stage` for `migration`; anything else that arrives meanwhile
// is not for this migration and is dropped (one migration at a time per origin).
std::optional<cp::Message> Agent::await(std::uint32_t from, cp::Stage stage, std::uint32_t migration, std::string& why) {
  const std::uint64_t deadline = now_ns() + static_cast<std::uint64_t>(c_.timeout.count()) * 1000000ull;
  std::vector<std::uint8_t> buf(70000);
  for (;;) {
    const std::uint64_t now = now_ns();
    if (now >= deadline) {
      why = std::string("no ") + cp::name(stage) + " within " + std::to_string(c_.timeout.count()) + " ms";
      return std::nullopt;
    }
    pollfd p{control_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>((deadline - now) / 1000000 + 1)) <= 0) continue;
    sockaddr_in src{};
    socklen_t n = sizeof src;
    const ssize_t got = recvfrom(control_, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&src), &n);
    if (got <= 0 || ntohl(src.sin_addr.s_addr) != from) continue;
    auto m = cp::decode(packet::View(buf.data(), static_cast<std::size_t>(got)));
    if (auto* msg = std::get_if<cp::Message>(&m); msg && msg->h.stage == stage && msg->h.migration == migration) return *msg;
  }
}

Outcome Agent::migrate(int fd, Flow flow, const std::function<Bytes(int fd)>& app, std::uint32_t target) {
  Outcome o;
  o.migration = (c_.self & 0xffff) << 16 | (next_migration_++ & 0xffff);  // unique across origins
  auto fail = [&](std::string why) {
    o.result = Outcome::Result::Failed;
    o.error = std::move(why);
    return o;
  };
  o.prepared_ns = now_ns();
  if (!send_to(target, {header(cp::Stage::Prepare, o.migration, flow, c_.service_port), {}})) return fail("sending PREPARE");
  std::string why;
  auto ack = await(target, cp::Stage::PrepareAck, o.migration, why);
  if (!ack) return fail(why);
  if (!ack->h.load()) {
    o.result = Outcome::Result::Refused;
    return o;
  }
  // The LOAD flag: from here the switch holds the client's packets of this flow (drops
  // them; the client retransmits), so nothing reaches a socket being serialized. The
  // drain lets the segments the switch passed just before arrive and be counted.
  if (c_.mutant == Mutant::ResteerBeforeRestore) {
    // As Capybara's switch acts on LOAD: the flow goes to the target now, where no socket
    // holds it yet (Linux cannot buffer for one that does not exist).
    if (auto e = directory_.set(flow, target, true, false)) return fail("steering the flow: " + *e);
    o.frozen_ns = now_ns();
    std::this_thread::sleep_for(c_.drain);
  } else if (c_.mutant != Mutant::NoFreeze) {
    if (auto e = directory_.set(flow, c_.self, true, true)) return fail("freezing the flow: " + *e);
    o.frozen_ns = now_ns();
    std::this_thread::sleep_for(c_.drain);
  } else {
    o.frozen_ns = now_ns();
  }
  Bytes app_state = app(fd);
  auto state = read_state(fd);
  if (auto* e = std::get_if<std::string>(&state)) return fail("reading the connection: " + *e);
  cp::Message m{header(cp::Stage::ConnectionState, o.migration, flow, c_.service_port), std::get<TcpState>(std::move(state))};
  if (c_.mutant == Mutant::DropReceiveQueue) {
    // As if the bytes the kernel acknowledged but the application had not read were read.
    m.state.recv_seq += static_cast<std::uint32_t>(m.state.recv_queue.size());
    m.state.recv_queue.clear();
  }
  m.state.app = std::move(app_state);
  o.send_queue = m.state.send_queue.size();
  o.unsent = m.state.unsent;
  o.recv_queue = m.state.recv_queue.size();
  auto leave_repair = [fd] {
    int off = TCP_REPAIR_OFF;
    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &off, sizeof off);
  };
  const Bytes wire = cp::encode(m);
  if (wire.size() > kMaxDatagram) {
    // Too big for one datagram: give the connection back, untouched, to this server.
    leave_repair();
    directory_.set(flow, c_.self, true, false);
    return fail("the state (" + std::to_string(wire.size()) + " bytes: send queue " +
                std::to_string(m.state.send_queue.size()) + ", receive queue " + std::to_string(m.state.recv_queue.size()) +
                ") does not fit one datagram");
  }
  if (c_.mutant == Mutant::OriginKeepsServing) {
    // Leaves repair mode and keeps the socket: the origin's application carries on.
    leave_repair();
    o.kept = true;
  } else {
    close(fd);  // in repair mode: no FIN, no RST; the client never hears of it
  }
  o.state_sent_ns = now_ns();
  if (!send_to(target, wire)) return fail("sending CONNECTION_STATE");
  if (!await(target, cp::Stage::StateAck, o.migration, why)) return fail(why);
  o.acked_ns = now_ns();
  o.result = Outcome::Result::Moved;
  return o;
}

std::optional<Arrival> Agent::on_message(packet::View payload, std::uint32_t from) {
  error_.clear();
  auto decoded = cp::decode(payload);
  if (auto* e = std::get_if<packet::DecodeError>(&decoded)) {
    error_ = "a control message from " + std::to_string(from) + ": " + e->message();
    return std::nullopt;
  }
  const cp::Message& m = std::get<cp::Message>(decoded);
  const Flow flow{m.h.client_ip, m.h.client_port};
  if (m.h.stage == cp::Stage::Prepare) {
    cp::Message ack{header(cp::Stage::PrepareAck, m.h.migration, flow, m.h.service_port), {}};
    ++prepares_;
    if (c_.refuse_every == 0 || prepares_ % c_.refuse_every != 0) ack.h.flags = cp::kLoad;
    if (!send_to(from, ack)) error_ = "sending PREPARE_ACK";
    return std::nullopt;
  }
  if (m.h.stage != cp::Stage::ConnectionState) return std::nullopt;  // answers are for the origin's await()
  auto restored = restore(m.state, {c_.self, m.h.service_port}, {flow.client_ip, flow.client_port}, c_.socket_buffer);
  if (auto* e = std::get_if<std::string>(&restored)) {
    error_ = "restoring migration " + std::to_string(m.h.migration) + ": " + *e;
    return std::nullopt;
  }
  const int fd = std::get<int>(restored);
  // The switch points at the target, with the reverse rewrite, while the socket is still
  // in repair mode: its first packet (the window probe) already finds the way back.
  const bool rewrite = c_.mutant != Mutant::NoReverseRewrite;
  if (auto e = directory_.set(flow, c_.self, rewrite, true)) error_ = "steering: " + *e;
  if (auto e = resume(fd, m.state)) {
    error_ = "resuming migration " + std::to_string(m.h.migration) + ": " + *e;
    close(fd);
    return std::nullopt;
  }
  if (auto e = directory_.set(flow, c_.self, rewrite, false)) error_ = "unfreezing: " + *e;
  send_to(from, {header(cp::Stage::StateAck, m.h.migration, flow, m.h.service_port), {}});
  return Arrival{fd, flow, m.state.app, m.h.migration};
}

}  // namespace weir::capybara
