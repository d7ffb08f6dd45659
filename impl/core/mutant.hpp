// Planted bugs in the cores, switched on by name: each core lists its mutants once, with
// a sentence each, and finds one by its name.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace weir::core {

template <class M>
struct MutantInfo {
  M mutant;
  std::string_view name;
  std::string_view what;
};

template <class M>
std::optional<M> find_mutant(std::span<const MutantInfo<M>> table, std::string_view name) {
  for (const MutantInfo<M>& m : table)
    if (m.name == name) return m.mutant;
  return std::nullopt;
}

}  // namespace weir::core
