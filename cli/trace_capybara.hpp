// `weir trace check --protocol capybara` (cli/trace_capybara.cpp): a capture of Capybara's
// migrations judged by the model's invariants (trace/capybara).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weir::cli {

struct CapybaraTraceArgs {
  std::vector<std::string> files;
  std::string service;  // "10.9.0.100:8000"
  std::uint16_t control_port = 7300;
  double dedupe_us = 1000;
  bool json = false;
};
int trace_check_capybara(const CapybaraTraceArgs& a);

}  // namespace weir::cli
