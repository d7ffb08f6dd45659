#include "checker/lin/detail/witness.hpp"

#include <algorithm>
#include <optional>

#include "checker/lin/detail/future_reads.hpp"

namespace weir::lin::detail {
namespace {

// After linearizing op `i` (which leaves its object holding `after`), a completed read
// on that object that no order of the remaining operations lets see its value.
std::optional<std::uint32_t> doomed_read(const std::vector<SearchOp>& ops, FutureReads& future,
                                         const std::vector<bool>& linearized, std::uint32_t i,
                                         spec::ValueId after, const spec::ValueTable& values) {
  auto used = [&](std::uint32_t op) { return op == i || linearized[op]; };
  const std::uint64_t len = values.text(after).size();
  for (std::uint32_t r = 0; r < ops.size(); ++r)
    if (r != i && !linearized[r] && ops[r].slot == ops[i].slot && future.is_reader(r) &&
        !future.may_see(i, after, len, r, used))
      return r;
  return std::nullopt;
}

}  // namespace

Witness build_witness(const History& h, const std::vector<SearchOp>& ops, std::uint32_t slots,
                      const std::vector<std::uint32_t>& best_prefix) {
  spec::ValueTable& values = *h.values;
  Witness w;
  w.partition_ops = ops.size();
  std::vector<spec::ValueId> state(slots, h.init);
  std::vector<bool> linearized(ops.size(), false);
  for (std::uint32_t i : best_prefix) {
    const SearchOp& o = ops[i];
    // The search accepted this step, so the spec accepts it again here.
    state[o.slot] = spec::step(values, state[o.slot], o.input).value_or(state[o.slot]);
    linearized[i] = true;
    w.prefix.push_back(o.origin);
    w.prefix_states.push_back(state[o.slot]);
  }

  // The first return the prefix could not get past: the earliest-returning completed
  // operation that is not linearized. (It exists: otherwise the history would pass.)
  std::uint32_t blocked = 0;
  bool found = false;
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    if (linearized[i] || ops[i].ret == kPending) continue;
    if (!found || std::tie(ops[i].ret, ops[i].call) < std::tie(ops[blocked].ret, ops[blocked].call)) {
      blocked = i;
      found = true;
    }
  }
  if (!found) return w;
  w.blocked = ops[blocked].origin;
  const std::uint64_t t = ops[blocked].ret;

  FutureReads future(ops, values);
  std::vector<spec::ValueId> touched;  // objects the candidates touch, to describe the state
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    const SearchOp& o = ops[i];
    if (o.call <= t && (o.ret == kPending || o.ret >= t)) w.concurrent.push_back(o.origin);
    if (linearized[i] || o.call > t) continue;
    Witness::Candidate c;
    c.op = o.origin;
    if (auto after = spec::step(values, state[o.slot], o.input)) {
      c.why = "the spec allows it here, but no order of the remaining operations works after it";
      if (auto r = doomed_read(ops, future, linearized, i, *after, values)) {
        c.dooms = ops[*r].origin;
        c.why = "the spec allows it here, but afterwards no order lets this read see its value: " +
                spec::describe(values, ops[*r].input);
      }
    } else {
      c.refused = true;
      c.why = spec::explain_refusal(values, h.spec, state[o.slot], o.input);
    }
    w.candidates.push_back(std::move(c));
    if (std::find(touched.begin(), touched.end(), o.slot) == touched.end()) touched.push_back(o.slot);
  }

  std::sort(touched.begin(), touched.end());
  for (spec::ValueId slot : touched) {
    if (!w.state.empty()) w.state += ", ";
    // Find the key of this slot from any op that touches it.
    const SearchOp* any = nullptr;
    for (const SearchOp& o : ops)
      if (o.slot == slot) { any = &o; break; }
    if (h.spec == spec::SpecKind::Kv) {
      w.state += "key \"" + std::string(values.text(any->input.key)) + "\" = \"" +
                 std::string(values.text(state[slot])) + "\"";
    } else if (any->input.key != spec::kNoValue) {
      w.state += "register " + std::string(values.text(any->input.key)) + " = " + std::string(values.text(state[slot]));
    } else if (h.spec == spec::SpecKind::MultiRegister) {
      w.state += "registers " + spec::show_value(values, h.spec, state[slot]);
    } else {
      w.state += "register = " + std::string(values.text(state[slot]));
    }
  }
  return w;
}

}  // namespace weir::lin::detail
