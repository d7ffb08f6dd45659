// JSON documents read with nlohmann, their nesting bounded: the parser itself is iterative,
// but copying, comparing, printing and destroying a value recurse once per level, so a file
// nested 100,000 deep overflowed the stack (weir merge crashed on one). Every reader of a
// whole JSON document goes through here (swarm/result.cpp keeps its own three lines: swarm
// depends on nothing of the checkers).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace weir::input {

// Deeper than any file Weir writes (a counterexample's state is at most a few levels).
inline constexpr int kMaxJsonDepth = 256;

// The document, or the cause: "not JSON: ...", or "nested deeper than 256 levels".
inline std::variant<nlohmann::json, std::string> parse_json(std::string_view text) {
  bool deep = false;
  auto bounded = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth) deep = true;
    return !deep;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end(), bounded);
  } catch (const nlohmann::json::exception& e) {
    return std::string("not JSON: ") + e.what();
  }
  if (deep) return "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  return j;
}

}  // namespace weir::input
