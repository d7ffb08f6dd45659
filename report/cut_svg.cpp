// The space-time diagram of an execution (Lamport's pictures): time runs right, one line
// per process, a message an arrow from its send to its receive. Events are placed by
// causal depth (one column per step of the longest chain before them), so every arrow
// points right and concurrent events share columns.
#include <algorithm>
#include <deque>
#include <sstream>

#include "report/detail/page.hpp"
#include "report/report.hpp"

namespace weir::report {
namespace {


constexpr int kColumn = 30, kRow = 44, kLeft = 140, kTop = 58;
constexpr std::size_t kMaxDrawnEvents = 6000;

// Causal depth of every event: 1 + the deepest of its program predecessor and, for a
// receive, its message's send. kNone where a cycle leaves it unplaced (check refuses those).
std::vector<std::uint32_t> depths(const cut::Execution& x) {
  const std::size_t n = x.events.size();
  std::vector<std::uint32_t> depth(n, cut::kNone), waiting(n, 0);
  std::vector<std::vector<std::uint32_t>> after(n);
  for (const cut::Process& p : x.processes)
    for (std::size_t k = 1; k < p.events.size(); ++k) {
      after[p.events[k - 1]].push_back(p.events[k]);
      ++waiting[p.events[k]];
    }
  for (std::uint32_t e = 0; e < n; ++e) {
    const cut::Event& ev = x.events[e];
    if (ev.kind != cut::Kind::Recv || ev.message == cut::kNone) continue;
    const std::uint32_t send = x.messages[ev.message].send;
    if (send == cut::kNone) continue;
    after[send].push_back(e);
    ++waiting[e];
  }
  std::deque<std::uint32_t> ready;
  for (std::uint32_t e = 0; e < n; ++e)
    if (waiting[e] == 0) {
      ready.push_back(e);
      depth[e] = 0;
    }
  while (!ready.empty()) {
    const std::uint32_t e = ready.front();
    ready.pop_front();
    for (std::uint32_t f : after[e]) {
      depth[f] = depth[f] == cut::kNone ? depth[e] + 1 : std::max(depth[f], depth[e] + 1);
      if (--waiting[f] == 0) ready.push_back(f);
    }
  }
  return depth;
}

}  // namespace

std::string cut_svg(const cut::Execution& x, const cut::Result& r) {
  const std::vector<std::uint32_t> depth = depths(x);
  // Rows: in-group processes, then out-group ones.
  std::vector<std::uint32_t> rows;
  for (int g = 0; g < 2; ++g)
    for (std::uint32_t p = 0; p < x.processes.size(); ++p)
      if (static_cast<int>(x.processes[p].group) == g) rows.push_back(p);
  std::vector<int> row_of(x.processes.size(), 0);
  std::size_t in_rows = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    row_of[rows[i]] = static_cast<int>(i);
    in_rows += x.processes[rows[i]].group == cut::Group::In;
  }
  auto y_of = [&](std::uint32_t p) {
    return kTop + row_of[p] * kRow + (x.processes[p].group == cut::Group::Out ? kRow / 2 : 0);
  };

  // Which columns to draw: all, or past kMaxDrawnEvents a window around the first
  // violation's chain (or the start).
  std::uint32_t lo = 0, hi = 0;
  for (std::uint32_t d : depth)
    if (d != cut::kNone) hi = std::max(hi, d);
  std::string note;
  if (x.events.size() > kMaxDrawnEvents) {
    const std::uint32_t span = static_cast<std::uint32_t>(kMaxDrawnEvents / std::max<std::size_t>(rows.size(), 1));
    std::uint32_t centre = 0;
    for (const cut::Violation& v : r.violations)
      if (!v.chain.empty()) {
        centre = (depth[v.chain.front()] + depth[v.chain.back()]) / 2;
        break;
      }
    lo = centre > span / 2 ? centre - span / 2 : 0;
    hi = std::min(hi, lo + span);
    note = "columns " + std::to_string(lo) + " to " + std::to_string(hi) + " of the execution's causal depth";
  }
  auto shown = [&](std::uint32_t e) { return depth[e] != cut::kNone && depth[e] >= lo && depth[e] <= hi; };
  auto x_of = [&](std::uint32_t e) { return kLeft + static_cast<int>(depth[e] - lo) * kColumn + kColumn / 2; };

