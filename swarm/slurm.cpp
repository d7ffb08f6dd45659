// A Slurm job array of the shards and a merge job that runs after all of them.
#include "swarm/detail/script.hpp"
#include "swarm/detail/values.hpp"
#include "swarm/swarm.hpp"

namespace weir::swarm {

namespace {

// Every value checked for where it lands: #SBATCH lines take only the characters that mean
// the same to sbatch's parser as to the shell (names, partitions, times, the results folder),
// shell lines take any safe text quoted as one word, comments take it escaped.
std::optional<std::string> refused(const std::vector<std::string>& command, const SlurmOptions& o) {
  using namespace detail;
  for (auto why : {check_words(command), check_path("--weir", o.weir), check_sbatch_path("--results", o.results),
                   check_slurm_name("--name", o.name), check_slurm_name("--name", o.name + "-merge")})
    if (why) return why;
  if (!o.partition.empty())
    if (auto why = check_slurm_partitions("--partition", o.partition)) return why;
  if (!o.time.empty())
    if (auto why = check_slurm_time("--time", o.time)) return why;
  return std::nullopt;
}

}  // namespace

std::variant<Files, std::string> slurm_files(const std::vector<std::string>& command, const SlurmOptions& o) {
  using detail::comment_text;
  using detail::quote;
  if (auto why = refused(command, o)) return *why;
  const std::string n = std::to_string(o.shards);
  // The values below were checked to hold nothing sbatch reads as a blank, a quote or a pattern.
  auto header = [&](const std::string& name, const std::string& output) {
    std::string h = "#SBATCH --job-name=" + name + "\n#SBATCH --output=" + output + "\n";
    if (!o.partition.empty()) h += "#SBATCH --partition=" + o.partition + "\n";
    return h;
  };
  std::string shards = "#!/bin/sh\n";
  // #SBATCH lines must come before the first command: comments only above them.
  shards += "# weir swarm, shard $SLURM_ARRAY_TASK_ID of " + n + " of:\n#   weir " + comment_text(detail::words(command)) + "\n";
  shards += "# Each task writes its result (verdict, counts, reproducer) to " + comment_text(o.results) + "/shard-I-of-" + n +
            ".json and exits with its verdict (0 holds, 1 violation, 3 unknown; 2 and 4 are errors).\n";
  shards += header(o.name, o.results + "/shard-%a-of-" + n + ".log");
  shards += "#SBATCH --array=0-" + std::to_string(o.shards - 1) + "\n";
  shards += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=" + std::to_string(o.cpus) + "\n";
  if (!o.time.empty()) shards += "#SBATCH --time=" + o.time + "\n";
  shards += "exec " + detail::shard_command(command, o.weir, o.results, "SLURM_ARRAY_TASK_ID", o.shards) + "\n";

  std::string merge = "#!/bin/sh\n# weir swarm: the shards' results merged into one verdict (the job's exit code).\n";
  merge += header(o.name + "-merge", o.results + "/merge.log");
  merge += "#SBATCH --ntasks=1\n";
  merge += "exec " + detail::merge_command(o.weir, o.results, o.shards) + "\n";

  std::string submit = "#!/bin/sh\n";
  submit += "# Submits the shards as a job array and the merge as a job that starts when every shard has\n";
  submit += "# ended, whatever its exit code (afterany: a shard that finds a violation exits 1).\n";
  submit += "set -eu\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\nmkdir -p -- " + quote(o.results) + "\n";
  submit += "array=$(sbatch --parsable \"$here/shards.sbatch\")\narray=${array%%;*}\n";
  submit += "merge=$(sbatch --parsable --dependency=afterany:\"$array\" \"$here/merge.sbatch\")\nmerge=${merge%%;*}\n";
  submit += "echo \"shards: job $array, merge: job $merge; the verdict:\" " + quote(o.results + "/merge.log") + " and " +
            quote(o.results + "/merged.json") + "\n";
  Files f;
  f.files = {{"shards.sbatch", shards}, {"merge.sbatch", merge}, {"submit.sh", submit}};
  f.next = "submit with: sh submit.sh (the shards as job array 0-" + std::to_string(o.shards - 1) +
           ", then the merge; results in " + o.results + ")";
  return f;
}

}  // namespace weir::swarm
