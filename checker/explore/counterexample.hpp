// The counterexample file: one owner, one version. A search that finds a violation writes
// the path that reaches it; `weir explore --replay` (and anyone keeping the file) walks it
// again. The model is rebuilt from its saved options, as values, not from a command line.
//
//   {"format": "weir-counterexample", "version": 1, "model": "beaver",
//    "options": {"gateways": 2, "no-loss": false, "acceptance": "spread", "mutant": "none"},
//    "init": 0, "actions": [3, 0, 1], "invariant": "...", "steps": ["initial state: ...", ...]}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace weir::explore {

inline constexpr const char* kCounterexampleFormat = "weir-counterexample";
inline constexpr int kCounterexampleVersion = 1;

// A model option's value: a count, a flag, or one of named choices.
using OptionValue = std::variant<std::uint64_t, bool, std::string>;
using OptionValues = std::map<std::string, OptionValue, std::less<>>;

struct Counterexample {
  std::string model;
  OptionValues options;
  std::uint32_t init = 0;
  std::vector<std::uint32_t> actions;
  std::string invariant;
  std::vector<std::string> steps;  // for the reader; replay narrates the path anew
};

// Writes the file; the cause if it cannot.
std::optional<std::string> write_counterexample(const Counterexample& cx, const std::string& path);
// Reads a file; the cause ("unsupported version 0", "not a weir counterexample", ...) if
// it is not a counterexample this Weir can replay.
// A path of "-" reads standard input.
std::variant<Counterexample, std::string> read_counterexample(const std::string& path);
// The same from text in memory.
std::variant<Counterexample, std::string> parse_counterexample(std::string_view text);

}  // namespace weir::explore
