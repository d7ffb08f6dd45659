// Shrinking a failing simulated run (harness/sim): a scenario is a handful of numbers and
// a seed, so Weir shrinks it greedily itself (rapidcheck's shrinking would need the whole
// run to be a generated value). Each step makes one knob smaller; the smaller scenario is
// kept when the same seed, or one of the next `seeds_per_step`, still fails.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace weir::sim {

template <class Scenario>
struct Shrunk {
  Scenario scenario;
  std::string what;      // why the shrunk scenario fails
  std::size_t runs = 0;  // simulations it took
};

// `failure(s)` runs s and says why it fails, or nothing. `steps` each shrink one knob and
// say whether there was anything to shrink.
template <class Scenario, class Failure>
Shrunk<Scenario> shrink(Scenario failing, const std::vector<std::function<bool(Scenario&)>>& steps, Failure failure,
                        unsigned seeds_per_step) {
  Shrunk<Scenario> out;
  out.scenario = failing;
  auto fails = [&](Scenario& candidate) {
    const auto original = candidate.seed;
    for (unsigned k = 0; k <= seeds_per_step; ++k) {
      candidate.seed = original + k;
      ++out.runs;
      if (std::optional<std::string> why = failure(candidate)) {
        out.what = *why;
        return true;
      }
    }
    candidate.seed = original;
    return false;
  };
  if (!fails(failing)) return out;  // not a failure to begin with
  out.scenario = failing;
  for (bool progress = true; progress;) {
    progress = false;
    for (const auto& step : steps) {
      Scenario candidate = out.scenario;
      if (!step(candidate)) continue;
      if (fails(candidate)) {
        out.scenario = candidate;
        progress = true;
      }
    }
  }
  return out;
}

}  // namespace weir::sim
