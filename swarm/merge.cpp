// Many shards' results, one verdict.
#include <algorithm>

#include "swarm/swarm.hpp"

namespace weir::swarm {

namespace {

std::string shard_name(std::uint32_t index, std::uint32_t count) {
  return std::to_string(index) + "/" + std::to_string(count);
}

// Of the shards' exit codes, the merged one: a bug in weir over bad input over a violation
// over unknown over holds.
int worst_exit(const std::vector<Result>& used) {
  auto has = [&](int code) {
    return std::any_of(used.begin(), used.end(), [&](const Result& r) { return r.exit == code; });
  };
  for (int code : {4, 2, 1, 3})
    if (has(code)) return code;
  return 0;
}

}  // namespace

std::variant<Merged, std::string> merge(const std::vector<Result>& results) {
  if (results.empty()) return std::string("no shard results to merge");
  Merged m;
  const Result& first = results.front();
  m.job = first.job;
  m.kind = first.kind;
  m.shards = first.shard.count;
  std::map<std::uint32_t, const Result*> by_index;
  for (const Result& r : results) {
    if (r.job != m.job)
      return r.file + " is a shard of another run (\"" + r.job + "\") than " + first.file + " (\"" + m.job + "\")";
    if (r.shard.count != m.shards)
      return r.file + " is shard " + shard_name(r.shard.index, r.shard.count) + ", but " + first.file + " is one of " +
             std::to_string(m.shards);
    auto [at, fresh] = by_index.emplace(r.shard.index, &r);
    if (!fresh) {
      auto& files = m.duplicated[r.shard.index];
      if (files.empty()) files.push_back(at->second->file);
      files.push_back(r.file);
    }
  }
  for (std::uint32_t i = 0; i < m.shards; ++i)
    if (!by_index.count(i)) m.missing.push_back(i);
  for (const auto& [index, r] : by_index) m.used.push_back(*r);

  // Seeded kinds: the given shards' runs must not overlap (they would be counted twice).
  std::vector<const Result*> ranged;
  for (const Result& r : m.used)
    if (r.runs) ranged.push_back(&r);
  std::sort(ranged.begin(), ranged.end(), [](const Result* a, const Result* b) { return a->runs->first < b->runs->first; });
  for (std::size_t k = 0; k + 1 < ranged.size(); ++k)
    if (ranged[k]->runs->end > ranged[k + 1]->runs->first)
      return ranged[k]->file + " and " + ranged[k + 1]->file + " overlap: both were given runs from " +
             std::to_string(ranged[k + 1]->runs->first);
  // The runs covered, when the shards' shares join up (none missing between them).
  bool joined = !ranged.empty();
  for (std::size_t k = 0; k + 1 < ranged.size(); ++k) joined = joined && ranged[k]->runs->end == ranged[k + 1]->runs->first;
  if (joined && m.missing.empty()) m.runs = Range{ranged.front()->runs->first, ranged.back()->runs->end};

  for (const Result& r : m.used)
    for (const auto& [name, n] : r.counts) m.counts[name] += n;

  m.exit = worst_exit(m.used);
  const auto complete = std::find_if(m.used.begin(), m.used.end(), [](const Result& r) { return r.outcome == "complete"; });
  if (m.exit == 3 && m.kind == "dfs" && complete != m.used.end()) {
    // Every shard searches the same space; one that finished visited all of it.
    m.exit = 0;
    m.notes.push_back("shard " + shard_name(complete->shard.index, m.shards) +
                      " searched the whole state space: the shards stopped by a bound change nothing");
  }
  if (m.exit == 0 && !m.missing.empty() && !(m.kind == "dfs" && complete != m.used.end())) {
    m.exit = 3;
    m.notes.push_back(std::to_string(m.missing.size()) + " of " + std::to_string(m.shards) +
                      " shards gave no result: their part of the work is not known to hold");
  }
  m.outcome = m.exit == 1   ? "violation"
              : m.exit == 0 ? (m.kind == "dfs" || m.kind == "bfs" ? "complete" : "sampled")
              : m.exit == 3 ? (m.missing.empty() ? "bounded" : "incomplete")
                            : "error";
  for (std::size_t k = 0; k < m.used.size(); ++k) {
    const Result& r = m.used[k];
    if (r.exit != 1 || !r.reproducer) continue;
    if (!m.reproducer() || r.reproducer->size < m.reproducer()->reproducer->size) m.kept = k;
  }
  return m;
}

const Result* Merged::reproducer() const { return kept < used.size() ? &used[kept] : nullptr; }

}  // namespace weir::swarm
