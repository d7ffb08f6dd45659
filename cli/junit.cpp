// JUnit XML writing (junit.hpp).
#include "cli/junit.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "report/report.hpp"

namespace weir::cli::junit {

namespace {

std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", s < 0 ? 0.0 : s);
  return b;
}

}  // namespace

std::string write(const std::string& path, const std::string& suite, const std::vector<Case>& cases) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  double total = 0;
  for (const Case& c : cases) {
    failures += c.outcome == Case::Outcome::Failure;
    errors += c.outcome == Case::Outcome::Error;
    skipped += c.outcome == Case::Outcome::Skipped;
    total += c.seconds;
  }
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", std::gmtime(&now));
  std::ostringstream counts;
  counts << " tests=\"" << cases.size() << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\""
         << skipped << "\" time=\"" << seconds(total) << "\"";
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"weir\"" << counts.str() << ">\n"
    << "  <testsuite name=\"" << report::xml_text(suite) << "\"" << counts.str() << " timestamp=\"" << stamp << "\">\n";
  for (const Case& c : cases) {
    x << "    <testcase name=\"" << report::xml_text(c.name) << "\" classname=\"" << report::xml_text(c.classname) << "\" time=\""
      << seconds(c.seconds) << "\"";
    const char* tag = c.outcome == Case::Outcome::Failure ? "failure"
                      : c.outcome == Case::Outcome::Error ? "error"
                      : c.outcome == Case::Outcome::Skipped ? "skipped"
                                                            : nullptr;
    if (!tag) {
      x << "/>\n";
      continue;
    }
    x << ">\n      <" << tag << " message=\"" << report::xml_text(c.message) << "\"";
    if (c.outcome != Case::Outcome::Skipped) x << " type=\"" << tag << "\"";
    if (c.text.empty()) x << "/>\n";
    else x << ">" << report::xml_text(c.text) << "</" << tag << ">\n";
    x << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  out << x.str();
  out.close();
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  return "";
}

int report(const std::string& path, const std::string& command, const std::vector<Case>& cases, int exit) {
  if (path.empty()) return exit;
  const std::string why = write(path, "weir " + command, cases);
  if (why.empty()) return exit;
  std::cerr << "weir: " << command << ": --junit: " << why << "\n";
  return std::max(exit, 2);
}

}  // namespace weir::cli::junit
