// Input a hostile or careless user gives Weir in CI (issue 13): every input is read or
// refused with `file: cause` and exit 2; nothing crashes, nothing is written unannounced.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::scratch_dir;
using weir::test::weir;
using weir::test::write_file;

const std::string kExamples = std::string(WEIR_EXAMPLES);

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> docs;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) docs.push_back(nlohmann::json::parse(line));
  return docs;
}

TEST(HostileInput, BothCheckersReadStandardInputAsDash) {
  CliRun cut = weir("check cut - < " + kExamples + "/cut/beaver-inconsistent.jsonl");
  EXPECT_EQ(cut.exit, 1) << cut.err;
  EXPECT_NE(cut.out.find("<stdin>: INCONSISTENT"), std::string::npos) << cut.out;
  CliRun lin = weir("check lin --spec kv - < " + kExamples + "/lin/kv-ok.jsonl");
  EXPECT_EQ(lin.exit, 0) << lin.err;
  EXPECT_NE(lin.out.find("<stdin>: ok"), std::string::npos) << lin.out;
}

// A FIFO at `path` that will give `file`'s contents to the first reader.
void serve_fifo(const std::string& path, const std::string& file) {
  fs::remove(path);
  ASSERT_EQ(std::system(("mkfifo " + path).c_str()), 0);
  ASSERT_EQ(std::system(("timeout 20 cat " + file + " > " + path + " &").c_str()), 0);
}

TEST(HostileInput, BothCheckersReadPipesAndFifos) {
  const std::string fifo = scratch_dir() + "/input.fifo";
  serve_fifo(fifo, kExamples + "/cut/beaver-inconsistent.jsonl");
  CliRun cut = weir("check cut " + fifo);
  EXPECT_EQ(cut.exit, 1) << cut.out << cut.err;
  EXPECT_NE(cut.out.find(fifo + ": INCONSISTENT"), std::string::npos) << cut.out;
  serve_fifo(fifo, kExamples + "/lin/kv-stale-read.edn");
  CliRun lin = weir("check lin --spec kv /dev/stdin < " + fifo);
  EXPECT_EQ(lin.exit, 1) << lin.out << lin.err;
  EXPECT_NE(lin.out.find("/dev/stdin: VIOLATION"), std::string::npos) << lin.out;
  fs::remove(fifo);
}

TEST(HostileInput, DirectoriesAndDevicesAreRefusedAndLaterFilesStillJudged) {
  CliRun r = weir("check cut --json " + scratch_dir() + " /dev/zero /nonexistent " + kExamples +
                  "/cut/beaver-consistent.jsonl");
  EXPECT_EQ(r.exit, 2);
  const auto docs = json_lines(r.out);
  ASSERT_EQ(docs.size(), 4u) << r.out;
  EXPECT_EQ(docs[0]["error"]["cause"], "a directory, not a file");
  EXPECT_EQ(docs[1]["error"]["cause"], "a character device, not a file or a pipe");
  EXPECT_EQ(docs[2]["error"]["cause"], "cannot open: No such file or directory");
  EXPECT_EQ(docs[3]["verdict"], "consistent");
  EXPECT_NE(r.err.find(scratch_dir() + ": a directory, not a file"), std::string::npos) << r.err;
  CliRun lin = weir("check lin --spec register /dev/zero " + scratch_dir());
  EXPECT_EQ(lin.exit, 2);
  EXPECT_NE(lin.err.find("/dev/zero: a character device"), std::string::npos) << lin.err;
}

// A counterexample whose path reaches a violation, from a real run.
std::string beaver_counterexample(const std::string& dir) {
  CliRun made = weir("explore beaver --gateways 2 --mutant accept-on-equal --counterexample cx.json", dir);
  EXPECT_EQ(made.exit, 1) << made.out << made.err;
  return dir + "/cx.json";
}

TEST(HostileInput, ReplayFromStandardInputWritesNoSideFile) {
  const std::string dir = scratch_dir() + "/replay-stdin";
  fs::create_directories(dir);
  const std::string cx = beaver_counterexample(dir);
  fs::remove(dir + "/cx.execution.jsonl");
  CliRun r = weir("explore --replay - < " + cx, dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("from <stdin>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(not written)"), std::string::npos) << r.out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename();
    EXPECT_TRUE(name == "cx.json" || name == "out" || name == "err") << "unannounced file " << name;
  }
  CliRun from_file = weir("explore --replay cx.json", dir);
  EXPECT_EQ(from_file.exit, 1);
  EXPECT_TRUE(fs::exists(dir + "/cx.execution.jsonl"));  // beside a regular file, announced
  EXPECT_NE(from_file.out.find("cx.execution.jsonl"), std::string::npos) << from_file.out;
}

