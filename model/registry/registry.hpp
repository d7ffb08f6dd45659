// The model registry: every model `weir explore` knows, each described by one table.
//
// A model's descriptor (its folder's descriptor.cpp) names the model, says in a line what
// it is, and lists its options (name, help, default, valid range), its mutants with a
// sentence each, its invariants and its reachability goals. Everything the command line
// needs comes from that table: the options CLI11 parses, `--list` and `--help`, range
// checks and their messages, the title line, and the options saved in a counterexample
// and read back on replay. Adding a model is its folder plus one line in registry.cpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checker/cut/execution.hpp"
#include "checker/explore/counterexample.hpp"
#include "checker/explore/explore.hpp"

namespace weir::model::registry {

using explore::OptionValue;
using explore::OptionValues;

struct OptionSpec {
  enum class Type { Count, Flag, Choice } type = Type::Count;
  std::string name;  // the flag without "--", and the key of the saved options
  std::string help;
  OptionValue def;
  std::string def_note;               // what a placeholder default means ("0: 3 x latency-min")
  std::uint64_t min = 0, max = 0;     // Count: the valid range
  std::vector<std::string> choices;   // Choice
};

struct Named {
  std::string name, what;
};

// A model behind one interface: the engine's templates instantiated for it.
class AnyModel {
 public:
  virtual ~AnyModel() = default;
  virtual explore::Result bfs(const explore::Options& o, const explore::ProgressFn& p) const = 0;
  virtual explore::Result dfs(const explore::Options& o, const explore::ProgressFn& p) const = 0;
  virtual explore::Result simulate(const explore::SimulateOptions& o, const explore::ProgressFn& p) const = 0;
  // A path walked again: each step in the protocol's words (the initial state first), and
  // the property its last state violates (nullptr: none).
  struct Walk {
    std::vector<std::string> steps;
    const char* violated = nullptr;
    // The same path in parts, for pictures: each step's action, the state after it, and
    // who acted (and the other end of a message), where the model says.
    struct Move {
      std::string action, state, from, to;
    };
    std::string initial;
    std::vector<Move> moves;
  };
  // nullopt when the path does not fit this model (an index out of range).
  virtual std::optional<Walk> walk(std::uint32_t init, const std::vector<std::uint32_t>& path) const = 0;
  // A snapshot model's path as an execution for `weir check cut`; nullopt for the others.
  virtual std::optional<cut::Execution> execution(std::uint32_t init, const std::vector<std::uint32_t>& path) const = 0;
  // The goals this configuration must reach.
  virtual std::vector<std::string> goals() const = 0;
};

struct ModelInfo {
  std::string name, summary;
  std::vector<OptionSpec> options;  // --mutant last, when the model has mutants
  std::vector<Named> mutants;
  std::vector<std::string> invariants;  // as violations name them
  std::vector<Named> goals;             // name, and when a configuration must reach it
  // The model for complete, in-range options; or why the combination cannot be explored.
  std::function<std::variant<std::unique_ptr<AnyModel>, std::string>(const OptionValues&)> make;
};

// Every registered model, in the order `--list` shows them.
const std::vector<const ModelInfo*>& models();
const ModelInfo* find_model(std::string_view name);

// Fills in the defaults of options not given and checks the given ones: known names,
// counts in range, choices among the model's. The cause, with the option's flag, if not.
std::optional<std::string> complete(const ModelInfo& m, OptionValues& values);
// Builds the model from options as given (completed and checked first).
std::variant<std::unique_ptr<AnyModel>, std::string> build(const ModelInfo& m, OptionValues values);
// A count's text as typed ("12"), parsed with its flag named in the cause.
std::variant<OptionValue, std::string> parse_value(const OptionSpec& spec, const std::string& text);

std::string show(const OptionValue& v);
// "beaver (gateways 3, mutant accept-on-equal)": the options that differ from the defaults.
std::string title(const ModelInfo& m, const OptionValues& values);
// One model's table, as `weir explore --list` and `weir explore MODEL --help` print it.
std::string listing(const ModelInfo& m);

}  // namespace weir::model::registry