  // The first violation of each kind that has a chain is drawn in colour.
  std::vector<bool> hot_msg(x.messages.size(), false), hot_event(x.events.size(), false);
  const cut::Violation* shown_violation = nullptr;
  for (const cut::Violation& v : r.violations)
    if (v.kind == cut::ViolationKind::Inconsistent) {
      shown_violation = &v;
      for (std::uint32_t e : v.chain) {
        hot_event[e] = true;
        if (x.events[e].message != cut::kNone) hot_msg[x.events[e].message] = true;
      }
      if (v.outside != cut::kNone) hot_event[v.outside] = true;
      if (v.inside != cut::kNone) hot_event[v.inside] = true;
      break;
    }

  const int width = kLeft + static_cast<int>(hi - lo + 1) * kColumn + 40;
  const int height = kTop + static_cast<int>(rows.size()) * kRow + (rows.size() > in_rows ? kRow / 2 : 0) + 20;
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
    << width << " " << height << "\" font-family=\"monospace\" font-size=\"11\">\n"
    << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
       "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#546e7a\"/></marker>"
    << "<marker id=\"hot\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
       "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#d32f2f\"/></marker></defs>\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  s << "<text x=\"8\" y=\"16\" font-weight=\"bold\">" << xml_text(x.file) << ": "
    << (r.consistent ? "every snapshot consistent" : "INCONSISTENT") << (note.empty() ? "" : " (" + note + ")")
    << "</text>\n";
  if (rows.size() > in_rows)
    s << "<text x=\"8\" y=\"" << kTop + static_cast<int>(in_rows) * kRow + 4 << "\" fill=\"#888\">out-group</text>\n";
  for (std::uint32_t p : rows) {
    const int y = y_of(p);
    const bool out = x.processes[p].group == cut::Group::Out;
    s << "<text x=\"8\" y=\"" << y + 4 << "\"" << (out ? " fill=\"#888\"" : "") << ">" << xml_text(x.processes[p].name)
      << "</text><line x1=\"" << kLeft << "\" y1=\"" << y << "\" x2=\"" << width - 20 << "\" y2=\"" << y
      << "\" stroke=\"" << (out ? "#bbb" : "#777") << "\"" << (out ? " stroke-dasharray=\"5 4\"" : "") << "/>\n";
  }
  // Messages: send to first receive; one never received ends short, dashed.
  for (std::uint32_t m = 0; m < x.messages.size(); ++m) {
    const cut::Message& msg = x.messages[m];
    if (msg.send == cut::kNone || !shown(msg.send)) continue;
    const int x1 = x_of(msg.send), y1 = y_of(x.events[msg.send].process);
    const char* colour = hot_msg[m] ? "#d32f2f" : "#546e7a";
    const char* marker = hot_msg[m] ? "hot" : "arrow";
    if (msg.recv != cut::kNone && shown(msg.recv)) {
      s << "<line x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x_of(msg.recv) << "\" y2=\""
        << y_of(x.events[msg.recv].process) << "\" stroke=\"" << colour << "\" stroke-width=\"" << (hot_msg[m] ? 2.5 : 1)
        << "\" marker-end=\"url(#" << marker << ")\"><title>" << xml_text(x.message_id(m)) << "</title></line>\n";
    } else if (msg.recv == cut::kNone) {
      const int y2 = msg.to != cut::kNone ? y_of(msg.to) : y1 + kRow / 2;
      s << "<line x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x1 + kColumn << "\" y2=\"" << (y1 + y2) / 2
        << "\" stroke=\"" << colour << "\" stroke-dasharray=\"3 3\" marker-end=\"url(#" << marker << ")\"><title>"
        << xml_text(x.message_id(m)) << " (never received)</title></line>\n";
    }
  }
  // Events.
  for (std::uint32_t e = 0; e < x.events.size(); ++e) {
    if (!shown(e)) continue;
    const cut::Event& ev = x.events[e];
    const int cx = x_of(e), cy = y_of(ev.process);
    const std::string title = "<title>" + xml_text(cut::describe(x, e)) + "</title>";
    const char* colour = hot_event[e] ? "#d32f2f" : "#37474f";
    switch (ev.kind) {
      case cut::Kind::Snapshot:
        s << "<g><rect x=\"" << cx - 3 << "\" y=\"" << cy - 12 << "\" width=\"6\" height=\"24\" fill=\"#f9a825\"/>"
          << "<text x=\"" << cx - 8 << "\" y=\"" << cy - 15 << "\" fill=\"#8d6e00\">S" << ev.ssid << "</text>" << title
          << "</g>\n";
        break;
      case cut::Kind::Local:
        s << "<rect x=\"" << cx - 3 << "\" y=\"" << cy - 3 << "\" width=\"6\" height=\"6\" fill=\"" << colour << "\">"
          << title << "</rect>\n";
        break;
      default:
        s << "<circle cx=\"" << cx << "\" cy=\"" << cy << "\" r=\"" << (hot_event[e] ? 5 : 3.5) << "\" fill=\""
          << (ev.kind == cut::Kind::Send ? colour : "#fff") << "\" stroke=\"" << colour << "\" stroke-width=\"1.5\">"
          << title << "</circle>\n";
    }
  }
  // Each violated snapshot's cut: through every in-group process's snapshot event.
  if (shown_violation) {
    std::vector<std::pair<int, int>> cut_points;
    for (std::uint32_t p : rows) {
      if (x.processes[p].group != cut::Group::In) continue;
      for (std::uint32_t e : x.processes[p].events)
        if (x.events[e].kind == cut::Kind::Snapshot && x.events[e].ssid == shown_violation->ssid && shown(e))
          cut_points.emplace_back(x_of(e), y_of(p));
    }
    if (!cut_points.empty()) {
      s << "<polyline fill=\"none\" stroke=\"#d32f2f\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" points=\"";
      s << cut_points.front().first << "," << kTop - 26 << " ";
      for (auto [cx, cy] : cut_points) s << cx << "," << cy << " ";
      s << cut_points.back().first << "," << cut_points.back().second + 18 << "\"><title>the cut of snapshot "
        << shown_violation->ssid << "</title></polyline>\n";
      s << "<text x=\"" << cut_points.front().first + 4 << "\" y=\"" << kTop - 30 << "\" fill=\"#d32f2f\">cut of snapshot "
        << shown_violation->ssid << "</text>\n";
    }
  }
  s << "</svg>\n";
  return s.str();
}

