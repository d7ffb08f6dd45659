#include "model/registry/registry.hpp"

#include <charconv>

#include "model/beaver/beaver.hpp"
#include "model/bench/ring.hpp"
#include "model/capybara/capybara.hpp"
#include "model/chandy_lamport/chandy_lamport.hpp"
#include "model/pegasus/pegasus.hpp"

namespace weir::model::registry {

const std::vector<const ModelInfo*>& models() {
  // One line per model.
  static const std::vector<const ModelInfo*> all = {
      &bench::descriptor(),
      &pegasus::descriptor(),
      &chandy_lamport::descriptor(),
      &beaver::descriptor(),
      &capybara::descriptor(),
  };
  return all;
}

const ModelInfo* find_model(std::string_view name) {
  for (const ModelInfo* m : models())
    if (m->name == name) return m;
  return nullptr;
}

namespace {

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const std::string& x : v) s.append(s.empty() ? "" : sep).append(x);
  return s;
}

const char* type_name(OptionSpec::Type t) {
  switch (t) {
    case OptionSpec::Type::Count: return "a whole number";
    case OptionSpec::Type::Flag: return "true or false";
    case OptionSpec::Type::Choice: return "a string";
  }
  return "?";
}

bool same_type(const OptionSpec& spec, const OptionValue& v) {
  switch (spec.type) {
    case OptionSpec::Type::Count: return std::holds_alternative<std::uint64_t>(v);
    case OptionSpec::Type::Flag: return std::holds_alternative<bool>(v);
    case OptionSpec::Type::Choice: return std::holds_alternative<std::string>(v);
  }
  return false;
}

}  // namespace

std::string show(const OptionValue& v) {
  if (const auto* n = std::get_if<std::uint64_t>(&v)) return std::to_string(*n);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

std::optional<std::string> complete(const ModelInfo& m, OptionValues& values) {
  for (const auto& [name, v] : values) {
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : m.options)
      if (s.name == name) spec = &s;
    if (!spec) return "--" + name + ": not an option of " + m.name + " (weir explore " + m.name + " --help lists them)";
    if (!same_type(*spec, v)) return "--" + name + ": must be " + type_name(spec->type);
    if (spec->type == OptionSpec::Type::Count) {
      const std::uint64_t n = std::get<std::uint64_t>(v);
      if (n < spec->min || n > spec->max)
        return "--" + name + " " + std::to_string(n) + ": out of range, must be " + std::to_string(spec->min) + ".." +
               std::to_string(spec->max);
    }
    if (spec->type == OptionSpec::Type::Choice) {
      const std::string& c = std::get<std::string>(v);
      bool known = false;
      for (const std::string& x : spec->choices) known |= x == c;
      if (!known) {
        if (name == "mutant")
          return "--mutant " + c + ": not a mutant of " + m.name + "; its mutants: " +
                 joined(std::vector<std::string>(spec->choices.begin() + 1, spec->choices.end()), ", ");
        return "--" + name + " " + c + ": must be one of " + joined(spec->choices, ", ");
      }
    }
  }
  for (const OptionSpec& s : m.options) values.try_emplace(s.name, s.def);
  return std::nullopt;
}

std::variant<std::unique_ptr<AnyModel>, std::string> build(const ModelInfo& m, OptionValues values) {
  if (auto why = complete(m, values)) return *why;
  auto made = m.make(values);
  if (auto* model = std::get_if<std::unique_ptr<AnyModel>>(&made))
    if (!m.goals.empty() && (*model)->goals().empty())
      return std::string("these options leave the model nothing of the protocol to do: none of its goals (") +
             m.goals.front().name + ", ...) can be reached";
  return made;
}

std::variant<OptionValue, std::string> parse_value(const OptionSpec& spec, const std::string& text) {
  if (spec.type == OptionSpec::Type::Choice) return OptionValue(text);
  if (spec.type == OptionSpec::Type::Flag) return OptionValue(true);
  std::uint64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec == std::errc::invalid_argument || at != end)
    return "--" + spec.name + " " + text + ": not a whole number";
  if (ec == std::errc::result_out_of_range || n > spec.max || n < spec.min)
    return "--" + spec.name + " " + text + ": out of range, must be " + std::to_string(spec.min) + ".." +
           std::to_string(spec.max);
  return OptionValue(n);
}

std::string title(const ModelInfo& m, const OptionValues& values) {
  std::vector<std::string> differ;
  for (const OptionSpec& s : m.options) {
    const auto it = values.find(s.name);
    if (it == values.end() || it->second == s.def) continue;
    differ.push_back(s.type == OptionSpec::Type::Flag ? s.name : s.name + " " + show(it->second));
  }
  return m.name + " (" + (differ.empty() ? std::string("defaults") : joined(differ, ", ")) + ")";
}

std::string listing(const ModelInfo& m) {
  std::string s = m.name + ": " + m.summary + "\n  options:\n";
  for (const OptionSpec& o : m.options) {
    if (o.name == "mutant") continue;
    std::string flag = "    --";
    flag.append(o.name);
    switch (o.type) {
      case OptionSpec::Type::Count:
        flag += " N";
        break;
      case OptionSpec::Type::Flag: break;
      case OptionSpec::Type::Choice: flag.append(" ").append(joined(o.choices, "|")); break;
    }
    if (flag.size() < 26) flag.resize(26, ' ');
    else flag += "  ";
    s += flag + o.help;
    if (o.type == OptionSpec::Type::Count) {
      s += " (default " + (o.def_note.empty() ? show(o.def) : o.def_note) + "; " + std::to_string(o.min) + ".." +
           std::to_string(o.max) + ")";
    } else if (o.type == OptionSpec::Type::Choice) {
      s += " (default " + show(o.def) + ")";
    }
    s += "\n";
  }
  s += "  mutants (--mutant NAME):";
  if (m.mutants.empty()) s += " none";
  s += "\n";
  for (const Named& x : m.mutants) s += "    " + x.name + ": " + x.what + "\n";
  s += "  invariants:\n";
  for (const std::string& x : m.invariants) s += "    " + x + "\n";
  s += "  goals (a search that never reaches one holds only vacuously):";
  if (m.goals.empty()) s += " none";
  s += "\n";
  for (const Named& x : m.goals) s += "    " + x.name + (x.what.empty() ? "" : " (" + x.what + ")") + "\n";
  return s;
}

}  // namespace weir::model::registry
