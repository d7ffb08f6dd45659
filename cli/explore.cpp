// `weir explore MODEL [options]`: model-check a registered model; `weir explore --replay
// FILE`: walk a counterexample again. Every model, its options and its words come from the
// registry (model/registry): nothing here names a model.
#include <deque>
#include <iostream>
#include <map>
#include <memory>

#include "checker/explore/counterexample.hpp"
#include "cli/report_files.hpp"
#include "report/report.hpp"
#include "checker/input/input.hpp"
#include "cli/cli.hpp"
#include "cli/explore_report.hpp"
#include "cli/options.hpp"
#include "cli/shard_output.hpp"
#include "model/registry/registry.hpp"

namespace weir::cli {
namespace {

using model::registry::AnyModel;
using model::registry::ModelInfo;
using model::registry::OptionSpec;

struct ExploreArgs {
  explore::Options opts;
  std::uint64_t simulate_runs = 0;  // > 0: random simulation instead of exhaustive search
  bool dfs = false;
  std::uint64_t seed = 1;
  bool seed_given = false;
  std::uint32_t sim_depth = 100;
  bool json = false;
  bool list = false;
  std::string replay_file;
  std::string counterexample_file;  // default: counterexample-MODEL.json
  std::string html;                 // the counterexample's page, when one is found
  ShardArgs shard;
};

// One model's subcommand: its options as typed, until the run reads them.
struct ModelCli {
  const ModelInfo* info = nullptr;
  CLI::App* app = nullptr;
  std::map<std::string, std::string> text;  // counts and choices
  std::map<std::string, bool> flags;
};

// counterexample-beaver.json -> counterexample-beaver.execution.jsonl
std::string execution_file(const std::string& counterexample) { return beside_json(counterexample, ".execution.jsonl"); }

// A snapshot model's path as an execution, judged by `weir check cut` (the model's online
// verdict and the checker's must agree): written beside the counterexample.
std::optional<JudgedExecution> judge_execution(const AnyModel& m, std::uint32_t init,
                                               const std::vector<std::uint32_t>& path, const std::string& file) {
  auto x = m.execution(init, path);
  if (!x) return std::nullopt;
  JudgedExecution v = write_and_judge(*x, file, "    ");
  v.text.insert(0, "  the run as an execution for weir check cut:\n");
  return v;
}

// The counterexample's page (a sequence diagram, and the run's execution where the model
// has one); false, with the cause on stderr, when it cannot be written.
bool write_page(const std::string& out, const AnyModel& m, const std::string& title, std::uint32_t init,
                const std::vector<std::uint32_t>& path) {
  const auto walk = m.walk(init, path);
  if (!walk) return true;
  report::Counterexample cx;
  cx.title = title;
  cx.violated = walk->violated ? walk->violated : "";
  cx.initial = walk->initial;
  for (const auto& mv : walk->moves) cx.steps.push_back({mv.action, mv.state, mv.from, mv.to});
  if (auto x = m.execution(init, path)) {
    auto judged = cut::check(*x);
    if (auto* r = std::get_if<cut::Result>(&judged)) {
      cx.judged = *r;
      cx.execution = std::move(*x);
    }
  }
  return write_report(out, report::explore_html(cx));
}

int search(const ModelInfo& info, const explore::OptionValues& values, const ExploreArgs& a) {
  swarm::Shard shard;
  if (!a.shard.parse("explore " + info.name, shard)) return kBadInput;
  if (!a.shard.shard.empty() && a.simulate_runs == 0 && !a.dfs) {
    std::cerr << "weir: explore " << info.name << ": --shard needs --simulate (the runs are split) or --dfs (a swarm: "
              << "each shard searches in its own order); breadth-first search does not split\n";
    return kBadInput;
  }
  if (a.seed_given && a.simulate_runs == 0 && !a.dfs) {
    std::cerr << "weir: explore " << info.name << ": --seed belongs to --simulate (or to a --dfs swarm)\n";
    return kBadInput;
  }
  auto made = model::registry::build(info, values);
  if (auto* why = std::get_if<std::string>(&made)) {
    std::cerr << "weir: explore " << info.name << ": " << *why << "\n";
    return kBadInput;
  }
  const AnyModel& m = *std::get<std::unique_ptr<AnyModel>>(made);
  explore::OptionValues saved = values;
  model::registry::complete(info, saved);
  Report how;
  how.title = model::registry::title(info, saved);
  how.json = a.json;
  how.seed = a.seed;
  how.sim_depth = a.sim_depth;
  how.mode = a.simulate_runs > 0 ? SearchMode::Simulate : a.dfs ? SearchMode::Dfs : SearchMode::Bfs;
  explore::ProgressFn progress;
  if (!a.json) progress = progress_line;
  explore::Result r;
  swarm::Result shard_result;
  shard_result.kind = how.mode == SearchMode::Simulate ? "simulate" : how.mode == SearchMode::Dfs ? "dfs" : "bfs";
  if (how.mode == SearchMode::Simulate) {
    const swarm::Range runs = swarm::share(shard, a.simulate_runs);
    shard_result.runs = runs;
    explore::SimulateOptions so;
    so.first_run = runs.first;
    so.runs = runs.end - runs.first;
    so.seed = a.seed;
    so.depth = a.sim_depth;
    so.threads = a.opts.threads;
    so.timeout_seconds = a.opts.timeout_seconds;
    r = m.simulate(so, progress);
  } else {
    explore::Options opts = a.opts;
    if (how.mode == SearchMode::Dfs) opts.order_seed = shard_result.order_seed = swarm::order_seed(shard, a.seed);
    r = how.mode == SearchMode::Dfs ? m.dfs(opts, progress) : m.bfs(opts, progress);
  }
  if (r.outcome == explore::Outcome::Violation) {
    if (auto walk = m.walk(r.init_index, r.path)) how.steps = walk->steps;
    how.written = a.counterexample_file.empty() ? sharded_name("counterexample-" + info.name + ".json", shard)
                                                : a.counterexample_file;
    const explore::Counterexample cx{info.name, saved, r.init_index, r.path, r.invariant, how.steps};
    if (auto why = explore::write_counterexample(cx, how.written)) {
      std::cerr << "weir: " << *why << "\n";
      how.written.clear();
    }
    // Beside the counterexample, when it was written to a file (not to /dev/stdout).
    const std::string beside = input::is_regular_file(how.written) ? execution_file(how.written) : std::string();
    how.execution = judge_execution(m, r.init_index, r.path, beside);
    if (!a.html.empty() && !write_page(a.html, m, how.title, r.init_index, r.path)) return kBadInput;
    // The result carries the counterexample when it went to a file that can be read back
    // (not to /dev/stdout).
    if (nlohmann::json content = reproducer_content(how.written); content.is_object())
      shard_result.reproducer = swarm::Reproducer{"weir explore --replay", "a VIOLATION of \"" + r.invariant + "\"",
                                                  r.path.size(), "steps", std::move(content)};
  }
  const int code = report(how, r);
  shard_result.outcome = code == kViolation ? "violation"
                         : code == kUnknown ? (r.outcome == explore::Outcome::Bounded ? "bounded" : "vacuous")
                         : r.outcome == explore::Outcome::Sampled ? "sampled"
                                                                  : "complete";
  if (how.mode == SearchMode::Simulate) shard_result.counts = {{"runs", r.stats.unique}, {"steps", r.stats.states}};
  else shard_result.counts = {{"states", r.stats.states}, {"unique_states", r.stats.unique}};
  if (!write_shard_result(a.shard, std::move(shard_result), shard, code)) return kBadInput;
  return code;
}

// Walks a recorded path and confirms that it ends where the recorded run said.
int replay(const std::string& path, const std::string& html) {
  const std::string file = input::display_name(path);
  auto read = explore::read_counterexample(path);
  if (auto* why = std::get_if<std::string>(&read)) {
    std::cerr << file << ": " << *why << "\n";
    return kBadInput;
  }
  const explore::Counterexample& cx = std::get<explore::Counterexample>(read);
  const ModelInfo* info = model::registry::find_model(cx.model);
  if (!info) {
    std::cerr << file << ": unknown model \"" << input::excerpt(cx.model)
              << "\" (weir explore --list shows the models)\n";
    return kBadInput;
  }
  auto made = model::registry::build(*info, cx.options);
  if (auto* why = std::get_if<std::string>(&made)) {
    std::cerr << file << ": its model options do not fit " << info->name << ": " << *why << "\n";
    return kBadInput;
  }
  const AnyModel& m = *std::get<std::unique_ptr<AnyModel>>(made);
  explore::OptionValues values = cx.options;
  model::registry::complete(*info, values);
  const std::string title = model::registry::title(*info, values);
  const auto walk = m.walk(cx.init, cx.actions);
  if (!walk) {
    std::cerr << file << ": the path does not fit " << title
              << " (an action index is out of range): not a counterexample of this model\n";
    return kBadInput;
  }
  std::cout << title << ": replaying " << cx.actions.size() << " steps from " << file << "\n";
  print_steps(walk->steps);
  // The execution goes beside the counterexample only when that is a file one can write
  // beside: never /dev/stdin.execution.jsonl, nor a file next to a pipe.
  const std::string beside = input::is_regular_file(path) ? execution_file(path) : std::string();
  if (auto v = judge_execution(m, cx.init, cx.actions, beside)) std::cout << v->text;
  if (!html.empty()) {
    if (!write_page(html, m, title, cx.init, cx.actions)) return kBadInput;
    std::cout << "  drawn: " << html << "\n";
  }
  const char* bad = walk->violated;
  if (bad && (cx.invariant.empty() || cx.invariant == bad)) {
    std::cout << "  reproduced: VIOLATION of \"" << bad << "\" after step " << cx.actions.size() << "\n";
    return kViolation;
  }
  if (bad) {
    // Still a violation, but not the one recorded: the model has changed since.
    std::cout << "  not reproduced as recorded: the path ends in a VIOLATION of \"" << bad << "\", not of \""
              << cx.invariant << "\"\n";
    return kViolation;
  }
  std::cout << "  not reproduced: every invariant holds at the end of the path\n";
  return kHolds;
}

// The options as typed, as values; the first one that does not parse, if any.
std::variant<explore::OptionValues, std::string> values_of(const ModelCli& mc) {
  explore::OptionValues v;
  for (const OptionSpec& spec : mc.info->options) {
    if (spec.type == OptionSpec::Type::Flag) {
      if (mc.flags.at(spec.name)) v.emplace(spec.name, true);
      continue;
    }
    const std::string& text = mc.text.at(spec.name);
    if (text.empty()) continue;
    auto parsed = model::registry::parse_value(spec, text);
    if (auto* why = std::get_if<std::string>(&parsed)) return *why;
    v.emplace(spec.name, std::get<explore::OptionValue>(parsed));
  }
  return v;
}

void add_common(CLI::App* m, ExploreArgs& a) {
  m->add_option("--max-states", a.opts.max_states, "stop after this many unique states (exit 3); 0: no bound")
      ->check(whole_in(0, UINT64_MAX));
  m->add_option("--max-depth", a.opts.max_depth, "explore no deeper than this (exit 3 if states remain); 0: no bound")
      ->check(whole_in(0, UINT32_MAX));
  m->add_option("--timeout", a.opts.timeout_seconds, "stop after this many seconds (exit 3); 0: no bound")
      ->check(number_in(0, 1e7));
  m->add_option("--threads", a.opts.threads, "worker threads (default: one per core)")->check(whole_in(1, 256));
  m->add_option("--html", a.html, "when a counterexample is found, also draw it as a page here");
  m->add_option("--counterexample", a.counterexample_file,
                "where to write a counterexample (default: counterexample-MODEL.json)");
  m->add_flag("--json", a.json, "one JSON object on stdout");
  auto full = m->add_flag("--full-states", a.opts.full_states,
                          "store whole states, not 64-bit fingerprints: rules out collisions (breadth-first only)");
  auto dfs = m->add_flag("--dfs", a.dfs, "depth-first, one thread, low memory (counterexamples not shortest)");
  auto sim = m->add_option("--simulate", a.simulate_runs,
                           "random simulation: this many seeded random runs instead of exhaustive search")
                 ->check(whole_in(1, std::uint64_t{1} << 40));
  m->add_option("--seed", a.seed, "simulation seed (the same seed gives the same runs); with --dfs --shard, the swarm's")
      ->check(whole_in(0, UINT64_MAX))
      ->each([&a](const std::string&) { a.seed_given = true; });
  add_shard_options(m, a.shard, "--simulate splits the runs, --dfs searches in the shard's own order");
  m->add_option("--depth", a.sim_depth, "steps per simulation run")
      ->needs(sim)
      ->check(whole_in(1, 1'000'000))
      ->capture_default_str();
  sim->excludes(dfs);
  full->excludes(dfs);
  full->excludes(sim);
}

}  // namespace

Runner add_explore(CLI::App& app) {
  auto args = std::make_shared<ExploreArgs>();
  auto clis = std::make_shared<std::deque<ModelCli>>();
  CLI::App* cmd = app.add_subcommand("explore", "model-check a protocol model (breadth-first, every core)");
  cmd->footer("Exit: 0 holds, 1 violation, 2 bad input, 3 unknown (a bound stopped the search, or it holds only "
              "vacuously: a goal was never reached), 4 internal error (a bug in weir).");
  cmd->add_flag("--list", args->list, "print every model: options, defaults, ranges, mutants, invariants, goals");
  cmd->add_option("--replay", args->replay_file, "replay a counterexample file written by an earlier run");
  cmd->add_option("--html", args->html, "with --replay: also draw the counterexample as a page here");
  for (const ModelInfo* info : model::registry::models()) {
    ModelCli& mc = clis->emplace_back();
    mc.info = info;
    mc.app = cmd->add_subcommand(info->name, info->summary);
    for (const OptionSpec& spec : info->options) {
      if (spec.type == OptionSpec::Type::Flag) {
        mc.app->add_flag("--" + spec.name, mc.flags[spec.name], spec.help);
        continue;
      }
      std::string help = spec.help + " (default " +
                         (spec.def_note.empty() ? model::registry::show(spec.def) : spec.def_note) + ")";
      if (spec.type == OptionSpec::Type::Count)
        help += ", " + std::to_string(spec.min) + ".." + std::to_string(spec.max);
      mc.app->add_option("--" + spec.name, mc.text[spec.name], help);
    }
    add_common(mc.app, *args);
    mc.app->footer(model::registry::listing(*info));
  }
  return [args, clis]() -> int {
    if (!args->replay_file.empty()) return replay(args->replay_file, args->html);
    for (const ModelCli& mc : *clis) {
      if (!mc.app->parsed()) continue;
      auto values = values_of(mc);
      if (auto* why = std::get_if<std::string>(&values)) {
        std::cerr << "weir: explore " << mc.info->name << ": " << *why << "\n";
        return kBadInput;
      }
      return search(*mc.info, std::get<explore::OptionValues>(values), *args);
    }
    std::cout << "models (weir explore MODEL --help shows one):\n\n";
    for (const ModelInfo* info : model::registry::models()) std::cout << model::registry::listing(*info) << "\n";
    return args->list ? kHolds : kBadInput;
  };
}

}  // namespace weir::cli