TEST(HostileInput, ReplayRefusesWhatIsNotACounterexampleFile) {
  CliRun dir = weir("explore --replay " + scratch_dir());
  EXPECT_EQ(dir.exit, 2);
  EXPECT_NE(dir.err.find(scratch_dir() + ": a directory, not a file"), std::string::npos) << dir.err;
  CliRun dev = weir("explore --replay /dev/zero");
  EXPECT_EQ(dev.exit, 2);
  EXPECT_NE(dev.err.find("a character device"), std::string::npos) << dev.err;
  // A model name that is an option of the command, or a huge one: refused, cut short.
  for (const std::string& model : {std::string("--list"), std::string("--replay"), std::string(100000, 'm')}) {
    const std::string f = write_file("odd-model.json", R"({"format": "weir-counterexample", "version": 1, "model": ")" +
                                                           model + R"(", "options": {}, "init": 0, "actions": []})");
    CliRun r = weir("explore --replay " + f);
    EXPECT_EQ(r.exit, 2) << model.substr(0, 10) << r.out;
    EXPECT_NE(r.err.find("unknown model"), std::string::npos) << r.err.substr(0, 200);
    EXPECT_LT(r.err.size(), 400u);
    EXPECT_EQ(r.out, "");
  }
}

TEST(HostileInput, ANumberBeyondADoubleIsBadInputNotAnInternalError) {
  // Found by the counterexample fuzz target: nlohmann throws out_of_range, not parse_error.
  const std::string f = write_file("overflow.json", R"({"format": "weir-counterexample", "version": 1,
    "model": "ring", "options": {}, "init": 0, "actions": [1E999]})");
  CliRun r = weir("explore --replay " + f);
  EXPECT_EQ(r.exit, 2) << r.err;
  EXPECT_NE(r.err.find("not JSON: [json.exception.out_of_range.406] number overflow"), std::string::npos) << r.err;
}

TEST(HostileInput, CounterexampleKeysAppearOnce) {
  const std::string f = write_file("dup.json", R"({"format": "weir-counterexample", "version": 1, "model": "ring",
    "model": "beaver", "options": {}, "init": 0, "actions": []})");
  CliRun r = weir("explore --replay " + f);
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("the key \"model\" appears twice in one object"), std::string::npos) << r.err;
  const std::string g = write_file("format-number.json", R"({"format": 5, "version": 1})");
  CliRun n = weir("explore --replay " + g);
  EXPECT_EQ(n.exit, 2) << n.err;
  EXPECT_NE(n.err.find("not a weir counterexample"), std::string::npos) << n.err;
}

