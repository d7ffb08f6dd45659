// What both engines' files say: shell words and the shard's command line.
#pragma once

#include <string>
#include <vector>

namespace weir::swarm::detail {

// One word for sh, quoted only when it needs to be.
std::string quote(const std::string& word);

// `weir COMMAND... --shard "$VAR/N" --result ... --reproducer|--counterexample ...`, with
// the shard's index read from the engine's variable `index_var` at run time.
std::string shard_command(const std::vector<std::string>& command, const std::string& weir,
                          const std::string& results, const std::string& index_var, std::uint32_t count);

// `weir merge --result RESULTS/merged.json RESULTS/shard-*-of-N.json`.
std::string merge_command(const std::string& weir, const std::string& results, std::uint32_t count);

// The command as one line, for comments.
std::string words(const std::vector<std::string>& command);

}  // namespace weir::swarm::detail
