// Swarm runs: one search or fuzzing campaign spread over the tasks of a cluster's job
// (a Slurm job array, a Kubernetes Indexed Job), each a shard, and their results merged
// into one verdict. The engine schedules; Weir only splits the work, records each shard's
// result and merges them.
//
// Splitting: a run of R seeded runs (weir fuzz, weir explore --simulate) gives shard I of N
// the contiguous range [R*I/N, R*(I+1)/N): together the shards do exactly the unsharded
// runs, none twice. Depth-first search does not split; each shard searches the whole space
// its own way (swarm verification: its own action order from its own seed).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace weir::swarm {

// Shard `index` of `count` (index 0..count-1): "I/N" on the command line.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};
inline constexpr std::uint32_t kMaxShards = 100000;

// "3/8" -> {3, 8}; the cause (for "--shard TEXT: cause") when it is not one.
std::variant<Shard, std::string> parse_shard(const std::string& text);

// Of `total` runs numbered from 0, the ones shard s does: [first, end).
struct Range {
  std::uint64_t first = 0, end = 0;
};
Range share(const Shard& s, std::uint64_t total);

// Depth-first search's action order for shard s of a run seeded `seed`: shard 0 keeps the
// model's own order (so one shard is the unsharded search), the others a seed of their own.
std::uint64_t order_seed(const Shard& s, std::uint64_t seed);

// What a shard found, written as JSON by the shard and read by `weir merge`.
//   {"format": "weir-shard-result", "version": 1, "job": "weir fuzz beaver --runs 100",
//    "command": "...", "kind": "fuzz", "shard": 1, "shards": 4, "exit": 0,
//    "verdict": "holds", "outcome": "sampled", "runs": {"first": 25, "end": 50},
//    "counts": {"runs": 25, "events": 81234}, "reproducer": {...}}
inline constexpr const char* kResultFormat = "weir-shard-result";
inline constexpr int kResultVersion = 1;

struct Reproducer {
  std::string replay;     // the command that replays it, before the file: "weir fuzz --replay"
  std::string what;       // what it shows, in words
  std::uint64_t size = 0; // steps (explore) or events / operations (fuzz): the shortest is kept
  std::string unit;       // "steps", "recorded events", "operations"
  nlohmann::json content; // the reproducer file itself, to be written anew by merge
};

struct Result {
  std::string job;      // the command without what differs between shards: the same for all of them
  std::string command;  // this shard's whole command line
  std::string kind;     // "fuzz", "simulate", "dfs", "bfs"
  Shard shard;
  int exit = 0;         // the shard's exit code (0 holds, 1 violation, 2 bad input, 3 unknown, 4 internal)
  std::string outcome;  // complete, sampled, bounded, violation
  std::optional<Range> runs;  // seeded kinds: the runs this shard was given
  std::uint64_t order_seed = 0;  // dfs: this shard's action order (0: the model's)
  std::map<std::string, std::uint64_t> counts;  // added up by merge
  std::optional<Reproducer> reproducer;
  std::string file;     // where it was read from (not written)
};

nlohmann::json to_json(const Result& r);
// A result from its file's text; the cause when it is not one.
std::variant<Result, std::string> parse_result(const std::string& text);
// The job's words: `argv` without argv[0] and without the options that differ between
// shards or only say where output goes (--shard, --result, --reproducer,
// --counterexample, --html, --junit, --json).
std::string job_of(const std::vector<std::string>& argv);

// The verdict of many shards.
struct Merged {
  std::string job;
  std::string kind;
  std::uint32_t shards = 0;            // N, as the shards say
  int exit = 0;
  std::string outcome;                 // the merged one
  std::vector<std::uint32_t> missing;  // shard indices no result is given for
  std::map<std::uint32_t, std::vector<std::string>> duplicated;  // index -> its files (the first counted)
  std::map<std::string, std::uint64_t> counts;
  std::optional<Range> runs;           // seeded kinds, every shard given: the runs they did together
  std::vector<Result> used;            // one result per index, ascending (copies: Merged owns what it says)
  const Result* reproducer() const;    // the shard whose reproducer is kept (the shortest), if any
  std::size_t kept = SIZE_MAX;         // that shard's place in `used`
  std::vector<std::string> notes;      // why the verdict is what it is, where that is not plain
};

// Merges results (each read from its file); the cause when they cannot be merged (not one
// job, not one shard count, ranges that overlap).
std::variant<Merged, std::string> merge(const std::vector<Result>& results);

// The engine's files for a swarm run of `command` (weir's arguments, e.g. {"fuzz",
// "beaver", "--runs", "1000"}), each a name and its text.
struct Files {
  std::vector<std::pair<std::string, std::string>> files;
  std::string next;  // what to do with them, in a sentence
};
struct SlurmOptions {
  std::uint32_t shards = 1;
  std::string weir;        // weir's path on the nodes
  std::string results;     // a directory every node sees
  std::string partition;   // empty: the cluster's default
  std::string time;        // a task's time limit (Slurm's format), empty: the partition's
  std::uint32_t cpus = 1;  // per task
  std::string name = "weir-swarm";
};
// Files, or the cause when a value cannot land safely in them (swarm/detail/values.hpp).
std::variant<Files, std::string> slurm_files(const std::vector<std::string>& command, const SlurmOptions& o);
struct K8sOptions {
  std::uint32_t shards = 1;
  std::uint32_t parallelism = 0;  // pods at once; 0: all of them
  std::string weir = "weir";      // weir's path in the image
  std::string image;
  std::string claim = "weir-results";  // a PersistentVolumeClaim (ReadWriteMany) for the results
  std::string mount = "/results";
  std::string name = "weir-swarm";
  std::string cpu = "1";
};
std::variant<Files, std::string> k8s_files(const std::vector<std::string>& command, const K8sOptions& o);

// The files the shards write, by index, under `results`: where merge finds them.
std::string result_file(const std::string& results, std::uint32_t index, std::uint32_t count);
std::string reproducer_file(const std::string& results, std::uint32_t index, std::uint32_t count);

}  // namespace weir::swarm
