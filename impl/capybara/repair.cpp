// TCP repair mode (linux/tcp.h, since 3.5; the window since 4.8): read an established
// connection's state, and make it again elsewhere without a handshake.
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "impl/capybara/capybara.hpp"

namespace weir::capybara {

namespace {

std::string failed(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool set_int(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof value) == 0;
}

bool get_int(int fd, int option, int& value) {
  socklen_t n = sizeof value;
  return getsockopt(fd, IPPROTO_TCP, option, &value, &n) == 0;
}

// Peeks `n` bytes of the queue selected with TCP_REPAIR_QUEUE.
bool peek_queue(int fd, int queue, std::size_t n, Bytes& out, std::uint32_t& seq) {
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue)) return false;
  int s = 0;
  if (!get_int(fd, TCP_QUEUE_SEQ, s)) return false;
  seq = static_cast<std::uint32_t>(s);
  out.resize(n);
  if (n == 0) return true;
  const ssize_t got = recv(fd, out.data(), n, MSG_PEEK | MSG_DONTWAIT);
  if (got < 0) return false;
  if (static_cast<std::size_t>(got) != n) {
    errno = EIO;  // the queue holds fewer bytes than the kernel counted
    return false;
  }
  return true;
}

// Writes `data` into the queue selected with TCP_REPAIR_QUEUE; the kernel takes it in
// pieces no larger than the socket's buffer allows.
bool fill_queue(int fd, int queue, const std::uint8_t* data, std::size_t n) {
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue)) return false;
  while (n > 0) {
    const ssize_t put = send(fd, data, n, 0);
    if (put <= 0) {
      if (put == 0) errno = EIO;
      return false;
    }
    data += put;
    n -= static_cast<std::size_t>(put);
  }
  return true;
}

sockaddr_in address(Endpoint e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(e.ip);
  a.sin_port = htons(e.port);
  return a;
}

}  // namespace

std::variant<TcpState, std::string> read_state(int fd) {
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_ON)) return failed("TCP_REPAIR on");
  tcp_info info{};
  socklen_t n = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &n) != 0) return failed("TCP_INFO");
  if (info.tcpi_state != TCP_ESTABLISHED)
    return "the connection is not established (TCP state " + std::to_string(info.tcpi_state) + ")";
  TcpState s;
  s.options = info.tcpi_options;
  s.snd_wscale = info.tcpi_snd_wscale;
  s.rcv_wscale = info.tcpi_rcv_wscale;
  int v = 0;
  if (!get_int(fd, TCP_MAXSEG, v)) return failed("TCP_MAXSEG");
  s.mss = static_cast<std::uint16_t>(v);
  if (!get_int(fd, TCP_TIMESTAMP, v)) return failed("TCP_TIMESTAMP");
  s.timestamp = static_cast<std::uint32_t>(v);
  tcp_repair_window w{};
  n = sizeof w;
  if (getsockopt(fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, &n) != 0) return failed("TCP_REPAIR_WINDOW");
  s.snd_wl1 = w.snd_wl1, s.snd_wnd = w.snd_wnd, s.max_window = w.max_window, s.rcv_wnd = w.rcv_wnd,
  s.rcv_wup = w.rcv_wup;
  int outq = 0, unsent = 0, inq = 0;
  if (ioctl(fd, SIOCOUTQ, &outq) != 0 || ioctl(fd, SIOCOUTQNSD, &unsent) != 0 || ioctl(fd, SIOCINQ, &inq) != 0)
    return failed("queue lengths (SIOCOUTQ, SIOCOUTQNSD, SIOCINQ)");
  s.unsent = static_cast<std::uint32_t>(unsent);
  // TCP_QUEUE_SEQ gives each queue's end (write_seq, rcv_nxt); the state keeps its start.
  std::uint32_t send_end = 0, recv_end = 0;
  if (!peek_queue(fd, TCP_SEND_QUEUE, static_cast<std::size_t>(outq), s.send_queue, send_end))
    return failed("the send queue");
  if (!peek_queue(fd, TCP_RECV_QUEUE, static_cast<std::size_t>(inq), s.recv_queue, recv_end))
    return failed("the receive queue");
  set_int(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
  s.send_seq = send_end - static_cast<std::uint32_t>(outq);
  s.recv_seq = recv_end - static_cast<std::uint32_t>(inq);
  return s;
}

