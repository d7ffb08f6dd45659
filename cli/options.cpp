#include "cli/options.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace weir::cli {
namespace {

std::string shown(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

CLI::Validator whole_in(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        std::uint64_t n = 0;
        const char* end = text.data() + text.size();
        const auto [at, ec] = std::from_chars(text.data(), end, n);
        const bool digits = !text.empty() && text[0] >= '0' && text[0] <= '9';
        if (!digits || ec == std::errc::invalid_argument || at != end)
          return text + ": not a whole number, must be " + range;
        if (ec == std::errc::result_out_of_range || n < lo || n > hi) return text + ": out of range, must be " + range;
        return {};
      },
      range);
}

CLI::Validator number_in(double lo, double hi) {
  const std::string range = shown(lo) + ".." + shown(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        double v = 0;
        const char* end = text.data() + text.size();
        const auto [at, ec] = std::from_chars(text.data(), end, v);
        if (text.empty() || ec == std::errc::invalid_argument || at != end || !std::isfinite(v))
          return text + ": not a finite number, must be " + range;
        if (ec == std::errc::result_out_of_range || v < lo || v > hi) return text + ": out of range, must be " + range;
        return {};
      },
      range);
}

}  // namespace weir::cli
