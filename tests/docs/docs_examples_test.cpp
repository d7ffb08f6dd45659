// Every example in the README and in docs/ is run, so that no documented output goes stale.
//
// An example is a fenced block whose first line is a `$ weir ...` (or `$ build/weir ...`)
// command. Its commands run in order in a scratch folder that has the repository's
// `examples/`; the lines after a command are its documented output, and a line `(exit N)`
// its exit status. Each documented line must appear in what the command printed, in order,
// with two allowances that keep the docs readable: a run of digits matches any run of
// digits (times, counts of states, ports), and `...` stands for anything (alone on a line:
// any number of lines).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/cli/cli_support.hpp"

namespace weir::test {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(WEIR_EXAMPLES).parent_path();

struct Command {
  std::string line;                  // as documented, without "$ "
  std::vector<std::string> output;   // documented lines
  int exit = -1;                     // -1: not documented
};

struct Example {
  std::string file;  // relative to the repository
  std::size_t line = 0;
  std::vector<Command> commands;
};

void PrintTo(const Example& e, std::ostream* os) { *os << e.file << ":" << e.line; }

bool starts(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::vector<Example> examples_in(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Example> out;
  std::string l;
  std::size_t n = 0;
  bool fence = false;
  Example* cur = nullptr;
  bool continuing = false;
  while (std::getline(in, l)) {
    ++n;
    if (starts(l, "```")) {
      fence = !fence;
      cur = nullptr;
      continue;
    }
    if (!fence) continue;
    const bool first = cur == nullptr && (starts(l, "$ weir ") || starts(l, "$ build/weir "));
    if (first) {
      out.push_back({fs::relative(path, kRoot).string(), n, {}});
      cur = &out.back();
    }
    if (!cur) continue;
    if (continuing) {
      cur->commands.back().line += " " + l;
    } else if (starts(l, "$ ")) {
      cur->commands.push_back({l.substr(2), {}, -1});
    } else {
      std::smatch m;
      if (std::regex_match(l, m, std::regex(R"(\(exit (\d)\))"))) cur->commands.back().exit = std::stoi(m[1]);
      else cur->commands.back().output.push_back(l);
    }
    std::string& c = cur->commands.back().line;
    continuing = !c.empty() && c.back() == '\\' && (starts(l, "$ ") || continuing);
    if (continuing) c.pop_back();
  }
  return out;
}

std::vector<Example> all_examples() {
  std::vector<fs::path> files{kRoot / "README.md"};
  for (const auto& e : fs::recursive_directory_iterator(kRoot / "docs"))
    if (e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin() + 1, files.end());
  std::vector<Example> all;
  for (const auto& f : files)
    for (auto& e : examples_in(f)) all.push_back(std::move(e));
  return all;
}

// Digits to one '#', blanks collapsed, ends trimmed.
std::string normal(const std::string& s) {
  std::string out;
  bool digit = false, blank = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (!digit) out += '#';
      digit = true;
      blank = false;
      continue;
    }
    digit = false;
    if (c == ' ' || c == '\t') {
      if (!blank && !out.empty()) out += ' ';
      blank = true;
      continue;
    }
    blank = false;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Does `actual` match the documented line, `...` standing for anything?
bool matches(const std::string& documented, const std::string& actual) {
  const std::string d = normal(documented), a = normal(actual);
  std::size_t at = 0, from = 0;
  bool first = true;
  for (;;) {
    const std::size_t dots = d.find("...", from);
    const std::string piece = d.substr(from, dots == std::string::npos ? std::string::npos : dots - from);
    const std::string trimmed = normal(piece);
    if (!trimmed.empty()) {
      const std::size_t found = a.find(trimmed, at);
      if (found == std::string::npos || (first && found != a.find_first_not_of(' '))) return false;
      at = found + trimmed.size();
    }
    first = false;
    if (dots == std::string::npos) return trimmed.empty() || at == a.size();
    from = dots + 3;
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class DocsExamples : public ::testing::TestWithParam<Example> {};

TEST_P(DocsExamples, PrintWhatTheDocsSay) {
  const Example& ex = GetParam();
  const fs::path dir = fs::path(scratch_dir()) / ("docs-" + std::to_string(std::hash<std::string>{}(ex.file)) + "-" +
                                                  std::to_string(ex.line));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(kRoot / "examples", dir / "examples");
  for (const Command& c : ex.commands) {
    std::string args = c.line;
    for (const char* p : {"build/weir ", "weir "})
      if (starts(args, p)) args = args.substr(std::string(p).size());
    const CliRun r = weir(args, dir.string());
    SKIP_IF_REFUSED(r);  // a live example on a machine without namespaces, BPF or repair mode
    const std::string where = ex.file + ":" + std::to_string(ex.line) + ": $ " + c.line;
    if (c.exit >= 0) {
      EXPECT_EQ(r.exit, c.exit) << where << "\n" << r.out << r.err;
    }
    const std::vector<std::string> actual = lines_of(r.out + r.err);
    std::size_t next = 0;
    for (const std::string& d : c.output) {
      if (normal(d) == "...") continue;
      std::size_t k = next;
      while (k < actual.size() && !matches(d, actual[k])) ++k;
      if (k == actual.size()) {
        ADD_FAILURE() << where << "\n  documented: " << d << "\n  not printed (after line " << next
                      << " of the output):\n" << r.out << r.err;
        break;
      }
      next = k + 1;
    }
  }
}

std::string name_of(const ::testing::TestParamInfo<Example>& info) {
  std::string n = info.param.file + "_" + std::to_string(info.param.line);
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Docs, DocsExamples, ::testing::ValuesIn(all_examples()), name_of);

TEST(DocsMatching, TheRulesCanFail) {
  EXPECT_TRUE(matches("ok, 12 ops [0.1 ms]", "ok, 7 ops [13.25 ms]"));
  EXPECT_FALSE(matches("ok, 12 ops", "VIOLATION, 12 ops"));
  EXPECT_TRUE(matches("  9. server B ...", "  9. server B receives it"));
  EXPECT_FALSE(matches("holds: the client saw", "holds: the client"));
  EXPECT_FALSE(matches("refused: get", "x refused: get"));  // a line matches from its start
}

TEST(DocsMatching, EveryPageHasItsExamplesFound) {
  // The README has one per command; a page whose examples were lost would pass silently.
  std::map<std::string, std::size_t> per_file;
  for (const Example& e : all_examples()) per_file[e.file] += e.commands.size();
  EXPECT_GE(per_file["README.md"], 7u);
  for (const char* page : {"docs/check-lin.md", "docs/check-cut.md", "docs/explore.md", "docs/bound.md", "docs/fuzz.md",
                           "docs/replay.md", "docs/trace.md"})
    EXPECT_GE(per_file[page], 1u) << page;
}

}  // namespace
}  // namespace weir::test

namespace weir::test {
namespace {

TEST(DocsHelp, EveryCommandsHelpNamesAPageThatExists) {
  for (const char* cmd : {"check lin", "check cut", "explore", "explore beaver", "bound beaver", "fuzz beaver", "replay",
                          "trace check", "trace delays"}) {
    const CliRun r = weir(std::string(cmd) + " --help");
    const std::size_t at = r.out.find("Reference: docs/");
    ASSERT_NE(at, std::string::npos) << cmd << ":\n" << r.out;
    const std::string page = r.out.substr(at + 11, r.out.find(' ', at + 11) - at - 11);
    EXPECT_TRUE(fs::exists(kRoot / page)) << cmd << " names " << page;
  }
}

}  // namespace
}  // namespace weir::test
