// A counterexample as a sequence diagram: one column per actor, one row per step, a
// message an arrow from sender to receiver in the row where it is delivered.
#include <set>

#include "report/detail/page.hpp"
#include "report/detail/scripts.hpp"
#include "report/report.hpp"

namespace weir::report {

std::string explore_html(const Counterexample& cx) {
    // Actors in the order they first act; the clock and the network, no actors of the
  // protocol, at the right.
  std::vector<std::string> order, last;
  std::set<std::string> seen;
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : cx.steps) {
    for (const std::string* a : {&s.from, &s.to})
      if (!a->empty() && seen.insert(*a).second) (*a == "clock" || *a == "network" ? last : order).push_back(*a);
    steps.push_back({{"action", s.action}, {"state", s.state}, {"from", s.from}, {"to", s.to}});
  }
  order.insert(order.end(), last.begin(), last.end());
  const nlohmann::json actors = order;
  const nlohmann::json data = {{"actors", actors}, {"steps", steps}, {"initial", cx.initial}, {"violated", cx.violated}};
  std::string body = "<h1>" + xml_text(cx.title) + "</h1>\n<p>";
  if (!cx.violated.empty())
    body += "<span class=\"verdict bad\">VIOLATION</span> of \"" + xml_text(cx.violated) + "\" after step " +
            std::to_string(cx.steps.size());
  else
    body += "<span class=\"verdict ok\">every invariant holds at the end of this path</span>";
  body += "</p>\n<p class=\"legend\">One column per actor, one row per step (top to bottom); an arrow is a message "
          "the step moves from one actor to another (sent or delivered, as its words say); a box, a step one actor "
          "takes alone. Hover a step for the state "
          "after it.</p>\n<div class=\"scroll\"><svg id=\"seq\" xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n";
  if (cx.execution && cx.judged) {
    body += "<h1>The run as an execution</h1>\n";
    std::string why;
    for (const cut::Violation& v : cx.judged->violations) why += cut::explain(*cx.execution, v) + "\n";
    if (!why.empty()) body += "<div class=\"why\">" + xml_text(why) + "</div>\n";
    body += "<div class=\"scroll\">" + cut_svg(*cx.execution, *cx.judged) + "</div>\n";
  }
  return detail::page("weir explore: " + cx.title, body, data, detail::kExploreScript);
}

}  // namespace weir::report
