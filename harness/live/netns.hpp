// harness/live: network namespaces that cannot outlive the harness. Each namespace is
// anonymous, held by a child process that does nothing but wait; every child (holders,
// the programs started in them, the workers) is tied to the harness with
// PR_SET_PDEATHSIG, so when the harness ends, however it ends (Ctrl-C, a crash, kill -9),
// the children die, the namespaces lose their last user, and the kernel removes them with
// their veths and the eBPF programs attached to those. Nothing is made in the root
// namespace. Loopback and veths only; no traffic leaves the namespaces.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace weir::live {

class Namespace {
 public:
  // A new network namespace with its loopback up; why not (no CAP_SYS_ADMIN, ...), or it.
  static std::variant<Namespace, std::string> make(const std::string& name);
  Namespace(Namespace&&) noexcept;
  Namespace& operator=(Namespace&&) noexcept;
  ~Namespace();  // kills the holder: the namespace goes with it

  const std::string& name() const { return name_; }
  pid_t holder() const { return holder_; }

  // Runs `argv` (e.g. {"ip", "addr", ...}) in the namespace and waits: its exit status
  // and what it wrote to stderr.
  std::pair<int, std::string> run(const std::vector<std::string>& argv) const;
  // Runs `body` in a child process inside the namespace and waits for its exit status
  // (the body's return value).
  int call(const std::function<int()>& body) const;
  // Starts `argv` in the namespace, stdout and stderr to files; it dies with the harness.
  pid_t start(const std::vector<std::string>& argv, const std::string& out, const std::string& err) const;
  // Starts `body` in a child inside the namespace, as start() does.
  pid_t spawn(const std::function<int()>& body) const;
  // Moves the calling thread (only it) into the namespace: its sockets, eBPF attachments
  // and /proc/sys/net writes are the namespace's from then on. Why not, or nothing.
  std::optional<std::string> enter_thread() const;
  // The kernel's counters of the namespace (/proc/net/snmp and /proc/net/netstat), as
  // "Ip.InHdrErrors" or "IpExt.InCsumErrors".
  std::map<std::string, long long> snmp() const;

 private:
  Namespace(std::string name, pid_t holder) : name_(std::move(name)), holder_(holder) {}
  std::string name_;
  pid_t holder_ = -1;
};

// A veth pair between two namespaces, made inside the first (never in the root
// namespace); addresses in CIDR form and fixed MACs. Why not, or nothing.
struct VethEnd {
  std::string device, mac, cidr;
};
std::optional<std::string> veth(const Namespace& a, const VethEnd& a_end, const Namespace& b, const VethEnd& b_end);

// Ends a started process: SIGTERM, then SIGKILL after `grace`; its exit status.
int stop(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
// Waits for a started process to end by itself within `limit`; its exit status, or
// nothing (then it still runs).
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit);

}  // namespace weir::live
