#include <cstdlib>
#include <iostream>

#include "cli/cli.hpp"

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

void report_bad_input(const std::string& file, const std::string& message, std::size_t line,
                      const std::string& cause, bool json) {
  std::cerr << message << "\n";
  if (json)
    std::cout << json_text({{"file", file}, {"verdict", "error"}, {"error", {{"line", line}, {"cause", cause}}}})
              << "\n";
}

}  // namespace weir::cli

int main(int argc, char** argv) {
  using namespace weir::cli;
  CLI::App app{"weir: verification and testing for load-balancer-assisted distributed protocols"};
  app.footer("Exit codes, the same for every command: 0 holds, 1 violation found, 2 bad input or usage, "
             "3 unknown (a budget spent, or a search that holds only vacuously), 4 internal error (a bug in weir).");
  app.require_subcommand(1);
  CLI::App* check = app.add_subcommand("check", "judge a recorded history or execution");
  check->require_subcommand(1);
  Runner run_lin = add_check_lin(*check);
  Runner run_cut = add_check_cut(*check);
  Runner run_explore = add_explore(app);
  Runner run_bound = add_bound(app);
  Runner run_fuzz = add_fuzz(app);
  Runner run_replay = add_replay(app);
  Runner run_trace = add_trace(app);
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
    if (app.got_subcommand("explore")) return finish(run_explore());
    if (app.got_subcommand("bound")) return finish(run_bound());
    if (app.got_subcommand("fuzz")) return finish(run_fuzz());
    if (app.got_subcommand("replay")) return finish(run_replay());
    if (app.got_subcommand("trace")) return finish(run_trace());
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
