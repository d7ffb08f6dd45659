// The reports from the command line, and as a person sees them: the bundled examples'
// pages rendered by headless Chromium, screenshotted, and checked to be drawn and free of
// script errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/cli/cli_support.hpp"

namespace weir::test {
namespace {

namespace fs = std::filesystem;

const std::string kExamples = WEIR_EXAMPLES;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ReportCli, CheckLinWritesOnePagePerHistoryInAFolder) {
  const std::string dir = scratch_dir() + "/lin-pages";
  fs::remove_all(dir);
  CliRun r = weir("check lin --spec kv " + kExamples + "/lin/kv-stale-read.edn " + kExamples + "/lin/kv-ok.jsonl --html " + dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;  // the stale read
  const std::string bad = slurp(dir + "/1-kv-stale-read.edn.html"), ok = slurp(dir + "/2-kv-ok.jsonl.html");
  EXPECT_NE(bad.find("NOT linearizable"), std::string::npos);
  EXPECT_NE(bad.find("\"failure\":"), std::string::npos);
  EXPECT_NE(ok.find(">linearizable<"), std::string::npos);
  EXPECT_EQ(ok.find("\"failure\":"), std::string::npos);
  // One history: the file named.
  CliRun one = weir("check lin --spec kv " + kExamples + "/lin/kv-ok.jsonl --html " + dir + "/one.html");
  EXPECT_EQ(one.exit, 0) << one.err;
  EXPECT_TRUE(fs::exists(dir + "/one.html"));
}

TEST(ReportCli, CheckCutDrawsWellFormedSvg) {
  const std::string svg = scratch_dir() + "/cut.svg";
  CliRun r = weir("check cut " + kExamples + "/cut/beaver-inconsistent.jsonl --svg " + svg + " --html " + scratch_dir() + "/cut.html");
  EXPECT_EQ(r.exit, 1) << r.err;
  EXPECT_NE(slurp(svg).find("url(#hot)"), std::string::npos);  // the chain in colour
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    CliRun lint = run_program("xmllint", "--noout " + svg);
    EXPECT_EQ(lint.exit, 0) << lint.err;
  }
}

TEST(ReportCli, ExploreDrawsItsCounterexampleAndItsReplay) {
  const std::string dir = scratch_dir() + "/explore-page";
  fs::create_directories(dir);
  CliRun found = weir("explore beaver --mutant accept-on-equal --html found.html", dir);
  EXPECT_EQ(found.exit, 1) << found.err;
  CliRun again = weir("explore --replay counterexample-beaver.json --html again.html", dir);
  EXPECT_EQ(again.exit, 1) << again.err;
  const std::string a = slurp(dir + "/found.html"), b = slurp(dir + "/again.html");
  EXPECT_EQ(a, b);  // the same path drawn the same
  EXPECT_NE(a.find("\"actors\":[\"x0\",\"g0\""), std::string::npos) << a.substr(0, 400);
  EXPECT_NE(a.find("The run as an execution"), std::string::npos);
}

TEST(ReportCli, AReportThatCannotBeWrittenIsExit2) {
  CliRun r = weir("check lin --spec kv " + kExamples + "/lin/kv-ok.jsonl --html /proc/no/such/page.html");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("/proc/no/such/page.html: cannot write the report"), std::string::npos) << r.err;
}

// ---- as a person sees them ----

bool have_chromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

struct Rendered {
  std::string dom, log, stats;
};

// Renders a page headless: the DOM after its scripts ran, the browser's log (console
// messages included) and the screenshot's figures (tests/tools/png_stats.py).
Rendered render(const std::string& page, const std::string& name) {
  const std::string dir = scratch_dir() + "/browser-" + name;
  fs::create_directories(dir);
  const std::string common = "timeout 90 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars "
                             "--no-first-run --user-data-dir=" + dir + "/profile --window-size=1200,800 "
                             "--enable-logging=stderr --v=0 ";
  Rendered r;
  CliRun dom = run_program(common + "--dump-dom file://" + page, "", dir);
  r.dom = dom.out;
  r.log = dom.err;
  CliRun shot = run_program(common + "--screenshot=" + dir + "/shot.png file://" + page, "", dir);
  r.log += shot.err;
  CliRun stats = run_program("python3", std::string(WEIR_TEST_DATA) + "/../tools/png_stats.py " + dir + "/shot.png", dir);
  r.stats = stats.out + stats.err;
  return r;
}

