// `weir swarm slurm|k8s --shards N [options] -- COMMAND...`: the files a cluster engine
// runs to spread `weir COMMAND` (explore --simulate/--dfs, or fuzz) over N shards and merge
// their results (swarm::slurm_files, swarm::k8s_files). Weir schedules nothing itself.
#include <filesystem>
#include <iostream>

#include "checker/input/input.hpp"
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/report_files.hpp"
#include "swarm/swarm.hpp"

namespace weir::cli {

namespace {

namespace fs = std::filesystem;

struct SwarmArgs {
  std::vector<std::string> command;
  std::uint32_t shards = 0;
  std::string out;
  std::string weir;
  swarm::SlurmOptions slurm;
  swarm::K8sOptions k8s;
};

// Why `command` cannot be spread, if it cannot.
std::optional<std::string> unfit(const std::vector<std::string>& command) {
  if (command.empty() || (command[0] != "explore" && command[0] != "fuzz"))
    return "the command to spread is `explore MODEL --simulate R ...`, `explore MODEL --dfs ...` or `fuzz PROTOCOL ...`, "
           "after --";
  for (const std::string& w : command) {
    const std::string name = w.substr(0, w.find('='));
    for (const char* own : {"--shard", "--result", "--reproducer", "--counterexample", "--replay"})
      if (name == own) return "the command must not set " + name + ": each shard's is set by the script";
  }
  if (command[0] == "explore") {
    bool splits = false;
    for (const std::string& w : command) splits = splits || w.rfind("--simulate", 0) == 0 || w == "--dfs";
    if (!splits) return std::string("explore spreads with --simulate (its runs split) or --dfs (a swarm); breadth-first search does not");
  }
  if (command.size() < 2) return "name the " + std::string(command[0] == "fuzz" ? "protocol" : "model") + " to " + command[0];
  return std::nullopt;
}

std::string this_weir() {
  const auto dir = own_directory();
  return dir ? (fs::path(*dir) / "weir").string() : std::string("weir");
}

int write_files(const std::variant<swarm::Files, std::string>& made, const std::string& dir) {
  if (const auto* why = std::get_if<std::string>(&made)) {
    std::cerr << "weir: swarm: " << *why << "\n";
    return kBadInput;
  }
  const swarm::Files& f = std::get<swarm::Files>(made);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "weir: " << dir << ": cannot create the directory: " << ec.message() << "\n";
    return kBadInput;
  }
  for (const auto& [name, text] : f.files) {
    const fs::path path = fs::path(dir) / name;
    if (!write_file(path.string(), text, "the job's file")) return kBadInput;
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".sh") == 0)
      fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add, ec);
    std::cout << "wrote " << path.string() << "\n";
  }
  std::cout << f.next << "\n";
  return kHolds;
}

}  // namespace

Runner add_swarm(CLI::App& app) {
  auto a = std::make_shared<SwarmArgs>();
  CLI::App* cmd = app.add_subcommand("swarm", "write a Slurm job array or a Kubernetes Indexed Job that runs shards, then merges");
  cmd->require_subcommand(1);
  CLI::App* slurm = cmd->add_subcommand("slurm", "a Slurm batch script with a job array, and a dependent merge job");
  CLI::App* k8s = cmd->add_subcommand("k8s", "a Kubernetes Indexed Job manifest, and a merge Job");
  for (CLI::App* c : {slurm, k8s}) {
    c->add_option("--shards", a->shards, "how many shards (tasks, pods)")->required()->check(whole_in(1, swarm::kMaxShards));
    c->add_option("--out", a->out, "the directory to write the files in (default: weir-swarm-slurm or weir-swarm-k8s)");
    c->add_option("--weir", a->weir, "weir's path where the shards run (default: this weir for slurm, `weir` for k8s)");
    c->add_option("command", a->command, "after --: the weir command to spread (explore MODEL --simulate R ..., "
                                         "explore MODEL --dfs ..., fuzz PROTOCOL ...)")->required();
  }
  slurm->add_option("--results", a->slurm.results, "a directory every node sees, for the results (default: ./weir-results)");
  slurm->add_option("--partition", a->slurm.partition, "the partition (default: the cluster's)");
  slurm->add_option("--time", a->slurm.time, "each task's time limit, in Slurm's format (default: the partition's)");
  slurm->add_option("--cpus", a->slurm.cpus, "CPUs per task")->check(whole_in(1, 1024));
  slurm->add_option("--name", a->slurm.name, "the job's name")->capture_default_str();
  k8s->add_option("--image", a->k8s.image, "the container image that has weir")->required();
  k8s->add_option("--claim", a->k8s.claim, "a ReadWriteMany PersistentVolumeClaim for the results")->capture_default_str();
  k8s->add_option("--mount", a->k8s.mount, "where the claim is mounted in the pods")->capture_default_str();
  k8s->add_option("--parallelism", a->k8s.parallelism, "pods at once (default: every shard)")->check(whole_in(1, swarm::kMaxShards));
  k8s->add_option("--cpu", a->k8s.cpu, "each pod's CPU request")->capture_default_str();
  k8s->add_option("--name", a->k8s.name, "the Job's name")->capture_default_str();
  return [a, slurm]() -> int {
    if (auto why = unfit(a->command)) {
      std::cerr << "weir: swarm: " << *why << "\n";
      return kBadInput;
    }
    if (slurm->parsed()) {
      swarm::SlurmOptions o = a->slurm;
      o.shards = a->shards;
      o.weir = a->weir.empty() ? this_weir() : a->weir;
      o.results = fs::absolute(o.results.empty() ? "weir-results" : o.results).lexically_normal().string();
      return write_files(swarm::slurm_files(a->command, o), a->out.empty() ? "weir-swarm-slurm" : a->out);
    }
    swarm::K8sOptions o = a->k8s;
    o.shards = a->shards;
    o.weir = a->weir.empty() ? "weir" : a->weir;
    return write_files(swarm::k8s_files(a->command, o), a->out.empty() ? "weir-swarm-k8s" : a->out);
  };
}

}  // namespace weir::cli
