// The Capybara runs' workload: checked streams both ways, servers with their agents
// (detail/capybara_app.hpp).
#include "harness/live/detail/capybara_app.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "trace/capybara.hpp"

namespace weir::live::detail {

namespace cp = packet::capybara;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kChunk = 16384;
constexpr int kServerBuffer = 12288;  // doubled by the kernel
// A server keeps at most this much unacknowledged in its socket: the kernel lets a send
// queue grow past SO_SNDBUF by a whole 64 KiB segment, and the state must fit one
// CONNECTION_STATE datagram with the receive queue beside it.
constexpr std::size_t kQueueCap = 32768;
// What a server writes in the moment between the freeze and the agent taking its socket.
constexpr std::size_t kBurst = 16384;

std::string flow_name(const capybara::Flow& f) { return trace::capybara::endpoint(f.client_ip, f.client_port); }

void nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Bytes a paced sender may have sent by now.
std::size_t allowed(const StreamPlan& plan, std::size_t base, Clock::time_point since) {
  const double s = std::chrono::duration<double>(Clock::now() - since).count();
  const double n = static_cast<double>(base) + plan.rate * s;
  return n >= static_cast<double>(plan.bytes) ? plan.bytes : static_cast<std::size_t>(n);
}

// Sends the stream's bytes up to `limit`, keeping at most `queue_cap` bytes unacknowledged
// in the socket (0: as many as the kernel takes); false on an error (errno set).
bool pump(int fd, std::uint16_t port, bool up, std::size_t& sent, std::size_t limit, std::size_t queue_cap = 0) {
  std::uint8_t buf[kChunk];
  while (sent < limit) {
    std::size_t n = std::min(kChunk, limit - sent);
    if (queue_cap > 0) {
      int queued = 0;
      if (ioctl(fd, SIOCOUTQ, &queued) != 0) return false;
      if (static_cast<std::size_t>(queued) >= queue_cap) return true;
      n = std::min(n, queue_cap - static_cast<std::size_t>(queued));
    }
    fill_stream(port, up, sent, buf, n);
    const ssize_t put = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (put < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    sent += static_cast<std::size_t>(put);
  }
  return true;
}

}  // namespace

std::uint8_t stream_byte(std::uint16_t port, bool up, std::uint64_t offset) {
  std::uint64_t x = (offset >> 3) * 0x9E3779B97F4A7C15ull ^ (static_cast<std::uint64_t>(port) << 1 | (up ? 1 : 0)) << 40;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return static_cast<std::uint8_t>(x >> ((offset & 7) * 8));
}

std::size_t check_stream(std::uint16_t port, bool up, std::uint64_t offset, const std::uint8_t* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (data[i] != stream_byte(port, up, offset + i)) return i;
  return n;
}

void fill_stream(std::uint16_t port, bool up, std::uint64_t offset, std::uint8_t* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) data[i] = stream_byte(port, up, offset + i);
}

void Findings::violate(std::string invariant, std::string what) {
  std::lock_guard l(m);
  for (const auto& [i, w] : violations)
    if (i == invariant && w == what) return;
  violations.emplace_back(std::move(invariant), std::move(what));
}

void Findings::note(std::string line) {
  std::lock_guard l(m);
  log.push_back(std::move(line));
}

packet::Bytes encode_app(std::uint64_t read, std::uint64_t written) {
  packet::Bytes b(16);
  for (int i = 0; i < 8; ++i) {
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(read >> (56 - 8 * i));
    b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(written >> (56 - 8 * i));
  }
  return b;
}

bool decode_app(const packet::Bytes& b, std::uint64_t& read, std::uint64_t& written) {
  if (b.size() != 16) return false;
  read = written = 0;
  for (int i = 0; i < 8; ++i) {
    read = read << 8 | b[static_cast<std::size_t>(i)];
    written = written << 8 | b[static_cast<std::size_t>(8 + i)];
  }
  return true;
}

// ---- clients ----

