// The harness's zones invariant (harness/pegasus, zones_violation) gives `weir check lin
// --spec kv`'s verdict on histories whose puts write values of their own: random ones
// (most not linearizable), ones linearizable by construction, and with equal times, which
// both read as overlapping.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "checker/lin/lin.hpp"
#include "harness/pegasus/scenario.hpp"

namespace weir::harness::pegasus {
namespace {

bool check_lin_says_linearizable(const std::vector<Op>& ops) {
  const std::string text = history_jsonl(ops);
  lin::ReadOptions ro;
  ro.spec = spec::SpecKind::Kv;
  ro.format = lin::Format::Jsonl;
  auto h = lin::parse_history(text, "zones-test", ro);
  if (auto* e = std::get_if<lin::ReadError>(&h)) throw std::runtime_error(e->message());
  lin::CheckOptions co;
  co.jobs = 1;
  return lin::check(std::get<lin::History>(h), co).verdict == lin::Verdict::Ok;
}

// Clients call and return on a coarse clock (so that times tie); each operation takes
// effect on a true store at one step between its call and its return when `truthful`,
// else a read returns any value written so far or the initial one.
std::vector<Op> gen_history(bool truthful) {
  const auto clients = *rc::gen::inRange(1u, 5u);
  const auto keys = *rc::gen::inRange(1u, 3u);
  const auto steps = *rc::gen::inRange(1, 40);
  struct Open {
    bool active = false, effect = false;
    std::size_t index = 0;
  };
  std::vector<Open> open(clients);
  std::vector<Op> ops;
  std::vector<std::string> store(keys);
  std::vector<std::vector<std::string>> written(keys);
  std::uint64_t clock = 0;
  for (int i = 0; i < steps; ++i) {
    clock += *rc::gen::inRange(0u, 2u);
    const unsigned c = *rc::gen::inRange(0u, clients);
    Open& o = open[c];
    if (!o.active) {
      Op op;
      op.client = c;
      op.call = clock;
      op.get = *rc::gen::arbitrary<bool>();
      const unsigned k = *rc::gen::inRange(0u, keys);
      op.key = std::string("k").append(std::to_string(k));
      if (!op.get) {
        op.value = std::string("v").append(std::to_string(ops.size()));
        written[k].push_back(op.value);
      }
      o = {true, false, ops.size()};
      ops.push_back(op);
      continue;
    }
    Op& op = ops[o.index];
    const unsigned k = static_cast<unsigned>(std::stoul(op.key.substr(1)));
    if (truthful && !o.effect) {
      o.effect = true;  // its linearization point
      if (op.get)
        op.value = store[k];
      else
        store[k] = op.value;
      continue;
    }
    if (op.get && !truthful) {
      const auto pick = *rc::gen::inRange<std::size_t>(0, written[k].size() + 1);
      op.value = pick == written[k].size() ? std::string() : written[k][pick];
    }
    op.ret = clock;
    o.active = false;
  }
  // Reads that never returned read nothing: drop their made-up values.
  for (Op& op : ops)
    if (op.get && !op.ret) op.value.clear();
  return ops;
}

RC_GTEST_PROP(PegasusZones, AgreeWithCheckLinOnRandomHistories, ()) {
  const std::vector<Op> ops = gen_history(false);
  const bool zones_ok = !zones_violation(ops);
  RC_CLASSIFY(!zones_ok, "not linearizable");
  RC_ASSERT(zones_ok == check_lin_says_linearizable(ops));
}

RC_GTEST_PROP(PegasusZones, PassLinearizableHistories, ()) {
  const std::vector<Op> ops = gen_history(true);
  RC_ASSERT(!zones_violation(ops));
  RC_ASSERT(check_lin_says_linearizable(ops));
}

Op put(unsigned c, std::uint64_t call, std::uint64_t ret, const char* v) { return {c, call, ret, false, "k0", v}; }
Op get(unsigned c, std::uint64_t call, std::uint64_t ret, const char* v) { return {c, call, ret, true, "k0", v}; }

TEST(PegasusZones, AStaleReadAfterACompletedWriteIsCaught) {
  const std::vector<Op> ops = {put(0, 0, 1, "a"), put(0, 2, 3, "b"), get(1, 4, 5, "a")};
  const auto why = zones_violation(ops);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("key k0"), std::string::npos) << *why;
}

TEST(PegasusZones, TouchingTimesOverlapAsInTheChecker) {
  // The second put is called at the time the first read returns: they overlap, so
  // "b" may be linearized before that read... but the read saw "a", so "a" then "b".
  EXPECT_FALSE(zones_violation({put(0, 0, 1, "a"), get(1, 1, 2, "a"), put(0, 2, 3, "b"), get(1, 3, 4, "b")}));
  // A read of the initial value after a write completed is stale.
  EXPECT_TRUE(zones_violation({put(0, 0, 1, "a"), get(1, 2, 3, "")}));
  EXPECT_FALSE(zones_violation({put(0, 0, 2, "a"), get(1, 2, 3, "")}));
}

TEST(PegasusZones, AReadFromTheFutureOrOfNothingIsCaught) {
  EXPECT_TRUE(zones_violation({get(1, 0, 1, "a"), put(0, 2, 3, "a")}));
  EXPECT_TRUE(zones_violation({get(1, 0, 1, "z")}));
}

}  // namespace
}  // namespace weir::harness::pegasus
