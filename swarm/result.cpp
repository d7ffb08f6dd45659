// A shard's result as JSON, both ways.
#include <set>

#include "swarm/swarm.hpp"

namespace weir::swarm {

namespace {

using json = nlohmann::json;

const std::set<std::string, std::less<>> kWithValue = {"--shard", "--result", "--reproducer", "--counterexample",
                                                       "--html", "--junit"};

// The field of `j` named `key` as T, or the cause.
template <class T>
std::optional<std::string> take(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end()) return std::string("no \"") + key + "\"";
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    return std::string("\"") + key + "\" has the wrong type";
  }
  return std::nullopt;
}

}  // namespace

std::string job_of(const std::vector<std::string>& argv) {
  std::string job = "weir";
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const std::string name = a.substr(0, a.find('='));
    if (kWithValue.count(name)) {
      if (name == a) ++i;  // "--shard 1/4": skip the value too
      continue;
    }
    if (a == "--json") continue;
    job.append(" ").append(a);
  }
  return job;
}

json to_json(const Result& r) {
  json j = {{"format", kResultFormat}, {"version", kResultVersion}, {"job", r.job},         {"command", r.command},
            {"kind", r.kind},          {"shard", r.shard.index},    {"shards", r.shard.count}, {"exit", r.exit},
            {"outcome", r.outcome},    {"counts", r.counts}};
  j["verdict"] = r.exit == 0 ? "holds" : r.exit == 1 ? "violation" : r.exit == 2 ? "bad-input" : r.exit == 3 ? "unknown" : "internal-error";
  if (r.runs) j["runs"] = {{"first", r.runs->first}, {"end", r.runs->end}};
  if (r.kind == "dfs") j["order_seed"] = r.order_seed;
  if (r.reproducer)
    j["reproducer"] = {{"replay", r.reproducer->replay}, {"what", r.reproducer->what}, {"size", r.reproducer->size},
                       {"unit", r.reproducer->unit}, {"content", r.reproducer->content}};
  return j;
}

std::variant<Result, std::string> parse_result(const std::string& text) {
  // Nesting bounded (as checker/input/json.hpp does for the other readers): copying or
  // destroying a value recurses per level, and a result nested 100,000 deep crashed merge.
  bool deep = false;
  auto bounded = [&](int depth, json::parse_event_t, json&) {
    if (depth > 256) deep = true;
    return !deep;
  };
  const json j = json::parse(text, bounded, false);
  if (deep) return std::string("nested deeper than 256 levels");
  if (j.is_discarded()) return std::string("not JSON");
  if (!j.is_object() || j.value("format", json()) != kResultFormat)
    return std::string("not a shard result (no \"format\": \"") + kResultFormat + "\")";
  if (j.value("version", json()) != kResultVersion) return std::string("unsupported shard result version");
  Result r;
  for (auto why : {take(j, "job", r.job), take(j, "command", r.command), take(j, "kind", r.kind),
                   take(j, "shard", r.shard.index), take(j, "shards", r.shard.count), take(j, "exit", r.exit),
                   take(j, "outcome", r.outcome), take(j, "counts", r.counts)})
    if (why) return *why;
  if (r.shard.count == 0 || r.shard.count > kMaxShards || r.shard.index >= r.shard.count)
    return "\"shard\" " + std::to_string(r.shard.index) + " of \"shards\" " + std::to_string(r.shard.count) +
           ": not a shard (0 <= shard < shards)";
  if (r.exit < 0 || r.exit > 4) return std::string("\"exit\" must be 0..4");
  if (const auto it = j.find("runs"); it != j.end()) {
    Range range;
    if (auto why = take(*it, "first", range.first)) return "runs: " + *why;
    if (auto why = take(*it, "end", range.end)) return "runs: " + *why;
    if (range.end < range.first) return std::string("runs: \"end\" before \"first\"");
    r.runs = range;
  }
  if (const auto it = j.find("order_seed"); it != j.end() && it->is_number_unsigned()) r.order_seed = it->get<std::uint64_t>();
  if (const auto it = j.find("reproducer"); it != j.end()) {
    Reproducer rep;
    for (auto why : {take(*it, "replay", rep.replay), take(*it, "what", rep.what), take(*it, "size", rep.size),
                     take(*it, "unit", rep.unit)})
      if (why) return "reproducer: " + *why;
    const auto content = it->find("content");
    if (content == it->end() || !content->is_object()) return std::string("reproducer: \"content\" must be an object");
    rep.content = *content;
    r.reproducer = std::move(rep);
  }
  return r;
}

}  // namespace weir::swarm
