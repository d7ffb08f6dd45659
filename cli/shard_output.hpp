// `--shard I/N` and `--result FILE` of the commands that spread over a cluster (weir
// explore --simulate/--dfs, weir fuzz): the option, and the shard's result written for
// `weir merge`.
#pragma once

#include <optional>
#include <string>

#include "cli/cli.hpp"
#include "swarm/swarm.hpp"

namespace weir::cli {

struct ShardArgs {
  std::string shard;   // "I/N" as typed; empty: the whole run
  std::string result;  // where the result goes; empty: nowhere
  // The shard, once parsed (0/1 when not sharded); the cause on stderr and false when the
  // text is not one.
  bool parse(const std::string& command, swarm::Shard& out) const;
};

void add_shard_options(CLI::App* app, ShardArgs& a, const std::string& what);

// Fills in what every result has (job, command, shard, exit) and writes it; false, with
// the cause on stderr, when it cannot be written.
bool write_shard_result(const ShardArgs& a, swarm::Result r, const swarm::Shard& shard, int exit);

// A reproducer file's contents as the result carries them (null when it is not a regular
// file, or cannot be read as JSON).
nlohmann::json reproducer_content(const std::string& file);

// "file (shard 2/4)" -> "file.shard-2-of-4.json"'s shape: the default name a shard uses, so
// that shards sharing a directory do not overwrite each other's reproducers.
std::string sharded_name(const std::string& file, const swarm::Shard& shard);

}  // namespace weir::cli
