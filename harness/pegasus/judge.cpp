#include "harness/pegasus/judge.hpp"

#include <functional>

#include "checker/lin/lin.hpp"

namespace weir::harness::pegasus {

std::optional<std::string> failure(const Outcome& o) {
  if (o.run.deadlock) return std::string("deadlock");
  if (!o.problems.empty()) return o.problems.front();
  if (o.run.budget_spent)
    return "livelock: the run spent its budget of " + std::to_string(o.run.events) +
           " simulated events before every client's operations were done (requests retried for ever)";
  lin::ReadOptions ro;
  ro.spec = spec::SpecKind::Kv;
  ro.format = lin::Format::Jsonl;
  auto h = lin::parse_history(o.history, "pegasus-run", ro);
  if (auto* e = std::get_if<lin::ReadError>(&h)) return "the recorded history is malformed: " + e->message();
  lin::CheckOptions co;
  co.jobs = 1;
  co.timeout_seconds = 10;
  const lin::Result r = lin::check(std::get<lin::History>(h), co);
  if (r.verdict == lin::Verdict::Unknown) return std::string(kCheckerOutOfTime);
  // Two judges, two methods: a disagreement is a bug in Weir, never a pass.
  if ((r.verdict == lin::Verdict::Violation) != o.online_violation.has_value())
    return std::string("the checker and the harness's zones invariant disagree (")
        .append(r.verdict == lin::Verdict::Violation ? "checker: not linearizable" : "checker: linearizable")
        .append("; zones: ")
        .append(o.online_violation.value_or("linearizable"))
        .append(")");
  if (r.verdict != lin::Verdict::Violation) return std::nullopt;
  std::string why = "not linearizable";
  if (r.witness && !r.witness->partition.empty()) why.append(" on key ").append(r.witness->partition);
  // The checker names the key; the zones name the operations that cannot be ordered.
  return why.append(": ").append(*o.online_violation);
}

Shrunk shrink(Scenario failing, unsigned seeds_per_step) {
  const std::vector<std::function<bool(Scenario&)>> steps = {
      [](Scenario& s) { return s.operations > 1 ? (s.operations = s.operations / 2, true) : false; },
      [](Scenario& s) { return s.operations > 1 ? (--s.operations, true) : false; },
      [](Scenario& s) { return s.clients > 1 ? (--s.clients, true) : false; },
      [](Scenario& s) { return s.keys > 1 ? (--s.keys, true) : false; },
      [](Scenario& s) { return s.servers > 1 ? (--s.servers, true) : false; },
      [](Scenario& s) { return s.partitions > 0 ? (--s.partitions, true) : false; },
      [](Scenario& s) { return s.drop > 0 ? (s.drop = 0, true) : false; },
      [](Scenario& s) { return s.duplicate > 0 ? (s.duplicate = 0, true) : false; },
      [](Scenario& s) { return s.link_max > s.link_min ? (s.link_max = s.link_min + (s.link_max - s.link_min) / 2, true) : false; },
  };
  return sim::shrink(failing, steps, [](const Scenario& s) { return failure(run(s)); }, seeds_per_step);
}

}  // namespace weir::harness::pegasus