TEST(HostileInput, JsonOutputEscapesBytesThatAreNotUtf8) {
  // A value and a file name with bytes that are not UTF-8: every file still gets its verdict.
  const std::string dir = scratch_dir() + "/utf8";
  fs::create_directories(dir);
  const std::string bad_name = dir + "/h\xff\xfe.edn";
  {
    std::ofstream(bad_name) << "{:process 0, :type :invoke, :f :write, :value \"\xc3\x28\"}\n"
                               "{:process 0, :type :ok, :f :write, :value \"\xc3\x28\"}\n"
                               "{:process 1, :type :invoke, :f :read, :value nil}\n"
                               "{:process 1, :type :ok, :f :read, :value \"x\"}\n";
  }
  CliRun r = weir("check lin --spec register --json '" + bad_name + "' " + kExamples + "/lin/kv-stale-read.edn");
  const auto docs = json_lines(r.out);
  ASSERT_EQ(docs.size(), 2u) << r.out << r.err;
  EXPECT_EQ(docs[0]["verdict"], "violation") << r.out;
  EXPECT_NE(docs[0]["file"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_EQ(docs[1]["file"], kExamples + "/lin/kv-stale-read.edn");
  EXPECT_NE(r.exit, 4) << r.err;
}

TEST(HostileInput, ModelTimingOptionsNearTheTopOf32BitsAreRefusedNotWrapped) {
  // They wrapped in 32-bit sums, flipped verdicts and slipped past the step limit.
  for (const char* option : {"tau-min", "start", "window", "reply-min"}) {
    for (const char* value : {"251", "4294967295", "4294967296", "18446744073709551615"}) {
      CliRun r = weir(std::string("explore beaver --") + option + " " + value);
      EXPECT_EQ(r.exit, 2) << option << " " << value << r.out;
      EXPECT_NE(r.err.find("out of range, must be 0..250"), std::string::npos) << r.err;
      const std::string f = write_file("timing.json", R"({"format": "weir-counterexample", "version": 1,
        "model": "beaver", "options": {")" + std::string(option) + R"(": )" + value + R"(}, "init": 0, "actions": []})");
      CliRun replayed = weir("explore --replay " + f);
      EXPECT_EQ(replayed.exit, 2) << option << " " << value << replayed.out;
      EXPECT_NE(replayed.err.find("out of range"), std::string::npos) << replayed.err;
    }
  }
}

TEST(HostileInput, EveryNumericOptionHasARangeCheckedBeforeWork) {
  const std::string ring = "explore ring ";
  const std::pair<std::string, std::string> cases[] = {
      {ring + "--threads 100000", "--threads: 100000: out of range, must be 1..256"},
      {ring + "--threads 0", "must be 1..256"},
      {ring + "--simulate 10 --threads 100000", "must be 1..256"},
      {ring + "--max-states -1", "--max-states: -1: not a whole number, must be 0..18446744073709551615"},
      {ring + "--max-states 1e9", "not a whole number"},
      {ring + "--max-states 18446744073709551616", "out of range"},
      {ring + "--max-depth 4294967296", "must be 0..4294967295"},
      {ring + "--timeout nan", "--timeout: nan: not a finite number, must be 0..10000000"},
      {ring + "--timeout inf", "not a finite number"},
      {ring + "--timeout -1", "out of range, must be 0..10000000"},
      {ring + "--simulate -1", "--simulate: -1: not a whole number"},
      {ring + "--simulate 0", "out of range, must be 1.."},
      {ring + "--simulate nan", "not a whole number"},
      {ring + "--simulate 5 --seed -1", "--seed: -1: not a whole number, must be 0..18446744073709551615"},
      {ring + "--simulate 5 --seed 1.5", "not a whole number"},
      {ring + "--simulate 5 --depth 0", "must be 1..1000000"},
      {"check lin --spec register --timeout nan x", "--timeout: nan: not a finite number"},
      {"check lin --spec register --jobs -1 x", "--jobs: -1: not a whole number, must be 1..1024"},
  };
  for (const auto& [args, want] : cases) {
    CliRun r = weir(args);
    EXPECT_EQ(r.exit, 2) << args << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(r.out.find("states"), std::string::npos) << args << ": work started\n" << r.out;
  }
  CliRun seeded = weir(ring + "--simulate 3 --seed 18446744073709551615");
  EXPECT_EQ(seeded.exit, 0) << seeded.err;  // the whole 64-bit range is a seed
}

}  // namespace

namespace {

// Every reader of a JSON document or line, given one nested 100,000 deep: refused as bad
// input (exit 2, naming the file), never a stack overflow.
TEST(HostileInput, JsonNestedDeeplyIsRefusedByEveryReader) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string result = R"({"format":"weir-shard-result","version":1,"job":"fuzz beaver --runs 2","command":"x",)"
                             R"("kind":"fuzz","shard":0,"shards":1,"exit":1,"verdict":"violation","outcome":"violation",)"
                             R"("runs":{"first":1,"end":3},"counts":{"runs":1},"reproducer":{"replay":"weir fuzz --replay",)"
                             R"("what":"x","size":1,"unit":"u","content":{"a":)" + deep + "}}}";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"merge " + write_file("deep-result.json", result), "deep-result.json"},
      {"fuzz --replay " + write_file("deep-repro.json", deep), "deep-repro.json"},
      {"explore --replay " + write_file("deep-cx.json", deep), "deep-cx.json"},
      {"check lin --spec register " + write_file("deep.jsonl", R"({"client":0,"call":1,"f":"write","value":)" + deep + "}\n"),
       "deep.jsonl"},
      {"check lin --spec register " + write_file("deep.edn", "{:process 0, :type :invoke, :f :write, :value " + deep + "}\n"),
       "deep.edn"},
      {"check cut " + write_file("deep-cut.jsonl", R"({"process":"a","kind":"local","x":)" + deep + "}\n"), "deep-cut.jsonl"},
  };
  for (const auto& [args, file] : cases) {
    const CliRun r = weir(args);
    EXPECT_EQ(r.exit, 2) << args.substr(0, 40) << ": " << r.err.substr(0, 300);
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err.substr(0, 300);
  }
}

}  // namespace
