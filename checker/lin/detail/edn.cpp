#include "checker/lin/detail/edn.hpp"

#include <cctype>

#include "checker/input/input.hpp"

namespace weir::lin::detail {
namespace {

constexpr int kMaxDepth = 200;  // nesting beyond this is not a history; refuse, don't recurse

// EDN whitespace, without the locale lookup of std::isspace (this is the inner loop).
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_delimiter(char c) {
  return is_space(c) || c == ',' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '"' || c == ';';
}

}  // namespace

const Edn* Edn::get(std::string_view keyword) const {
  if (kind != Kind::Map) return nullptr;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2)
    if (items[i].is_keyword(keyword)) return &items[i + 1];
  return nullptr;
}

std::string Edn::print() const {
  auto seq = [&](const char* open, const char* close) {
    std::string s = open;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) s += ' ';
      s += items[i].print();
    }
    return s + close;
  };
  switch (kind) {
    case Kind::Nil: return "nil";
    case Kind::Bool:
    case Kind::Int:
    case Kind::Float:
    case Kind::Symbol: return text;
    case Kind::Char: return "\\" + text;
    case Kind::Keyword: return ":" + text;
    case Kind::String: {
      std::string s = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
      }
      return s + "\"";
    }
    case Kind::List: return seq("(", ")");
    case Kind::Vector: return seq("[", "]");
    case Kind::Map: return seq("{", "}");
    case Kind::Set: return seq("#{", "}");
    case Kind::Tagged: return "#" + text + " " + (items.empty() ? "" : items[0].print());
  }
  return "";
}

bool EdnReader::fail(std::string msg) { return fail_at(line_, std::move(msg)); }

bool EdnReader::fail_at(std::size_t line, std::string msg) {
  if (error_.empty()) {
    error_ = std::move(msg);
    error_line_ = line;
  }
  return false;
}

void EdnReader::skip_space() {
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
    } else if (is_space(c) || c == ',') {
      ++pos_;
    } else if (c == ';') {
      while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
}

std::optional<Edn> EdnReader::next() {
  if (failed()) return std::nullopt;
  skip_space();
  if (pos_ >= s_.size()) return std::nullopt;
  Edn e;
  if (!read(e, 0)) return std::nullopt;
  return e;
}

bool EdnReader::read_seq(Edn& out, char close, int depth) {
  const std::size_t open_line = line_;
  for (;;) {
    skip_space();
    if (pos_ >= s_.size())
      return fail_at(open_line, "unterminated collection (reached the end of input)");
    if (s_[pos_] == close) {
      ++pos_;
      if (out.kind == Edn::Kind::Map && out.items.size() % 2 != 0)
        return fail("map opened on line " + std::to_string(open_line) + " has a key without a value");
      return true;
    }
    if (s_[pos_] == ')' || s_[pos_] == ']' || s_[pos_] == '}')
      return fail(std::string("unexpected '") + s_[pos_] + "'");
    Edn item;
    if (!read(item, depth + 1)) return false;
    if (item.kind == Edn::Kind::Symbol && item.text.empty()) continue;  // a #_ discard
    out.items.push_back(std::move(item));
  }
}