// How often `what` occurs in the drawing `id` (not in the script that drew it).
std::size_t drawn_count(const std::string& dom, const std::string& id, const std::string& what) {
  const std::size_t from = dom.find("<svg id=\"" + id + "\""), to = dom.find("</svg>", from);
  std::size_t n = 0;
  if (from == std::string::npos) return 0;
  for (std::size_t at = from; (at = dom.find(what, at)) != std::string::npos && at < to; ++at) ++n;
  return n;
}

// "1200x800 colours N non_white P": drawn means many colours and a real share of ink.
void expect_drawn(const Rendered& r, const std::string& what) {
  unsigned w = 0, h = 0, colours = 0;
  double ink = 0;
  ASSERT_EQ(std::sscanf(r.stats.c_str(), "%ux%u colours %u non_white %lf", &w, &h, &colours, &ink), 4) << r.stats;
  EXPECT_EQ(w, 1200u) << what;
  EXPECT_GT(colours, 16u) << what << ": " << r.stats;
  EXPECT_GT(ink, 3.0) << what << ": " << r.stats;
  // No console message at all: the pages log nothing, so any is an error.
  EXPECT_EQ(r.log.find(":CONSOLE"), std::string::npos) << what << ":\n" << r.log;
}

TEST(ReportBrowser, TheBundledExamplesRenderInHeadlessChromium) {
  if (!have_chromium()) {
    if (std::getenv("CI")) FAIL() << "chromium is missing: scripts/install-deps.sh installs it";
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it)";
  }
  const std::string dir = scratch_dir() + "/browser";
  fs::create_directories(dir);
  ASSERT_EQ(weir("check lin --spec kv " + kExamples + "/lin/kv-stale-read.edn --html " + dir + "/lin.html").exit, 1);
  ASSERT_EQ(weir("check cut " + kExamples + "/cut/beaver-inconsistent.jsonl --html " + dir + "/cut.html").exit, 1);
  ASSERT_EQ(weir("explore beaver --mutant accept-on-equal --html " + dir + "/explore.html", dir).exit, 1);

  const Rendered lin = render(dir + "/lin.html", "lin");
  expect_drawn(lin, "lin");
  // The script drew every operation (5) and the failure's bar.
  EXPECT_EQ(drawn_count(lin.dom, "chart", "<rect class=\"op\""), 5u) << lin.dom.substr(0, 2000);
  EXPECT_EQ(drawn_count(lin.dom, "chart", "fill=\"#e57373\""), 1u);

  const Rendered cut = render(dir + "/cut.html", "cut");
  expect_drawn(cut, "cut");
  EXPECT_NE(cut.dom.find("url(#hot)"), std::string::npos);

  const Rendered cx = render(dir + "/explore.html", "explore");
  expect_drawn(cx, "explore");
  EXPECT_EQ(drawn_count(cx.dom, "seq", "class=\"step\""), 14u);  // the counterexample's 14 steps
}

TEST(ReportBrowser, ABrokenPageIsSeenAsBroken) {
  // The checks above can fail: a page whose script throws and draws nothing fails them.
  if (!have_chromium()) GTEST_SKIP() << "chromium is not installed";
  const std::string page = write_file("broken.html", "<html><body><script>no_such.thing();</script></body></html>");
  const Rendered r = render(page, "broken");
  EXPECT_NE(r.log.find(":CONSOLE"), std::string::npos) << r.log;
  unsigned w = 0, h = 0, colours = 0;
  double ink = 0;
  ASSERT_EQ(std::sscanf(r.stats.c_str(), "%ux%u colours %u non_white %lf", &w, &h, &colours, &ink), 4) << r.stats;
  EXPECT_LE(colours, 16u);
  EXPECT_LE(ink, 3.0);
}

}  // namespace
}  // namespace weir::test
