// How `weir explore` reports a search: in words, and as JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/explore/explore.hpp"
#include "cli/cut_output.hpp"

namespace weir::cli {

enum class SearchMode { Bfs, Dfs, Simulate };

struct Report {
  std::string title;
  SearchMode mode = SearchMode::Bfs;
  bool json = false;
  std::uint64_t seed = 1;          // Simulate
  std::uint32_t sim_depth = 100;   // Simulate
  std::vector<std::string> steps;  // Violation: the counterexample in words
  std::string written;             // where the counterexample went ("" if nowhere)
  std::optional<JudgedExecution> execution;
};

// Prints the verdict and returns its exit code: a complete search that never reached a
// goal holds only vacuously (exit 3).
int report(const Report& how, const explore::Result& r);

void progress_line(const explore::Progress& p);
void print_steps(const std::vector<std::string>& steps);

}  // namespace weir::cli
