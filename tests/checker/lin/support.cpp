#include "tests/checker/lin/support.hpp"

#include <functional>
#include <map>

namespace weir::lin::testing {

using spec::OpKind;
using spec::SpecKind;

bool brute_force_linearizable(const History& h) {
  const std::size_t n = h.ops.size();
  std::vector<bool> used(n, false);
  std::map<spec::ValueId, spec::ValueId> state;  // key -> value (register: key kNoValue)
  auto value = [&](spec::ValueId key) {
    auto it = state.find(key);
    return it == state.end() ? h.init : it->second;
  };
  std::function<bool(std::size_t)> go = [&](std::size_t completed_left) -> bool {
    if (completed_left == 0) return true;
    for (std::size_t i = 0; i < n; ++i) {
      if (used[i]) continue;
      // i may go next only if no unused completed op returned before i was called.
      bool ready = true;
      for (std::size_t j = 0; j < n && ready; ++j)
        if (!used[j] && j != i && h.ops[j].ret != kPending && h.ops[j].ret < h.ops[i].call)
          ready = false;
      if (!ready) continue;
      const spec::ValueId key = h.ops[i].input.key;
      const spec::ValueId before = value(key);
      auto after = spec::step(*h.values, before, h.ops[i].input);
      if (!after) continue;
      used[i] = true;
      state[key] = *after;
      bool pending = h.ops[i].ret == kPending;
      if (go(completed_left - (pending ? 0 : 1))) return true;
      state[key] = before;
      used[i] = false;
    }
    return false;
  };
  std::size_t completed = 0;
  for (const Operation& op : h.ops) completed += op.ret != kPending;
  return go(completed);
}

History empty_history(SpecKind spec) {
  History h;
  h.spec = spec;
  h.values = std::make_shared<spec::ValueTable>();
  h.init = h.values->intern(spec == SpecKind::Kv ? "" : "nil");
  return h;
}

namespace {

// Where written values come from. Either a small domain, so that values recur, or (the
// other mode) one value of its own per write: then a read names the one operation that
// can produce what it returned, the shape that dead-end pruning must get right when that
// operation is pending.
struct Values {
  bool unique = false;
  std::vector<spec::ValueId> written;  // unique mode: every value written so far

  explicit Values(bool unique_per_write) : unique(unique_per_write) {}
  // A value written so far, or `otherwise` when there is none.
  spec::ValueId earlier(spec::ValueId otherwise) const {
    if (written.empty()) return otherwise;
    return written[static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, written.size()))];
  }
};

spec::Call random_call(History& h, SpecKind spec, int keys, int domain, Values& values) {
  spec::Call c;
  auto val = [&] {
    if (!values.unique) return h.values->intern(std::to_string(*rc::gen::inRange(0, domain)));
    const spec::ValueId v = h.values->intern(std::string("u").append(std::to_string(values.written.size())));
    values.written.push_back(v);
    return v;
  };
  if (spec == SpecKind::Kv) {
    c.key = h.values->intern(std::string("k").append(std::to_string(*rc::gen::inRange(0, keys))));
    int k = *rc::gen::inRange(0, 3);
    c.kind = k == 0 ? OpKind::Get : k == 1 ? OpKind::Put : OpKind::Append;
    if (c.kind != OpKind::Get)
      c.arg = values.unique ? val() : h.values->intern(std::string(1, char('a' + *rc::gen::inRange(0, domain))));
  } else {
    int k = *rc::gen::inRange(0, spec == SpecKind::CasRegister ? 3 : 2);
    c.kind = k == 0 ? OpKind::Read : k == 1 ? OpKind::Write : OpKind::Cas;
    if (c.kind == OpKind::Write) c.arg = val();
    if (c.kind == OpKind::Cas) {
      if (values.unique)
        c.arg = *rc::gen::inRange(0, 4) == 0 ? h.init : values.earlier(h.init);  // expect what was written
      else
        c.arg = *rc::gen::inRange(0, 4) == 0 ? h.init : val();
      c.arg2 = val();
    }
  }
  return c;
}

}  // namespace

