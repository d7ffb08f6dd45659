// A Slurm job array of the shards and a merge job that runs after all of them.
#include "swarm/detail/script.hpp"
#include "swarm/swarm.hpp"

namespace weir::swarm {

Files slurm_files(const std::vector<std::string>& command, const SlurmOptions& o) {
  using detail::quote;
  const std::string n = std::to_string(o.shards);
  auto header = [&](const std::string& name, const std::string& output) {
    std::string h = "#SBATCH --job-name=" + quote(name) + "\n#SBATCH --output=" + quote(output) + "\n";
    if (!o.partition.empty()) h += "#SBATCH --partition=" + quote(o.partition) + "\n";
    return h;
  };
  std::string shards = "#!/bin/sh\n";
  // #SBATCH lines must come before the first command: comments only above them.
  shards += "# weir swarm, shard $SLURM_ARRAY_TASK_ID of " + n + " of:\n#   weir " + detail::words(command) + "\n";
  shards += "# Each task writes its result (verdict, counts, reproducer) to " + o.results + "/shard-I-of-" + n +
            ".json and exits with its verdict (0 holds, 1 violation, 3 unknown; 2 and 4 are errors).\n";
  shards += header(o.name, o.results + "/shard-%a-of-" + n + ".log");
  shards += "#SBATCH --array=0-" + std::to_string(o.shards - 1) + "\n";
  shards += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=" + std::to_string(o.cpus) + "\n";
  if (!o.time.empty()) shards += "#SBATCH --time=" + quote(o.time) + "\n";
  shards += "exec " + detail::shard_command(command, o.weir, o.results, "SLURM_ARRAY_TASK_ID", o.shards) + "\n";

  std::string merge = "#!/bin/sh\n# weir swarm: the shards' results merged into one verdict (the job's exit code).\n";
  merge += header(o.name + "-merge", o.results + "/merge.log");
  merge += "#SBATCH --ntasks=1\n";
  merge += "exec " + detail::merge_command(o.weir, o.results, o.shards) + "\n";

  std::string submit = "#!/bin/sh\n";
  submit += "# Submits the shards as a job array and the merge as a job that starts when every shard has\n";
  submit += "# ended, whatever its exit code (afterany: a shard that finds a violation exits 1).\n";
  submit += "set -eu\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\nmkdir -p " + quote(o.results) + "\n";
  submit += "array=$(sbatch --parsable \"$here/shards.sbatch\")\narray=${array%%;*}\n";
  submit += "merge=$(sbatch --parsable --dependency=afterany:\"$array\" \"$here/merge.sbatch\")\nmerge=${merge%%;*}\n";
  submit += "echo \"shards: job $array, merge: job $merge; the verdict: " + o.results + "/merge.log and " + o.results +
            "/merged.json\"\n";
  Files f;
  f.files = {{"shards.sbatch", shards}, {"merge.sbatch", merge}, {"submit.sh", submit}};
  f.next = "submit with: sh submit.sh (the shards as job array 0-" + std::to_string(o.shards - 1) +
           ", then the merge; results in " + o.results + ")";
  return f;
}

}  // namespace weir::swarm
