#include "harness/beaver/judge.hpp"

#include <functional>

#include "checker/cut/cut.hpp"

namespace weir::harness::beaver {

std::optional<std::string> failure(const Outcome& o) {
  if (o.run.deadlock) {
    std::string who;
    for (const std::string& n : o.run.waiting) who.append(who.empty() ? "" : ", ").append(n);
    return "deadlock: " + who + " waited for what never came";
  }
  if (!o.problems.empty()) return o.problems.front();
  if (o.run.budget_spent)
    return "livelock: the run spent its budget of " + std::to_string(o.run.events) + " simulated events before it ended";
  auto checked = cut::check(o.execution);
  if (auto* e = std::get_if<cut::ReadError>(&checked)) return "the recorded execution is malformed: " + e->message();
  const cut::Result& r = std::get<cut::Result>(checked);
  // Two judges, two methods: a disagreement is a bug in Weir, never a pass.
  if (r.consistent != o.consistent_online)
    return std::string("the checker and the harness's online invariant disagree (checker: ")
        .append(r.consistent ? "consistent" : "inconsistent")
        .append("; online: ")
        .append(o.consistent_online ? "consistent" : "inconsistent")
        .append(")");
  if (!r.consistent) return cut::explain(o.execution, r.violations.front());
  return std::nullopt;
}

std::size_t size_of(const Scenario& s) { return run(s).execution.events.size(); }

Shrunk shrink(Scenario failing, unsigned seeds_per_step) {
  // Each step: a smaller value for one knob.
  const std::vector<std::function<bool(Scenario&)>> steps = {
      [](Scenario& s) { return s.requests > 1 ? (s.requests = s.requests / 2, true) : false; },
      [](Scenario& s) { return s.requests > 1 ? (--s.requests, true) : false; },
      [](Scenario& s) { return s.snapshots > 1 ? (--s.snapshots, true) : false; },
      [](Scenario& s) { return s.clients > 1 ? (--s.clients, true) : false; },
      [](Scenario& s) { return s.services > 1 ? (--s.services, true) : false; },
      [](Scenario& s) { return s.backends > 2 ? (--s.backends, true) : false; },
      [](Scenario& s) { return s.gateways > 1 ? (--s.gateways, true) : false; },
      [](Scenario& s) { return s.partitions > 0 ? (--s.partitions, true) : false; },
      [](Scenario& s) { return s.drop > 0 ? (s.drop = 0, true) : false; },
      [](Scenario& s) { return s.control_duplicate > 0 ? (s.control_duplicate = 0, true) : false; },
      [](Scenario& s) { return s.dscp_remark > 0 ? (s.dscp_remark = 0, true) : false; },
      [](Scenario& s) { return s.lagging_gateway > 0 ? (s.lagging_gateway = 0, true) : false; },
      [](Scenario& s) { return s.rejoining_gateway > 0 ? (s.rejoining_gateway = 0, true) : false; },
      [](Scenario& s) { return s.in_group_via_gateway > 0 ? (s.in_group_via_gateway = 0, true) : false; },
      [](Scenario& s) { return s.duplicate > 0 ? (s.duplicate = 0, true) : false; },
      [](Scenario& s) { return s.in_group_chatter > 0 ? (s.in_group_chatter = 0, true) : false; },
      [](Scenario& s) { return s.hop_max > s.hop_min ? (s.hop_max = s.hop_min + (s.hop_max - s.hop_min) / 2, true) : false; },
      [](Scenario& s) { return s.request_gap_max > 1 ? (s.request_gap_max /= 2, true) : false; },
  };
  return sim::shrink(failing, steps, [](const Scenario& s) { return failure(run(s)); }, seeds_per_step);
}

}  // namespace weir::harness::beaver
