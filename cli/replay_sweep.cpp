// `weir replay --impl beaver --sweep`: the timing-bound experiment. Over a grid of gateway
// entry skew (x) and shortest external chain tau_min (y), it runs Beaver with its gateways
// on DPDK, many snapshots per point, and counts the snapshots accepted and consistent,
// accepted and inconsistent (check cut on the recorded execution), and rejected. Beside
// each point: the largest safe threshold `weir bound beaver --synthesize` finds for the
// same delays. Theorem 2 predicts no accepted inconsistent snapshot wherever the threshold
// is at or below that bound; above it, with a skew beyond the chain, they appear.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "checker/bound/bound.hpp"
#include "checker/cut/cut.hpp"
#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "cli/report_files.hpp"

namespace weir::cli::replay {
namespace {

struct Point {
  unsigned skew = 0, chain = 0;
  double bound = 0;  // the largest safe threshold for these delays
  std::uint64_t accepted = 0, inconsistent = 0, rejected = 0, undecided = 0;
  std::vector<std::string> problems;  // runs that failed otherwise (a deadlock, the wire)
  bool safe(unsigned threshold) const { return threshold <= bound; }
};

// "FROM:TO:STEP" as its values, or why not.
std::variant<std::vector<unsigned>, std::string> grid(const std::string& what, const std::string& spec) {
  unsigned from = 0, to = 0, step = 0;
  char c1 = 0, c2 = 0;
  std::istringstream in(spec);
  if (!(in >> from >> c1 >> to >> c2 >> step) || c1 != ':' || c2 != ':' || !in.eof() || step == 0 || to < from ||
      to > 1'000'000 || (to - from) / step > 64)
    return what + " " + spec + ": expected FROM:TO:STEP in whole microseconds, FROM <= TO <= 1000000, at most 65 values";
  std::vector<unsigned> v;
  for (unsigned x = from; x <= to; x += step) v.push_back(x);
  return v;
}

bound::BoundParams params(const harness::beaver::Scenario& s) {
  bound::BoundParams p;
  p.gateways = s.gateways;
  p.to_gateway = {1, 1 + static_cast<double>(s.entry_skew_max)};
  p.to_initiator = {1, static_cast<double>(s.reply_max)};
  p.hop = {static_cast<double>(s.hop_min), static_cast<double>(s.hop_max)};
  p.threshold = static_cast<double>(s.threshold);
  return p;
}

void run_point(live::Rig& rig, const Args& a, Point& pt) {
  Args at = a;
  at.skew = pt.skew;
  at.chain = pt.chain;
  harness::beaver::Scenario s = beaver_scenario(at);
  const bound::Synthesis syn = bound::synthesize(params(s), 0.001);
  pt.bound = syn.any_threshold_is_safe ? INFINITY : syn.largest_safe;
  for (std::uint64_t r = 0; r < a.runs; ++r) {
    s.seed = a.seed + r;
    const live::BeaverRun run = rig.beaver(s);
    const auto& o = run.outcome;
    if (o.run.deadlock || !o.problems.empty() || run.buffers_in_use != 0) {
      pt.problems.push_back("seed " + std::to_string(s.seed) + ": " +
                            (o.problems.empty() ? std::string("deadlock or leak") : o.problems.front()));
      continue;
    }
    pt.rejected += o.rejected.size();
    pt.undecided += s.snapshots - o.accepted.size() - o.rejected.size();
    auto checked = cut::check(o.execution);
    std::set<std::uint64_t> broken;
    if (auto* res = std::get_if<cut::Result>(&checked))
      for (const auto& v : res->violations) broken.insert(v.ssid);
    else
      pt.problems.push_back("seed " + std::to_string(s.seed) + ": the recorded execution is malformed");
    pt.inconsistent += broken.size();
    pt.accepted += o.accepted.size() - broken.size();
  }
}

const char* colour(const Point& p) {
  if (p.inconsistent > 0) return "#d62728";  // accepted and inconsistent
  if (p.accepted > 0) return "#2ca02c";      // accepted, all consistent
  return "#bbbbbb";                          // all rejected
}

bool write_svg(const std::string& file, const Args& a, const std::vector<unsigned>& skews, const std::vector<unsigned>& chains,
               const std::vector<Point>& pts) {
  const double cell = 28, left = 70, top = 50;
  const double w = left + cell * static_cast<double>(skews.size()) + 190, h = top + cell * static_cast<double>(chains.size()) + 60;
  std::ostringstream f;
  f << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' font-family='sans-serif' font-size='11'>\n";
  f << "<text x='" << left << "' y='20' font-size='14'>Beaver on DPDK: threshold " << a.threshold << " us, " << a.gateways
    << " gateways, " << a.runs << " runs x " << a.snapshots << " snapshots per point</text>\n";
  for (std::size_t j = 0; j < chains.size(); ++j)
    for (std::size_t i = 0; i < skews.size(); ++i) {
      const Point& p = pts[j * skews.size() + i];
      // Chain latency grows upwards.
      const double x = left + cell * static_cast<double>(i), y = top + cell * static_cast<double>(chains.size() - 1 - j);
      f << "<rect x='" << x << "' y='" << y << "' width='" << cell - 2 << "' height='" << cell - 2 << "' fill='" << colour(p)
        << "'><title>skew " << p.skew << ", chain " << p.chain << ": " << p.accepted << " accepted, " << p.inconsistent
        << " inconsistent, " << p.rejected << " rejected; bound " << p.bound << "</title></rect>\n";
      if (p.inconsistent > 0)
        f << "<text x='" << x + 4 << "' y='" << y + 17 << "' fill='white'>" << p.inconsistent << "</text>\n";
    }
  const double bottom = top + cell * static_cast<double>(chains.size());
  for (std::size_t i = 0; i < skews.size(); i += std::max<std::size_t>(1, skews.size() / 10))
    f << "<text x='" << left + cell * static_cast<double>(i) << "' y='" << bottom + 14 << "'>" << skews[i] << "</text>\n";
  for (std::size_t j = 0; j < chains.size(); ++j)
    f << "<text x='" << left - 30 << "' y='" << top + cell * static_cast<double>(chains.size() - 1 - j) + 17 << "'>"
      << chains[j] << "</text>\n";
  f << "<text x='" << left << "' y='" << bottom + 32 << "'>gateway entry skew (us)</text>\n";
  f << "<text x='14' y='" << top - 8 << "'>tau_min (us)</text>\n";
  // The bound's line: the edges between cells where the threshold is safe by weir bound
  // and cells where it is not.
  const auto unsafe = [&](std::size_t i, std::size_t j) { return !pts[j * skews.size() + i].safe(a.threshold); };
  auto edge = [&](double x1, double y1, double x2, double y2) {
    f << "<line x1='" << x1 - 1 << "' y1='" << y1 - 1 << "' x2='" << x2 - 1 << "' y2='" << y2 - 1
      << "' stroke='black' stroke-width='2.5'/>\n";
  };
  for (std::size_t j = 0; j < chains.size(); ++j)
    for (std::size_t i = 0; i < skews.size(); ++i) {
      const double x = left + cell * static_cast<double>(i), y = top + cell * static_cast<double>(chains.size() - 1 - j);
      if (i + 1 < skews.size() && unsafe(i, j) != unsafe(i + 1, j)) edge(x + cell, y, x + cell, y + cell);
      if (j + 1 < chains.size() && unsafe(i, j) != unsafe(i, j + 1)) edge(x, y, x + cell, y);
    }
  const double lx = left + cell * static_cast<double>(skews.size()) + 6;
  f << "<line x1='" << lx << "' x2='" << lx + 12 << "' y1='" << top + 60 << "' y2='" << top + 60
    << "' stroke='black' stroke-width='2.5'/><text x='" << lx + 16 << "' y='" << top + 64
    << "'>weir bound: threshold safe | unsafe</text>\n";
  const char* names[] = {"accepted, inconsistent", "accepted, consistent", "all rejected"};
  const char* colours[] = {"#d62728", "#2ca02c", "#bbbbbb"};
  for (int k = 0; k < 3; ++k)
    f << "<rect x='" << lx << "' y='" << top + 18 * k << "' width='12' height='12' fill='" << colours[k] << "'/><text x='"
      << lx + 16 << "' y='" << top + 18 * k + 10 << "'>" << names[k] << "</text>\n";
  f << "</svg>\n";
  return write_file(file, f.str(), "the sweep's plot");
}

}  // namespace

int sweep(const Args& a) {
  auto sk = grid("--skews", a.skews);
  auto ch = grid("--chains", a.chains);
  for (auto* g : {&sk, &ch})
    if (auto* why = std::get_if<std::string>(g)) {
      std::cerr << "weir: replay --sweep: " << *why << "\n";
      return kBadInput;
    }
  if (a.mutant != "none") {
    std::cerr << "weir: replay --sweep: runs the correct cores (drop --mutant); the threshold is the knob\n";
    return kBadInput;
  }
  const auto& skews = std::get<std::vector<unsigned>>(sk);
  const auto& chains = std::get<std::vector<unsigned>>(ch);
  auto made = live::Rig::make();
  if (auto* why = std::get_if<std::string>(&made)) {
    std::cerr << "weir: replay: DPDK would not start: " << *why << "\n";
    return kInternal;
  }
  live::Rig& rig = *std::get<std::unique_ptr<live::Rig>>(made);
  std::vector<Point> pts;
  for (unsigned c : chains)
    for (unsigned x : skews) {
      Point p;
      p.skew = x;
      p.chain = c;
      run_point(rig, a, p);
      pts.push_back(std::move(p));
    }
  bool agrees = true;
  std::size_t problems = 0;
  nlohmann::json j = {{"threshold", a.threshold}, {"gateways", a.gateways}, {"runs_per_point", a.runs},
                      {"snapshots_per_run", a.snapshots}};
  for (const Point& p : pts) {
    const bool bad = p.safe(a.threshold) && p.inconsistent > 0;
    agrees = agrees && !bad;
    problems += p.problems.size();
    j["points"].push_back({{"skew", p.skew}, {"tau_min", p.chain}, {"bound", p.bound}, {"accepted", p.accepted},
                           {"inconsistent", p.inconsistent}, {"rejected", p.rejected}, {"undecided", p.undecided},
                           {"problems", p.problems}, {"agrees_with_bound", !bad}});
  }
  if (!write_svg(a.svg, a, skews, chains, pts)) return kBadInput;
  if (a.json) {
    j["agrees_with_bound"] = agrees;
    std::cout << json_text(j) << "\n";
  } else {
    std::cout << "beaver on DPDK, timing-bound sweep: threshold " << a.threshold << " us, " << a.gateways << " gateways, "
              << a.runs << " runs x " << a.snapshots << " snapshots per point\n"
              << "  a cell: accepted-consistent/accepted-INCONSISTENT/rejected, and * where the threshold is above the\n"
              << "  largest safe one weir bound beaver --synthesize finds for the cell's delays; rows: tau_min, columns: skew (us)\n"
              << "  " << std::setw(8) << "tau_min";
    for (unsigned x : skews) std::cout << std::setw(12) << x;
    std::cout << "\n";
    for (std::size_t r = chains.size(); r-- > 0;) {
      std::cout << "  " << std::setw(8) << chains[r];
      for (std::size_t i = 0; i < skews.size(); ++i) {
        const Point& p = pts[r * skews.size() + i];
        std::cout << std::setw(12)
                  << (std::to_string(p.accepted) + "/" + std::to_string(p.inconsistent) + "/" + std::to_string(p.rejected) +
                      (p.safe(a.threshold) ? " " : "*"));
      }
      std::cout << "\n";
    }
    // Per row: where weir bound stops vouching for the threshold, and where accepted
    // inconsistent snapshots start.
    for (std::size_t r = 0; r < chains.size(); ++r) {
      std::optional<unsigned> unsafe, seen;
      double bound = INFINITY;
      for (std::size_t i = 0; i < skews.size(); ++i) {
        const Point& p = pts[r * skews.size() + i];
        if (!unsafe && !p.safe(a.threshold)) unsafe = p.skew, bound = p.bound;
        if (!seen && p.inconsistent > 0) seen = p.skew;
      }
      std::cout << "  tau_min " << std::setw(3) << chains[r] << ": ";
      if (unsafe) std::cout << "bound " << bound << " us < threshold from skew " << *unsafe;
      else std::cout << "threshold within the bound at every skew";
      std::cout << "; accepted inconsistent snapshots " << (seen ? "from skew " + std::to_string(*seen) : std::string("none")) << "\n";
    }
    if (problems > 0) std::cout << "  " << problems << " runs failed otherwise (in the JSON): not counted\n";
    std::cout << (agrees ? "  agrees with weir bound: no accepted inconsistent snapshot where the threshold is at or below the bound\n"
                         : "  DISAGREES with weir bound: an accepted inconsistent snapshot where the threshold is at or below the bound\n")
              << "  plot: " << a.svg << "\n";
  }
  if (!agrees) return kViolation;
  return problems > 0 ? kUnknown : kHolds;
}

}  // namespace weir::cli::replay
