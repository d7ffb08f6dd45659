// checker/jsonl: JSON Lines read with simdjson's on-demand parser, one line at a time, and
// replayed to a SAX handler, so that a reader keeps its rules in one handler whatever
// parses the bytes. simdjson stays inside jsonl.cpp (built for the machine's vector
// instructions); the handler is an interface.
//
// The handler sees the text as one array of lines, as it always has: start_array first,
// then each line's value, end_array last. Blank lines and lines starting with '#' are
// skipped. `Lines::line` tells the handler which line it is on. A line that is not one
// JSON value ends the walk with `line_error(kind)`, the handler choosing the words:
//   Invalid      not JSON
//   Unclosed     an object or array that does not close on its line
//   SecondValue  a ',' and another object after the first one: two records on one line
// A whole number is unsigned when >= 0 (number_unsigned) and past 64 bits a float, as
// nlohmann's SAX parser reported them.
//
// Why per line and not simdjson's document stream: a line is the unit of every message
// (`file:line: cause`), comments and blank lines are allowed, and a record must not span
// lines; per line, each of those is a fact about one buffer. Chunks of whole lines are
// read on every core (checker/jsonl/pipeline.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::jsonl {

enum class LineError { Invalid, Unclosed, SecondValue };

struct Lines {
  std::size_t line = 0;  // 1-based, of the line being read (within the text given)
};

// Every member returns false to stop the walk. Strings are valid during the call only.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual bool null() = 0;
  virtual bool boolean(bool b) = 0;
  virtual bool number_integer(std::int64_t v) = 0;  // < 0
  virtual bool number_unsigned(std::uint64_t v) = 0;
  virtual bool number_float(double v, const std::string& as_written) = 0;
  virtual bool string(std::string_view s) = 0;
  virtual bool key(std::string_view k) = 0;
  virtual bool start_object() = 0;
  virtual bool end_object() = 0;
  virtual bool start_array() = 0;
  virtual bool end_array() = 0;
  virtual bool line_error(LineError e) = 0;
};

// Walks `text` line by line into `h`; false when the handler stopped (or a line was not
// JSON, after line_error). `readable_end` is where the memory `text` lies in stops being
// readable: simdjson reads a little past a value's end, and a line near `readable_end`
// is copied into a padded buffer first.
bool sax_lines(std::string_view text, const char* readable_end, Lines& lines, Handler& h);

// Counts the lines of `text` (its '\n's), for chunks whose line numbers are relative.
std::size_t count_lines(std::string_view text);

}  // namespace weir::jsonl
