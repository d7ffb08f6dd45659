#include "checker/jsonl/jsonl.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace weir::jsonl {

std::size_t count_lines(std::string_view text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace weir::jsonl

namespace weir::jsonl::detail {
namespace {

// The parser of this thread, reused line after line (its buffers grow to the longest).

simdjson::ondemand::parser& parser() {
  thread_local simdjson::ondemand::parser p;
  return p;
}

// `line` as simdjson wants it: in place when enough readable bytes follow, else copied.
simdjson::padded_string_view padded(std::string_view line, const char* readable_end) {
  const std::size_t room = static_cast<std::size_t>(readable_end - line.data());
  if (room >= line.size() + simdjson::SIMDJSON_PADDING) return simdjson::padded_string_view(line.data(), line.size(), room);
  thread_local std::string copy;
  copy.assign(line);
  copy.append(simdjson::SIMDJSON_PADDING, ' ');
  return simdjson::padded_string_view(copy.data(), line.size(), copy.size());
}

// After the first value: a ',' and then a '{' or '[' is a second record; anything else
// is not JSON.
LineError after_value(const char* at, const char* line_end) {
  auto skip = [&] {
    while (at < line_end && (*at == ' ' || *at == '\t' || *at == '\r')) ++at;
  };
  skip();
  if (at >= line_end || *at != ',') return LineError::Invalid;
  ++at;
  skip();
  return at < line_end && (*at == '{' || *at == '[') ? LineError::SecondValue : LineError::Invalid;
}

// Whether a line that is not JSON opens an object or array it never closes (outside
// strings): an event broken over lines, which deserves its own words.
bool unclosed(std::string_view line) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : line) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') ++depth;
    else if ((c == '}' || c == ']') && --depth < 0) return false;
  }
  return depth > 0 && !in_string;
}


enum class Walk { Ok, Stopped, Invalid };

// Recursive, one frame per level: bounded (a record is a few levels deep; a line nested
// 100,000 deep overflowed the stack), deeper is refused as not a record.
constexpr int kMaxDepth = 256;

Walk walk(simdjson::ondemand::value v, Handler& h, int depth = 1) {
  using namespace simdjson::ondemand;
  if (depth > kMaxDepth) return Walk::Invalid;
  json_type t;
  if (v.type().get(t)) return Walk::Invalid;
  switch (t) {
    case json_type::object: {
      object o;
      if (v.get_object().get(o)) return Walk::Invalid;
      if (!h.start_object()) return Walk::Stopped;
      for (auto field : o) {
        simdjson::ondemand::field f;
        if (std::move(field).get(f)) return Walk::Invalid;
        std::string_view k;
        if (f.unescaped_key().get(k)) return Walk::Invalid;
        if (!h.key(k)) return Walk::Stopped;
        if (Walk w = walk(f.value(), h, depth + 1); w != Walk::Ok) return w;
      }
      return h.end_object() ? Walk::Ok : Walk::Stopped;
    }
    case json_type::array: {
      array a;
      if (v.get_array().get(a)) return Walk::Invalid;
      if (!h.start_array()) return Walk::Stopped;
      for (auto item : a) {
        value e;
        if (std::move(item).get(e)) return Walk::Invalid;
        if (Walk w = walk(e, h, depth + 1); w != Walk::Ok) return w;
      }
      return h.end_array() ? Walk::Ok : Walk::Stopped;
    }
    case json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return Walk::Invalid;
      return h.string(s) ? Walk::Ok : Walk::Stopped;
    }
    case json_type::number: {
      std::string_view token = v.raw_json_token();
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n'))
        token.remove_suffix(1);
      number_type nt;
      if (v.get_number_type().get(nt) == simdjson::SUCCESS) {
        // (A whole number too large for 64 bits is typed an integer but read by neither
        // getter: it goes on to the float below.)
        std::int64_t i;
        if (nt == number_type::signed_integer && v.get_int64().get(i) == simdjson::SUCCESS) {
          // As nlohmann reports them: a whole number >= 0 is unsigned.
          if (i >= 0) return h.number_unsigned(static_cast<std::uint64_t>(i)) ? Walk::Ok : Walk::Stopped;
          return h.number_integer(i) ? Walk::Ok : Walk::Stopped;
        }
        std::uint64_t u;
        if (nt == number_type::unsigned_integer && v.get_uint64().get(u) == simdjson::SUCCESS)
          return h.number_unsigned(u) ? Walk::Ok : Walk::Stopped;
        if (nt == number_type::floating_point_number) {
          double d;
          if (v.get_double().get(d)) return Walk::Invalid;
          std::string text(token);
          return h.number_float(d, text) ? Walk::Ok : Walk::Stopped;
        }
      }
      // A whole number past 64 bits: a float, as nlohmann reads it, if it is a number.
      std::string text(token);
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) return Walk::Invalid;
      return h.number_float(d, text) ? Walk::Ok : Walk::Stopped;
    }
    case json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return Walk::Invalid;
      return h.boolean(b) ? Walk::Ok : Walk::Stopped;
    }
    case json_type::null: {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) return Walk::Invalid;
      return h.null() ? Walk::Ok : Walk::Stopped;
    }
  }
  return Walk::Invalid;
}

}  // namespace
}  // namespace weir::jsonl::detail

namespace weir::jsonl {

bool sax_lines(std::string_view text, const char* readable_end, Lines& lines, Handler& h) {
  lines.line = 0;
  if (!h.start_array()) return false;
  std::size_t from = 0;
  while (from < text.size()) {
    const char* nl = static_cast<const char*>(std::memchr(text.data() + from, '\n', text.size() - from));
    const std::size_t end = nl ? static_cast<std::size_t>(nl - text.data()) : text.size();
    ++lines.line;
    std::size_t first = from;
    while (first < end && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r')) ++first;
    if (first < end && text[first] != '#') {
      const std::string_view line = text.substr(from, end - from);
      auto& p = detail::parser();
      simdjson::ondemand::document doc;
      // simdjson reads the line where it lies, or from a padded copy: positions it gives
      // are in `base`.
      const simdjson::padded_string_view in = detail::padded(line, readable_end);
      const char* base = in.data();
      const auto err = p.iterate(in).get(doc);
      auto invalid = [&] { return h.line_error(detail::unclosed(line) ? LineError::Unclosed : LineError::Invalid); };
      if (err) return invalid();
      // The document as a value: simdjson walks a top-level scalar differently, so
      // scalars are told apart first.
      simdjson::ondemand::json_type t;
      if (doc.type().get(t)) return invalid();
      detail::Walk w = detail::Walk::Ok;
      if (t == simdjson::ondemand::json_type::object || t == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::value v;
        if (doc.get_value().get(v)) return invalid();
        w = detail::walk(v, h);
      } else {
        // A bare scalar where a record should be: the handler refuses it at depth 1.
        w = h.null() ? detail::Walk::Ok : detail::Walk::Stopped;
      }
      if (w == detail::Walk::Stopped) return false;
      if (w == detail::Walk::Invalid) return invalid();
      // Something after the value (current_location fails at the end of the line).
      const char* at = nullptr;
      if (doc.current_location().get(at) == simdjson::SUCCESS && at >= base && at < base + line.size())
        return h.line_error(detail::after_value(at, base + line.size()));
    }
    from = end + 1;
  }
  return h.end_array();
}

}  // namespace weir::jsonl
