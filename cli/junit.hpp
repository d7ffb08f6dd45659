// JUnit XML reports (`--junit FILE`), so that CI systems show Weir's verdicts in their test
// tabs: one test case per history, execution or run; a violation is a <failure> carrying
// the witness, bad input an <error>, an unknown verdict <skipped> with its reason. The
// format is the one Jenkins, GitLab and GitHub's test reporters read; tests validate it
// against tests/data/junit.xsd.
#pragma once

#include <string>
#include <vector>

namespace weir::cli::junit {

struct Case {
  std::string name;       // the file, or the run
  std::string classname;  // "weir.check.lin", ...
  double seconds = 0;
  enum class Outcome { Pass, Failure, Error, Skipped } outcome = Outcome::Pass;
  std::string message;  // one line: the verdict or the cause
  std::string text;     // the witness, as the human output shows it
  // A verdict that is not "holds": `outcome`, the human output's first line as the
  // message and all of it as the text.
  void set(Outcome o, const std::string& human) {
    outcome = o;
    message = human.substr(0, human.find('\n'));
    text = human;
  }
};

// Writes one <testsuite> named `suite` with `cases` to `path`; why not, or "".
std::string write(const std::string& path, const std::string& suite, const std::vector<Case>& cases);
// For a command's --junit: writes the report when `path` is set; a report that cannot be
// written is said on stderr and makes the exit status bad input (2) at least.
int report(const std::string& path, const std::string& command, const std::vector<Case>& cases, int exit);

}  // namespace weir::cli::junit