void Clients::run(std::uint32_t service, std::uint16_t port, Clock::time_point deadline) {
  struct Conn {
    int fd = -1;
    ClientResult r;
    bool shut = false, ended = false;
  };
  std::vector<Conn> conns(n_);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(service);
  to.sin_port = htons(port);
  for (Conn& c : conns) {
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(c.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      findings_.violate("completes", std::string("a client could not connect to the service: ") + std::strerror(errno));
      c.ended = true;
      continue;
    }
    sockaddr_in me{};
    socklen_t n = sizeof me;
    getsockname(c.fd, reinterpret_cast<sockaddr*>(&me), &n);
    c.r.flow = {ntohl(me.sin_addr.s_addr), ntohs(me.sin_port)};
    nonblocking(c.fd);
    // No Nagle: a paced client's small writes go out as they are made, not held until the
    // service acknowledges (a service in the middle of moving acknowledges nothing).
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    {
      std::lock_guard l(m_);
      flows_.push_back(c.r.flow);
    }
    ++connected;
  }
  const Clock::time_point start = Clock::now();
  std::vector<std::uint8_t> buf(65536);
  for (;;) {
    std::vector<pollfd> fds;
    for (Conn& c : conns)
      if (!c.ended) fds.push_back({c.fd, POLLIN, 0});
    if (fds.empty() || Clock::now() >= deadline) break;
    // Paced in steps of 0.1 ms: a client with data to send keeps segments coming while a
    // connection moves, as a busy one would (a millisecond's silence could hide a race).
    const timespec step{0, 100000};
    ppoll(fds.data(), fds.size(), &step, nullptr);
    for (Conn& c : conns) {
      if (c.ended) continue;
      const std::string name = flow_name(c.r.flow);
      auto lost = [&](const char* how) {
        const int err = errno;
        if (err == ECONNRESET || err == EPIPE)
          findings_.violate("no-reset", "the client's connection " + name + " was reset (" + how + ": " + std::strerror(err) + ")");
        else
          findings_.violate("completes", "the client's connection " + name + " failed (" + how + ": " + std::strerror(err) + ")");
        c.ended = true;
      };
      if (!pump(c.fd, c.r.flow.client_port, true, c.r.sent, allowed(plan_, 0, start))) {
        lost("send");
        continue;
      }
      for (;;) {
        const ssize_t got = recv(c.fd, buf.data(), buf.size(), MSG_DONTWAIT);
        if (got < 0) {
          if (errno != EAGAIN && errno != EWOULDBLOCK) lost("receive");
          break;
        }
        if (got == 0) {
          // The service closes once it has read the whole stream and we shut ours.
          if (c.r.received < plan_.bytes)
            findings_.violate("exactly-once", "the service closed " + name + " after " + std::to_string(c.r.received) + " of " +
                                                  std::to_string(plan_.bytes) + " bytes");
          else
            c.r.finished = c.shut;
          c.ended = true;
          break;
        }
        const std::size_t ok = check_stream(c.r.flow.client_port, false, c.r.received, buf.data(), static_cast<std::size_t>(got));
        if (ok != static_cast<std::size_t>(got)) {
          findings_.violate("exactly-once", "the client of " + name + " read byte " + std::to_string(c.r.received + ok) +
                                                " of the service's stream wrong: bytes lost, repeated or out of order");
          c.ended = true;
          break;
        }
        c.r.received += static_cast<std::size_t>(got);
        if (c.r.received > plan_.bytes) {
          findings_.violate("exactly-once", "the client of " + name + " read more than the " + std::to_string(plan_.bytes) + " bytes sent");
          c.ended = true;
          break;
        }
      }
      if (!c.ended && !c.shut && c.r.sent == plan_.bytes && c.r.received == plan_.bytes) {
        shutdown(c.fd, SHUT_WR);
        c.shut = true;
      }
    }
  }
  for (Conn& c : conns) {
    if (!c.ended && c.fd >= 0)
      findings_.violate("completes", "the connection " + flow_name(c.r.flow) + " stalled: the client sent " + std::to_string(c.r.sent) +
                                         " and read " + std::to_string(c.r.received) + " of " + std::to_string(plan_.bytes) +
                                         " bytes by the deadline");
    if (c.fd >= 0) close(c.fd);
    results.push_back(c.r);
  }
}

std::vector<capybara::Flow> Clients::flows() {
  std::lock_guard l(m_);
  return flows_;
}

// ---- servers ----

struct Server::Conn {
  int fd = -1;
  capybara::Flow flow;
  std::size_t read = 0, written = 0;
  std::size_t base = 0;  // pacing: written at `since`
  Clock::time_point since;
  bool done = false;
};

std::future<capybara::Outcome> Server::migrate(capybara::Flow flow, std::uint32_t target) {
  std::lock_guard l(m_);
  commands_.push_back({flow, target, {}});
  return commands_.back().done.get_future();
}

std::vector<std::pair<capybara::Flow, std::size_t>> Server::completed() {
  std::lock_guard l(m_);
  return completed_;
}

