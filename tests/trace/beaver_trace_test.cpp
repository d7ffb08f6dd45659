// Round trip: Beaver runs recorded by the live harness (gateways on DPDK; every node's
// traffic captured as tcpdump on each host would) give, through the capture alone, the
// verdict the harness gave: the correct cores hold on every seed; the gateway's and the
// initiator's bugs (mark-after-forward, no-acceptance-check) give the same verdict seed
// for seed; a rewritten header left with a stale checksum is seen on the wire; and an id
// read from a packet that carried none is caught wherever the harness caught the bug.
#include <gtest/gtest.h>

#include "checker/cut/cut.hpp"
#include "harness/beaver/judge.hpp"
#include "harness/live/live.hpp"
#include "tests/impl/pcap_files.hpp"
#include "trace/beaver.hpp"

namespace weir::trace {
namespace {

struct Verdict {
  bool consistent = true;
  std::vector<std::string> problems;
};

Verdict judge(const std::string& capture) {
  beaver::Options o;
  o.threshold_us = 33;
  beaver::Extractor x(o);
  Stats stats;
  Options ro;
  ro.dedupe_window_ns = 0;
  const auto err = read({capture}, [&](const Packet& p) { x.add(p); }, stats, ro);
  EXPECT_FALSE(err) << err->message();
  const beaver::Extraction e = std::move(x).finish([](beaver::FrameRef f) { return std::string("#").append(std::to_string(f.frame)); });
  auto parsed = cut::parse_execution(e.execution_jsonl, "capture");
  EXPECT_TRUE(std::holds_alternative<cut::Execution>(parsed));
  auto checked = cut::check(std::get<cut::Execution>(parsed));
  EXPECT_TRUE(std::holds_alternative<cut::Result>(checked));
  return {std::get<cut::Result>(checked).consistent, e.problems};
}

TEST(BeaverTrace, ACaptureGivesTheHarnesssVerdict) {
  auto made = live::Rig::make();
  if (auto* why = std::get_if<std::string>(&made)) GTEST_SKIP() << "DPDK would not start: " << *why;
  live::Rig& rig = *std::get<std::unique_ptr<live::Rig>>(made);
  const test::Scratch scratch("weir-beaver-trace");
  using M = core::beaver::Mutant;
  int failures = 0;
  for (M m : {M::None, M::MarkAfterForward, M::NoAcceptanceCheck, M::NoChecksumFix, M::UntaggedInternal}) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
      harness::beaver::Scenario s;
      s.seed = seed;
      s.mutant = m;
      live::Options o;
      o.record_dir = scratch.path.string();
      const live::BeaverRun run = rig.beaver(s, o);
      const auto harness_says = harness::beaver::failure(run.outcome);
      const Verdict v = judge((scratch.path / "capture.pcap").string());
      const std::string at = std::string(core::beaver::mutants()[static_cast<std::size_t>(m)].name) + " seed " + std::to_string(seed);
      failures += harness_says.has_value();
      switch (m) {
        case M::None:
        case M::MarkAfterForward:
        case M::NoAcceptanceCheck:
          EXPECT_EQ(v.consistent && v.problems.empty(), !harness_says) << at << ": " << harness_says.value_or("holds");
          break;
        case M::NoChecksumFix:
          EXPECT_FALSE(v.problems.empty()) << at;
          break;
        default:  // the trace sees the id from nowhere on more seeds than the harness's checks
          if (harness_says) {
            EXPECT_FALSE(v.consistent && v.problems.empty()) << at << ": " << *harness_says;
          }
          break;
      }
    }
  }
  EXPECT_GT(failures, 30);  // the mutants were found: the comparison is not vacuous
}

}  // namespace
}  // namespace weir::trace
