#include "cli/lin_output.hpp"

#include <cstdio>
#include <ostream>

namespace weir::cli {
namespace {

constexpr std::size_t kPrefixShown = 6;  // the tail of the prefix is what matters

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1000);
  return buf;
}

std::string where(const lin::Operation& op) {
  std::string s = "line ";
  s.append(std::to_string(op.line));
  if (op.ret != lin::kPending && op.return_line != op.line)
    s.append("-").append(std::to_string(op.return_line));
  return s.append("  process ").append(op.client).append("  ");
}

std::string describe(const lin::History& h, const lin::Operation& op) {
  return spec::describe(*h.values, op.input);
}

nlohmann::json op_json(const lin::History& h, std::size_t i) {
  const lin::Operation& op = h.ops[i];
  nlohmann::json j = {{"client", op.client}, {"line", op.line}, {"call", op.call},
                      {"op", describe(h, op)}};
  if (op.ret == lin::kPending) {
    j["return"] = nullptr;
  } else {
    j["return"] = op.ret;
    j["return_line"] = op.return_line;
  }
  return j;
}

}  // namespace

namespace {

void print_verdict(std::ostream& out, const std::string& file, const lin::History& h, const lin::Result& r) {
  const std::string spec(spec::spec_name(h.spec));
  out << file << ": ";
  switch (r.verdict) {
    case lin::Verdict::Ok:
      out << "ok, linearizable (" << spec << ", " << h.ops.size() << " ops";
      if (r.partitions.size() > 1) out << " in " << r.partitions.size() << " keys";
      out << ") [" << ms(r.seconds) << "]\n";
      return;
    case lin::Verdict::Unknown:
      out << "unknown: " << r.unknown_reason << " before the search finished (" << spec << ", "
          << h.ops.size() << " ops) [" << ms(r.seconds) << "]\n";
      return;
    case lin::Verdict::Violation: break;
  }
  out << "VIOLATION, not linearizable (" << spec << ", " << h.ops.size() << " ops";
  if (!r.witness) {
    out << ")\n";
    return;
  }
  const lin::Witness& w = *r.witness;
  if (!w.partition.empty()) out << "; key \"" << w.partition << "\" alone is not linearizable";
  out << ") [" << ms(r.seconds) << "]\n";

  const lin::Operation& blocked = h.ops[w.blocked];
  out << "  longest linearizable prefix: " << w.prefix.size() << " of " << w.partition_ops
      << " operations";
  if (w.prefix.empty()) {
    out << " (none can go first)\n";
  } else {
    out << (w.prefix.size() > kPrefixShown ? ", ending" : "") << "\n";
    std::size_t from = w.prefix.size() > kPrefixShown ? w.prefix.size() - kPrefixShown : 0;
    for (std::size_t i = from; i < w.prefix.size(); ++i)
      out << "    " << where(h.ops[w.prefix[i]]) << describe(h, h.ops[w.prefix[i]]) << "\n";
  }
  out << "  then the operation returning at line " << blocked.return_line
      << " cannot be linearized:\n    " << where(blocked) << describe(h, blocked) << "\n";
  out << "  from the state " << w.state << ", every operation that could go next fails:\n";
  for (const lin::Witness::Candidate& c : w.candidates)
    out << "    " << where(h.ops[c.op]) << describe(h, h.ops[c.op]) << "\n      "
        << (c.refused ? "refused: " : "") << c.why
        << (c.dooms ? ", at line " + std::to_string(h.ops[*c.dooms].line) : std::string()) << "\n";
  out << "  concurrent with the failure point: " << w.concurrent.size() << " operations (lines";
  for (std::size_t i : w.concurrent) out << " " << h.ops[i].line;
  out << ")\n";
}

}  // namespace

void print_lin_human(std::ostream& out, const std::string& file, const lin::History& h,
                     const lin::Result& r) {
  print_verdict(out, file, h, r);
  // What was read and set aside, so that a verdict over fewer operations than the file
  // holds says why.
  if (h.ops.empty())
    out << "  note: 0 operations" << (h.other_events ? " (only " + std::to_string(h.other_events) + " events of no client, the nemesis's)" : std::string())
        << "\n";
  if (h.unknown_reads)
    out << "  note: " << h.unknown_reads
        << " read(s) returned nil: read as any value (--nil-reads any, Knossos's convention) and set aside\n";
}

nlohmann::json lin_json(const std::string& file, const lin::History& h, const lin::Result& r) {
  nlohmann::json j = {{"file", file},
                      {"spec", spec::spec_name(h.spec)},
                      {"format", lin::format_name(h.format)},
                      {"verdict", lin::verdict_name(r.verdict)},
                      {"ops", h.ops.size()},
                      {"events", h.events},
                      {"dropped_failed", h.dropped_failed},
                      {"dropped_pending_reads", h.dropped_pending_reads},
                      {"unknown_reads", h.unknown_reads},
                      {"other_events", h.other_events},
                      {"seconds", r.seconds}};
  if (r.verdict == lin::Verdict::Unknown) j["reason"] = r.unknown_reason;
  nlohmann::json parts = nlohmann::json::array();
  for (const lin::PartitionResult& p : r.partitions) {
    nlohmann::json pj = {{"ops", p.ops},
                         {"verdict", p.skipped ? "skipped" : lin::verdict_name(p.verdict)},
                         {"steps", p.steps}};
    if (!p.key.empty() || spec::spec_partitions_by_key(h.spec)) pj["key"] = p.key;
    parts.push_back(std::move(pj));
  }
  j["partitions"] = std::move(parts);
  if (r.witness) {
    const lin::Witness& w = *r.witness;
    nlohmann::json wj;
    if (!w.partition.empty()) wj["partition"] = w.partition;
    wj["partition_ops"] = w.partition_ops;
    nlohmann::json prefix = nlohmann::json::array();
    for (std::size_t i = 0; i < w.prefix.size(); ++i) {
      nlohmann::json oj = op_json(h, w.prefix[i]);
      oj["value_after"] = spec::show_value(*h.values, h.spec, w.prefix_states[i]);
      prefix.push_back(std::move(oj));
    }
    wj["prefix"] = std::move(prefix);
    wj["blocked"] = op_json(h, w.blocked);
    wj["state"] = w.state;
    nlohmann::json cands = nlohmann::json::array();
    for (const lin::Witness::Candidate& c : w.candidates) {
      nlohmann::json cj = op_json(h, c.op);
      cj["refused"] = c.refused;
      cj["why"] = c.why;
      if (c.dooms) cj["dooms"] = op_json(h, *c.dooms);
      cands.push_back(std::move(cj));
    }
    wj["candidates"] = std::move(cands);
    nlohmann::json conc = nlohmann::json::array();
    for (std::size_t i : w.concurrent) conc.push_back(op_json(h, i));
    wj["concurrent"] = std::move(conc);
    j["witness"] = std::move(wj);
  }
  return j;
}

}  // namespace weir::cli
