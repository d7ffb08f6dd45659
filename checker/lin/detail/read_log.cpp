// Jepsen log lines, as Jepsen's etcd test writes them:
//   INFO  jepsen.util - 3	:invoke	:cas	[1 4]
// Lines without "jepsen.util - " and lines whose process is not a number (the nemesis,
// worker chatter) are other log output and are skipped.
#include <cctype>

#include "checker/input/input.hpp"
#include "checker/lin/detail/history_builder.hpp"

namespace weir::lin::detail {
namespace {

constexpr std::string_view kMarker = "jepsen.util - ";

std::string_view next_field(std::string_view& rest) {
  std::size_t b = 0;
  while (b < rest.size() && (rest[b] == ' ' || rest[b] == '\t')) ++b;
  std::size_t e = b;
  while (e < rest.size() && rest[e] != ' ' && rest[e] != '\t') ++e;
  std::string_view field = rest.substr(b, e - b);
  rest.remove_prefix(e);
  return field;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::optional<ReadError> read_jepsen_log(std::string_view text, HistoryBuilder& builder) {
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t at = line.find(kMarker);
    if (at == std::string_view::npos) continue;
    std::string_view rest = line.substr(at + kMarker.size());
    std::string_view process = next_field(rest);
    if (!all_digits(process)) {
      // The nemesis's events (":nemesis :info :start nil") are counted; other chatter is not.
      std::string_view probe = rest;
      const std::string_view type = next_field(probe);
      if (process.size() > 1 && process[0] == ':' && type.size() > 1 && type[0] == ':' && parse_event_type(type.substr(1)))
        builder.other_event();
      continue;
    }
    std::string_view type = next_field(rest);
    if (type.size() < 2 || type[0] != ':') continue;  // "3 starting worker" and the like
    auto t = parse_event_type(type.substr(1));
    if (!t)
      return builder.error(line_no, "unknown type " + input::excerpt(type) +
                                        " (expected :invoke, :ok, :fail or :info)");
    std::string_view f = next_field(rest);
    if (f.size() < 2 || f[0] != ':')
      return builder.error(line_no, "expected an operation keyword like :read after " +
                                        input::excerpt(type) + ", got '" + input::excerpt(f) + "'");
    EdnReader reader(rest);
    std::optional<Edn> value = reader.next();
    if (reader.failed())
      return builder.error(line_no, "bad value '" + input::excerpt(rest) + "': " + reader.error());
    if (value && reader.next())
      return builder.error(line_no, "more than one value after " + input::excerpt(f));
    if (!value) value.emplace();  // no value: nil
    if (auto err = builder.event(std::string(process), *t, std::string(f.substr(1)), *value,
                                 nullptr, line_no))
      return err;
  }
  return std::nullopt;
}

}  // namespace weir::lin::detail
