#include "checker/jsonl/jsonl.hpp"

namespace weir::jsonl {

bool JsonlCursor::next_content_line(std::size_t from) {
  while (from < text_.size()) {
    std::size_t nl = text_.find('\n', from);
    if (nl == std::string_view::npos) nl = text_.size();
    ++scanned_;
    std::size_t first = from;
    while (first < nl && (text_[first] == ' ' || text_[first] == '\t' || text_[first] == '\r')) ++first;
    if (first < nl && text_[first] != '#') {
      pos_ = from;
      end_ = nl;
      next_line_ = scanned_;
      return true;
    }
    from = nl + 1;
  }
  return false;
}

void JsonlCursor::advance_slow() {
  switch (phase_) {
    case Phase::Open:
      phase_ = next_content_line(0) ? Phase::Text : Phase::Close;
      line_ = next_line_;
      return;
    case Phase::Text:
      if (++pos_ < end_) return;
      // The ',' or ']' still belongs to the line that ended.
      phase_ = next_content_line(end_ + 1) ? Phase::Between : Phase::Close;
      return;
    case Phase::Between:
      line_ = next_line_;
      phase_ = Phase::Text;
      return;
    case Phase::Close:
      phase_ = Phase::Done;
      return;
    case Phase::Done:
      return;
  }
}

}  // namespace weir::jsonl