void Server::run() {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // Accepted sockets inherit the buffers: their queues stay small enough to move.
  setsockopt(listener, SOL_SOCKET, SO_SNDBUF, &kServerBuffer, sizeof kServerBuffer);
  setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &kServerBuffer, sizeof kServerBuffer);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(agent_config_.service_port);
  const int control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in self{};
  self.sin_family = AF_INET;
  self.sin_addr.s_addr = htonl(agent_config_.self);
  self.sin_port = htons(cp::kControlPort);
  const int big = 1 << 20;
  setsockopt(control, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  if (bind(listener, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0 || listen(listener, 64) != 0 ||
      bind(control, reinterpret_cast<const sockaddr*>(&self), sizeof self) != 0) {
    findings_.violate("setup", name_ + ": cannot listen: " + std::strerror(errno));
    return;
  }
  capybara::AgentConfig config = agent_config_;
  config.socket_buffer = kServerBuffer;
  capybara::Agent agent(config, directory_, control);
  std::vector<Conn> conns;
  std::vector<std::uint8_t> buf(70000);
  ready = true;
  while (!stopping_) {
    std::vector<pollfd> fds{{listener, POLLIN, 0}, {control, POLLIN, 0}};
    for (const Conn& c : conns) fds.push_back({c.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 1);
    for (;;) {
      sockaddr_in peer{};
      socklen_t n = sizeof peer;
      const int fd = accept4(listener, reinterpret_cast<sockaddr*>(&peer), &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) break;
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kServerBuffer, sizeof kServerBuffer);
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kServerBuffer, sizeof kServerBuffer);
      Conn c;
      c.fd = fd;
      c.flow = {ntohl(peer.sin_addr.s_addr), ntohs(peer.sin_port)};
      c.since = Clock::now();
      conns.push_back(c);
    }
    for (;;) {
      sockaddr_in from{};
      socklen_t n = sizeof from;
      const ssize_t got = recvfrom(control, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &n);
      if (got <= 0) break;
      auto arrival = agent.on_message(packet::View(buf.data(), static_cast<std::size_t>(got)), ntohl(from.sin_addr.s_addr));
      if (!agent.last_error().empty()) findings_.note(name_ + ": " + agent.last_error());
      if (!arrival) continue;
      Conn c;
      c.fd = arrival->fd;
      c.flow = arrival->flow;
      std::uint64_t r = 0, w = 0;
      if (!decode_app(arrival->app, r, w)) findings_.note(name_ + ": a connection arrived without its application state");
      c.read = r;
      c.written = c.base = w;
      c.since = Clock::now();
      nonblocking(c.fd);
      conns.push_back(c);
    }
    for (Conn& c : conns) {
      if (c.done) continue;
      const std::string name = flow_name(c.flow);
      for (;;) {
        const ssize_t got = recv(c.fd, buf.data(), buf.size(), MSG_DONTWAIT);
        if (got < 0) {
          if (errno != EAGAIN && errno != EWOULDBLOCK) {
            findings_.note(name_ + ": " + name + ": " + std::strerror(errno));
            c.done = true;
          }
          break;
        }
        if (got == 0) {  // the client is done: so are we
          {
            std::lock_guard l(m_);
            completed_.emplace_back(c.flow, c.read);
          }
          c.done = true;
          break;
        }
        const std::size_t ok = check_stream(c.flow.client_port, true, c.read, buf.data(), static_cast<std::size_t>(got));
        if (ok != static_cast<std::size_t>(got)) {
          findings_.violate("exactly-once", name_ + " read byte " + std::to_string(c.read + ok) + " of " + name +
                                                "'s stream wrong: bytes lost, repeated or out of order");
          c.done = true;
          break;
        }
        c.read += static_cast<std::size_t>(got);
      }
      if (!c.done && !pump(c.fd, c.flow.client_port, false, c.written, allowed(plan_, c.base, c.since), kQueueCap)) {
        findings_.note(name_ + ": " + name + ": send: " + std::strerror(errno));
        c.done = true;
      }
    }
    for (auto it = conns.begin(); it != conns.end();)
      if (it->done) {
        close(it->fd);
        it = conns.erase(it);
      } else {
        ++it;
      }
    std::deque<Command> now;
    {
      std::lock_guard l(m_);
      now.swap(commands_);
    }
    for (Command& cmd : now) {
      auto it = std::find_if(conns.begin(), conns.end(), [&](const Conn& c) { return c.flow == cmd.flow; });
      if (it == conns.end()) {
        capybara::Outcome o;
        o.error = name_ + " does not hold " + flow_name(cmd.flow);
        cmd.done.set_value(o);
        continue;
      }
      // Until the agent takes the socket the application writes what it can: with the
      // client's acknowledgements held at the switch, the state then carries bytes sent and
      // not acknowledged, and bytes never sent.
      Conn& busy = *it;
      capybara::Outcome o = agent.migrate(
          busy.fd, busy.flow,
          [&](int fd) {
            pump(fd, busy.flow.client_port, false, busy.written, std::min(plan_.bytes, busy.written + kBurst), kQueueCap);
            return encode_app(busy.read, busy.written);
          },
          cmd.target);
      // The agent closed the socket once it had the state (in repair mode): it is gone
      // from here whether or not the target took it.
      if (!o.kept && o.state_sent_ns != 0) conns.erase(it);
      cmd.done.set_value(o);
    }
  }
  for (Conn& c : conns) close(c.fd);
  close(listener);
  close(control);
}

}  // namespace weir::live::detail
