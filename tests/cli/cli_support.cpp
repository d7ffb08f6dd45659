#include "tests/cli/cli_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace weir::test {

namespace fs = std::filesystem;

std::string scratch_dir() {
  static const fs::path dir = fs::temp_directory_path() / ("weir-cli-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir.string();
}

CliRun weir(const std::string& args, const std::string& dir) { return run_program(WEIR_BINARY, args, dir); }

CliRun run_program(const std::string& program, const std::string& args, const std::string& dir) {
  const fs::path d = dir.empty() ? fs::path(scratch_dir()) : fs::path(dir);
  const fs::path out = d / "out", err = d / "err";
  const std::string cmd = "cd " + d.string() + " && " + program + " " + args + " >" + out.string() + " 2>" + err.string();
  CliRun r;
  const int status = std::system(cmd.c_str());
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

CliRun run_argv(const std::string& program, const std::vector<std::string>& args, const std::string& dir,
                const std::vector<std::string>& env) {
  const fs::path out = fs::path(dir) / "argv-out", err = fs::path(dir) / "argv-err";
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(127);
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  return CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path p = fs::path(scratch_dir()) / "in";
  fs::create_directories(p);
  std::ofstream(p / name) << text;
  return (p / name).string();
}

}  // namespace weir::test
