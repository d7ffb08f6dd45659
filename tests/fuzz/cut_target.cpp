// The execution reader and the causal-cut check: what parses is judged, written back as
// JSON Lines, read again and judged the same.
#include <string_view>

#include "checker/cut/cut.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace weir::fuzz {
namespace {

// The verdict in a form two runs can be compared by.
std::string verdict(const std::variant<cut::Result, cut::ReadError>& r) {
  if (auto* e = std::get_if<cut::ReadError>(&r)) return "refused: " + e->cause;
  const cut::Result& res = std::get<cut::Result>(r);
  std::string s = res.consistent ? "consistent" : "inconsistent";
  for (const cut::Violation& v : res.violations)
    s.append(" ").append(std::to_string(static_cast<int>(v.kind))).append("@").append(std::to_string(v.ssid));
  return s;
}

}  // namespace

int cut_jsonl(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = cut::parse_execution(text, "fuzz");
  auto again = cut::parse_execution(text, "fuzz");
  require(first.index() == again.index(), "reading the same input twice: once refused, once read");
  if (auto* e = std::get_if<cut::ReadError>(&first)) {
    require(e->message() == std::get<cut::ReadError>(again).message(), "two different refusals of one input");
    require(!e->cause.empty(), "a refusal without a cause");
    require(e->cause.size() <= 1100, "a refusal that quotes the input whole");
    return 0;
  }
  const cut::Execution& x = std::get<cut::Execution>(first);
  const std::string judged = verdict(cut::check(x));
  require(judged == verdict(cut::check(std::get<cut::Execution>(again))), "two checks of one execution differ");
  if (judged.rfind("refused", 0) == 0) return 0;  // a causal cycle: nothing to write back
  const std::string written = cut::to_jsonl(x);
  auto reread = cut::parse_execution(written, "fuzz-written");
  if (auto* e = std::get_if<cut::ReadError>(&reread)) require(false, "what Weir writes, it refuses: " + e->message());
  require(verdict(cut::check(std::get<cut::Execution>(reread))) == judged, "written back, judged otherwise");
  return 0;
}

}  // namespace weir::fuzz
