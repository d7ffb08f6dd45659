// Running a program as a user would, for the benchmarks: wall time and peak memory of
// the whole process.
#pragma once

#include <string>
#include <vector>

namespace weir::bench {

struct Sample {
  double seconds = 0;
  long max_rss_kb = 0;
  int exit = -1;
};

// Runs argv[0] (a path) with its standard output written to `out_file` (or discarded).
Sample run_once(const std::vector<std::string>& argv, const std::string& out_file = "/dev/null");

}  // namespace weir::bench
