// How `weir check cut` reports a verdict: in words, and as JSON. Shared with `weir explore`,
// which judges the executions its snapshot models record.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "checker/cut/cut.hpp"

namespace weir::cli {

nlohmann::json cut_json(const std::string& file, const cut::Execution& x, const cut::Result& r);
void print_cut_human(std::ostream& out, const std::string& file, const cut::Execution& x, const cut::Result& r);

// An execution a program produced (a model's run, a solver's schedule), written to `file`
// as JSON Lines (unless `file` is empty) and judged: the verdict as JSON and as text, each line after `indent`.
struct JudgedExecution {
  nlohmann::json json;
  std::string text;
};
JudgedExecution write_and_judge(const cut::Execution& x, const std::string& file, const std::string& indent);

}  // namespace weir::cli
