// Running the `weir` binary from tests, as a user would.
#pragma once

#include <string>

namespace weir::test {

struct CliRun {
  int exit = -1;
  std::string out, err;
};

// Runs `PROGRAM ARGS` (a shell word list) in `dir` (default: a scratch directory).
CliRun run_program(const std::string& program, const std::string& args, const std::string& dir = "");
// Runs `weir ARGS` so.
CliRun weir(const std::string& args, const std::string& dir = "");
// Writes a scratch file and returns its path.
std::string write_file(const std::string& name, const std::string& text);
// A scratch directory of this test process.
std::string scratch_dir();

}  // namespace weir::test
