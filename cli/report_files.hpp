// Where `--html` and `--svg` reports go: with one input, the file named; with several, a
// folder of that name, one report per input named after it. And how every file a command
// writes (reports, shard results, merged results, reproducers, job scripts) is written.
#pragma once

#include <string>

namespace weir::cli {

std::string report_path(const std::string& option, std::size_t inputs, std::size_t index, const std::string& input,
                        const char* extension);
// Writes `text`, making the folders above it; when it cannot, says why on stderr
// ("path: cannot write WHAT: cause") and returns false (the command then exits 2).
bool write_file(const std::string& path, const std::string& text, const std::string& what);
inline bool write_report(const std::string& path, const std::string& text) {
  return write_file(path, text, "the report");
}

}  // namespace weir::cli
