// The linearizability report: the data a page needs, computed here; the drawing is the
// page's script (lin_script.cpp).
#include <algorithm>
#include <map>
#include <numeric>

#include "report/detail/page.hpp"
#include "report/detail/scripts.hpp"
#include "report/report.hpp"

namespace weir::report {
namespace {


bool by_key(const lin::History& h) {
  for (const lin::Operation& op : h.ops)
    if (op.input.key != h.ops.front().input.key) return true;
  return false;
}

std::string key_text(const lin::History& h, const lin::Operation& op) {
  return std::string(h.values->text(op.input.key));
}

// The operations to draw: all of them, or, past kMaxDrawnOps, the failing key's, and of
// those the ones called nearest the failure.
std::vector<std::size_t> drawn(const lin::History& h, const lin::Result& r, std::string& note) {
  std::vector<std::size_t> ops(h.ops.size());
  std::iota(ops.begin(), ops.end(), std::size_t{0});
  if (ops.size() <= kMaxDrawnOps) return ops;
  if (r.witness && !r.witness->partition.empty()) {
    std::erase_if(ops, [&](std::size_t i) { return key_text(h, h.ops[i]) != r.witness->partition; });
    note = "only key \"" + r.witness->partition + "\", the one that fails, is drawn";
  }
  if (ops.size() <= kMaxDrawnOps) return ops;
  std::stable_sort(ops.begin(), ops.end(), [&](std::size_t a, std::size_t b) { return h.ops[a].call < h.ops[b].call; });
  std::size_t from = 0;
  if (r.witness) {
    const std::size_t at = static_cast<std::size_t>(std::find(ops.begin(), ops.end(), r.witness->blocked) - ops.begin());
    from = at > kMaxDrawnOps / 2 ? std::min(at - kMaxDrawnOps / 2, ops.size() - kMaxDrawnOps) : 0;
  }
  if (!note.empty()) note += "; ";
  note += "the " + std::to_string(kMaxDrawnOps) + " operations called " + (r.witness ? "nearest the failure" : "first") +
          " of " + std::to_string(ops.size()) + " are drawn";
  return {ops.begin() + static_cast<std::ptrdiff_t>(from), ops.begin() + static_cast<std::ptrdiff_t>(from + kMaxDrawnOps)};
}

// The sequences of operations drawn as points: each key's linearization, or the longest
// prefix the search reached.
std::vector<std::vector<std::size_t>> chains(const lin::Result& r) {
  std::vector<std::vector<std::size_t>> out;
  if (r.witness) {
    out.push_back(r.witness->prefix);
    return out;
  }
  for (const lin::PartitionResult& p : r.partitions)
    if (!p.order.empty()) out.push_back(p.order);
  return out;
}

std::string failure_text(const lin::History& h, const lin::Witness& w) {
  auto op = [&](std::size_t i) {
    const lin::Operation& o = h.ops[i];
    return "line " + std::to_string(o.line) + ", process " + o.client + ": " + spec::describe(*h.values, o.input);
  };
  std::string t = "longest linearizable prefix: " + std::to_string(w.prefix.size()) + " of " +
                  std::to_string(w.partition_ops) + " operations\n";
  t += "the operation returning at line " + std::to_string(h.ops[w.blocked].return_line) + " cannot be linearized:\n  " +
       op(w.blocked) + "\nfrom the state " + w.state + ", every operation that could go next fails:\n";
  for (const lin::Witness::Candidate& c : w.candidates) {
    t += "  " + op(c.op) + "\n    " + (c.refused ? "refused: " : "") + c.why;
    if (c.dooms) t += ", at line " + std::to_string(h.ops[*c.dooms].line);
    t += "\n";
  }
  return t;
}

}  // namespace

std::string lin_html(const std::string& file, const lin::History& h, const lin::Result& r) {
  std::string note;
  const std::vector<std::size_t> ops = drawn(h, r, note);
  const bool keyed = by_key(h);

  // Lanes, and each drawn op's place in the data.
  std::map<std::pair<std::string, std::string>, std::size_t> lane_of;
  for (std::size_t i : ops) lane_of.emplace(std::pair{keyed ? key_text(h, h.ops[i]) : std::string(), h.ops[i].client}, 0);
  nlohmann::json lanes = nlohmann::json::array();
  for (auto& [k, index] : lane_of) {
    index = lanes.size();
    lanes.push_back(keyed ? "key " + k.first + " · " + k.second : "process " + k.second);
  }
  // Times as ranks: a history's clock may be positions or nanoseconds; only order counts.
  std::vector<std::uint64_t> times;
  for (std::size_t i : ops) {
    times.push_back(h.ops[i].call);
    if (h.ops[i].ret != lin::kPending) times.push_back(h.ops[i].ret);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  auto rank = [&](std::uint64_t t) { return std::lower_bound(times.begin(), times.end(), t) - times.begin(); };

  std::map<std::size_t, std::size_t> index;  // history op -> data op
  nlohmann::json jops = nlohmann::json::array();
  for (std::size_t i : ops) {
    const lin::Operation& o = h.ops[i];
    index[i] = jops.size();
    nlohmann::json j = {{"lane", lane_of.at({keyed ? key_text(h, o) : std::string(), o.client})},
                        {"call", rank(o.call)},
                        {"op", spec::describe(*h.values, o.input)},
                        {"client", o.client},
                        {"line", o.line}};
    if (o.ret == lin::kPending) {
      j["ret"] = nullptr;
    } else {
      j["ret"] = rank(o.ret);
      j["return_line"] = o.return_line;
    }
    jops.push_back(std::move(j));
  }

  // The points, in order, with the state before and after each: stepping the spec along
  // the linearization, one state per key.
  nlohmann::json jchains = nlohmann::json::array();
  for (const auto& chain : chains(r)) {
    std::map<spec::ValueId, spec::ValueId> state;
    nlohmann::json c = nlohmann::json::array();
    for (std::size_t k = 0; k < chain.size(); ++k) {
      const lin::Operation& o = h.ops[chain[k]];
      auto [at, fresh] = state.emplace(o.input.key, h.init);
      const spec::ValueId before = at->second;
      if (auto after = spec::step(*h.values, before, o.input)) at->second = *after;
      auto it = index.find(chain[k]);
      if (it == index.end()) continue;
      nlohmann::json& j = jops[it->second];
      j["pos"] = k + 1;
      j["before"] = spec::show_value(*h.values, h.spec, before);
      j["after"] = spec::show_value(*h.values, h.spec, at->second);
      c.push_back(it->second);
    }
    jchains.push_back(std::move(c));
  }

  nlohmann::json data = {{"lanes", lanes}, {"ops", jops}, {"chains", jchains}, {"end", times.size()}};
  std::string verdict, cls;
  switch (r.verdict) {
    case lin::Verdict::Ok: verdict = "linearizable"; cls = "ok"; break;
    case lin::Verdict::Violation: verdict = "NOT linearizable"; cls = "bad"; break;
    case lin::Verdict::Unknown: verdict = "unknown (" + r.unknown_reason + ")"; cls = "unknown"; break;
  }
  std::string body = "<h1>" + xml_text(file) + "</h1>\n<p><span class=\"verdict " + cls + "\">" + xml_text(verdict) + "</span> · " +
                     std::string(spec::spec_name(h.spec)) + " · " + std::to_string(h.ops.size()) + " operations";
  if (r.partitions.size() > 1) body += " in " + std::to_string(r.partitions.size()) + " keys";
  body += "</p>\n";
  if (!note.empty()) body += "<p><em>" + xml_text(note) + "</em></p>\n";
  if (r.witness) {
    const lin::Witness& w = *r.witness;
    data["failure"] = index.count(w.blocked) ? nlohmann::json(index.at(w.blocked)) : nlohmann::json(nullptr);
    nlohmann::json cands = nlohmann::json::array();
    for (const auto& c : w.candidates)
      if (index.count(c.op)) cands.push_back(index.at(c.op));
    data["candidates"] = cands;
    body += "<div class=\"why\" id=\"why\">" + xml_text(failure_text(h, w)) + "</div>\n";
  }
  body +=
      "<p class=\"legend\">Each bar is an operation, from its call to its return (dashed: never returned). "
      "Points joined by a line: " +
      std::string(r.witness ? "the longest linearizable prefix the search reached" : "a linearization") +
      ", in order. Red: the operation that could not be linearized; orange: those that could have gone next. "
      "Hover an operation for the state before and after it.</p>\n"
      "<div class=\"tools\"><button id=\"fit\">fit</button><button id=\"in\">zoom in</button>"
      "<button id=\"out\">zoom out</button>" +
      std::string(r.witness ? "<button id=\"fail\">zoom to the failure</button>" : "") +
      "</div>\n<div class=\"scroll\" id=\"scroll\"><svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n";
  return detail::page("weir check lin: " + file, body, data, detail::kLinScript);
}

}  // namespace weir::report