std::string cut_html(const std::string& file, const cut::Execution& x, const cut::Result& r) {
  std::string body = "<h1>" + xml_text(file) + "</h1>\n<p><span class=\"verdict " + (r.consistent ? "ok" : "bad") + "\">" +
                     (r.consistent ? "every snapshot is consistent" : "INCONSISTENT") + "</span> · " +
                     std::to_string(r.snapshots.size()) + " snapshot(s), " + std::to_string(x.events.size()) + " events on " +
                     std::to_string(x.processes.size()) + " processes</p>\n";
  if (!r.violations.empty()) {
    std::string why;
    for (const cut::Violation& v : r.violations) why += cut::explain(x, v) + "\n";
    body += "<div class=\"why\" id=\"why\">" + xml_text(why) + "</div>\n";
  }
  body +=
      "<p class=\"legend\">Time runs right; one line per process (out-group dashed, below). Filled dot: send; ring: "
      "receive; square: local event; yellow bar: a snapshot. Red: the causal chain that breaks a snapshot, and its cut "
      "(dashed). Hover any mark for the event.</p>\n<div class=\"scroll\">" +
      cut_svg(x, r) + "</div>\n";
  return detail::page("weir check cut: " + file, body, nlohmann::json::object(), "");
}

}  // namespace weir::report
