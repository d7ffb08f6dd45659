// Reading an execution from JSON Lines.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "checker/cut/execution.hpp"

namespace weir::cut {

// JSON Lines, one event per line (README, "Execution format").
std::variant<Execution, ReadError> read_execution(const std::string& path);
std::variant<Execution, ReadError> parse_execution(std::string_view text, const std::string& name);

}  // namespace weir::cut
