// Reports people look at: self-contained HTML pages (no network, no external script) and
// SVG drawings of what the checkers found. A report knows checker results, never packets
// or harnesses; it draws what it is given.
//
//   lin_html      one lane per client (per key and client when the history splits by key),
//                 each operation a bar from call to return, the linearization (or the
//                 longest prefix the search reached) as points on the bars in order, the
//                 operation that could not be linearized and why; hovering an operation
//                 shows the state before and after it. Large histories are cut to the
//                 failing key, then to the operations nearest the failure.
//   cut_svg       a space-time diagram of an execution: one line per process (in-group,
//                 then out-group), messages as arrows, snapshots as marks, each violated
//                 snapshot's cut as a line and its causal chain in colour.
//   cut_html      that diagram in a page, with the verdict in words.
//   explore_html  a model-checking counterexample as a sequence diagram of its actors,
//                 the state after each step on hover (and the run's execution, when the
//                 model has one).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/cut/cut.hpp"
#include "checker/lin/lin.hpp"

namespace weir::report {

// Text for XML and HTML, in elements and attribute values: the five characters with a
// meaning escaped, and the control characters XML 1.0 cannot carry at all replaced by '?'
// (a process named with one would otherwise make an SVG no reader opens). Every page,
// drawing and JUnit report writes its text through it.
std::string xml_text(std::string_view text);

// Operations drawn at most; beyond this a page shows the part around the failure.
inline constexpr std::size_t kMaxDrawnOps = 20000;

// `r` should come from a check with CheckOptions::keep_order, so that an Ok history shows
// its linearization.
std::string lin_html(const std::string& file, const lin::History& h, const lin::Result& r);

std::string cut_svg(const cut::Execution& x, const cut::Result& r);
std::string cut_html(const std::string& file, const cut::Execution& x, const cut::Result& r);

// One step of a counterexample: what happened, the state after it, who acted and, for a
// message, who sent it (`from`) and who got it (`to`); a local step has `to` empty.
struct Step {
  std::string action;
  std::string state;
  std::string from;
  std::string to;
};

struct Counterexample {
  std::string title;      // "beaver (mutant accept-on-equal)"
  std::string violated;   // the invariant broken at the end, or empty
  std::string initial;    // the initial state
  std::vector<Step> steps;
  // The run as an execution, for snapshot models.
  std::optional<cut::Execution> execution;
  std::optional<cut::Result> judged;
};
std::string explore_html(const Counterexample& cx);

}  // namespace weir::report
