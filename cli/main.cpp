#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <streambuf>

#include "cli/cli.hpp"
#include "cli/junit.hpp"

namespace weir::cli {

int worst(int a, int b) {
  auto rank = [](int code) {
    switch (code) {
      case kBadInput: return 3;
      case kViolation: return 2;
      case kUnknown: return 1;
      default: return 0;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string beside_json(const std::string& json_file, const std::string& suffix) {
  std::string base = json_file;
  if (base.size() > 5 && base.compare(base.size() - 5, 5, ".json") == 0) base.resize(base.size() - 5);
  return base.append(suffix);
}

std::optional<std::string> side_file(const std::string& main_file, const std::string& suffix) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(main_file, ec)) return std::nullopt;
  const std::filesystem::path dir = std::filesystem::path(main_file).parent_path();
  if (access(dir.empty() ? "." : dir.c_str(), W_OK) != 0) return std::nullopt;
  return beside_json(main_file, suffix);
}

void report_bad_input(const std::string& file, const std::string& message, std::size_t line,
                      const std::string& cause, bool json) {
  std::cerr << message << "\n";
  if (json)
    std::cout << json_text({{"file", file}, {"verdict", "error"}, {"error", {{"line", line}, {"cause", cause}}}})
              << "\n";
}

namespace {

// Writes through to a stream and keeps a copy: the words of a command whose --junit report
// carries them.
class Tee : public std::streambuf {
 public:
  Tee(std::streambuf* to, std::string& copy) : to_(to), copy_(copy) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    copy_.push_back(static_cast<char>(c));
    return to_->sputc(static_cast<char>(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    copy_.append(s, static_cast<std::size_t>(n));
    return to_->sputn(s, n);
  }
  int sync() override { return to_->pubsync(); }

 private:
  std::streambuf* to_;
  std::string& copy_;
};

// Commands other than check lin and check cut (which write one case per file) report one
// test case for the run: its verdict by the exit code, its words as the text.
int run_with_junit(const std::string& path, const std::string& command, const std::string& line, const Runner& run) {
  std::string words;
  Tee out(std::cout.rdbuf(), words), err(std::cerr.rdbuf(), words);
  std::streambuf* old_out = std::cout.rdbuf(&out);
  std::streambuf* old_err = std::cerr.rdbuf(&err);
  const auto started = std::chrono::steady_clock::now();
  int code = kInternal;
  try {
    code = run();
  } catch (...) {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    throw;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  std::string classname = "weir." + command;
  std::replace(classname.begin(), classname.end(), ' ', '.');
  junit::Case c{line, classname, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                junit::Case::Outcome::Pass, "", ""};
  if (code != kHolds) {
    // The message: the line that says what went wrong, else the first.
    std::string first = words.substr(0, words.find('\n'));
    for (const char* mark : {"VIOLATION", "INCONSISTENT", "weir:", "unknown"}) {
      const auto at = words.find(mark);
      if (at == std::string::npos) continue;
      const auto start = words.rfind('\n', at);
      const auto from = start == std::string::npos ? 0 : start + 1;
      first = words.substr(from, words.find('\n', at) - from);
      break;
    }
    c.outcome = code == kViolation ? junit::Case::Outcome::Failure
                : code == kUnknown ? junit::Case::Outcome::Skipped
                                   : junit::Case::Outcome::Error;
    c.message = first;
    c.text = words;
  }
  return junit::report(path, command, {c}, code);
}

}  // namespace

namespace {
std::vector<std::string> g_invocation;
}  // namespace

const std::vector<std::string>& invocation() { return g_invocation; }

std::optional<std::string> own_directory() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return self.parent_path().string();
}

int weir_main(int argc, char** argv, const Backends& backends) {
  g_invocation.assign(argv, argv + argc);
  CLI::App app{"weir: verification and testing for load-balancer-assisted distributed protocols"};
  app.footer("Exit codes, the same for every command: 0 holds, 1 violation found, 2 bad input or usage, "
             "3 unknown (a budget spent, or a search that holds only vacuously), 4 internal error (a bug in weir).");
  app.require_subcommand(1);
  CLI::App* check = app.add_subcommand("check", "judge a recorded history or execution");
  check->require_subcommand(1);
  Runner run_lin = add_check_lin(*check);
  Runner run_cut = add_check_cut(*check);
  Runner run_explore = add_explore(app);
  Runner run_bound = backends.bound(app);
  Runner run_fuzz = backends.fuzz(app);
  Runner run_replay = backends.replay(app);
  Runner run_trace = backends.trace(app);
  Runner run_merge = add_merge(app);
  Runner run_swarm = add_swarm(app);
  // Each command's --help names its reference page (docs/, in the repository).
  for (auto [app_of, page] : {std::pair{check->get_subcommand("lin"), "check-lin"}, std::pair{check->get_subcommand("cut"), "check-cut"},
                              std::pair{app.get_subcommand("explore"), "explore"}, std::pair{app.get_subcommand("bound"), "bound"},
                              std::pair{app.get_subcommand("fuzz"), "fuzz"}, std::pair{app.get_subcommand("replay"), "replay"},
                              std::pair{app.get_subcommand("trace"), "trace"},
                              std::pair{app.get_subcommand("merge"), "swarm"}, std::pair{app.get_subcommand("swarm"), "swarm"}}) {
    std::vector<CLI::App*> apps{app_of};
    for (CLI::App* leaf : app_of->get_subcommands({})) apps.push_back(leaf);
    for (CLI::App* a : apps) {
      const std::string before = a->get_footer();
      a->footer(std::string("Reference: docs/").append(page).append(".md (exit codes: docs/exit-codes.md)") +
                (before.empty() ? "" : "\n\n" + before));
    }
  }
  app.footer(app.get_footer() + "\nReference: README.md, then docs/ (one page per command, format and model).");
  // --junit on every command (check lin and check cut have their own, per file).
  std::string junit_path;
  struct JunitCommand {
    CLI::App* app;
    std::string name;  // "explore beaver", "trace check", "replay"
    const Runner* run;
  };
  std::vector<JunitCommand> junit_commands;
  for (auto [name, run] : {std::pair{"explore", &run_explore}, std::pair{"bound", &run_bound}, std::pair{"fuzz", &run_fuzz},
                           std::pair{"replay", &run_replay}, std::pair{"trace", &run_trace},
                           std::pair{"merge", &run_merge}, std::pair{"swarm", &run_swarm}}) {
    CLI::App* top = app.get_subcommand(name);
    if (top->get_prefix_command()) continue;  // handed whole to weir-full, which takes --junit itself
    const auto leaves = top->get_subcommands({});
    if (leaves.empty()) junit_commands.push_back({top, name, run});
    for (CLI::App* leaf : leaves) junit_commands.push_back({leaf, std::string(name) + " " + leaf->get_name(), run});
  }
  for (const JunitCommand& c : junit_commands)
    c.app->add_option("--junit", junit_path, "also write a JUnit XML report of this run here (one test case)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "weir: " << e.what() << "\n";
    std::cerr << "run 'weir --help' for usage\n";
    return kBadInput;
  }
  // Leave without freeing: a million-operation history takes longer to free than to
  // check, and the process is ending anyway.
  auto finish = [](int code) {
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
    return code;
  };
  try {
    if (check->got_subcommand("lin")) return finish(run_lin());
    if (check->got_subcommand("cut")) return finish(run_cut());
    if (!junit_path.empty()) {
      std::string line = "weir";
      for (int i = 1; i < argc; ++i) line.append(" ").append(argv[i]);
      for (const JunitCommand& c : junit_commands)
        if (c.app->parsed()) return finish(run_with_junit(junit_path, c.name, line, *c.run));
    }
    if (app.got_subcommand("explore")) return finish(run_explore());
    if (app.got_subcommand("bound")) return finish(run_bound());
    if (app.got_subcommand("fuzz")) return finish(run_fuzz());
    if (app.got_subcommand("replay")) return finish(run_replay());
    if (app.got_subcommand("trace")) return finish(run_trace());
    if (app.got_subcommand("merge")) return finish(run_merge());
    if (app.got_subcommand("swarm")) return finish(run_swarm());
  } catch (const std::bad_alloc&) {
    std::cerr << "weir: unknown: out of memory\n";  // the memory budget is spent
    return kUnknown;
  } catch (const std::exception& e) {
    // Bad input is answered where it is read, with exit 2: an exception that gets this far
    // is a bug in weir, and CI must be able to tell the two apart.
    std::cerr << "weir: internal error: this is a bug in weir: " << e.what() << "\n";
    return kInternal;
  } catch (...) {
    std::cerr << "weir: internal error: this is a bug in weir: an unknown exception\n";
    return kInternal;
  }
  return kBadInput;
}

}  // namespace weir::cli
