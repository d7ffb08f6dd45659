// `weir explore MODEL [options]`: model-check a protocol model; `weir explore --replay
// FILE`: replay a counterexample that an earlier run wrote.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "checker/explore/explore.hpp"
#include "cli/cli.hpp"
#include "checker/cut/cut.hpp"
#include "cli/cut_output.hpp"
#include "model/beaver/beaver.hpp"
#include "model/bench/ring.hpp"
#include "model/capybara/capybara.hpp"
#include "model/chandy_lamport/chandy_lamport.hpp"
#include "model/pegasus/pegasus.hpp"

namespace weir::cli {
namespace {

// A counterexample as written to its file: enough to rebuild the model and walk the path.
struct Counterexample {
  std::string model;
  std::vector<std::string> args;  // the model's options, as given
  std::uint32_t init = 0;
  std::vector<std::uint32_t> actions;
  std::string invariant;
};

struct ExploreArgs {
  explore::Options opts;
  std::uint64_t simulate_runs = 0;  // > 0: random simulation instead of exhaustive search
  bool dfs = false;
  std::uint64_t seed = 1;
  std::uint32_t sim_depth = 100;
  bool json = false;
  bool list = false;
  std::string replay_file;
  std::string counterexample_file;  // default: counterexample-MODEL.json
  const Counterexample* replaying = nullptr;
  std::string replay_source;
};

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

void progress_line(const explore::Progress& p) {
  std::fprintf(stderr, "  %s states, %s unique, depth %u, %.0f states/s, %.0f MB\n", with_commas(p.states).c_str(),
               with_commas(p.unique).c_str(), p.depth, p.seconds > 0 ? p.unique / p.seconds : 0.0,
               p.bytes / 1048576.0);
}

// The steps of a path in the protocol's words: the initial state, then each action.
template <class M>
std::vector<std::string> narrate(const M& model, std::uint32_t init, const std::vector<std::uint32_t>& path,
                                 std::vector<typename M::State>* states_out = nullptr) {
  std::vector<typename M::State> states = explore::replay(model, init, path);
  std::vector<std::string> steps;
  if (states.empty()) return steps;
  steps.push_back("initial state: " + model.describe(states[0]));
  std::vector<typename M::Action> actions;
  for (std::size_t i = 0; i < path.size(); ++i) {
    actions.clear();
    model.actions(states[i], actions);
    std::string what;
    if constexpr (requires { model.describe(states[i], actions[path[i]]); })
      what = model.describe(states[i], actions[path[i]]);
    else
      what = model.describe(actions[path[i]]);
    steps.push_back(what + "  ->  " + model.describe(states[i + 1]));
  }
  if (states_out) *states_out = std::move(states);
  return steps;
}

void print_steps(const std::vector<std::string>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) std::cout << "    " << i << ". " << steps[i] << "\n";
}

// A snapshot model's path as an execution, judged by `weir check cut` (the model's
// online verdict and the checker's must agree): written beside the counterexample.
template <class M>
std::optional<JudgedExecution> judge_execution(const M& model, std::uint32_t init,
                                               const std::vector<std::uint32_t>& path, const std::string& file) {
  if constexpr (requires { model.execution(init, path); }) {
    JudgedExecution v = write_and_judge(model.execution(init, path), file, "    ");
    v.text.insert(0, "  the run as an execution for weir check cut:\n");
    return v;
  }
  return std::nullopt;
}

int report(const std::string& title, const ExploreArgs& a, const explore::Result& r,
           const std::vector<std::string>& steps, const std::string& written,
           const std::optional<JudgedExecution>& execution) {
  const explore::Progress& p = r.stats;
  const int code = r.outcome == explore::Outcome::Violation ? kViolation
                   : r.outcome == explore::Outcome::Bounded ? kUnknown
                                                            : kHolds;
  const bool sim = a.simulate_runs > 0;
  if (a.json) {
    nlohmann::json j = {{"model", title},
                        {"mode", sim ? "simulate" : a.dfs ? "dfs" : "bfs"},
                        {"outcome", r.outcome == explore::Outcome::Complete    ? "complete"
                                    : r.outcome == explore::Outcome::Violation ? "violation"
                                    : r.outcome == explore::Outcome::Sampled   ? "sampled"
                                                                               : "bounded"},
                        {"unique_states", p.unique},
                        {"states", p.states},
                        {"depth", p.depth},
                        {"seconds", p.seconds},
                        {"bytes", p.bytes}};
    if (!r.bound.empty()) j["bound"] = r.bound;
    if (!r.invariant.empty()) {
      j["invariant"] = r.invariant;
      j["counterexample"] = {{"file", written}, {"init", r.init_index}, {"actions", r.path}, {"steps", steps}};
      if (execution) j["counterexample"]["execution"] = execution->json;
    }
    std::cout << j.dump() << "\n";
    return code;
  }
  std::cout << title << ": ";
  switch (r.outcome) {
    case explore::Outcome::Complete: std::cout << "holds, every reachable state explored"; break;
    case explore::Outcome::Violation:
      std::cout << "VIOLATION of \"" << r.invariant << "\" at depth " << r.violation_depth;
      break;
    case explore::Outcome::Bounded:
      std::cout << "unknown: stopped by " << r.bound << " before the search was complete";
      break;
    case explore::Outcome::Sampled:
      std::cout << "no violation in " << with_commas(p.unique) << " random runs of up to " << a.sim_depth
                << " steps (seed " << a.seed << "; a simulation is not a proof)";
      break;
  }
  if (sim) {
    std::printf("\n  %s runs, %s steps, %.2f s\n", with_commas(p.unique).c_str(), with_commas(p.states).c_str(),
                p.seconds);
  } else {
    std::printf("\n  %s unique states, %s transitions, depth %u, %.2f s (%.2f M states/s), %.1f MB (%.1f bytes/state)\n",
              with_commas(p.unique).c_str(), with_commas(p.states).c_str(), p.depth, p.seconds,
              p.seconds > 0 ? p.unique / p.seconds / 1e6 : 0.0, p.bytes / 1048576.0,
              p.unique ? static_cast<double>(p.bytes) / static_cast<double>(p.unique) : 0.0);
  }
  if (r.outcome == explore::Outcome::Violation) {
    std::cout << "  counterexample, " << r.path.size() << " steps"
              << (sim ? " (a random run: not the shortest)" : a.dfs ? " (depth-first: not the shortest)"
                                                                    : " (shortest: breadth-first)");
    if (!written.empty()) std::cout << ", written to " << written;
    std::cout << ":\n";
    print_steps(steps);
    if (execution) std::cout << execution->text;
    if (!written.empty()) std::cout << "  replay it: weir explore --replay " << written << "\n";
  }
  return code;
}

// counterexample-beaver.json -> counterexample-beaver.execution.jsonl
std::string execution_file(const std::string& counterexample, const std::string& model) {
  std::string base = counterexample.empty() ? "counterexample-" + model + ".json" : counterexample;
  if (base.size() > 5 && base.compare(base.size() - 5, 5, ".json") == 0) base.resize(base.size() - 5);
  return base.append(".execution.jsonl");
}

template <class M>
int run(const std::string& name, const std::vector<std::string>& model_args, const std::string& title,
        const M& model, const ExploreArgs& a) {
  if (a.replaying) {
    // Walk the recorded path and confirm that it ends where the recorded run said.
    const Counterexample& cx = *a.replaying;
    std::vector<typename M::State> states;
    const std::vector<std::string> steps = narrate(model, cx.init, cx.actions, &states);
    if (states.empty()) {
      std::cerr << a.replay_source << ": the path does not fit " << title
                << " (an action index is out of range): not a counterexample of this model\n";
      return kBadInput;
    }
    const char* bad = model.violated(states.back());
    std::cout << title << ": replaying " << cx.actions.size() << " steps from " << a.replay_source << "\n";
    print_steps(steps);
    if (auto v = judge_execution(model, cx.init, cx.actions, execution_file(a.replay_source, name)))
      std::cout << v->text;
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
  explore::ProgressFn progress;
  if (!a.json) progress = progress_line;
  explore::Result r;
  if (a.simulate_runs > 0) {
    explore::SimulateOptions so;
    so.runs = a.simulate_runs;
    so.seed = a.seed;
    so.depth = a.sim_depth;
    so.threads = a.opts.threads;
    so.timeout_seconds = a.opts.timeout_seconds;
    r = explore::simulate(model, so, progress);
  } else if (a.dfs) {
    r = explore::dfs(model, a.opts, progress);
  } else {
    r = explore::bfs(model, a.opts, progress);
  }
  std::vector<std::string> steps;
  std::string written;
  std::optional<JudgedExecution> execution;
  if (r.outcome == explore::Outcome::Violation) {
    steps = narrate(model, r.init_index, r.path);
    written = a.counterexample_file.empty() ? "counterexample-" + name + ".json" : a.counterexample_file;
    const nlohmann::json j = {{"weir", "explore counterexample"}, {"model", name},       {"args", model_args},
                              {"init", r.init_index},            {"actions", r.path},  {"invariant", r.invariant},
                              {"steps", steps}};
    std::ofstream out(written);
    out << j.dump(2) << "\n";
    if (!out) {
      std::cerr << "weir: cannot write the counterexample to " << written << "\n";
      written.clear();
    }
    execution = judge_execution(model, r.init_index, r.path, execution_file(written, name));
  }
  return report(title, a, r, steps, written, execution);
}

std::optional<std::string> load(const std::string& path, Counterexample& cx) {
  std::ifstream in(path);
  if (!in) return "cannot open file";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    if (j.value("weir", "") != "explore counterexample") return "not a weir explore counterexample";
    cx.model = j.at("model").get<std::string>();
    cx.args = j.at("args").get<std::vector<std::string>>();
    cx.init = j.at("init").get<std::uint32_t>();
    cx.actions = j.at("actions").get<std::vector<std::uint32_t>>();
    cx.invariant = j.value("invariant", "");
  } catch (const nlohmann::json::exception& e) {
    return std::string("malformed counterexample: ") + e.what();
  }
  return std::nullopt;
}

// The mutant called `name` (none when empty) into `out`; false, having said why, if there
// is no such mutant.
template <class Mutant>
bool choose_mutant(const char* model, const std::string& name,
                   const std::vector<model::core::MutantInfo<Mutant>>& all, Mutant& out) {
  if (name.empty()) return true;
  const auto m = model::core::find_mutant(all, name);
  if (!m) {
    std::cerr << "weir: explore " << model << ": unknown mutant '" << name << "' (see weir explore --list)\n";
    return false;
  }
  out = *m;
  return true;
}

template <class Mutant>
void list_mutants(const std::vector<model::core::MutantInfo<Mutant>>& all) {
  std::cout << "            mutants:\n";
  for (const auto& m : all) std::cout << "              " << m.name << std::string(26 - m.name.size(), ' ') << m.what << "\n";
}

// Registers `explore` on app; when `replaying`, the run walks that path instead.
Runner make_explore(CLI::App& app, const Counterexample* replaying, const std::string& replay_source) {
  auto args = std::make_shared<ExploreArgs>();
  args->replaying = replaying;
  args->replay_source = replay_source;
  auto ring = std::make_shared<model::bench::RingOptions>();
  auto below = std::make_shared<unsigned>(0);
  CLI::App* cmd = app.add_subcommand("explore", "model-check a protocol model (breadth-first, every core)");
  cmd->add_flag("--list", args->list, "print every model with its options");
  cmd->add_option("--replay", args->replay_file, "replay a counterexample file written by an earlier run");
  auto common = [&](CLI::App* m) {
    m->add_option("--max-states", args->opts.max_states, "stop after this many unique states (exit 3)");
    m->add_option("--max-depth", args->opts.max_depth, "explore no deeper than this (exit 3 if states remain)");
    m->add_option("--timeout", args->opts.timeout_seconds, "stop after this many seconds (exit 3)");
    m->add_option("--threads", args->opts.threads, "worker threads (default: one per core)");
    m->add_option("--counterexample", args->counterexample_file,
                  "where to write a counterexample (default: counterexample-MODEL.json)");
    m->add_flag("--json", args->json, "one JSON object on stdout");
    auto full = m->add_flag("--full-states", args->opts.full_states,
                "store whole states, not 64-bit fingerprints: rules out collisions (breadth-first only)");
    auto dfs = m->add_flag("--dfs", args->dfs, "depth-first, one thread, low memory (counterexamples not shortest)");
    auto sim = m->add_option("--simulate", args->simulate_runs,
                             "random simulation: this many seeded random runs instead of exhaustive search");
    m->add_option("--seed", args->seed, "simulation seed (the same seed gives the same runs)")->needs(sim);
    m->add_option("--depth", args->sim_depth, "steps per simulation run")->needs(sim)->capture_default_str();
    sim->excludes(dfs);
    full->excludes(dfs);
    full->excludes(sim);
  };
  CLI::App* r = cmd->add_subcommand("ring", "engine benchmark: counters passed around a ring (../shared/bench/ring.pml)");
  r->add_option("--nodes", ring->nodes, "N: nodes on the ring")->capture_default_str();
  r->add_option("--values", ring->values, "K: counter values 0..K-1")->capture_default_str();
  r->add_option("--capacity", ring->capacity, "B: capacity of each node's inbound channel")->capture_default_str();
  r->add_option("--counter-below", *below, "check the invariant \"every counter stays below V\" (0: none)");
  common(r);

  auto peg = std::make_shared<model::pegasus::Options>();
  auto peg_mutant = std::make_shared<std::string>();
  auto no_loss = std::make_shared<bool>(false), no_dup = std::make_shared<bool>(false);
  CLI::App* pg = cmd->add_subcommand("pegasus", "Pegasus: in-network coherence directory (OSDI'20), linearizability");
  pg->add_option("--clients", peg->clients, "clients")->capture_default_str();
  pg->add_option("--servers", peg->servers, "storage servers")->capture_default_str();
  pg->add_option("--ops", peg->ops, "operations per client (each a read or a write of any key)")->capture_default_str();
  pg->add_option("--keys", peg->keys, "keys; key 0 is the replicated (hot) one")->capture_default_str();
  pg->add_option("--retries", peg->retries, "times a client resends a request without a reply")->capture_default_str();
  pg->add_option("--max-versions", peg->max_versions, "versions the switch hands out (0: what the writes need)");
  pg->add_option("--reconfigs", peg->reconfigs, "times the switch may replicate or unreplicate a key")
      ->capture_default_str();
  pg->add_flag("--no-loss", *no_loss, "a network that never loses messages");
  pg->add_flag("--no-dup", *no_dup, "a network that never duplicates messages");
  pg->add_option("--mutant", *peg_mutant, "plant a bug (see --list)");
  common(pg);

  auto clo = std::make_shared<model::chandy_lamport::Options>();
  auto cl_mutant = std::make_shared<std::string>();
  CLI::App* cl = cmd->add_subcommand("chandy-lamport", "Chandy-Lamport snapshots on FIFO channels (TOCS'85), cut consistency");
  cl->add_option("--processes", clo->processes, "processes, each with a channel to every other")->capture_default_str();
  cl->add_option("--messages", clo->messages, "application messages each process may send")->capture_default_str();
  cl->add_option("--mutant", *cl_mutant, "plant a bug (see --list)");
  common(cl);

  auto bvo = std::make_shared<model::beaver::Options>();
  auto bv_mutant = std::make_shared<std::string>();
  CLI::App* bv = cmd->add_subcommand("beaver", "Beaver: partial snapshots by gateway marking (OSDI'24), cut consistency");
  bv->add_option("--gateways", bvo->gateways, "G: load-balancer gateways on every inbound path")->capture_default_str();
  bv->add_option("--in-group", bvo->in_group, "in-group nodes (the service being snapshotted)")->capture_default_str();
  bv->add_option("--out-group", bvo->out_group, "out-group nodes (external clients, black-box services)")
      ->capture_default_str();
  bv->add_option("--requests", bvo->requests, "requests the out-group sends in, in all")->capture_default_str();
  bv->add_option("--sends", bvo->sends, "further messages (replies, internal, forwards), in all")->capture_default_str();
  bv->add_option("--latency-min", bvo->latency_min, "fewest time steps a hop takes")->capture_default_str();
  bv->add_option("--latency-max", bvo->latency_max, "most time steps a hop takes")->capture_default_str();
  bv->add_option("--tau-min", bvo->tau_min, "assumed shortest external chain, in steps (0: the true one, 3 x latency-min)");
  bv->add_option("--window", bvo->window, "steps within which every gateway enters (0: tau-min + 1)");
  bv->add_option("--snapshots", bvo->snapshots, "snapshots taken one after another")->capture_default_str();
  auto bv_acceptance = std::make_shared<std::string>("spread");
  bv->add_option("--acceptance", *bv_acceptance,
                 "accept on the true spread of entries (< tau-min) or on the measured t1 - t0 (< --threshold)")
      ->check(CLI::IsMember({"spread", "measured"}))
      ->capture_default_str();
  bv->add_option("--start", bvo->start, "the step at which the initiator starts the first snapshot")
      ->capture_default_str();
  bv->add_option("--enter-min", bvo->enter_min, "fewest steps after the start a gateway enters")->capture_default_str();
  bv->add_option("--reply-min", bvo->reply_min, "fewest steps a gateway's reply takes to the initiator")
      ->capture_default_str();
  bv->add_option("--threshold", bvo->threshold, "with --acceptance measured: accept when t1 - t0 is below it, steps");
  bv->add_option("--mutant", *bv_mutant, "plant a bug (see --list)");
  common(bv);

  auto cpo = std::make_shared<model::capybara::Options>();
  auto cp_mutant = std::make_shared<std::string>();
  auto cp_no_loss = std::make_shared<bool>(false);
  CLI::App* cp = cmd->add_subcommand("capybara", "Capybara: live TCP migration through a switch (APSys'23)");
  cp->add_option("--client-bytes", cpo->client_bytes, "bytes the client sends")->capture_default_str();
  cp->add_option("--server-bytes", cpo->server_bytes, "bytes the service sends back")->capture_default_str();
  cp->add_option("--migrations", cpo->migrations, "migrations in a row (there and back)")->capture_default_str();
  cp->add_flag("--no-loss", *cp_no_loss, "the client's legs never lose packets");
  cp->add_option("--mutant", *cp_mutant, "plant a bug (see --list)");
  common(cp);

  return [cmd, r, pg, cl, bv, cp, args, ring, below, peg, peg_mutant, no_loss, no_dup, clo, cl_mutant, bvo,
          bv_mutant, bv_acceptance, cpo, cp_mutant, cp_no_loss]() -> int {
    if (!args->replay_file.empty()) {
      Counterexample cx;
      if (auto why = load(args->replay_file, cx)) {
        std::cerr << args->replay_file << ": " << *why << "\n";
        return kBadInput;
      }
      // Rebuild the model from its recorded options, through the same parser.
      CLI::App again;
      Runner replay = make_explore(again, &cx, args->replay_file);
      std::vector<std::string> argv = {"explore", cx.model};
      argv.insert(argv.end(), cx.args.begin(), cx.args.end());
      std::reverse(argv.begin(), argv.end());  // CLI11 takes them in reverse order
      try {
        again.parse(argv);
      } catch (const CLI::ParseError& e) {
        std::cerr << args->replay_file << ": its model options do not parse: " << e.what() << "\n";
        return kBadInput;
      }
      return replay();
    }
    if (args->list || cmd->get_subcommands().empty()) {
      std::cout << "models:\n"
                << "  ring      " << r->get_description() << "\n"
                << "            --nodes N (4)  --values K (3)  --capacity B (1)  --counter-below V (0: no invariant);"
                << " no mutants\n"
                << "  pegasus   " << pg->get_description() << "\n"
                << "            --clients (2) --servers (3) --ops (2) --keys (1) --retries (1) --max-versions (0)"
                << " --reconfigs (1) --no-loss --no-dup\n";
      list_mutants(model::pegasus::mutants());
      std::cout << "  chandy-lamport  " << cl->get_description() << "\n"
                << "            --processes (3) --messages (2)\n";
      list_mutants(model::chandy_lamport::mutants());
      std::cout << "  beaver    " << bv->get_description() << "\n"
                << "            --gateways (2) --in-group (2) --out-group (1) --requests (2) --sends (3)"
                << " --latency-min (1) --latency-max (1) --tau-min (3 x latency-min) --window (tau-min + 1)"
                << " --snapshots (1)\n"
                << "            --acceptance spread|measured (spread) --enter-min (0) --reply-min (0) --threshold --start (0)\n";
      list_mutants(model::beaver::mutants());
      std::cout << "  capybara  " << cp->get_description() << "\n"
                << "            --client-bytes (2) --server-bytes (2) --migrations (1) --no-loss\n";
      list_mutants(model::capybara::mutants());
      return args->list ? kHolds : kBadInput;
    }
    // The options as given, to rebuild the model on --replay, and the title.
    auto with_mutant = [](std::vector<std::string>& model_args, std::string& title, const std::string& mutant) {
      if (mutant.empty()) return;
      model_args.push_back("--mutant");
      model_args.push_back(mutant);
      title.append(", mutant ").append(mutant);
    };
    if (cp->parsed()) {
      if (!choose_mutant("capybara", *cp_mutant, model::capybara::mutants(), cpo->mutant)) return kBadInput;
      cpo->lossy = !*cp_no_loss;
      if (auto why = model::capybara::invalid(*cpo)) {
        std::cerr << "weir: explore capybara: " << *why << "\n";
        return kBadInput;
      }
      std::vector<std::string> model_args = {"--client-bytes", std::to_string(cpo->client_bytes), "--server-bytes",
                                             std::to_string(cpo->server_bytes), "--migrations",
                                             std::to_string(cpo->migrations)};
      if (*cp_no_loss) model_args.push_back("--no-loss");
      std::string title = "capybara (";
      title.append(std::to_string(cpo->client_bytes)).append(" bytes up, ").append(std::to_string(cpo->server_bytes));
      title.append(" down, ").append(std::to_string(cpo->migrations)).append(" migration");
      if (cpo->migrations != 1) title.append("s");
      with_mutant(model_args, title, *cp_mutant);
      title.append(")");
      return run("capybara", model_args, title, model::capybara::Capybara(*cpo), *args);
    }
    if (cl->parsed()) {
      if (!choose_mutant("chandy-lamport", *cl_mutant, model::chandy_lamport::mutants(), clo->mutant)) return kBadInput;
      if (auto why = model::chandy_lamport::invalid(*clo)) {
        std::cerr << "weir: explore chandy-lamport: " << *why << "\n";
        return kBadInput;
      }
      std::vector<std::string> model_args = {"--processes", std::to_string(clo->processes), "--messages",
                                             std::to_string(clo->messages)};
      std::string title = "chandy-lamport (";
      title.append(std::to_string(clo->processes)).append(" processes, ").append(std::to_string(clo->messages));
      title.append(" messages each");
      with_mutant(model_args, title, *cl_mutant);
      title.append(")");
      return run("chandy-lamport", model_args, title, model::chandy_lamport::ChandyLamport(*clo), *args);
    }
    if (bv->parsed()) {
      if (!choose_mutant("beaver", *bv_mutant, model::beaver::mutants(), bvo->mutant)) return kBadInput;
      bvo->measured = *bv_acceptance == "measured";
      if (auto why = model::beaver::invalid(*bvo)) {
        std::cerr << "weir: explore beaver: " << *why << "\n";
        return kBadInput;
      }
      const model::beaver::Beaver model(*bvo);
      std::vector<std::string> model_args;
      for (const auto& [flag, v] : std::vector<std::pair<const char*, unsigned>>{
               {"--gateways", bvo->gateways}, {"--in-group", bvo->in_group}, {"--out-group", bvo->out_group},
               {"--requests", bvo->requests}, {"--sends", bvo->sends}, {"--latency-min", bvo->latency_min},
               {"--latency-max", bvo->latency_max}, {"--tau-min", model.tau_min()}, {"--window", model.window()},
               {"--snapshots", bvo->snapshots}, {"--enter-min", bvo->enter_min}, {"--reply-min", bvo->reply_min},
               {"--threshold", bvo->threshold}, {"--start", bvo->start}}) {
        model_args.push_back(flag);
        model_args.push_back(std::to_string(v));
      }
      model_args.push_back("--acceptance");
      model_args.push_back(*bv_acceptance);
      std::string title = "beaver (";
      title.append(std::to_string(bvo->gateways)).append(bvo->gateways == 1 ? " gateway, " : " gateways, ");
      title.append(std::to_string(bvo->in_group)).append(" in-group, ").append(std::to_string(bvo->out_group));
      title.append(" out-group, ");
      if (bvo->measured)
        title.append("accept when t1 - t0 < ").append(std::to_string(bvo->threshold));
      else
        title.append("tau_min ").append(std::to_string(model.tau_min()));
      with_mutant(model_args, title, *bv_mutant);
      title.append(")");
      return run("beaver", model_args, title, model, *args);
    }
    if (pg->parsed()) {
      if (!choose_mutant("pegasus", *peg_mutant, model::pegasus::mutants(), peg->mutant)) return kBadInput;
      peg->lossy = !*no_loss;
      peg->duplicating = !*no_dup;
      if (auto why = model::pegasus::invalid(*peg)) {
        std::cerr << "weir: explore pegasus: " << *why << "\n";
        return kBadInput;
      }
      std::vector<std::string> model_args = {"--clients", std::to_string(peg->clients), "--servers",
                                             std::to_string(peg->servers), "--ops", std::to_string(peg->ops),
                                             "--keys", std::to_string(peg->keys), "--retries",
                                             std::to_string(peg->retries), "--max-versions",
                                             std::to_string(peg->max_versions), "--reconfigs",
                                             std::to_string(peg->reconfigs)};
      if (*no_loss) model_args.push_back("--no-loss");
      if (*no_dup) model_args.push_back("--no-dup");
      std::string title = "pegasus (";
      title.append(std::to_string(peg->clients)).append(" clients, ").append(std::to_string(peg->servers));
      title.append(" servers, ").append(std::to_string(peg->ops)).append(" ops each");
      if (!peg_mutant->empty()) {
        model_args.push_back("--mutant");
        model_args.push_back(*peg_mutant);
        title.append(", mutant ").append(*peg_mutant);
      }
      title.append(")");
      return run("pegasus", model_args, title, model::pegasus::make_model(*peg), *args);
    }
    if (auto why = model::bench::Ring::invalid(*ring)) {
      std::cerr << "weir: explore ring: " << *why << "\n";
      return kBadInput;
    }
    std::string title = "ring (N=";
    title.append(std::to_string(ring->nodes)).append(", K=").append(std::to_string(ring->values));
    title.append(", B=").append(std::to_string(ring->capacity)).append(")");
    std::vector<std::string> model_args = {"--nodes", std::to_string(ring->nodes), "--values",
                                           std::to_string(ring->values), "--capacity", std::to_string(ring->capacity)};
    if (*below == 0) return run("ring", model_args, title, model::bench::Ring(*ring), *args);
    model_args.push_back("--counter-below");
    model_args.push_back(std::to_string(*below));
    return run("ring", model_args, title, model::bench::RingBelow(*ring, *below), *args);
  };
}

}  // namespace

Runner add_explore(CLI::App& app) { return make_explore(app, nullptr, ""); }

}  // namespace weir::cli
