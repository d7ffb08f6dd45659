// Round trip: Pegasus runs recorded by the live harness (the switch on DPDK, its ports
// captured to pcap) give, through the capture alone, the verdict the harness gave from
// the clients' own history: over many seeds of the correct switch and of every mutant.
// A capture on the clients' hosts gives exactly their verdict; one at the switch never
// flags the correct switch and keeps every violation the clients saw.
#include <gtest/gtest.h>

#include "checker/lin/lin.hpp"
#include "harness/live/live.hpp"
#include "harness/pegasus/judge.hpp"
#include "tests/impl/pcap_files.hpp"
#include "trace/pegasus.hpp"

namespace weir::trace {
namespace {

bool linearizable(const std::vector<std::string>& files, std::size_t* ops = nullptr) {
  pegasus::Extractor x;
  Stats stats;
  const auto err = read(files, [&](const Packet& p) { x.add(p); }, stats);
  EXPECT_FALSE(err) << err->message();
  const pegasus::Extraction e = std::move(x).finish();
  if (ops) *ops = e.ops.size();
  lin::ReadOptions ro;
  ro.spec = spec::SpecKind::Kv;
  auto h = lin::parse_history(pegasus::history_jsonl(e.ops), "capture", ro);
  EXPECT_TRUE(std::holds_alternative<lin::History>(h));
  const lin::Result r = lin::check(std::get<lin::History>(h), {});
  EXPECT_NE(r.verdict, lin::Verdict::Unknown);
  return r.verdict == lin::Verdict::Ok;
}

TEST(PegasusTrace, ACaptureGivesTheHarnesssVerdictOverSeedsAndMutants) {
  auto made = live::Rig::make();
  if (auto* why = std::get_if<std::string>(&made)) GTEST_SKIP() << "DPDK would not start: " << *why;
  live::Rig& rig = *std::get<std::unique_ptr<live::Rig>>(made);
  const test::Scratch scratch("weir-trace");
  int violations = 0, runs = 0, stricter = 0;
  for (auto m : {core::pegasus::Mutant::None, core::pegasus::Mutant::NoVersionCheck, core::pegasus::Mutant::CompleteOnForward,
                 core::pegasus::Mutant::ReadAnyServer, core::pegasus::Mutant::NoDedup}) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      harness::pegasus::Scenario s;
      s.seed = seed;
      s.mutant = m;
      s.link_max = 20;
      live::Options o;
      o.record_dir = scratch.path.string();
      const live::PegasusRun run = rig.pegasus(s, o);
      ASSERT_TRUE(run.outcome.problems.empty() && !run.outcome.run.deadlock);
      const bool harness_ok = !run.outcome.online_violation;  // the clients' own history, by zones
      const auto at = [&](const char* f) { return (scratch.path / f).string(); };
      // On the clients' hosts: exactly their history.
      std::size_t ops = 0;
      EXPECT_EQ(linearizable({at("clients.pcap")}, &ops), harness_ok) << "mutant " << static_cast<int>(m) << " seed " << seed;
      EXPECT_EQ(ops, run.outcome.operations) << "seed " << seed;
      // At the switch, and all three capture points merged (an operation is called at the
      // first sighting of its request and returns at the first of its reply: at the switch,
      // before the client has it), the
      // intervals are narrower: a correct switch still holds (each effect lies between
      // the request and the reply passing the switch), and whatever the clients saw broken
      // stays broken; a buggy one may show more (an effect outside that window).
      const bool at_switch = linearizable({at("switch-in.pcap"), at("switch-out.pcap")});
      const bool merged = linearizable({at("clients.pcap"), at("switch-in.pcap"), at("switch-out.pcap")});
      if (m == core::pegasus::Mutant::None) {
        EXPECT_TRUE(at_switch && merged) << "seed " << seed;
      }
      if (!harness_ok) {
        EXPECT_FALSE(at_switch || merged) << "mutant " << static_cast<int>(m) << " seed " << seed;
      }
      stricter += at_switch != harness_ok;
      violations += !harness_ok;
      ++runs;
    }
  }
  EXPECT_GT(violations, 20) << "the mutants must give violations for the round trip to mean anything";
  EXPECT_LT(violations, runs);
  // How often the switch's narrower view saw a misbehaviour the clients could not: shown.
  RecordProperty("stricter_at_switch", stricter);
}

}  // namespace
}  // namespace weir::trace
