// The counterexample reader and what replay does with what it reads: find the model in
// the registry, build it from the saved options, walk the path.
#include <string_view>

#include "checker/explore/counterexample.hpp"
#include "model/registry/registry.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace weir::fuzz {

int counterexample(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = explore::parse_counterexample(text);
  auto again = explore::parse_counterexample(text);
  require(first.index() == again.index(), "reading the same input twice: once refused, once read");
  if (auto* why = std::get_if<std::string>(&first)) {
    require(*why == std::get<std::string>(again), "two different refusals of one input");
    require(!why->empty(), "a refusal without a cause");
    return 0;
  }
  const explore::Counterexample& cx = std::get<explore::Counterexample>(first);
  const model::registry::ModelInfo* info = model::registry::find_model(cx.model);
  if (!info) return 0;  // refused by replay: "unknown model"
  auto made = model::registry::build(*info, cx.options);
  if (std::holds_alternative<std::string>(made)) return 0;  // refused: options out of range
  const auto& m = *std::get<std::unique_ptr<model::registry::AnyModel>>(made);
  // A fuzzed path can be long; a real one is short. Walk a prefix of it.
  std::vector<std::uint32_t> path(cx.actions.begin(), cx.actions.begin() + std::min<std::size_t>(cx.actions.size(), 64));
  const auto walk = m.walk(cx.init, path);
  const auto walk_again = m.walk(cx.init, path);
  require(walk.has_value() == walk_again.has_value(), "walking one path twice: once it fits, once not");
  if (walk) require(walk->steps == walk_again->steps, "walking one path twice differs");
  if (walk) (void)m.execution(cx.init, path);
  return 0;
}

}  // namespace weir::fuzz
