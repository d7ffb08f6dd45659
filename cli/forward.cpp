#include "cli/forward.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace weir::cli {

namespace {

namespace fs = std::filesystem;

int run_weir_full(char** argv) {
  const fs::path full = fs::path(own_directory().value_or(fs::path(argv[0]).parent_path().string())) / "weir-full";
  std::cout.flush();
  std::cerr.flush();
  execv(full.c_str(), argv);
  std::cerr << "weir: cannot run " << full.string() << ", which does this command: " << std::strerror(errno)
            << " (weir-full is built and installed beside weir)\n";
  return kInternal;
}

std::function<Runner(CLI::App&)> forwarder(const char* name, const char* about, char** argv) {
  return [=](CLI::App& app) -> Runner {
    CLI::App* cmd = app.add_subcommand(name, about);
    cmd->prefix_command();  // the first argument on is weir-full's to parse
    cmd->set_help_flag();   // --help too: the options are described there
    return [argv] { return run_weir_full(argv); };
  };
}

}  // namespace

Backends forwarded_backends(char** argv) {
  return {forwarder("bound", kBoundAbout, argv), forwarder("fuzz", kFuzzAbout, argv),
          forwarder("replay", kReplayAbout, argv), forwarder("trace", kTraceAbout, argv)};
}

}  // namespace weir::cli
