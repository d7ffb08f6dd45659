#include "checker/explore/counterexample.hpp"
#include "checker/input/json.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "checker/input/input.hpp"

namespace weir::explore {
namespace {

nlohmann::json to_json(const OptionValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

std::optional<OptionValue> from_json(const nlohmann::json& j) {
  if (j.is_boolean()) return OptionValue(j.get<bool>());
  if (j.is_number_unsigned()) return OptionValue(j.get<std::uint64_t>());
  if (j.is_string()) return OptionValue(j.get<std::string>());
  return std::nullopt;
}

// Parses JSON, refusing an object that names a key twice: nlohmann keeps the last one
// silently, and a file whose "model" or "actions" appears twice means two things at once.
std::variant<nlohmann::json, std::string> parse_json(std::string_view text) {
  std::vector<std::set<std::string, std::less<>>> keys;  // per open object
  std::string duplicate;
  bool deep = false;  // nesting bounded as checker/input/json.hpp says why
  auto watch = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (depth > input::kMaxJsonDepth) deep = true;
    if (deep) return false;
    if (event == E::object_start) keys.emplace_back();
    if (event == E::object_end && !keys.empty()) keys.pop_back();
    if (event == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
        duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end(), watch);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number JSON allows but a double cannot hold
    // (1E999): found by the counterexample fuzz target.
    return std::string("not JSON: ") + e.what();
  }
  if (deep) return "nested deeper than " + std::to_string(input::kMaxJsonDepth) + " levels";
  if (!duplicate.empty()) return "the key \"" + duplicate + "\" appears twice in one object";
  return j;
}

}  // namespace

std::optional<std::string> write_counterexample(const Counterexample& cx, const std::string& path) {
  nlohmann::json options = nlohmann::json::object();
  for (const auto& [name, v] : cx.options) options[name] = to_json(v);
  const nlohmann::json j = {{"format", kCounterexampleFormat}, {"version", kCounterexampleVersion},
                            {"model", cx.model},                {"options", options},
                            {"init", cx.init},                  {"actions", cx.actions},
                            {"invariant", cx.invariant},        {"steps", cx.steps}};
  std::ofstream out(path);
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!out) return "cannot write " + path;
  return std::nullopt;
}

std::variant<Counterexample, std::string> read_counterexample(const std::string& path) {
  auto text = input::read(path);
  if (auto* why = std::get_if<std::string>(&text)) return *why;
  return parse_counterexample(std::get<input::Text>(text).view());
}

std::variant<Counterexample, std::string> parse_counterexample(std::string_view text) {
  auto parsed = parse_json(text);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const nlohmann::json& j = std::get<nlohmann::json>(parsed);
  const auto format = j.is_object() ? j.find("format") : j.end();
  if (!j.is_object() || format == j.end() || *format != kCounterexampleFormat)
    return std::string("not a weir counterexample (no \"format\": \"weir-counterexample\")");
  const auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer())
    return std::string("a counterexample without a version");
  if (*version != kCounterexampleVersion)
    return "unsupported counterexample version " + input::excerpt(version->dump()) + " (this weir reads version " +
           std::to_string(kCounterexampleVersion) + ")";
  Counterexample cx;
  const auto model = j.find("model");
  if (model == j.end() || !model->is_string()) return std::string("\"model\" must be a string");
  cx.model = model->get<std::string>();
  const auto options = j.find("options");
  if (options == j.end() || !options->is_object()) return std::string("\"options\" must be an object");
  for (const auto& [name, v] : options->items()) {
    auto value = from_json(v);
    if (!value) return "option \"" + input::excerpt(name) + "\" must be a count, a flag or a string";
    cx.options.emplace(name, std::move(*value));
  }
  const auto init = j.find("init");
  if (init == j.end() || !init->is_number_unsigned() || *init > 0xffffffffu)
    return std::string("\"init\" must be a state index");
  cx.init = init->get<std::uint32_t>();
  const auto actions = j.find("actions");
  if (actions == j.end() || !actions->is_array()) return std::string("\"actions\" must be a list of action indices");
  for (const auto& a : *actions) {
    if (!a.is_number_unsigned() || a > 0xffffffffu) return std::string("\"actions\" must be a list of action indices");
    cx.actions.push_back(a.get<std::uint32_t>());
  }
  if (const auto inv = j.find("invariant"); inv != j.end()) {
    if (!inv->is_string()) return std::string("\"invariant\" must be a string");
    cx.invariant = inv->get<std::string>();
  }
  if (const auto steps = j.find("steps"); steps != j.end() && steps->is_array())
    for (const auto& s : *steps)
      if (s.is_string()) cx.steps.push_back(s.get<std::string>());
  return cx;
}

}  // namespace weir::explore
