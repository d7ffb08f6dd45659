// Planted bugs: each model names its mutants, says what each one breaks, and finds one by
// the name a user gives on the command line.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace weir::model::core {

template <class Mutant>
struct MutantInfo {
  Mutant mutant;
  std::string_view name, what;
};

template <class Mutant>
std::optional<Mutant> find_mutant(const std::vector<MutantInfo<Mutant>>& all, std::string_view name) {
  for (const MutantInfo<Mutant>& m : all)
    if (m.name == name) return m.mutant;
  return std::nullopt;
}

}  // namespace weir::model::core