History gen_linearizable(SpecKind spec, int n) {
  History h = empty_history(spec);
  const int keys = *rc::gen::inRange(1, 4);
  const int width = *rc::gen::inRange(0, 60);  // how far windows stretch around the point
  Values values(*rc::gen::arbitrary<bool>());
  std::map<spec::ValueId, spec::ValueId> state;
  for (int i = 0; i < n; ++i) {
    Operation op;
    op.client = std::to_string(i);
    op.input = random_call(h, spec, keys, 3, values);
    const std::uint64_t point = 100 + 20 * static_cast<std::uint64_t>(i);
    op.call = point - static_cast<std::uint64_t>(*rc::gen::inRange(0, width + 1));
    const int fate = *rc::gen::inRange(0, 10);
    if (fate == 0 && !spec::op_reads(op.input.kind)) {
      // Pending and never took effect: not part of the sequential run.
      op.ret = kPending;
      op.input.known = false;
      h.ops.push_back(op);
      continue;
    }
    auto it = state.find(op.input.key);
    spec::ValueId cur = it == state.end() ? h.init : it->second;
    // Fill in the output the sequential run observes.
    if (spec::op_reads(op.input.kind)) op.input.out = cur;
    if (op.input.kind == OpKind::Cas) op.input.ok = cur == op.input.arg;
    state[op.input.key] = *spec::step(*h.values, cur, op.input);
    if (fate == 1) {  // took effect, but its return was never seen
      op.ret = kPending;
      op.input.known = false;
      op.input.out = spec::kNoValue;
    } else {
      op.ret = point + static_cast<std::uint64_t>(*rc::gen::inRange(0, width + 1));
    }
    h.ops.push_back(op);
  }
  return h;
}

void end_random(Operation& op, bool pending) {
  if (pending) {
    op.ret = kPending;
    op.input.known = false;
  } else {
    op.ret = op.call + static_cast<std::uint64_t>(*rc::gen::inRange(0, 15));
  }
}

History gen_random(SpecKind spec, int n, bool with_pending) {
  History h = empty_history(spec);
  const int keys = spec == SpecKind::Kv ? *rc::gen::inRange(1, 3) : 1;
  Values values(*rc::gen::arbitrary<bool>());
  for (int i = 0; i < n; ++i) {
    Operation op;
    op.client = std::to_string(i);
    op.input = random_call(h, spec, keys, 2, values);
    op.call = static_cast<std::uint64_t>(*rc::gen::inRange(0, 40));
    if (spec::op_reads(op.input.kind)) {
      if (values.unique) {
        // A value some operation wrote (in any order: it may come later), or the initial one.
        op.input.out = *rc::gen::inRange(0, 4) == 0 ? h.init : values.earlier(h.init);
      } else if (spec == SpecKind::Kv) {
        static const char* outs[] = {"", "a", "b", "ab", "ba", "aa", "bb"};
        op.input.out = h.values->intern(outs[*rc::gen::inRange(0, 7)]);
      } else {
        int v = *rc::gen::inRange(-1, 2);
        op.input.out = v < 0 ? h.init : h.values->intern(std::to_string(v));
      }
    }
    if (op.input.kind == OpKind::Cas) op.input.ok = *rc::gen::arbitrary<bool>();
    end_random(op, with_pending && !spec::op_reads(op.input.kind) && *rc::gen::inRange(0, 4) == 0);
    h.ops.push_back(op);
  }
  return h;
}

int pick_completed_read(const History& h) {
  std::vector<int> reads;
  for (std::size_t i = 0; i < h.ops.size(); ++i)
    if (spec::op_reads(h.ops[i].input.kind) && h.ops[i].ret != kPending) reads.push_back(static_cast<int>(i));
  if (reads.empty()) return -1;
  return reads[static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, reads.size()))];
}

}  // namespace weir::lin::testing
