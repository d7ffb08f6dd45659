// Network namespaces held by child processes that die with the harness (netns.hpp).
#include "harness/live/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <iostream>
#include <sstream>
#include <thread>

namespace weir::live {

namespace {

// In a fresh child: die with the parent (checked again in case it already died).
void tie_to(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
}

bool enter(pid_t holder) {
  const std::string path = "/proc/" + std::to_string(holder) + "/ns/net";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = setns(fd, CLONE_NEWNET) == 0;
  close(fd);
  return ok;
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::vector<char*> c_argv(std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (std::string& a : argv) v.push_back(a.data());
  v.push_back(nullptr);
  return v;
}

// Forks a child that enters `holder`'s namespace, redirects its output, and runs `body`.
pid_t fork_into(pid_t holder, int out_fd, int err_fd, const std::function<int()>& body) {
  std::cout.flush();  // else the child would hold a copy of what the parent has not written yet
  std::cerr.flush();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  tie_to(parent);
  if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
  if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
  if (!enter(holder)) _exit(126);
  _exit(body());
}

}  // namespace

std::variant<Namespace, std::string> Namespace::make(const std::string& name) {
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid == 0) {
    tie_to(parent);
    close(sync[0]);
    const int err = unshare(CLONE_NEWNET) == 0 ? 0 : errno;
    (void)!write(sync[1], &err, sizeof err);
    close(sync[1]);
    if (err != 0) _exit(1);
    for (;;) pause();  // holds the namespace until killed
  }
  close(sync[1]);
  int err = -1;
  const bool got = read(sync[0], &err, sizeof err) == static_cast<ssize_t>(sizeof err);
  close(sync[0]);
  if (!got || err != 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    return "cannot make a network namespace (unshare CLONE_NEWNET): " + std::string(got ? std::strerror(err) : "the child died") +
           (err == EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : "");
  }
  Namespace ns(name, pid);
  if (auto [code, why] = ns.run({"ip", "link", "set", "lo", "up"}); code != 0) return "ip link set lo up: " + why;
  return ns;
}

Namespace::Namespace(Namespace&& o) noexcept : name_(std::move(o.name_)), holder_(std::exchange(o.holder_, -1)) {}
Namespace& Namespace::operator=(Namespace&& o) noexcept {
  std::swap(name_, o.name_);
  std::swap(holder_, o.holder_);
  return *this;
}
Namespace::~Namespace() {
  if (holder_ <= 0) return;
  kill(holder_, SIGKILL);
  int status = 0;
  waitpid(holder_, &status, 0);
}

std::pair<int, std::string> Namespace::run(const std::vector<std::string>& argv) const {
  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0) return {-1, "pipe failed"};
  std::vector<std::string> args = argv;
  const pid_t pid = fork_into(holder_, -1, err[1], [&]() -> int {
    execvp(args[0].c_str(), c_argv(args).data());
    std::fprintf(stderr, "cannot run %s: %s", args[0].c_str(), std::strerror(errno));
    return 127;
  });
  close(err[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return {exit_status(status), text};
}

int Namespace::call(const std::function<int()>& body) const {
  const pid_t pid = fork_into(holder_, -1, -1, body);
  int status = 0;
  waitpid(pid, &status, 0);
  return exit_status(status);
}

pid_t Namespace::start(const std::vector<std::string>& argv, const std::string& out, const std::string& err) const {
  const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::vector<std::string> args = argv;
  const pid_t pid = fork_into(holder_, o, e, [&]() -> int {
    execvp(args[0].c_str(), c_argv(args).data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0].c_str(), std::strerror(errno));
    return 127;
  });
  close(o);
  close(e);
  return pid;
}

pid_t Namespace::spawn(const std::function<int()>& body) const { return fork_into(holder_, -1, -1, body); }

std::map<std::string, long long> Namespace::snmp() const {
  int p[2];
  std::map<std::string, long long> out;
  if (pipe2(p, O_CLOEXEC) != 0) return out;
  // Plain system calls in the child: the parent's stdio buffers were copied by fork.
  const pid_t pid = fork_into(holder_, p[1], -1, []() -> int {
    for (const char* file : {"/proc/self/net/snmp", "/proc/self/net/netstat"}) {
      const int fd = open(file, O_RDONLY);
      if (fd < 0) return 1;
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        if (write(STDOUT_FILENO, buf, static_cast<std::size_t>(n)) != n) return 1;
      close(fd);
    }
    return 0;
  });
  close(p[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(p[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  // Pairs of lines: "Ip: Forwarding DefaultTTL ..." then "Ip: 1 64 ..." (netstat's too:
  // "IpExt: ... InCsumErrors ...").
  std::istringstream lines(text);
  std::string names, values;
  while (std::getline(lines, names) && std::getline(lines, values)) {
    std::istringstream n(names), v(values);
    std::string group, name, value;
    n >> group;
    v >> value;
    group.pop_back();  // the colon
    while (n >> name && v >> value) out[group + "." + name] = std::atoll(value.c_str());
  }
  return out;
}

std::optional<std::string> Namespace::enter_thread() const {
  if (enter(holder_)) return std::nullopt;
  return "cannot enter network namespace " + name_ + ": " + std::strerror(errno);
}

std::optional<std::string> veth(const Namespace& a, const VethEnd& x, const Namespace& b, const VethEnd& y) {
  const std::vector<std::vector<std::string>> in_a = {
      {"ip", "link", "add", x.device, "address", x.mac, "type", "veth", "peer", "name", y.device, "address", y.mac, "netns",
       std::to_string(b.holder())},
      {"ip", "addr", "add", x.cidr, "dev", x.device},
      {"ip", "link", "set", x.device, "up"}};
  for (const auto& cmd : in_a)
    if (auto [code, why] = a.run(cmd); code != 0) return a.name() + ": " + cmd[0] + " " + cmd[1] + " " + cmd[2] + ": " + why;
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"ip", "addr", "add", y.cidr, "dev", y.device},
                                                                {"ip", "link", "set", y.device, "up"}})
    if (auto [code, why] = b.run(cmd); code != 0) return b.name() + ": " + cmd[0] + " " + cmd[1] + " " + cmd[2] + ": " + why;
  return std::nullopt;
}

int stop(pid_t pid, std::chrono::milliseconds grace) {
  kill(pid, SIGTERM);
  if (auto s = wait_for(pid, grace)) return *s;
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return exit_status(status);
}

std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return exit_status(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace weir::live
