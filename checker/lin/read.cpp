// Reading a history: pick the format (by content unless told), parse, and set the
// initial value.
#include "checker/input/input.hpp"
#include "checker/lin/detail/history_builder.hpp"
#include "checker/lin/lin.hpp"
#include "spec/txn.hpp"

namespace weir::lin {
namespace {

// The first line that says what it is decides. Log files start with other log lines,
// so look a little way in.
std::optional<Format> detect(std::string_view text) {
  std::size_t lines = 0;
  while (!text.empty() && lines++ < 10000) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.find("jepsen.util - ") != std::string_view::npos) return Format::JepsenLog;
    std::size_t i = line.find_first_not_of(" \t\r,");
    if (i == std::string_view::npos || line[i] == ';' || line[i] == '#') continue;
    if (line[i] == '[' || line[i] == '(') return Format::Edn;
    if (line[i] == '{') {
      std::size_t j = line.find_first_not_of(" \t", i + 1);
      if (j != std::string_view::npos && line[j] == '"') return Format::Jsonl;
      if (j == std::string_view::npos || line[j] == '}') return Format::Jsonl;
      return Format::Edn;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string ReadError::message() const {
  if (line == 0) return file + ": " + cause;
  return file + ":" + std::to_string(line) + ": " + cause;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "auto") return Format::Auto;
  if (name == "jsonl") return Format::Jsonl;
  if (name == "edn") return Format::Edn;
  if (name == "jepsen-log") return Format::JepsenLog;
  return std::nullopt;
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::Auto: return "auto";
    case Format::Jsonl: return "jsonl";
    case Format::Edn: return "edn";
    case Format::JepsenLog: return "jepsen-log";
  }
  return "?";
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Ok: return "ok";
    case Verdict::Violation: return "violation";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

std::variant<History, ReadError> parse_history(std::string_view text, const std::string& name,
                                               const ReadOptions& opts) {
  History h;
  detail::HistoryBuilder builder(h, name, opts);

  // The initial value is written like any value in the history: an EDN token for
  // registers ("nil", "0"), the raw string for kv.
  if (opts.spec == spec::SpecKind::Kv) {
    h.init = h.values->intern(opts.init.value_or(""));
  } else {
    const std::string init = opts.init.value_or("nil");
    detail::EdnReader reader(init);
    auto v = reader.next();
    if (!v || reader.failed() || reader.next())
      return ReadError{name, 0, "--init '" + opts.init.value_or("") + "' is not a single value"};
    h.init = builder.value_of(*v);
    // multi-register: the state is every register, each starting at that value.
    if (opts.spec == spec::SpecKind::MultiRegister) {
      if (!spec::txn_token_ok(h.values->text(h.init)))
        return ReadError{name, 0, "--init '" + opts.init.value_or("") + "' holds a control character"};
      h.init = h.values->intern(spec::initial_registers(h.values->text(h.init)));
    }
  }

  Format format = opts.format;
  if (format == Format::Auto) {
    auto detected = detect(text);
    if (!detected) {
      if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return ReadError{name, 0, "empty history"};
      return ReadError{name, 1,
                       "cannot tell the format (not JSONL, EDN or Jepsen log lines); use --format"};
    }
    format = *detected;
  }
  h.format = format;
  std::optional<ReadError> err;
  switch (format) {
    case Format::Jsonl: err = detail::read_jsonl(text, h, builder); break;
    case Format::Edn: err = detail::read_edn(text, builder); break;
    case Format::JepsenLog: err = detail::read_jepsen_log(text, builder); break;
    case Format::Auto: break;
  }
  if (!err) err = builder.finish();
  if (err) return *err;
  // A history of the nemesis alone (some Jepsen runs record one) is a history: of 0
  // operations. Nothing at all recognised is not.
  if (h.events == 0 && h.other_events == 0)
    return ReadError{name, 0, "no operations found (is this a " + std::string(format_name(format)) +
                                  " history?)"};
  return h;
}

std::variant<History, ReadError> read_history(const std::string& path, const ReadOptions& opts) {
  const std::string name = input::display_name(path);
  auto text = input::read(path);
  if (auto* why = std::get_if<std::string>(&text)) return ReadError{name, 0, *why};
  // The history keeps no view of the text (values are interned), so it may be unmapped.
  return parse_history(std::get<input::Text>(text).view(), name, opts);
}

}  // namespace weir::lin