bool EdnReader::read(Edn& out, int depth) {
  if (depth > kMaxDepth) return fail("nesting deeper than " + std::to_string(kMaxDepth));
  skip_space();
  if (pos_ >= s_.size()) return fail("unexpected end of input");
  out.line = line_;
  const char c = s_[pos_];
  switch (c) {
    case '(': ++pos_; out.kind = Edn::Kind::List; return read_seq(out, ')', depth);
    case '[': ++pos_; out.kind = Edn::Kind::Vector; return read_seq(out, ']', depth);
    case '{': ++pos_; out.kind = Edn::Kind::Map; out.items.reserve(12); return read_seq(out, '}', depth);
    case ')': case ']': case '}': return fail(std::string("unexpected '") + c + "'");
    case '"': {
      ++pos_;
      out.kind = Edn::Kind::String;
      const std::size_t open_line = line_;
      while (pos_ < s_.size() && s_[pos_] != '"') {
        // A run without escapes or line breaks is copied at once.
        const std::size_t run = s_.find_first_of("\"\\\n", pos_);
        const std::size_t stop = run == std::string_view::npos ? s_.size() : run;
        if (stop > pos_) {
          out.text.append(s_.substr(pos_, stop - pos_));
          pos_ = stop;
          continue;
        }
        char ch = s_[pos_++];
        if (ch == '\n') ++line_;
        if (ch == '\\') {
          if (pos_ >= s_.size()) break;
          char esc = s_[pos_++];
          switch (esc) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case '"': case '\\': ch = esc; break;
            default: return fail(std::string("unknown string escape '\\") + esc + "'");
          }
        }
        out.text += ch;
      }
      if (pos_ >= s_.size())
        return fail_at(open_line, "unterminated string (reached the end of input)");
      ++pos_;
      return true;
    }
    case '#': {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '{') {
        ++pos_;
        out.kind = Edn::Kind::Set;
        return read_seq(out, '}', depth);
      }
      if (pos_ < s_.size() && s_[pos_] == '#') {  // a symbolic value: ##Inf, ##-Inf, ##NaN
        const std::size_t start = pos_ - 1;
        while (pos_ < s_.size() && !is_delimiter(s_[pos_])) ++pos_;
        const std::string_view tok = s_.substr(start, pos_ - start);
        if (tok != "##Inf" && tok != "##-Inf" && tok != "##NaN")
          return fail("unknown symbolic value '" + input::excerpt(tok) + "' (EDN has ##Inf, ##-Inf and ##NaN)");
        out.kind = Edn::Kind::Float;
        out.text = std::string(tok);
        return true;
      }
      if (pos_ < s_.size() && s_[pos_] == '_') {  // discard the next form
        ++pos_;
        Edn ignored;
        if (!read(ignored, depth + 1)) return false;
        out.kind = Edn::Kind::Symbol;  // empty symbol: the caller drops it
        out.text.clear();
        return true;
      }
      std::size_t start = pos_;
      while (pos_ < s_.size() && !is_delimiter(s_[pos_])) ++pos_;
      if (start == pos_) return fail("'#' without a tag");
      out.kind = Edn::Kind::Tagged;
      out.text = std::string(s_.substr(start, pos_ - start));
      out.items.emplace_back();
      return read(out.items.back(), depth + 1);
    }
    case '\\': {
      ++pos_;
      std::size_t start = pos_;
      if (pos_ < s_.size()) ++pos_;
      while (pos_ < s_.size() && !is_delimiter(s_[pos_])) ++pos_;
      if (start == pos_) return fail("'\\' without a character");
      out.kind = Edn::Kind::Char;
      out.text = std::string(s_.substr(start, pos_ - start));
      return true;
    }
    default: break;
  }
  std::size_t start = pos_;
  while (pos_ < s_.size() && !is_delimiter(s_[pos_])) ++pos_;
  std::string_view tok = s_.substr(start, pos_ - start);
  if (tok.empty()) return fail(std::string("unexpected character '") + c + "'");
  if (tok[0] == ':') {
    if (tok.size() == 1) return fail("empty keyword");
    out.kind = Edn::Kind::Keyword;
    out.text = std::string(tok.substr(1));
    return true;
  }
  if (tok == "nil") { out.kind = Edn::Kind::Nil; return true; }
  if (tok == "true" || tok == "false") {
    out.kind = Edn::Kind::Bool;
    out.text = std::string(tok);
    return true;
  }
  const bool sign = tok[0] == '+' || tok[0] == '-';
  if (std::isdigit(static_cast<unsigned char>(tok[0])) ||
      (sign && tok.size() > 1 && std::isdigit(static_cast<unsigned char>(tok[1])))) {
    std::string_view num = tok;
    if (num.back() == 'N' || num.back() == 'M') num.remove_suffix(1);
    bool is_float = false;
    for (std::size_t i = sign ? 1 : 0; i < num.size(); ++i) {
      char d = num[i];
      if (d == '.' || d == 'e' || d == 'E' || ((d == '+' || d == '-') && i > 0 &&
                                                (num[i - 1] == 'e' || num[i - 1] == 'E'))) {
        is_float = true;
      } else if (!std::isdigit(static_cast<unsigned char>(d))) {
        return fail("malformed number '" + input::excerpt(tok) + "'");
      }
    }
    out.kind = is_float ? Edn::Kind::Float : Edn::Kind::Int;
    if (num[0] == '+') num.remove_prefix(1);
    out.text = std::string(num);
    return true;
  }
  out.kind = Edn::Kind::Symbol;
  out.text = std::string(tok);
  return true;
}

}  // namespace weir::lin::detail
