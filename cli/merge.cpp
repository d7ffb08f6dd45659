// `weir merge RESULT...`: the shards of a swarm run, one verdict (swarm::merge): the worst
// exit code, counts added, the shortest reproducer written out, shards missing or given
// twice named.
#include <filesystem>
#include <iostream>

#include "checker/input/input.hpp"
#include "cli/cli.hpp"
#include "cli/report_files.hpp"
#include "swarm/swarm.hpp"

namespace weir::cli {

namespace {

namespace fs = std::filesystem;

struct MergeArgs {
  std::vector<std::string> files;
  bool json = false;
  std::string result;      // the merged verdict as JSON, also here
  std::string reproducer;  // where the kept reproducer goes (default: reproducer.json beside the first result)
};

std::string verdict_word(int exit) {
  switch (exit) {
    case kHolds: return "holds";
    case kViolation: return "VIOLATION";
    case kUnknown: return "unknown";
    case kBadInput: return "bad input";
    default: return "internal error";
  }
}

// "VIOLATION", "holds (sampled)", "unknown (bounded)": the outcome where it says more.
std::string verdict_and_outcome(int exit, const std::string& outcome) {
  std::string s = verdict_word(exit);
  if (exit != kViolation && !outcome.empty() && outcome != s) s += " (" + outcome + ")";
  return s;
}

// Fuzzing's shares are seeds; simulation's, run numbers of one seed.
std::string range_words(const std::string& kind, const swarm::Range& r) {
  const std::string what = kind == "fuzz" ? "seeds " : "runs ";
  return r.end > r.first ? what + std::to_string(r.first) + ".." + std::to_string(r.end - 1) : "no " + what + "(an empty share)";
}

std::string counts_words(const std::map<std::string, std::uint64_t>& counts) {
  std::string s;
  for (const auto& [name, n] : counts) s += ", " + name + " " + std::to_string(n);
  return s;
}

std::string shard_line(const swarm::Result& r) {
  std::string s = "shard " + std::to_string(r.shard.index) + "/" + std::to_string(r.shard.count) + " (" + r.file +
                  "): " + verdict_and_outcome(r.exit, r.outcome);
  if (r.runs) s += ", " + range_words(r.kind, *r.runs);
  if (r.kind == "dfs") s += r.order_seed ? ", order seed " + std::to_string(r.order_seed) : ", the model's order";
  s += counts_words(r.counts);
  if (r.reproducer) s += "; " + r.reproducer->what + " in " + std::to_string(r.reproducer->size) + " " + r.reproducer->unit;
  return s;
}

nlohmann::json merged_json(const swarm::Merged& m, const std::string& reproducer_file) {
  nlohmann::json j = {{"job", m.job},     {"kind", m.kind},     {"shards", m.shards}, {"exit", m.exit},
                      {"verdict", verdict_word(m.exit)},        {"outcome", m.outcome},
                      {"missing", m.missing},                   {"counts", m.counts}, {"notes", m.notes},
                      {"results", nlohmann::json::array()}};
  nlohmann::json dup = nlohmann::json::object();
  for (const auto& [index, files] : m.duplicated) dup[std::to_string(index)] = files;
  j["duplicated"] = dup;
  if (m.runs) j["runs"] = {{"first", m.runs->first}, {"end", m.runs->end}};
  for (const swarm::Result& r : m.used)
    j["results"].push_back({{"shard", r.shard.index}, {"file", r.file}, {"exit", r.exit}, {"outcome", r.outcome}});
  if (const swarm::Result* kept = m.reproducer())
    j["reproducer"] = {{"shard", kept->shard.index}, {"file", reproducer_file},
                       {"replay", kept->reproducer->replay + " " + reproducer_file},
                       {"what", kept->reproducer->what}, {"size", kept->reproducer->size},
                       {"unit", kept->reproducer->unit}};
  return j;
}

int run_merge(const MergeArgs& a) {
  std::vector<swarm::Result> results;
  for (const std::string& path : a.files) {
    const std::string name = input::display_name(path);
    auto text = input::read(path);
    if (auto* why = std::get_if<std::string>(&text)) {
      std::cerr << name << ": " << *why << "\n";
      return kBadInput;
    }
    auto parsed = swarm::parse_result(std::string(std::get<input::Text>(text).view()));
    if (auto* why = std::get_if<std::string>(&parsed)) {
      std::cerr << name << ": " << *why << "\n";
      return kBadInput;
    }
    results.push_back(std::get<swarm::Result>(std::move(parsed)));
    results.back().file = name;
  }
  auto merged = swarm::merge(results);
  if (auto* why = std::get_if<std::string>(&merged)) {
    std::cerr << "weir: merge: " << *why << "\n";
    return kBadInput;
  }
  const swarm::Merged& m = std::get<swarm::Merged>(merged);
  std::string reproducer_file;
  const swarm::Result* kept = m.reproducer();
  if (kept) {
    // Beside the first result only when that is a regular file in a writable folder (never
    // /dev/reproducer.json for a result read from /dev/stdin).
    if (!a.reproducer.empty()) reproducer_file = a.reproducer;
    else if (auto beside = side_file(a.files.front(), ".json"))
      reproducer_file = (fs::path(*beside).parent_path() / "reproducer.json").string();
    else
      std::cerr << "weir: merge: the kept reproducer is not written: " << a.files.front()
                << " is not a regular file in a writable folder (give --reproducer FILE)\n";
    if (!reproducer_file.empty() &&
        !write_file(reproducer_file, json_text(kept->reproducer->content) + "\n", "the reproducer"))
      return kBadInput;
  }
  const nlohmann::json j = merged_json(m, reproducer_file);
  if (!a.result.empty() && !write_file(a.result, json_text(j) + "\n", "the merged result")) return kBadInput;
  if (a.json) {
    std::cout << json_text(j) << "\n";
    return m.exit;
  }
  std::cout << "merge of " << m.used.size() << " of " << m.shards << " shards of: " << m.job << "\n";
  for (const swarm::Result& r : m.used) std::cout << "  " << shard_line(r) << "\n";
  for (std::uint32_t i : m.missing)
    std::cout << "  shard " << i << "/" << m.shards << ": MISSING (no result given)\n";
  for (const auto& [index, files] : m.duplicated) {
    std::cout << "  shard " << index << "/" << m.shards << ": given " << files.size() << " times (";
    for (std::size_t k = 0; k < files.size(); ++k) std::cout << (k ? ", " : "") << files[k];
    std::cout << "): counted once, from " << files.front() << "\n";
  }
  std::cout << verdict_and_outcome(m.exit, m.outcome) << counts_words(m.counts);
  if (m.runs) std::cout << "; " << range_words(m.kind, *m.runs) << " shared out, each to one shard";
  std::cout << "\n";
  for (const std::string& note : m.notes) std::cout << "  " << note << "\n";
  if (kept)
    std::cout << "  reproducer (the shortest, from shard " << kept->shard.index << "/" << m.shards << "): " << reproducer_file
              << " (" << kept->reproducer->size << " " << kept->reproducer->unit << "; replay it: "
              << kept->reproducer->replay << " " << reproducer_file << ")\n";
  return m.exit;
}

}  // namespace

Runner add_merge(CLI::App& app) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand("merge", "merge the results of a swarm run's shards into one verdict");
  cmd->add_option("results", a->files, "the shards' result files (--result of each shard)")->required();
  cmd->add_flag("--json", a->json, "the merged verdict as one JSON object on stdout");
  cmd->add_option("--result", a->result, "also write the merged verdict as JSON here");
  cmd->add_option("--reproducer", a->reproducer, "where to write the kept reproducer (default: reproducer.json beside the first result)");
  cmd->footer("Exit: the worst of the shards' (a bug in weir 4 over bad input 2 over violation 1 over unknown 3 over "
              "holds 0); holds becomes unknown (3) when a shard gave no result, except for a --dfs swarm in which a "
              "shard searched the whole space; 2 when the files are not shards of one run.");
  return [a] { return run_merge(*a); };
}

}  // namespace weir::cli
