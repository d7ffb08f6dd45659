// `weir replay --impl beaver --backend xdp`: Beaver end to end through the kernel (DPDK
// gateway on a veth, eBPF backends, a Linux router, in network namespaces the run makes).
// The correct backends hold; each mutant the kernel programs can carry is caught with
// the kernel's own account of it; a run killed midway leaves no process and no namespace
// behind. Skips, saying which capability, only where the kernel refuses.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::scratch_dir;
using weir::test::weir;


TEST(ReplayXdp, TheCorrectBackendsHoldThroughTheKernel) {
  const std::string dir = scratch_dir() + "/xdp-ok";
  CliRun r = weir("replay --impl beaver --backend xdp --messages 30 --record " + dir);
  SKIP_IF_REFUSED(r);
  ASSERT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("b0: took snapshot 5 in the kernel (learnt from gateway)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b1: took snapshot 5 in the kernel (learnt from in-group)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b0 received 30 of 30 client requests and told b1 30 times; b1 received 30"), std::string::npos) << r.out;
  const auto summary = nlohmann::json::parse(std::ifstream(dir + "/summary.json"));
  EXPECT_EQ(summary["verdict"], "holds");
  EXPECT_EQ(summary["kernel_counters"]["r Ip.ForwDatagrams"], 30);  // every in-group packet crossed the router
  EXPECT_EQ(summary["kernel_counters"]["b1 Udp.InDatagrams"], 30);
  EXPECT_EQ(weir("check cut " + dir + "/execution.jsonl").exit, 0);
}

TEST(ReplayXdp, EachKernelMutantIsCaughtWithTheKernelsAccount) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"no-checksum-fix", "for a bad IPv4 header checksum (IpExt.InCsumErrors"},
      {"ttl-underflow", "whose TTL ran out"},
      {"untagged-internal", "beyond the newest one started"},
  };
  for (const auto& [m, witness] : expected) {
    CliRun r = weir("replay --impl beaver --backend xdp --mutant " + m);
    SKIP_IF_REFUSED(r);
    EXPECT_EQ(r.exit, 1) << m << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("VIOLATION: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(witness), std::string::npos) << m << "\n" << r.out;
  }
  // A mutant that is not the kernel's to carry is refused, not silently run correct.
  CliRun other = weir("replay --impl beaver --backend xdp --mutant deliver-before-snapshot");
  EXPECT_EQ(other.exit, 2);
  EXPECT_NE(other.err.find("not the backend's in the kernel"), std::string::npos) << other.err;
}

// The network namespaces of processes now running, by inode.
std::set<std::string> namespaces_of(const std::set<pid_t>& pids) {
  std::set<std::string> out;
  for (pid_t p : pids) {
    std::error_code ec;
    const auto link = fs::read_symlink("/proc/" + std::to_string(p) + "/ns/net", ec);
    if (!ec) out.insert(link.string());
  }
  return out;
}
std::set<pid_t> children_of(pid_t parent) {
  std::set<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.insert(std::stoi(name));
  }
  return out;
}
std::set<std::string> live_namespaces() {
  std::set<pid_t> all;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") == std::string::npos) all.insert(std::stoi(name));
  }
  return namespaces_of(all);
}

// Starts `weir replay ARGS... --record DIR`, waits until it has made `namespaces` network
// namespaces and written `ready` in DIR (midway), kills it with each signal, and expects
// every namespace it made gone soon after: its children die with it, the namespaces with
// their last process.
void killed_midway_leaves_nothing(const std::vector<std::string>& args, std::size_t namespaces, const std::string& ready,
                                  const std::string& probe) {
  for (int sig : {SIGKILL, SIGINT}) {
    const std::string dir = scratch_dir() + "/killed-" + args[1] + "-" + std::to_string(sig);
    fs::create_directories(dir);
    std::vector<std::string> argv{WEIR_BINARY, "replay"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--record", dir});
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      std::vector<char*> c;
      for (std::string& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      execv(WEIR_BINARY, c.data());
      _exit(127);
    }
    std::set<std::string> made;
    const std::string own = fs::read_symlink("/proc/self/ns/net").string();
    for (int i = 0; i < 300; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      made = namespaces_of(children_of(pid));
      made.erase(own);
      if (made.size() >= namespaces && fs::exists(dir + "/" + ready)) break;
    }
    int status = 0;
    if (made.size() < namespaces) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      CliRun refused = weir(probe);
      SKIP_IF_REFUSED(refused);
      FAIL() << "the run never made its namespaces";
    }
    kill(pid, sig);
    waitpid(pid, &status, 0);
    std::set<std::string> left;
    for (int i = 0; i < 200; ++i) {
      const std::set<std::string> now = live_namespaces();
      left.clear();
      for (const std::string& n : made)
        if (now.count(n)) left.insert(n);
      if (left.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(left.empty()) << args[1] << ", signal " << sig << ": " << left.size() << " of the run's namespaces outlived it";
  }
}

TEST(ReplayXdp, KilledMidwayItLeavesNothingBehind) {
  // Midway: its four namespaces made and the backends' agents attached.
  killed_midway_leaves_nothing({"--impl", "beaver", "--backend", "xdp", "--messages", "2000"}, 4, "b1-xdp.out",
                               "replay --impl beaver --backend xdp");
}

TEST(ReplayCapybara, KilledMidwayItLeavesNothingBehind) {
  // Midway: client, switch, s0 and s1 made, the switch's program attached, the captures open.
  killed_midway_leaves_nothing({"--impl", "capybara", "--duration", "30", "--migrations", "2"}, 4, "switch.pcap",
                               "replay --impl capybara --migrations 0 --duration 0.1 --bytes 1000");
}

}  // namespace
