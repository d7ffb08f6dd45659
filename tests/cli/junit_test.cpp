// `--junit FILE` on check lin and check cut: one test case per file, a violation a
// <failure> with the witness, bad input an <error> with file, line and cause; the report
// is valid against the JUnit schema (tests/data/junit.xsd, by xmllint), special
// characters escaped; a report that cannot be written is bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/cli_support.hpp"

namespace {

using weir::test::CliRun;
using weir::test::run_program;
using weir::test::scratch_dir;
using weir::test::weir;
using weir::test::write_file;

const std::string kExamples = std::string(WEIR_EXAMPLES);
const std::string kSchema = std::string(WEIR_TEST_DATA) + "/junit.xsd";

bool have_xmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// xmllint's verdict on `path` against the schema: its exit status.
int validate(const std::string& path) { return run_program("xmllint", "--noout --schema " + kSchema + " " + path).exit; }

TEST(Junit, CheckLinWritesOneCasePerFileWithTheWitness) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint is not installed (scripts/install-deps.sh installs libxml2-utils)";
  const std::string out = scratch_dir() + "/lin.xml";
  const std::string odd = write_file("a&b <odd>.edn", "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read, :value nil}\n");
  CliRun r = weir("check lin --spec kv " + kExamples + "/lin/kv-ok.jsonl " + kExamples + "/lin/kv-stale-read.edn " +
                  write_file("junk.txt", "hello\n") + " --junit " + out);
  EXPECT_EQ(r.exit, 2) << r.out << r.err;  // the worst of the three: bad input
  const std::string x = slurp(out);
  EXPECT_EQ(validate(out), 0) << x;
  EXPECT_NE(x.find("tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\""), std::string::npos) << x;
  EXPECT_NE(x.find("classname=\"weir.check.lin.kv\""), std::string::npos) << x;
  EXPECT_NE(x.find("<failure message=\""), std::string::npos) << x;
  EXPECT_NE(x.find("cannot be linearized"), std::string::npos) << x;  // the witness, in the failure
  EXPECT_NE(x.find("junk.txt:1: cannot tell the format"), std::string::npos) << x;
  // Names are escaped: the report stays well-formed whatever the file is called.
  CliRun e = weir("check lin --spec register \"" + odd + "\" --junit " + out);
  EXPECT_EQ(e.exit, 0) << e.out << e.err;
  EXPECT_EQ(validate(out), 0) << slurp(out);
  EXPECT_NE(slurp(out).find("a&amp;b &lt;odd&gt;.edn"), std::string::npos) << slurp(out);
}

// A process named with U+FFFE or U+FFFF (valid JSON, not XML) still leaves a report that
// xmllint reads and the schema accepts.
TEST(Junit, NoncharactersInAWitnessLeaveValidXml) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint is not installed (scripts/install-deps.sh installs libxml2-utils)";
  const std::string out = scratch_dir() + "/nonchar.xml";
  const std::string x = write_file("nonchar.jsonl",
                                   "{\"process\": \"a\\ufffe\", \"group\": \"in\", \"kind\": \"snapshot\", \"ssid\": 1}\n"
                                   "{\"process\": \"a\\ufffe\", \"kind\": \"send\", \"msg\": \"m\\uffff\"}\n"
                                   "{\"process\": \"b\", \"group\": \"in\", \"kind\": \"recv\", \"msg\": \"m\\uffff\"}\n"
                                   "{\"process\": \"b\", \"kind\": \"snapshot\", \"ssid\": 1}\n");
  CliRun r = weir("check cut " + x + " --junit " + out);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;  // b received after a's snapshot what a sent after it: inconsistent
  EXPECT_EQ(validate(out), 0) << slurp(out);
  EXPECT_EQ(slurp(out).find("\xef\xbf\xbf"), std::string::npos);
}

TEST(Junit, CheckCutWritesTheInconsistentCutAsAFailure) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint is not installed (scripts/install-deps.sh installs libxml2-utils)";
  const std::string out = scratch_dir() + "/cut.xml";
  CliRun r = weir("check cut " + kExamples + "/cut/beaver-consistent.jsonl " + kExamples + "/cut/beaver-inconsistent.jsonl --junit " + out);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  const std::string x = slurp(out);
  EXPECT_EQ(validate(out), 0) << x;
  EXPECT_NE(x.find("tests=\"2\" failures=\"1\" errors=\"0\""), std::string::npos) << x;
  EXPECT_NE(x.find("causal chain: a send reply [line 8]"), std::string::npos) << x;
}

