// Building a descriptor: a model's options bound to the fields of its Options struct, so
// that each option is spelled once. The default is the field's value in a default Options.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/core/mutants.hpp"
#include "model/registry/erased.hpp"
#include "model/registry/registry.hpp"

namespace weir::model::registry {

template <class O>
class Table {
 public:
  // A whole number in min..max.
  Table& count(std::string name, unsigned O::*field, std::string help, std::uint64_t min, std::uint64_t max,
               std::string def_note = {}) {
    OptionSpec s{OptionSpec::Type::Count, std::move(name), std::move(help), std::uint64_t{O{}.*field},
                 std::move(def_note), min, max, {}};
    specs_.push_back(std::move(s));
    set_.push_back([field](O& o, const OptionValue& v) { o.*field = static_cast<unsigned>(std::get<std::uint64_t>(v)); });
    return *this;
  }
  // A flag that, given, turns `field` from its default to the other value (--no-loss).
  Table& flag(std::string name, bool O::*field, std::string help) {
    specs_.push_back({OptionSpec::Type::Flag, std::move(name), std::move(help), false, {}, 0, 0, {}});
    set_.push_back([field](O& o, const OptionValue& v) {
      if (std::get<bool>(v)) o.*field = !(O{}.*field);
    });
    return *this;
  }
  // One of two named choices: the first sets `field` false, the second true.
  Table& choice(std::string name, bool O::*field, std::string off, std::string on, std::string help) {
    const std::string def = O{}.*field ? on : off;
    specs_.push_back({OptionSpec::Type::Choice, std::move(name), std::move(help), def, {}, 0, 0, {off, on}});
    set_.push_back([field, on](O& o, const OptionValue& v) { o.*field = std::get<std::string>(v) == on; });
    return *this;
  }
  // --mutant NAME, one of the model's planted bugs ("none": the correct protocol).
  template <class Mutant>
  Table& mutants(const std::vector<core::MutantInfo<Mutant>>& all, Mutant O::*field) {
    std::vector<std::string> names = {"none"};
    for (const auto& m : all) {
      names.emplace_back(m.name);
      mutants_.push_back({std::string(m.name), std::string(m.what)});
    }
    specs_.push_back({OptionSpec::Type::Choice, "mutant", "plant a bug (see --list)", std::string("none"), {}, 0, 0,
                      std::move(names)});
    set_.push_back([field, &all](O& o, const OptionValue& v) {
      if (auto m = core::find_mutant(all, std::get<std::string>(v))) o.*field = *m;
    });
    return *this;
  }

  // Options from complete, checked values.
  O options(const OptionValues& values) const {
    O o{};
    for (std::size_t i = 0; i < specs_.size(); ++i)
      if (auto it = values.find(specs_[i].name); it != values.end()) set_[i](o, it->second);
    return o;
  }
  const std::vector<OptionSpec>& specs() const { return specs_; }
  const std::vector<Named>& mutant_docs() const { return mutants_; }

 private:
  std::vector<OptionSpec> specs_;
  std::vector<std::function<void(O&, const OptionValue&)>> set_;
  std::vector<Named> mutants_;
};

// A descriptor from a table: `make` builds the options, asks the model's own check of
// their combination (invalid), and erases the model that `build` makes.
template <class O, class Build>
ModelInfo describe(std::string name, std::string summary, Table<O> table, std::vector<std::string> invariants,
                   std::vector<Named> goals, std::optional<std::string> (*invalid)(const O&), Build build) {
  ModelInfo m;
  m.name = std::move(name);
  m.summary = std::move(summary);
  m.options = table.specs();
  m.mutants = table.mutant_docs();
  m.invariants = std::move(invariants);
  m.goals = std::move(goals);
  m.make = [table = std::move(table), invalid, build](
               const OptionValues& values) -> std::variant<std::unique_ptr<AnyModel>, std::string> {
    const O o = table.options(values);
    if (invalid)
      if (auto why = invalid(o)) return *why;
    return erase(build(o));
  };
  return m;
}

}  // namespace weir::model::registry
