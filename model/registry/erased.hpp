// A model of any type behind AnyModel: the engine's templates are instantiated here, once
// per model, in the model's own descriptor.cpp.
#pragma once

#include <tuple>

#include <memory>

#include "model/registry/registry.hpp"

namespace weir::model::registry {

// What the command line needs of a model besides the engine's Model concept: the states
// and actions of a counterexample in the protocol's words.
template <class M>
concept Explorable = explore::Model<M> && requires(const M m, const typename M::State s) {
  { m.describe(s) } -> std::convertible_to<std::string>;
} && (requires(const M m, const typename M::State s, const typename M::Action a) {
  { m.describe(s, a) } -> std::convertible_to<std::string>;
} || requires(const M m, const typename M::Action a) {
  { m.describe(a) } -> std::convertible_to<std::string>;
});

template <Explorable M>
class Erased final : public AnyModel {
 public:
  explicit Erased(M model) : m_(std::move(model)) {}
  explore::Result bfs(const explore::Options& o, const explore::ProgressFn& p) const override {
    return explore::bfs(m_, o, p);
  }
  explore::Result dfs(const explore::Options& o, const explore::ProgressFn& p) const override {
    return explore::dfs(m_, o, p);
  }
  explore::Result simulate(const explore::SimulateOptions& o, const explore::ProgressFn& p) const override {
    return explore::simulate(m_, o, p);
  }
  std::optional<Walk> walk(std::uint32_t init, const std::vector<std::uint32_t>& path) const override {
    const std::vector<typename M::State> states = explore::replay(m_, init, path);
    if (states.empty()) return std::nullopt;
    Walk w;
    w.initial = m_.describe(states[0]);
    w.steps.push_back("initial state: " + w.initial);
    std::vector<typename M::Action> actions;
    for (std::size_t i = 0; i < path.size(); ++i) {
      actions.clear();
      m_.actions(states[i], actions);
      std::string what;
      if constexpr (requires { m_.describe(states[i], actions[path[i]]); })
        what = m_.describe(states[i], actions[path[i]]);
      else
        what = m_.describe(actions[path[i]]);
      Walk::Move move{what, m_.describe(states[i + 1]), "", ""};
      if constexpr (requires { m_.parties(states[i], actions[path[i]]); })
        std::tie(move.from, move.to) = m_.parties(states[i], actions[path[i]]);
      w.steps.push_back(what + "  ->  " + move.state);
      w.moves.push_back(std::move(move));
    }
    w.violated = explore::violated_at_end(m_, states.back());
    return w;
  }
  std::optional<cut::Execution> execution(std::uint32_t init, const std::vector<std::uint32_t>& path) const override {
    if constexpr (requires { m_.execution(init, path); }) return m_.execution(init, path);
    return std::nullopt;
  }
  std::vector<std::string> goals() const override { return explore::goals_of(m_); }
  const M& model() const { return m_; }

 private:
  M m_;
};

template <Explorable M>
std::unique_ptr<AnyModel> erase(M model) {
  return std::make_unique<Erased<M>>(std::move(model));
}
inline std::unique_ptr<AnyModel> erase(std::unique_ptr<AnyModel> model) { return model; }

}  // namespace weir::model::registry
