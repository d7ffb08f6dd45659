// weir check lin --spec SPEC [--init VALUE] [--no-partition] [--timeout S] [--json] FILE...
#include <iostream>
#include <sstream>
#include <thread>

#include "checker/input/input.hpp"
#include "checker/lin/lin.hpp"
#include "cli/cli.hpp"
#include "cli/junit.hpp"
#include "cli/report_files.hpp"
#include "report/report.hpp"
#include "cli/lin_output.hpp"
#include "cli/options.hpp"

namespace weir::cli {
namespace {

struct LinArgs {
  std::string spec;
  std::string format = "auto";
  std::optional<std::string> init;
  std::string nil_reads = "value";
  bool no_partition = false;
  bool independent = false;
  double timeout = 0;
  unsigned jobs = 0;
  bool json = false;
  std::string junit;
  std::string html;
  std::vector<std::string> files;
};

int run(const LinArgs& a) {
  lin::ReadOptions ropts;
  ropts.spec = *spec::parse_spec_kind(a.spec);  // CLI11 checked it
  ropts.format = *lin::parse_format(a.format);
  ropts.init = a.init;
  ropts.nil_reads_any = a.nil_reads == "any";
  ropts.independent = a.independent;

  // Read every file (in parallel: a suite is many small files), then check them all on
  // one pool of workers.
  // Static: main() leaves with _Exit, so a million-op history is never freed one by one.
  static std::vector<std::variant<lin::History, lin::ReadError>> read;
  read.assign(a.files.size(), lin::ReadError{});
  {
    std::atomic<std::size_t> next{0};
    auto reader = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < a.files.size();)
        read[i] = lin::read_history(a.files[i], ropts);
    };
    unsigned n = std::min<std::size_t>(a.files.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < n; ++i) pool.emplace_back(reader);
    reader();
    for (auto& t : pool) t.join();
  }
  std::vector<const lin::History*> histories;
  for (auto& r : read)
    if (auto* h = std::get_if<lin::History>(&r)) histories.push_back(h);

  lin::CheckOptions copts;
  copts.partition = !a.no_partition;
  copts.timeout_seconds = a.timeout;
  copts.jobs = a.jobs;
  copts.keep_order = !a.html.empty();  // the report draws the linearization
  std::vector<lin::Result> results = lin::check_all(histories, copts);

  int exit = kHolds;
  std::size_t next_result = 0;
  std::vector<junit::Case> cases;
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    const std::string name = input::display_name(a.files[i]);
    junit::Case c{name, "weir.check.lin." + a.spec, 0, junit::Case::Outcome::Pass, "", ""};
    if (auto* err = std::get_if<lin::ReadError>(&read[i])) {
      report_bad_input(name, err->message(), err->line, err->cause, a.json);
      exit = worst(exit, kBadInput);
      c.outcome = junit::Case::Outcome::Error;
      c.message = err->message();
      cases.push_back(c);
      continue;
    }
    const lin::History& h = std::get<lin::History>(read[i]);
    const lin::Result& r = results[next_result++];
    std::ostringstream human;
    print_lin_human(human, name, h, r);
    if (a.json) std::cout << json_text(lin_json(name, h, r)) << "\n";
    else std::cout << human.str();
    exit = worst(exit, r.verdict == lin::Verdict::Ok          ? kHolds
                       : r.verdict == lin::Verdict::Violation ? kViolation
                                                              : kUnknown);
    if (!a.html.empty() && !write_report(report_path(a.html, a.files.size(), i, name, ".html"), report::lin_html(name, h, r)))
      exit = worst(exit, kBadInput);
    c.seconds = r.seconds;
    if (r.verdict != lin::Verdict::Ok)
      c.set(r.verdict == lin::Verdict::Violation ? junit::Case::Outcome::Failure : junit::Case::Outcome::Skipped, human.str());
    cases.push_back(c);
  }
  exit = junit::report(a.junit, "check lin", cases, exit);
  return exit;
}

}  // namespace

Runner add_check_lin(CLI::App& check) {
  auto args = std::make_shared<LinArgs>();
  CLI::App* cmd = check.add_subcommand("lin", "linearizability of client histories");
  cmd->add_option("--spec", args->spec, "sequential spec: register, cas-register, kv, multi-register (Knossos's :txn)")
      ->required()
      ->check(CLI::IsMember({"register", "cas-register", "kv", "multi-register"}));
  cmd->add_option("--format", args->format, "history format (default: by content)")
      ->check(CLI::IsMember({"auto", "jsonl", "edn", "jepsen-log"}));
  cmd->add_option("--init", args->init,
                  "initial value: an EDN value for registers (default nil), a string for kv "
                  "(default \"\")");
  cmd->add_option("--nil-reads", args->nil_reads,
                  "what a read that returned nil read: value (the value nil, i.e. the initial one: Porcupine's etcd "
                  "model) or any (a value not known, matching any state: Knossos)")
      ->check(CLI::IsMember({"value", "any"}))
      ->capture_default_str();
  cmd->add_flag("--independent", args->independent,
                "register specs: values are Jepsen's independent [key value] tuples, one register per key");
  cmd->add_flag("--no-partition", args->no_partition,
                "check a kv history as one object instead of per key");
  cmd->add_option("--timeout", args->timeout, "give up after SECONDS (exit 3); 0: no limit")
      ->check(number_in(0, 1e7));
  cmd->add_option("--jobs", args->jobs, "worker threads (default: one per core)")->check(whole_in(1, 1024));
  cmd->add_flag("--json", args->json, "one JSON object per file on stdout");
  cmd->add_option("--junit", args->junit, "also write a JUnit XML report here: one test case per file");
  cmd->add_option("--html", args->html,
                  "also write a page drawing each history here (several files: a folder, one page each)");
  cmd->add_option("FILE", args->files, "history files; - reads standard input")->required();
  return [args] { return run(*args); };
}

}  // namespace weir::cli
