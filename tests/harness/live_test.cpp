// harness/live: the scenarios with their data plane on DPDK. The DPDK gateway and switch
// decide exactly as the cores do, so a seed gives the same run, trace for trace, with or
// without DPDK; every mbuf comes back; every port is recorded to a pcap whose frames are
// the ones the data plane counted, and the gateways' output is Beaver's encapsulation.
#include <gtest/gtest.h>

#include "harness/beaver/judge.hpp"
#include "harness/live/live.hpp"
#include "harness/pegasus/judge.hpp"
#include "tests/impl/pcap_files.hpp"

namespace weir::live {
namespace {

class Live : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = Rig::make();
    if (auto* why = std::get_if<std::string>(&made)) GTEST_SKIP() << "DPDK would not start: " << *why;
    rig = std::move(std::get<std::unique_ptr<Rig>>(made));
  }
  std::unique_ptr<Rig> rig;
};

TEST_F(Live, BeaverOnDpdkIsTheSimulatorsRunFrameForFrame) {
  int accepted = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    harness::beaver::Scenario s;
    s.seed = seed;
    s.drop = 0.05;
    s.duplicate = 0.05;
    s.dscp_remark = 0.1;
    const auto sim = harness::beaver::run(s);
    const BeaverRun dp = rig->beaver(s);
    ASSERT_EQ(dp.outcome.run.trace_hash, sim.run.trace_hash) << "seed " << seed;
    ASSERT_EQ(dp.outcome.accepted, sim.accepted) << "seed " << seed;
    ASSERT_EQ(dp.outcome.execution.events.size(), sim.execution.events.size()) << "seed " << seed;
    EXPECT_EQ(dp.buffers_in_use, 0u);
    ASSERT_EQ(dp.ports.size(), s.gateways);
    std::uint64_t through = 0;
    for (const PortStats& p : dp.ports) {
      EXPECT_EQ(p.sent, p.received) << p.name;  // a gateway sends one frame for each it takes
      through += p.received;
    }
    EXPECT_GT(through, 0u) << "seed " << seed << ": no frame went through DPDK";
    EXPECT_FALSE(harness::beaver::failure(dp.outcome)) << "seed " << seed;
    accepted += static_cast<int>(dp.outcome.accepted.size());
  }
  EXPECT_GT(accepted, 10);  // the check is not vacuous
}

TEST_F(Live, PegasusOnDpdkIsTheSimulatorsRunFrameForFrame) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    harness::pegasus::Scenario s;
    s.seed = seed;
    const auto sim = harness::pegasus::run(s);
    const PegasusRun dp = rig->pegasus(s);
    ASSERT_EQ(dp.outcome.run.trace_hash, sim.run.trace_hash) << "seed " << seed;
    ASSERT_EQ(dp.outcome.history, sim.history) << "seed " << seed;
    EXPECT_EQ(dp.buffers_in_use, 0u);
    ASSERT_EQ(dp.ports.size(), 1u);
    EXPECT_GT(dp.ports[0].received, 2u * s.clients * s.operations - 1);  // every request and reply, at least
    EXPECT_FALSE(harness::pegasus::failure(dp.outcome)) << "seed " << seed;
  }
}

TEST_F(Live, AMutantInTheGatewayIsCaughtThroughDpdk) {
  // The gateway's own bug, planted in the core that dp::BeaverGateway runs.
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 200 && caught == 0; ++seed) {
    harness::beaver::Scenario s;
    s.seed = seed;
    s.mutant = core::beaver::Mutant::MarkAfterForward;
    if (harness::beaver::failure(rig->beaver(s).outcome)) ++caught;
  }
  EXPECT_EQ(caught, 1);
}

TEST_F(Live, EveryPortIsRecordedAndThePcapsHoldWhatTheDataPlaneCounted) {
  const test::Scratch scratch("weir-live");
  harness::beaver::Scenario s;
  s.seed = 3;
  Options o;
  o.record_dir = scratch.path.string();
  const BeaverRun dp = rig->beaver(s, o);
  ASSERT_EQ(dp.pcaps.size(), 2u * s.gateways + 1);  // and capture.pcap, every node's traffic
  for (const PortStats& p : dp.ports) {
    const test::Frames in = test::read_pcap(scratch.path / (p.name + "-in.pcap"));
    const test::Frames out = test::read_pcap(scratch.path / (p.name + "-out.pcap"));
    EXPECT_EQ(in.size(), p.received) << p.name;
    EXPECT_EQ(out.size(), p.sent) << p.name;
    ASSERT_EQ(in.size(), out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto x = packet::beaver::decapsulate(out[i]);
      ASSERT_TRUE(std::holds_alternative<packet::beaver::Encapsulated>(x)) << p.name << " frame " << i;
      const auto& e = std::get<packet::beaver::Encapsulated>(x);
      EXPECT_EQ(packet::Bytes(out[i].begin() + static_cast<std::ptrdiff_t>(e.inner_offset), out[i].end()), in[i]);
    }
  }
}

}  // namespace
}  // namespace weir::live
