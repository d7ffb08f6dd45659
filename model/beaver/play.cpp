// Playing a schedule of `weir bound beaver` in the Beaver model.
#include "model/beaver/beaver.hpp"
#include "model/registry/registry.hpp"

namespace weir::model::beaver {

std::variant<PlayedRun, std::string> play_schedule(const TimedRun& run) {
  // The run starts one hop late so that the client's request can leave before the first
  // gateway enters (the schedule's t0 is the model's step `hop`).
  const unsigned L = run.hop;
  if (L < 1) return std::string("a hop may take no time; the model's hops take at least one step");
  if (run.window == 0 || run.threshold == 0) return std::string("the window or the threshold is zero");
  if (run.enter.size() != run.gateways) return std::string("the schedule does not enter every gateway");
  using V = explore::OptionValue;
  auto n = [](unsigned v) { return V(std::uint64_t{v}); };
  PlayedRun played;
  played.options = {{"gateways", n(run.gateways)},
                    {"in-group", n(2)},
                    {"out-group", n(1)},
                    {"requests", n(1)},
                    {"sends", n(2)},
                    {"latency-min", n(L)},
                    {"latency-max", n(L)},
                    {"window", n(run.window)},
                    {"enter-min", n(run.enter_min)},
                    {"reply-min", n(run.reply_min)},
                    {"start", n(L)},
                    {"acceptance", V(std::string(run.measured ? "measured" : "spread"))},
                    // On the spread the model compares with tau_min; measured, with the threshold.
                    {"threshold", n(run.measured ? run.threshold : 0)},
                    {"tau-min", n(run.measured ? 3 * L : run.threshold)}};
  const registry::ModelInfo& info = descriptor();
  auto built = registry::build(info, played.options);
  if (auto* why = std::get_if<std::string>(&built)) return "the model cannot hold it (" + *why + "): scale the units";
  registry::complete(info, played.options);
  Beaver::Scenario sc;
  sc.request_at = run.chain_start;
  for (unsigned e : run.enter) sc.enter_at.push_back(e + L);
  sc.first = run.first;
  sc.last = run.last;
  const auto path = Beaver(options_of(played.options)).play(sc);
  if (!path) return std::string("the model could not play the schedule");
  // Walked in the model as the registry builds it from the saved options: what replay sees.
  const auto walk = std::get<std::unique_ptr<registry::AnyModel>>(built)->walk(0, *path);
  if (!walk) return std::string("the model built from its options does not take the path");
  if (!walk->violated) return std::string("the model played the schedule without a violation");
  played.path = *path;
  played.invariant = walk->violated;
  played.steps = walk->steps;
  return played;
}

}  // namespace weir::model::beaver
