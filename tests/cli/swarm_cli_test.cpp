// Shards of weir fuzz and weir explore, merged by weir merge, give the unsharded run's
// verdict; weir swarm writes what Slurm and Kubernetes run (the real engines:
// slurm_test.cpp, and the Kubernetes manifest's schema and commands below).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::run_program;
using weir::test::scratch_dir;
using weir::test::weir;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

std::string fresh_dir(const std::string& name) {
  const std::string dir = scratch_dir() + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Runs `command` as N shards in `dir` (results r0.json ...) and merges them.
CliRun shards_then_merge(const std::string& command, int n, const std::string& dir, std::vector<int>* exits = nullptr) {
  std::string files;
  for (int i = 0; i < n; ++i) {
    const std::string r = std::string("r") + std::to_string(i) + ".json";
    CliRun shard = weir(command + " --shard " + std::to_string(i) + "/" + std::to_string(n) + " --result " + r, dir);
    if (exits) exits->push_back(shard.exit);
    EXPECT_TRUE(fs::exists(dir + "/" + r)) << command << " shard " << i << ": " << shard.out << shard.err;
    files += std::string(" ") + r;
  }
  return weir(std::string("merge --json") + files, dir);
}

TEST(SwarmCli, FuzzShardsDoTheUnshardedSeedsOnceAndMergeToItsVerdict) {
  for (const std::string mutant : {"none", "deliver-before-snapshot"}) {
    const std::string dir = fresh_dir(std::string("fuzz-") + mutant);
    const std::string command = std::string("fuzz beaver --runs 24 --seed 5 --no-shrink --mutant ") + mutant;
    CliRun whole = weir(command + " --result whole.json", dir);
    ASSERT_TRUE(whole.exit == 0 || whole.exit == 1) << whole.out << whole.err;
    EXPECT_EQ(whole.exit, mutant == "none" ? 0 : 1) << whole.out;
    CliRun merged = shards_then_merge(command, 4, dir);
    EXPECT_EQ(merged.exit, whole.exit) << mutant << "\n" << merged.out << merged.err;
    const auto j = nlohmann::json::parse(merged.out);
    EXPECT_TRUE(j["missing"].empty());
    // The shards' seeds: disjoint, and together the unsharded run's (5 .. 28).
    std::set<std::uint64_t> seeds;
    std::size_t total = 0;
    for (int i = 0; i < 4; ++i) {
      const auto r = read_json(dir + "/r" + std::to_string(i) + ".json");
      for (std::uint64_t s = r["runs"]["first"]; s < r["runs"]["end"].get<std::uint64_t>(); ++s) seeds.insert(s);
      total += r["runs"]["end"].get<std::uint64_t>() - r["runs"]["first"].get<std::uint64_t>();
      EXPECT_EQ(r["job"], read_json(dir + "/whole.json")["job"]);
    }
    EXPECT_EQ(total, seeds.size());  // no seed twice
    EXPECT_EQ(*seeds.begin(), 5u);
    EXPECT_EQ(*seeds.rbegin(), 28u);
    EXPECT_EQ(seeds.size(), 24u);
    const auto w = read_json(dir + "/whole.json");
    EXPECT_EQ(w["runs"]["first"], 5);
    EXPECT_EQ(w["runs"]["end"], 29);
    if (mutant == "none") {
      EXPECT_EQ(j["counts"]["runs"], 24);
      EXPECT_EQ(j["counts"]["events"], w["counts"]["events"]);  // the same runs, so the same events
      continue;
    }
    // The kept reproducer replays to the failure.
    ASSERT_TRUE(j.contains("reproducer")) << merged.out;
    const std::string file = j["reproducer"]["file"];
    CliRun replay = weir(std::string("fuzz --replay ") + file, dir);
    EXPECT_EQ(replay.exit, 1) << replay.out << replay.err;
  }
}

TEST(SwarmCli, ExploreSimulationShardsSplitTheRunsAndMergeToTheUnshardedVerdict) {
  const std::string failing = "explore ring --nodes 4 --values 3 --capacity 1 --counter-below 2 --simulate 200 --seed 11 --depth 30";
  const std::string holding = "explore ring --nodes 3 --values 3 --capacity 1 --simulate 40 --depth 10";
  for (const std::string& command : {failing, holding}) {
    const std::string dir = fresh_dir(command == failing ? "sim-failing" : "sim-holding");
    CliRun whole = weir(command, dir);
    CliRun merged = shards_then_merge(command, 3, dir);
    EXPECT_EQ(merged.exit, whole.exit) << merged.out << merged.err;
    const auto j = nlohmann::json::parse(merged.out);
    EXPECT_EQ(j["runs"]["first"], 0);
    EXPECT_EQ(j["runs"]["end"], command == failing ? 200 : 40);
    if (command == holding) {
      EXPECT_EQ(j["counts"]["runs"], 40);
    }
    if (whole.exit == 1) {
      CliRun replay = weir(std::string("explore --replay ") + j["reproducer"]["file"].get<std::string>(), dir);
      EXPECT_EQ(replay.exit, 1) << replay.out;
    }
  }
}

TEST(SwarmCli, DfsSwarmShardsSearchTheirOwnWayAndAgreeWithTheUnshardedSearch) {
  const std::string holding = "explore ring --nodes 3 --values 3 --capacity 1 --dfs";
  const std::string failing = holding + " --counter-below 2";
  for (const std::string& command : {holding, failing}) {
    const std::string dir = fresh_dir(command == failing ? "dfs-failing" : "dfs-holding");
    CliRun whole = weir(command, dir);
    std::vector<int> exits;
    CliRun merged = shards_then_merge(command, 3, dir, &exits);
    EXPECT_EQ(merged.exit, whole.exit) << merged.out << merged.err;
    EXPECT_EQ(whole.exit, command == failing ? 1 : 0);
    for (int e : exits) EXPECT_EQ(e, whole.exit);  // each shard searches the whole space
    std::set<std::uint64_t> orders;
    for (int i = 0; i < 3; ++i) orders.insert(read_json(dir + "/r" + std::to_string(i) + ".json")["order_seed"].get<std::uint64_t>());
    EXPECT_EQ(orders.size(), 3u);
    EXPECT_EQ(orders.count(0), 1u);  // shard 0 keeps the model's order
    if (whole.exit == 1) {
      const auto j = nlohmann::json::parse(merged.out);
      EXPECT_EQ(weir(std::string("explore --replay ") + j["reproducer"]["file"].get<std::string>(), dir).exit, 1);
    }
  }
}

TEST(SwarmCli, MergeNamesMissingAndDuplicatedShardsAndRefusesWhatIsNotOneRun) {
  const std::string dir = fresh_dir("merge-words");
  const std::string command = "fuzz pegasus --runs 6";
  for (int i : {0, 2}) weir(command + " --shard " + std::to_string(i) + "/3 --result r" + std::to_string(i) + ".json", dir);
  fs::copy_file(dir + "/r2.json", dir + "/again.json");
  CliRun m = weir("merge r0.json r2.json again.json", dir);
  EXPECT_EQ(m.exit, 3) << m.out << m.err;  // shard 1's seeds were not run
  EXPECT_NE(m.out.find("shard 1/3: MISSING"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("shard 2/3: given 2 times (r2.json, again.json)"), std::string::npos) << m.out;

  weir("fuzz pegasus --runs 7 --shard 1/3 --result other.json", dir);
  CliRun other = weir("merge r0.json other.json", dir);
  EXPECT_EQ(other.exit, 2);
  EXPECT_NE(other.err.find("another run"), std::string::npos) << other.err;
  const std::string junk = weir::test::write_file("junk-result.json", "{\"format\": \"weir-shard-result\"");
  CliRun bad = weir(std::string("merge ") + junk);
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("junk-result.json: not JSON"), std::string::npos) << bad.err;
  EXPECT_EQ(weir("merge no-such-file.json", dir).exit, 2);
  EXPECT_EQ(weir("merge", dir).exit, 2);
}

TEST(SwarmCli, AFileThatCannotBeWrittenIsNamedWithItsCauseAndExits2) {
  const std::string dir = fresh_dir("unwritable");
  CliRun shard = weir("fuzz pegasus --runs 2 --shard 0/1 --result /proc/no/such/r.json", dir);
  EXPECT_EQ(shard.exit, 2) << shard.out << shard.err;
  EXPECT_NE(shard.err.find("/proc/no/such/r.json: cannot write the shard's result: "), std::string::npos) << shard.err;
  ASSERT_EQ(weir("fuzz pegasus --runs 2 --shard 0/1 --result r.json", dir).exit, 0);
  CliRun merged = weir("merge r.json --result /proc/no/such/merged.json", dir);
  EXPECT_EQ(merged.exit, 2) << merged.out << merged.err;
  EXPECT_NE(merged.err.find("/proc/no/such/merged.json: cannot write the merged result: "), std::string::npos)
      << merged.err;
  CliRun job = weir("swarm slurm --shards 2 --out /proc/no/such/job -- fuzz beaver --runs 10", dir);
  EXPECT_EQ(job.exit, 2) << job.out << job.err;
  EXPECT_NE(job.err.find("/proc/no/such/job"), std::string::npos) << job.err;
}

TEST(SwarmCli, AShardWhoseCounterexampleWentToNoFileStillWritesAResult) {
  const std::string dir = fresh_dir("device-counterexample");
  CliRun shard = weir("explore ring --nodes 3 --values 3 --capacity 1 --dfs --counter-below 2 --shard 0/1 "
                      "--result r.json --counterexample /dev/null",
                      dir);
  EXPECT_EQ(shard.exit, 1) << shard.out << shard.err;
  const auto r = read_json(dir + "/r.json");
  ASSERT_FALSE(r.is_discarded());
  EXPECT_FALSE(r.contains("reproducer"));  // nothing to carry: it went to a device, not a file
  CliRun merged = weir("merge r.json", dir);
  EXPECT_EQ(merged.exit, 1) << merged.out << merged.err;
}

TEST(SwarmCli, ShardOptionsAreCheckedWhereTheyAreGiven) {
  for (const std::string args : {"fuzz beaver --runs 4 --shard 4/4", "fuzz beaver --runs 4 --shard 1", "explore ring --shard 0/2",
                                  "explore ring --simulate 5 --shard 2/0", "explore ring --seed 3"}) {
    CliRun r = weir(args);
    EXPECT_EQ(r.exit, 2) << args << "\n" << r.out;
    EXPECT_FALSE(r.err.empty()) << args;
  }
}

TEST(SwarmCli, SwarmWritesASlurmArrayAMergeThatWaitsForItAndRefusesWhatCannotSpread) {
  const std::string dir = fresh_dir("swarm-slurm");
  CliRun r = weir("swarm slurm --shards 4 --results res --out job -- fuzz beaver --runs 100 --mutant ttl-underflow", dir);
  ASSERT_EQ(r.exit, 0) << r.out << r.err;
  std::ifstream in(dir + "/job/shards.sbatch");
  const std::string shards((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(shards.find("#SBATCH --array=0-3"), std::string::npos) << shards;
  EXPECT_NE(shards.find("--shard \"${SLURM_ARRAY_TASK_ID}/4\""), std::string::npos) << shards;
  EXPECT_NE(shards.find(dir + "/res/shard-\"${SLURM_ARRAY_TASK_ID}\"-of-4.json"), std::string::npos) << shards;
  std::ifstream sin(dir + "/job/submit.sh");
  const std::string submit((std::istreambuf_iterator<char>(sin)), {});
  EXPECT_NE(submit.find("--dependency=afterany:"), std::string::npos) << submit;
  for (const std::string bad : {"swarm slurm --shards 2 -- check lin x.jsonl", "swarm slurm --shards 2 -- explore ring",
                                 "swarm slurm --shards 2 -- fuzz beaver --shard 1/2", "swarm slurm --shards 0 -- fuzz beaver",
                                 "swarm k8s --shards 2 -- fuzz beaver"}) {
    CliRun no = weir(bad, dir);
    EXPECT_EQ(no.exit, 2) << bad << "\n" << no.out;
  }
}

// The Indexed Job as Kubernetes would take it: the manifests pass the batch/v1 Job schema
// (tests/tools/k8s, kubernetes-models from npm), and each index's command, run here with
// JOB_COMPLETION_INDEX set as the Job controller sets it, then the merge Job's, give the
// verdict of the unsharded run.
TEST(SwarmCli, KubernetesIndexedJobPassesTheJobSchemaAndItsCommandsRunHere) {
  const std::string validator = std::string(WEIR_SOURCE_DIR) + "/tests/tools/k8s/validate.mjs";
  if (!fs::exists(std::string(WEIR_SOURCE_DIR) + "/tests/tools/k8s/node_modules/kubernetes-models"))
    GTEST_SKIP() << "tests/tools/k8s/node_modules is not installed (scripts/install-deps.sh installs it with npm)";
  const std::string dir = fresh_dir("swarm-k8s");
  const std::string weir_path = fs::path(WEIR_BINARY).string();
  for (const std::string mutant : {"none", "ttl-underflow"}) {
    const std::string results = dir + "/results-" + mutant;
    fs::create_directories(results);
    CliRun r = weir(std::string("swarm k8s --shards 3 --image example.invalid/weir:1 --mount ") + results + " --weir " + weir_path +
                        " --out job-" + mutant + " -- fuzz beaver --runs 30 --no-shrink --mutant " + mutant,
                    dir);
    ASSERT_EQ(r.exit, 0) << r.out << r.err;
    CliRun v = run_program("/usr/bin/node", validator + " job-" + mutant + "/job.yaml job-" + mutant + "/merge-job.yaml", dir);
    ASSERT_EQ(v.exit, 0) << v.out << v.err;
    const auto docs = nlohmann::json::parse(v.out);  // the manifests, as the validator read them
    const auto& job = docs[0];
    EXPECT_EQ(job["spec"]["completionMode"], "Indexed");
    EXPECT_EQ(job["spec"]["completions"], 3);
    const auto& cmd = job["spec"]["template"]["spec"]["containers"][0]["command"];
    ASSERT_EQ(cmd.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      CliRun shard = run_program("/usr/bin/env", std::string("JOB_COMPLETION_INDEX=") + std::to_string(i) + " /bin/sh -c '" +
                                                     cmd[2].get<std::string>() + "'", dir);
      EXPECT_EQ(shard.exit, 0) << "a verdict, not a failed pod: " << shard.out << shard.err;
      EXPECT_TRUE(fs::exists(results + "/shard-" + std::to_string(i) + "-of-3.json"));
    }
    const auto& merge_cmd = docs[1]["spec"]["template"]["spec"]["containers"][0]["command"];
    CliRun merged = run_program("/bin/sh", std::string("-c '") + merge_cmd[2].get<std::string>() + "'", dir);
    CliRun whole = weir(std::string("fuzz beaver --runs 30 --no-shrink --mutant ") + mutant, dir);
    EXPECT_EQ(merged.exit, whole.exit) << merged.out << merged.err;
    EXPECT_EQ(read_json(results + "/merged.json")["exit"], whole.exit);
  }
  // The validator refuses a manifest that is not a Job (so it can fail).
  const std::string broken = dir + "/broken.yaml";
  std::ofstream(broken) << "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n  completions: many\n"
                           "  template:\n    spec:\n      containers: []\n";
  EXPECT_NE(run_program("/usr/bin/node", validator + " " + broken).exit, 0);
}

}  // namespace
