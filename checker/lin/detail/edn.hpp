// A reader for the EDN that Jepsen and Knossos write: nil, booleans, integers (with an N
// suffix), floats, strings, characters, keywords, symbols, lists, vectors, maps, sets,
// tagged values (#inst "...") and #_ discards; the symbolic values ##Inf, ##-Inf and
// ##NaN (as floats whose text is the symbol); `;` comments; commas are whitespace.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::lin::detail {

struct Edn {
  enum class Kind { Nil, Bool, Int, Float, String, Char, Keyword, Symbol, List, Vector, Map, Set, Tagged };
  Kind kind = Kind::Nil;
  std::string text;  // Int/Float: digits; String: decoded; Keyword: without ':'; Tagged: tag
  std::vector<Edn> items;  // List/Vector/Set; Map: key, value, key, value...; Tagged: the value
  std::size_t line = 0;

  bool is_keyword(std::string_view k) const { return kind == Kind::Keyword && text == k; }
  const Edn* get(std::string_view keyword) const;  // map lookup by keyword key
  std::string print() const;  // canonical EDN text: "nil", "3", "\"a\"", "[1 4]"
};

class EdnReader {
 public:
  explicit EdnReader(std::string_view text) : s_(text) {}
  // The next top-level form, or nullopt at the end of input or on error (see error()).
  std::optional<Edn> next();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t error_line() const { return error_line_; }
  std::size_t line() const { return line_; }

 private:
  bool read(Edn& out, int depth);
  bool read_seq(Edn& out, char close, int depth);
  void skip_space();
  bool fail(std::string msg);
  bool fail_at(std::size_t line, std::string msg);  // for what opened on an earlier line

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::string error_;
  std::size_t error_line_ = 0;
};

}  // namespace weir::lin::detail
