// Properties of the cut checker on random runs: a cut taken at one instant passes, with
// its channel states; moving one receive into a cut while its send stays outside fails;
// on any cut at all the checker agrees with a vector-clock oracle, and every witness it
// gives is a real causal chain.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/checker/cut/support.hpp"

namespace weir::cut {
namespace {

using testing::GenRun;

Result judged(const Execution& x) {
  auto r = check(x);
  RC_ASSERT(std::holds_alternative<Result>(r));
  return std::get<Result>(r);
}

bool has(const Result& r, ViolationKind k, std::uint64_t ssid) {
  for (const Violation& v : r.violations)
    if (v.kind == k && v.ssid == ssid) return true;
  return false;
}

RC_GTEST_PROP(CutProperty, CutAtOneInstantIsConsistent, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
  const auto in = *rc::gen::inRange<std::uint32_t>(2, 6);
  const auto out = *rc::gen::inRange<std::uint32_t>(0, 3);
  GenRun run = testing::gen_run(rng, in, out, *rc::gen::inRange<std::size_t>(1, 80));
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, run.events.size() + 1);
  testing::snapshot_at(run, 1, at, true);
  const Result r = judged(testing::build(run));
  RC_ASSERT(r.consistent);
  RC_ASSERT(r.snapshots == std::vector<std::uint64_t>{1});
}

RC_GTEST_PROP(CutProperty, ReceiveMovedIntoTheCutFails, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
  const auto in = *rc::gen::inRange<std::uint32_t>(2, 6);
  const auto out = *rc::gen::inRange<std::uint32_t>(0, 3);
  GenRun run = testing::gen_run(rng, in, out, *rc::gen::inRange<std::size_t>(10, 80));
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, run.events.size() / 2);
  testing::snapshot_at(run, 1, at, false);
  // A receive on in-group q, after the cut, of a message an in-group p sent after the cut.
  std::vector<std::pair<std::uint32_t, std::size_t>> candidates;  // (q, position of the receive)
  for (std::size_t k = at + in; k < run.events.size(); ++k) {
    const auto& e = run.events[k];
    if (e.kind != Kind::Recv || e.process >= in) continue;
    for (std::size_t s = at + in; s < k; ++s)
      if (run.events[s].kind == Kind::Send && run.events[s].msg == e.msg && run.events[s].process < in)
        candidates.emplace_back(e.process, k);
  }
  RC_PRE(!candidates.empty());
  const auto [q, recv] = *rc::gen::elementOf(candidates);
  testing::move_snapshot(run, q, 1, recv);
  const Execution x = testing::build(run);
  const Result r = judged(x);
  RC_ASSERT(!r.consistent);
  RC_ASSERT(has(r, ViolationKind::Inconsistent, 1));
}

RC_GTEST_PROP(CutProperty, AgreesWithVectorClocksOnAnyCut, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
  const auto in = *rc::gen::inRange<std::uint32_t>(1, 5);
  const auto out = *rc::gen::inRange<std::uint32_t>(0, 3);
  GenRun run = testing::gen_run(rng, in, out, *rc::gen::inRange<std::size_t>(0, 60));
  const int snapshots = *rc::gen::inRange(1, 4);
  for (int n = 1; n <= snapshots; ++n) {
    if (*rc::gen::inRange(0, 2) == 0)
      testing::snapshot_at(run, n,
                           *rc::gen::inRange<std::size_t>(testing::after_last_snapshot(run), run.events.size() + 1),
                           *rc::gen::arbitrary<bool>());
    else
      testing::snapshot_anywhere(run, rng, n);
  }
  if (*rc::gen::inRange(0, 6) == 0 && in > 1) {  // sometimes a process misses one
    const auto n = *rc::gen::inRange<std::uint64_t>(1, snapshots + 1);
    std::erase_if(run.events, [&](const testing::GenEvent& e) {
      return e.kind == Kind::Snapshot && e.process == 0 && e.ssid == n;
    });
  }
  const Execution x = testing::build(run);
  const Result r = judged(x);
  const testing::OracleVerdict want = testing::oracle(x);
  std::set<std::uint64_t> inconsistent, incomplete, channels;
  for (const Violation& v : r.violations) {
    if (v.kind == ViolationKind::Incomplete) incomplete.insert(v.ssid);
    if (v.kind == ViolationKind::ChannelState) channels.insert(v.ssid);
    if (v.kind != ViolationKind::Inconsistent) continue;
    inconsistent.insert(v.ssid);
    // The witness: outside is after its process's snapshot, inside before its own, and
    // the chain is send -> receive hops joined by program order.
    const Event& o = x.events[v.outside];
    const Event& i = x.events[v.inside];
    RC_ASSERT(x.events[v.snapshot_outside].process == o.process);
    RC_ASSERT(x.events[v.snapshot_outside].ssid >= v.ssid);
    RC_ASSERT(x.events[v.snapshot_outside].index < o.index);
    RC_ASSERT(x.events[v.snapshot_inside].process == i.process);
    RC_ASSERT(x.events[v.snapshot_inside].ssid == v.ssid);
    RC_ASSERT(i.index < x.events[v.snapshot_inside].index);
    RC_ASSERT(testing::happened_before(x, v.outside, v.inside));
    RC_ASSERT(v.chain.size() % 2 == 0);
    for (std::size_t k = 0; k + 1 < v.chain.size(); k += 2) {
      const Event& s = x.events[v.chain[k]];
      const Event& d = x.events[v.chain[k + 1]];
      RC_ASSERT(s.kind == Kind::Send && d.kind == Kind::Recv && s.message == d.message);
      if (k + 2 < v.chain.size()) {
        const Event& next = x.events[v.chain[k + 2]];
        RC_ASSERT(next.process == d.process && next.index > d.index);
      }
    }
  }
  RC_ASSERT(inconsistent == want.inconsistent);
  RC_ASSERT(incomplete == want.incomplete);
  RC_ASSERT(channels == want.bad_channels);
  RC_ASSERT(r.consistent == (want.inconsistent.empty() && want.incomplete.empty() && want.bad_channels.empty()));
}

// The file format round-trips: the reader sees what the builder built, in any file order
// that keeps each process's order (a process-by-process dump, not only a causal one).
RC_GTEST_PROP(CutProperty, AnyFileOrderSameVerdict, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
  const auto in = *rc::gen::inRange<std::uint32_t>(1, 5);
  const auto out = *rc::gen::inRange<std::uint32_t>(0, 3);
  GenRun run = testing::gen_run(rng, in, out, *rc::gen::inRange<std::size_t>(0, 60));
  testing::snapshot_anywhere(run, rng, 1);
  const Result causal = judged(testing::build(run));
  std::stable_sort(run.events.begin(), run.events.end(),
                   [](const testing::GenEvent& a, const testing::GenEvent& b) { return a.process > b.process; });
  auto x = parse_execution(testing::to_jsonl(run), "<sorted>");
  RC_LOG() << testing::to_jsonl(run);
  RC_ASSERT(std::holds_alternative<Execution>(x));
  const Result sorted = judged(std::get<Execution>(x));
  RC_ASSERT(sorted.consistent == causal.consistent);
  RC_ASSERT(sorted.violations.size() == causal.violations.size());
}

}  // namespace
}  // namespace weir::cut
