// Figures for `weir bound beaver`: the time of every query with G = 2..16 gateways and
// chains of up to k = 3..4 hops, both a check of the artifact's 33 us threshold and a
// synthesis of the largest safe one. Target: each under 1 s.
//   bound_bench
#include <algorithm>
#include <cstdio>

#include "checker/bound/bound.hpp"

int main() {
  std::printf("weir bound beaver: initiator->gateway 0..100 us, gateway->initiator 0..100 us, hops 11..1000 us\n");
  std::printf("%4s %5s  %-26s %-34s\n", "G", "hops", "check threshold 33 us", "synthesize (largest safe)");
  double worst = 0;
  for (unsigned g = 2; g <= 16; ++g) {
    for (unsigned hops : {3u, 4u}) {
      weir::bound::BoundParams p;
      p.gateways = g;
      p.hops = hops;
      p.to_gateway = {0, 100};
      p.to_initiator = {0, 100};
      p.hop = {11, 1000};
      p.threshold = 33;
      const weir::bound::Verdict v = weir::bound::check(p);
      const weir::bound::Synthesis s = weir::bound::synthesize(p, 0.001);
      worst = std::max({worst, v.seconds, s.seconds});
      std::printf("%4u %5u  %-8s %8.1f ms        %6.3f us %8.1f ms\n", g, hops, v.holds ? "holds" : "VIOLATED",
                  v.seconds * 1e3, s.largest_safe, s.seconds * 1e3);
      std::fflush(stdout);
    }
  }
  std::printf("slowest query: %.1f ms (target 1000 ms: %s)\n", worst * 1e3, worst < 1 ? "met" : "MISS");
  return 0;
}
