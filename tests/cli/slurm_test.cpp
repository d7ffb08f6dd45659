// weir swarm slurm on a real Slurm: a single-machine cluster (munged, slurmctld, slurmd
// from Debian) configured here in a temporary directory, its daemons children of the test
// (they die with it), stopped and removed afterwards. The job arrays that weir swarm
// writes run on it, and their merged verdict is the unsharded run's.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::run_program;
using weir::test::weir;

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

std::string tail_of(const fs::path& file) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  return text.size() > 600 ? text.substr(text.size() - 600) : text;
}

class LocalSlurm {
 public:
  ~LocalSlurm() {
    for (pid_t pid : pids_) kill(pid, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (pid_t pid : pids_) {
      while (waitpid(pid, nullptr, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
          kill(pid, SIGKILL);
          waitpid(pid, nullptr, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Starts the three daemons; why they could not start, if not.
  std::optional<std::string> start() {
    if (geteuid() != 0) return "needs root (slurmd runs jobs as root here)";
    for (const char* tool : {"/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/sinfo"})
      if (!fs::exists(tool)) return std::string(tool) + " is not installed (scripts/install-deps.sh installs munge, slurmctld, slurmd, slurm-client)";
    char tmpl[] = "/tmp/weir-slurm-XXXXXX";
    if (!mkdtemp(tmpl)) return "cannot make a temporary directory";
    dir_ = tmpl;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    host_ = std::string(host).substr(0, std::string(host).find('.'));
    for (const char* sub : {"munge", "state", "spool", "log"}) fs::create_directories(dir_ / sub);
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::permissions(dir_ / "munge", fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    {
      std::random_device rd;
      std::ofstream key(dir_ / "munge/munge.key", std::ios::binary);
      for (int i = 0; i < 1024; ++i) key.put(static_cast<char>(rd()));
    }
    fs::permissions(dir_ / "munge/munge.key", fs::perms::owner_read);
    const std::string d = dir_.string(), sock = d + "/munge/socket";
    std::ofstream(dir_ / "slurm.conf")
        << "ClusterName=weirtest\nSlurmctldHost=" << host_ << "(127.0.0.1)\nSlurmUser=root\nSlurmdUser=root\n"
        << "SlurmctldPort=" << free_port() << "\nSlurmdPort=" << free_port() << "\n"
        << "AuthType=auth/munge\nAuthInfo=socket=" << sock << "\nCredType=cred/munge\n"
        << "StateSaveLocation=" << d << "/state\nSlurmdSpoolDir=" << d << "/spool\n"
        << "SlurmctldPidFile=" << d << "/slurmctld.pid\nSlurmdPidFile=" << d << "/slurmd.pid\n"
        << "SlurmctldLogFile=" << d << "/log/slurmctld.log\nSlurmdLogFile=" << d << "/log/slurmd.log\n"
        << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSchedulerType=sched/builtin\n"
        << "SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\nReturnToService=2\nMpiDefault=none\n"
        << "JobCompType=jobcomp/none\nJobAcctGatherType=jobacct_gather/none\n"
        << "AccountingStorageType=accounting_storage/none\nSwitchType=switch/none\n"
        << "NodeName=" << host_ << " NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN\n"
        << "PartitionName=weir Nodes=" << host_ << " Default=YES MaxTime=INFINITE State=UP\n";
    conf_ = d + "/slurm.conf";
    spawn({"/usr/sbin/munged", "-F", "-f", "--key-file=" + d + "/munge/munge.key", "--socket=" + sock,
           "--pid-file=" + d + "/munge/pid", "--log-file=" + d + "/log/munged.log", "--seed-file=" + d + "/munge/seed"});
    if (!wait_for([&] { return fs::exists(sock); }, 10)) return "munged did not start: " + tail_of(dir_ / "log/munged.log");
    spawn({"/usr/sbin/slurmctld", "-D", "-f", conf_});
    spawn({"/usr/sbin/slurmd", "-D", "-f", conf_});
    const bool idle = wait_for([&] { return run("sinfo -h -o %T").out.find("idle") != std::string::npos; }, 30);
    if (!idle)
      return "the node did not come up: sinfo says '" + run("sinfo -h -o %T").out + "'; slurmctld: " +
             tail_of(dir_ / "log/slurmctld.log") + "; slurmd: " + tail_of(dir_ / "log/slurmd.log");
    return std::nullopt;
  }

  // A command with this cluster's configuration.
  CliRun run(const std::string& command, const std::string& dir = "") const {
    return run_program("/usr/bin/env", "SLURM_CONF=" + conf_ + " " + command, dir);
  }

  template <class F>
  static bool wait_for(F&& ready, int seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return ready();
  }

 private:
  void spawn(const std::vector<std::string>& argv) {
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // killed with the test, however the test ends
      if (getppid() != parent) _exit(1);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      const std::string log = (dir_ / "log" / (fs::path(argv[0]).filename().string() + ".out")).string();
      freopen(log.c_str(), "w", stdout);
      freopen(log.c_str(), "a", stderr);
      setenv("SLURM_CONF", conf_.c_str(), 1);
      execv(args[0], args.data());
      _exit(127);
    }
    if (pid > 0) pids_.push_back(pid);
  }

  fs::path dir_;
  std::string host_, conf_;
  std::vector<pid_t> pids_;
};

TEST(SlurmSwarm, JobArraysOfAFuzzMutantAndACorrectModelMergeToTheUnshardedVerdicts) {
  LocalSlurm slurm;
  if (auto why = slurm.start()) GTEST_SKIP() << "Slurm's daemons cannot start here: " << *why;
  const std::string dir = weir::test::scratch_dir() + "/slurm";
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct Case {
    std::string name, command;
    int expected;
  };
  const std::vector<Case> cases = {
      {"mutant", "fuzz beaver --runs 40 --no-shrink --mutant ttl-underflow", 1},
      {"correct", "explore ring --nodes 3 --values 3 --capacity 1 --simulate 40 --depth 10", 0}};
  for (const Case& c : cases) {
    CliRun w = weir("swarm slurm --shards 4 --results " + dir + "/results-" + c.name + " --out job-" + c.name + " -- " +
                        c.command,
                    dir);
    ASSERT_EQ(w.exit, 0) << w.out << w.err;
    CliRun submitted = slurm.run("/bin/sh job-" + c.name + "/submit.sh", dir);
    ASSERT_EQ(submitted.exit, 0) << submitted.out << submitted.err;
  }
  for (const Case& c : cases) {
    const std::string results = dir + "/results-" + c.name;
    const bool merged = LocalSlurm::wait_for([&] { return fs::exists(results + "/merged.json"); }, 180);
    ASSERT_TRUE(merged) << c.name << ": no merged verdict; squeue: " << slurm.run("squeue").out
                        << "; merge.log: " << tail_of(results + "/merge.log");
    for (int i = 0; i < 4; ++i)
      EXPECT_TRUE(fs::exists(results + "/shard-" + std::to_string(i) + "-of-4.json")) << c.name << " shard " << i;
    std::ifstream in(results + "/merged.json");
    const auto j = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << tail_of(results + "/merged.json");
    EXPECT_EQ(j["exit"], c.expected) << c.name << ": " << j.dump();
    EXPECT_TRUE(j["missing"].empty()) << j.dump();
    EXPECT_EQ(weir(c.command, dir).exit, c.expected) << "the unsharded run";
    if (c.expected == 1) {
      EXPECT_TRUE(j.contains("reproducer"));
      EXPECT_NE(tail_of(results + "/merge.log").find("VIOLATION"), std::string::npos) << tail_of(results + "/merge.log");
    }
  }
}

}  // namespace
