#include "cli/shard_output.hpp"

#include "checker/input/input.hpp"
#include "checker/input/json.hpp"

#include <fstream>
#include <iostream>

#include "checker/input/input.hpp"
#include "cli/report_files.hpp"

namespace weir::cli {

bool ShardArgs::parse(const std::string& command, swarm::Shard& out) const {
  if (shard.empty()) {
    out = swarm::Shard{};
    return true;
  }
  auto parsed = swarm::parse_shard(shard);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    std::cerr << "weir: " << command << ": --shard " << input::excerpt(shard) << ": " << *why << "\n";
    return false;
  }
  out = std::get<swarm::Shard>(parsed);
  return true;
}

void add_shard_options(CLI::App* app, ShardArgs& a, const std::string& what) {
  app->add_option("--shard", a.shard, "do shard I of N of the run (I/N, 0 <= I < N): " + what + "; for weir merge");
  app->add_option("--result", a.result, "write this run's result (verdict, counts, reproducer) here as JSON, for weir merge");
}

bool write_shard_result(const ShardArgs& a, swarm::Result r, const swarm::Shard& shard, int exit) {
  if (a.result.empty()) return true;
  r.job = swarm::job_of(invocation());
  r.command = "weir";
  for (std::size_t i = 1; i < invocation().size(); ++i) r.command.append(" ").append(invocation()[i]);
  r.shard = shard;
  r.exit = exit;
  return write_file(a.result, json_text(swarm::to_json(r)) + "\n", "the shard's result");
}

nlohmann::json reproducer_content(const std::string& file) {
  if (file.empty() || !input::is_regular_file(file)) return nullptr;
  auto text = input::read(file);
  if (!std::holds_alternative<input::Text>(text)) return nullptr;
  auto j = input::parse_json(std::get<input::Text>(text).view());
  return std::holds_alternative<nlohmann::json>(j) ? std::get<nlohmann::json>(std::move(j)) : nlohmann::json();
}

std::string sharded_name(const std::string& file, const swarm::Shard& shard) {
  if (shard.count == 1) return file;
  const std::string tag = ".shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
  const auto dot = file.rfind(".json");
  if (dot != std::string::npos && dot + 5 == file.size()) return file.substr(0, dot) + tag + ".json";
  return file + tag;
}

}  // namespace weir::cli
