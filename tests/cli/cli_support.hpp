// Running the `weir` binary from tests, as a user would.
#pragma once

#include <string>
#include <vector>

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

// A live run that exits 3 with "would not run it" met a kernel that refuses a capability
// (namespaces, BPF, TCP repair): say which and skip.
#define SKIP_IF_REFUSED(r)                                                                 \
  if ((r).exit == 3 && (r).err.find("the machine would not run it") != std::string::npos) \
  GTEST_SKIP() << (r).err

namespace weir::test {
// Runs PROGRAM with exactly these arguments (no shell reads them), in `dir`, with `env`
// ("NAME=value" entries) added to the environment.
CliRun run_argv(const std::string& program, const std::vector<std::string>& args, const std::string& dir,
                const std::vector<std::string>& env = {});
}  // namespace weir::test
