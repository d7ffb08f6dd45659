// weir check cut [--json] FILE...
#include <iostream>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"
#include "cli/cli.hpp"
#include "cli/cut_output.hpp"

namespace weir::cli {
namespace {

struct CutArgs {
  bool json = false;
  std::vector<std::string> files;
};

int run(const CutArgs& a) {
  int exit = kHolds;
  for (const std::string& path : a.files) {
    const std::string file = input::display_name(path);
    // Static: main() leaves with _Exit, so a large execution is never freed piece by piece.
    static std::variant<cut::Execution, cut::ReadError> read;
    read = cut::read_execution(path);
    std::variant<cut::Result, cut::ReadError> checked = cut::ReadError{};
    if (auto* x = std::get_if<cut::Execution>(&read)) checked = cut::check(*x);
    const cut::ReadError* err = std::get_if<cut::ReadError>(&read);
    if (!err) err = std::get_if<cut::ReadError>(&checked);
    if (err) {
      report_bad_input(file, err->message(), err->line, err->cause, a.json);
      exit = worst(exit, kBadInput);
      continue;
    }
    const cut::Execution& x = std::get<cut::Execution>(read);
    const cut::Result& r = std::get<cut::Result>(checked);
    if (a.json)
      std::cout << json_text(cut_json(file, x, r)) << "\n";
    else
      print_cut_human(std::cout, file, x, r);
    exit = worst(exit, r.consistent ? kHolds : kViolation);
  }
  return exit;
}

}  // namespace

Runner add_check_cut(CLI::App& check) {
  auto args = std::make_shared<CutArgs>();
  CLI::App* cmd = check.add_subcommand("cut", "causal-cut consistency of the snapshots in an execution");
  cmd->add_flag("--json", args->json, "one JSON object per file on stdout");
  cmd->add_option("FILE", args->files, "execution files (JSON Lines); - reads standard input")->required();
  return [args] { return run(*args); };
}

}  // namespace weir::cli
