// Writing an execution as JSON Lines.
#pragma once

#include <string>

#include "checker/cut/execution.hpp"

namespace weir::cut {

// The execution as JSON Lines, one event per line, that read_execution reads back.
std::string to_jsonl(const Execution& x);

}  // namespace weir::cut
