#include <cstdint>

#include "report/detail/page.hpp"
#include "report/report.hpp"

namespace weir::report::detail {
namespace {

constexpr std::string_view kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; background: #fff; }
h1 { font-size: 18px; margin: 0 0 6px; }
.verdict { font-weight: 600; }
.ok { color: #1a7f37; } .bad { color: #c62828; } .unknown { color: #8a6d00; }
.why { white-space: pre-wrap; font: 13px/1.35 ui-monospace, monospace; background: #f6f6f6;
       padding: 8px; border-radius: 4px; max-height: 16em; overflow: auto; }
.tools button { margin-right: 6px; }
.scroll { overflow: auto; border: 1px solid #ddd; max-height: 75vh; margin-top: 8px; }
#tip { position: fixed; pointer-events: none; background: #fffbe6; border: 1px solid #c9b458;
       padding: 6px 8px; font: 12px/1.35 ui-monospace, monospace; max-width: 560px;
       white-space: pre-wrap; display: none; z-index: 10; }
svg text { font: 11px ui-monospace, monospace; }
table.steps { border-collapse: collapse; font: 12px ui-monospace, monospace; }
table.steps td { border-top: 1px solid #eee; padding: 2px 6px; vertical-align: top; }
)css";

}  // namespace

}  // namespace weir::report::detail

namespace weir::report {

std::string xml_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      // XML 1.0 holds only characters: a byte that is not part of well-formed UTF-8 (an
      // overlong form, a UTF-16 surrogate, past U+10FFFF) becomes '?', byte by byte, and so
      // does U+FFFE/U+FFFF (which no XML file may hold), whole: the page, drawing or JUnit
      // file stays readable.
      const std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
      bool whole = len > 0 && i + len <= text.size();
      std::uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0fu : c & 0x1fu;
      for (std::size_t k = 1; whole && k < len; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        whole = (b & 0xc0) == 0x80;
        cp = cp << 6 | (b & 0x3fu);
      }
      if (whole) {
        const std::uint32_t least = len == 4 ? 0x10000 : len == 3 ? 0x800 : 0x80;
        whole = cp >= least && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
      }
      const bool nonchar = whole && (cp == 0xfffe || cp == 0xffff);
      if (!whole || nonchar) {
        out += '?';
        if (whole) i += len - 1;
        continue;
      }
      out.append(text.substr(i, len));
      i += len - 1;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += ch;
    }
  }
  return out;
}

}  // namespace weir::report

namespace weir::report::detail {

std::string page(std::string_view title, std::string_view body, const nlohmann::json& data,
                 std::string_view script) {
  // No '<' at all inside the script element: "</" would end it early, and "<!--" with
  // "<script" puts the HTML parser in its double-escaped state, where the real end tag is
  // not seen and nothing is drawn. '<' only occurs inside JSON strings, where \u003c is the
  // same character.
  const std::string dumped = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string json;
  json.reserve(dumped.size());
  for (char c : dumped) {
    if (c == '<') json += "\\u003c";
    else json += c;
  }
  std::string html;
  html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
      .append(xml_text(title))
      .append("</title>\n<style>")
      .append(kStyle)
      .append("</style></head>\n<body>\n")
      .append(body)
      .append("\n<div id=\"tip\"></div>\n<script type=\"application/json\" id=\"data\">")
      .append(json)
      .append("</script>\n<script>\n\"use strict\";\nconst DATA = JSON.parse(document.getElementById(\"data\").textContent);\n")
      .append(script)
      .append("\n</script>\n</body></html>\n");
  return html;
}

}  // namespace weir::report::detail