TEST(Junit, TheSchemaRefusesWhatReportersWouldNotRead) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint is not installed (scripts/install-deps.sh installs libxml2-utils)";
  // A test case without its classname, and one with two outcomes: both refused.
  const std::string head =
      "<?xml version=\"1.0\"?><testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
      "time=\"0\" timestamp=\"2026-01-01T00:00:00\">";
  EXPECT_NE(validate(write_file("bad1.xml", head + "<testcase name=\"x\" time=\"0\"/></testsuite></testsuites>")), 0);
  EXPECT_NE(validate(write_file("bad2.xml", head + "<testcase name=\"x\" classname=\"c\" time=\"0\"><failure message=\"m\"/>"
                                                   "<error message=\"m\"/></testcase></testsuite></testsuites>")),
            0);
  EXPECT_EQ(validate(write_file("good.xml", head + "<testcase name=\"x\" classname=\"c\" time=\"0\"/></testsuite></testsuites>")), 0);
}

// The README's CI step (examples/ci/check-histories.sh) on a directory of one history that
// holds and two executions, one inconsistent: exit 1, both reports valid.
TEST(Junit, TheExampleCiStepLeavesValidReports) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint is not installed (scripts/install-deps.sh installs libxml2-utils)";
  const std::string dir = scratch_dir() + "/ci-histories";
  std::filesystem::create_directories(dir + "/cut");
  std::filesystem::copy_file(kExamples + "/lin/etcd-ok.log", dir + "/etcd-ok.log", std::filesystem::copy_options::overwrite_existing);
  for (const char* f : {"beaver-consistent.jsonl", "beaver-inconsistent.jsonl"})
    std::filesystem::copy_file(kExamples + "/cut/" + f, dir + "/cut/" + f, std::filesystem::copy_options::overwrite_existing);
  CliRun r = run_program("env", std::string("WEIR=") + WEIR_BINARY + " " + kExamples + "/ci/check-histories.sh " + dir + " " +
                                    dir + "/reports");
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_EQ(validate(dir + "/reports/lin.xml"), 0);
  EXPECT_EQ(validate(dir + "/reports/cut.xml"), 0);
  EXPECT_NE(slurp(dir + "/reports/lin.xml").find("failures=\"0\" errors=\"0\""), std::string::npos);
  EXPECT_NE(slurp(dir + "/reports/cut.xml").find("tests=\"2\" failures=\"1\""), std::string::npos);
}

// Every other command writes one test case for its run, its verdict by the exit code.
TEST(Junit, EveryOtherCommandReportsItsRun) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint is not installed (scripts/install-deps.sh installs libxml2-utils)";
  const std::string dir = scratch_dir() + "/junit-commands";
  std::filesystem::create_directories(dir);
  struct Expect {
    std::string args, tag, classname, words;
    int exit;
  };
  const std::vector<Expect> runs = {
      {"explore beaver --mutant accept-on-equal", "<failure", "weir.explore.beaver", "VIOLATION of", 1},
      {"bound beaver", "", "weir.bound.beaver", "", 0},
      {"trace check " + kExamples + "/traces/capybara-no-reverse-rewrite.pcap --protocol capybara --service 10.9.0.100:8000",
       "<failure", "weir.trace.check", "VIOLATION (no-foreign-address)", 1},
      {"replay --impl pegasus --mutant no-such-bug", "<error", "weir.replay", "not a mutant", 2},
  };
  for (const Expect& e : runs) {
    const std::string out = dir + "/report.xml";
    CliRun r = weir(e.args + " --junit " + out, dir);
    EXPECT_EQ(r.exit, e.exit) << e.args << "\n" << r.out << r.err;
    const std::string x = slurp(out);
    EXPECT_EQ(validate(out), 0) << e.args << "\n" << x;
    EXPECT_NE(x.find("tests=\"1\""), std::string::npos) << x;
    EXPECT_NE(x.find("classname=\"" + e.classname + "\""), std::string::npos) << x;
    if (e.tag.empty()) EXPECT_EQ(x.find("<failure"), std::string::npos) << x;
    else EXPECT_NE(x.find(e.tag), std::string::npos) << x;
    EXPECT_NE(x.find(e.words), std::string::npos) << x;
  }
}

TEST(Junit, AReportThatCannotBeWrittenIsBadInput) {
  CliRun r = weir("check lin --spec kv " + kExamples + "/lin/kv-ok.jsonl --junit /nonexistent/dir/report.xml");
  EXPECT_EQ(r.exit, 2) << r.out;
  EXPECT_NE(r.err.find("--junit: cannot write /nonexistent/dir/report.xml"), std::string::npos) << r.err;
}

}  // namespace
