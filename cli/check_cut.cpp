// weir check cut [--json] [--junit FILE] [--svg FILE] [--html FILE] FILE...
#include <chrono>
#include <iostream>
#include <sstream>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"
#include "cli/cli.hpp"
#include "cli/junit.hpp"
#include "cli/report_files.hpp"
#include "report/report.hpp"
#include "cli/cut_output.hpp"

namespace weir::cli {
namespace {

struct CutArgs {
  bool json = false;
  std::string junit;
  std::string html, svg;
  std::vector<std::string> files;
};

int run(const CutArgs& a) {
  int exit = kHolds;
  std::vector<junit::Case> cases;
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    const std::string& path = a.files[i];
    const auto started = std::chrono::steady_clock::now();
    const std::string file = input::display_name(path);
    // Static: main() leaves with _Exit, so a large execution is never freed piece by piece.
    static std::variant<cut::Execution, cut::ReadError> read;
    read = cut::read_execution(path);
    std::variant<cut::Result, cut::ReadError> checked = cut::ReadError{};
    if (auto* x = std::get_if<cut::Execution>(&read)) checked = cut::check(*x);
    const cut::ReadError* err = std::get_if<cut::ReadError>(&read);
    if (!err) err = std::get_if<cut::ReadError>(&checked);
    junit::Case c{file, "weir.check.cut", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                  junit::Case::Outcome::Pass, "", ""};
    if (err) {
      report_bad_input(file, err->message(), err->line, err->cause, a.json);
      exit = worst(exit, kBadInput);
      c.outcome = junit::Case::Outcome::Error;
      c.message = err->message();
      cases.push_back(c);
      continue;
    }
    const cut::Execution& x = std::get<cut::Execution>(read);
    const cut::Result& r = std::get<cut::Result>(checked);
    std::ostringstream human;
    print_cut_human(human, file, x, r);
    if (a.json) std::cout << json_text(cut_json(file, x, r)) << "\n";
    else std::cout << human.str();
    exit = worst(exit, r.consistent ? kHolds : kViolation);
    if (!a.html.empty() && !write_report(report_path(a.html, a.files.size(), i, file, ".html"), report::cut_html(file, x, r)))
      exit = worst(exit, kBadInput);
    if (!a.svg.empty() && !write_report(report_path(a.svg, a.files.size(), i, file, ".svg"), report::cut_svg(x, r)))
      exit = worst(exit, kBadInput);
    if (!r.consistent) c.set(junit::Case::Outcome::Failure, human.str());
    cases.push_back(c);
  }
  exit = junit::report(a.junit, "check cut", cases, exit);
  return exit;
}

}  // namespace

Runner add_check_cut(CLI::App& check) {
  auto args = std::make_shared<CutArgs>();
  CLI::App* cmd = check.add_subcommand("cut", "causal-cut consistency of the snapshots in an execution");
  cmd->add_flag("--json", args->json, "one JSON object per file on stdout");
  cmd->add_option("--junit", args->junit, "also write a JUnit XML report here: one test case per file");
  cmd->add_option("--svg", args->svg, "also draw each execution as a space-time diagram here (several files: a folder)");
  cmd->add_option("--html", args->html, "also write a page with that diagram and the verdict (several files: a folder)");
  cmd->add_option("FILE", args->files, "execution files (JSON Lines); - reads standard input")->required();
  return [args] { return run(*args); };
}

}  // namespace weir::cli
