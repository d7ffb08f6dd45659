// Figures for the simulator and `weir fuzz` (issue 14): simulated packet events per second
// on one core, bare (nodes that only echo) and with the protocols' cores; and fuzz runs
// per second for the default scenarios, with and without recording, and with judging.
//   sim_bench [--seconds S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/beaver/judge.hpp"
#include "harness/pegasus/judge.hpp"
#include "harness/sim/sim.hpp"

namespace {

using weir::sim::Bytes;
using weir::sim::Node;
using weir::sim::Packet;

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Two nodes pass a 64-byte packet back and forth `rounds` times: the simulator's own cost
// per event (a delivery: the event queue, the fiber switch, the trace hash).
std::uint64_t echo(std::uint64_t seed, unsigned rounds) {
  weir::sim::RunOptions o;
  o.seed = seed;
  weir::sim::Sim sim(o);
  const auto a = sim.add("a", [&](Node& n) {
    for (;;) {
      Packet p = n.receive();
      n.send(p.from, std::move(p.bytes));
    }
  });
  sim.add("b", [&, a](Node& n) {
    n.send(a, Bytes(64, 7));
    for (unsigned i = 0; i < rounds; ++i) {
      Packet p = n.receive(weir::sim::Wait::Needed);
      n.send(a, std::move(p.bytes));
    }
  });
  return sim.run().events;
}

template <class F>
void measure(const char* what, double seconds, F&& one_run) {
  std::uint64_t runs = 0, events = 0;
  const double t0 = now();
  while (now() - t0 < seconds) {
    events += one_run(runs + 1);
    ++runs;
  }
  const double t = now() - t0;
  std::printf("  %-52s %9.0f runs/s  %6.2f M simulated events/s\n", what, runs / t, events / t / 1e6);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "sim_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::printf("one core, %.0f s each; target: 1 M simulated packet events/s\n", seconds);
  measure("bare simulator (two nodes echo, 100,000 rounds)", seconds, [](std::uint64_t s) { return echo(s, 100000); });
  namespace hb = weir::harness::beaver;
  namespace hp = weir::harness::pegasus;
  measure("beaver: run and record (default scenario)", seconds, [](std::uint64_t s) {
    hb::Scenario sc;
    sc.seed = s;
    return hb::run(sc).run.events;
  });
  measure("beaver: run, record and judge (weir fuzz beaver)", seconds, [](std::uint64_t s) {
    hb::Scenario sc;
    sc.seed = s;
    const hb::Outcome o = hb::run(sc);
    (void)hb::failure(o);
    return o.run.events;
  });
  measure("pegasus: run and record (default scenario)", seconds, [](std::uint64_t s) {
    hp::Scenario sc;
    sc.seed = s;
    return hp::run(sc).run.events;
  });
  measure("pegasus: run, record and judge (weir fuzz pegasus)", seconds, [](std::uint64_t s) {
    hp::Scenario sc;
    sc.seed = s;
    const hp::Outcome o = hp::run(sc);
    (void)hp::failure(o);
    return o.run.events;
  });
  return 0;
}