std::optional<std::string> repair_unavailable() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return failed("socket");
  const bool ok = set_int(fd, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_ON);
  const int err = errno;
  close(fd);
  if (ok) return std::nullopt;
  errno = err;
  return failed("TCP_REPAIR (needs CAP_NET_ADMIN)");
}

std::variant<int, std::string> restore(const TcpState& s, Endpoint local, Endpoint remote, int buffer) {
  // Non-blocking: a queue the kernel will not take is an error here, never a hang.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return failed("socket");
  auto fail = [fd](const char* what) {
    std::string why = failed(what);
    close(fd);
    return why;
  };
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_ON)) return fail("TCP_REPAIR on");
  // Room for the queues being restored, at least.
  if (buffer > 0 && (!set_int(fd, SOL_SOCKET, SO_SNDBUF, std::max(buffer, static_cast<int>(s.send_queue.size()))) ||
                     !set_int(fd, SOL_SOCKET, SO_RCVBUF, std::max(buffer, static_cast<int>(s.recv_queue.size())))))
    return fail("SO_SNDBUF, SO_RCVBUF");
  // The queues' sequence numbers before connect(): the connection starts where the
  // origin's stood, and the bytes written below advance them as they did there.
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE) ||
      !set_int(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, static_cast<int>(s.send_seq)))
    return fail("the send queue's sequence");
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE) ||
      !set_int(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, static_cast<int>(s.recv_seq)))
    return fail("the receive queue's sequence");
  // Repair mode lets bind() share the port with the service's listener (the kernel's
  // SK_FORCE_REUSE); SO_REUSEADDR here would take that away again.
  const sockaddr_in l = address(local), r = address(remote);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&l), sizeof l) != 0) return fail("bind");
  if (connect(fd, reinterpret_cast<const sockaddr*>(&r), sizeof r) != 0) return fail("connect (repair, no SYN)");
  std::vector<tcp_repair_opt> opts{{TCPOPT_MAXSEG, s.mss}};
  if (s.options & TCPI_OPT_WSCALE)
    opts.push_back({TCPOPT_WINDOW, static_cast<std::uint32_t>(s.snd_wscale) | static_cast<std::uint32_t>(s.rcv_wscale) << 16});
  if (s.options & TCPI_OPT_TIMESTAMPS) opts.push_back({TCPOPT_TIMESTAMP, 0});
  if (s.options & TCPI_OPT_SACK) opts.push_back({TCPOPT_SACK_PERMITTED, 0});
  if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_OPTIONS, opts.data(),
                 static_cast<socklen_t>(opts.size() * sizeof(tcp_repair_opt))) != 0)
    return fail("TCP_REPAIR_OPTIONS");
  if ((s.options & TCPI_OPT_TIMESTAMPS) && !set_int(fd, IPPROTO_TCP, TCP_TIMESTAMP, static_cast<int>(s.timestamp)))
    return fail("TCP_TIMESTAMP");
  if (!fill_queue(fd, TCP_RECV_QUEUE, s.recv_queue.data(), s.recv_queue.size())) return fail("the receive queue");
  // The sent part goes in as sent (the kernel retransmits it if the client lacks it); the
  // never-sent rest waits for resume(), out of repair mode, to be sent as new data.
  if (!fill_queue(fd, TCP_SEND_QUEUE, s.send_queue.data(), s.send_queue.size() - s.unsent))
    return fail("the send queue");
  set_int(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
  tcp_repair_window w{s.snd_wl1, s.snd_wnd, s.max_window, s.rcv_wnd, s.rcv_wup};
  if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, sizeof w) != 0) return fail("TCP_REPAIR_WINDOW");
  return fd;
}

std::optional<std::string> resume(int fd, const TcpState& s) {
  if (!set_int(fd, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF)) return failed("TCP_REPAIR off");
  const std::uint8_t* rest = s.send_queue.data() + (s.send_queue.size() - s.unsent);
  std::size_t n = s.unsent;
  // Bounded: a peer that is gone, or never opens its window, must not hold the agent.
  int waited_ms = 0;
  while (n > 0) {
    const ssize_t put = send(fd, rest, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waited_ms < 1000) {
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, 10);
      waited_ms += 10;
      continue;
    }
    if (put <= 0) return failed("sending the never-sent bytes");
    rest += put;
    n -= static_cast<std::size_t>(put);
  }
  return std::nullopt;
}

}  // namespace weir::capybara
