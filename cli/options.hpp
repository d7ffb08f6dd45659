// Numeric options: each has a range, checked on the text as typed before any work
// starts, with the range in the message. CLI11's own conversions let "-1" wrap into an
// unsigned and "nan" through every comparison, so the text is judged here instead.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace weir::cli {

// A whole number lo..hi written in decimal digits ("-1", "1e3", "0x10" are refused).
CLI::Validator whole_in(std::uint64_t lo, std::uint64_t hi);
// A finite number lo..hi (no nan, no inf).
CLI::Validator number_in(double lo, double hi);

}  // namespace weir::cli
