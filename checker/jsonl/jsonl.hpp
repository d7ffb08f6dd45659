// checker/jsonl: a JSON Lines text seen as one JSON array, for a single SAX parse over the whole file.
//
// Parsing each line on its own builds and frees a parser per line, which is half the
// time of reading a million-line history. This iterator instead presents the lines as
// `[line1,line2,...]`: '[' first, each line's text, a ',' where a line ends and another
// follows, ']' at the end. Blank lines and lines starting with '#' are skipped. It
// counts lines as it goes, so the reader can tell which line an operation or an error
// is on. All copies share one cursor: the parser reads through one copy and compares it
// with an end copy, which is all an input iterator has to do.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace weir::jsonl {

class JsonlCursor {
 public:
  explicit JsonlCursor(std::string_view text) : text_(text) {}

  std::size_t line() const { return line_; }  // 1-based line of the character just read
  bool done() const { return phase_ == Phase::Done; }
  char get() const {
    switch (phase_) {
      case Phase::Open: return '[';
      case Phase::Text: return text_[pos_];
      case Phase::Between: return ',';
      case Phase::Close: return ']';
      case Phase::Done: break;
    }
    return ']';
  }
  void advance() {
    if (phase_ == Phase::Text && pos_ + 1 < end_) {
      ++pos_;  // the common case, inline: the parser calls this once per character
      return;
    }
    advance_slow();
  }

 private:
  enum class Phase { Open, Text, Between, Close, Done };
  void advance_slow();
  // Moves to the first character of the next line with content from `from`, counting
  // lines; false when there is none.
  bool next_content_line(std::size_t from);

  std::string_view text_;
  std::size_t pos_ = 0;  // in Text: the current character
  std::size_t end_ = 0;  // in Text: one past the current line's last character
  std::size_t line_ = 0;       // of the character get() returns
  std::size_t scanned_ = 0;    // lines looked at so far
  std::size_t next_line_ = 0;  // the line next_content_line found
  Phase phase_ = Phase::Open;
};

class JsonlIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  JsonlIterator() = default;  // the end
  explicit JsonlIterator(JsonlCursor& c) : c_(&c) {}

  char operator*() const { return c_->get(); }
  JsonlIterator& operator++() {
    c_->advance();
    return *this;
  }
  bool operator==(const JsonlIterator& o) const { return at_end() == o.at_end(); }
  bool operator!=(const JsonlIterator& o) const { return !(*this == o); }

 private:
  bool at_end() const { return c_ == nullptr || c_->done(); }
  JsonlCursor* c_ = nullptr;
};

}  // namespace weir::jsonl
