// `weir trace` end to end on the bundled example captures: the right verdict, the witness
// named by frames, the extracted history judged the same by `weir check lin`, and bad
// input (a truncated capture, not a capture, a protocol not built yet) refused with exit 2
// and the frame and cause.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::scratch_dir;
using weir::test::weir;

const std::string kTraces = std::string(WEIR_EXAMPLES) + "/traces/";

TEST(TraceCli, ExampleCapturesGetTheirVerdictsWithFrames) {
  CliRun ok = weir("trace check " + kTraces + "pegasus-linearizable.pcap --protocol pegasus");
  EXPECT_EQ(ok.exit, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("18 operations"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("ok, linearizable"), std::string::npos) << ok.out;
  CliRun stale = weir("trace check " + kTraces + "pegasus-stale-read.pcap --protocol pegasus");
  EXPECT_EQ(stale.exit, 1) << stale.out << stale.err;
  EXPECT_NE(stale.out.find("VIOLATION, not linearizable"), std::string::npos) << stale.out;
  EXPECT_NE(stale.out.find("line 11: request pegasus-stale-read.pcap#19 at 37.000 us, reply pegasus-stale-read.pcap#24"),
            std::string::npos)
      << stale.out;
  CliRun j = weir("trace check " + kTraces + "pegasus-stale-read.pcap --protocol pegasus --json");
  EXPECT_EQ(j.exit, 1);
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["verdict"], "violation");
  ASSERT_FALSE(doc["witness_frames"].empty());
  EXPECT_EQ(doc["witness_frames"][1]["request_frame"], "pegasus-stale-read.pcap#19");
}

TEST(TraceCli, TheExtractedHistoryIsJudgedTheSameByCheckLin) {
  const std::string dir = scratch_dir() + "/trace";
  fs::create_directories(dir);
  for (const std::string name : {"pegasus-linearizable", "pegasus-stale-read"}) {
    CliRun x = weir("trace extract " + kTraces + name + ".pcap --protocol pegasus --out " + name + ".jsonl", dir);
    ASSERT_EQ(x.exit, 0) << x.err;
    CliRun c = weir("check lin --spec kv " + name + ".jsonl", dir);
    EXPECT_EQ(c.exit, name == "pegasus-linearizable" ? 0 : 1) << c.out;
  }
}

TEST(TraceCli, BadCapturesExitTwoWithFrameAndCause) {
  const std::string dir = scratch_dir() + "/trace-bad";
  fs::create_directories(dir);
  fs::copy_file(kTraces + "pegasus-stale-read.pcap", dir + "/cut.pcap", fs::copy_options::overwrite_existing);
  fs::resize_file(dir + "/cut.pcap", fs::file_size(dir + "/cut.pcap") - 7);
  CliRun cut = weir("trace check cut.pcap --protocol pegasus", dir);
  EXPECT_EQ(cut.exit, 2) << cut.out;
  EXPECT_NE(cut.err.find("cut.pcap, frame 36: "), std::string::npos) << cut.err;
  CliRun text = weir("trace check " + weir::test::write_file("x.pcap", "hello") + " --protocol pegasus");
  EXPECT_EQ(text.exit, 2);
  EXPECT_NE(text.err.find("not a capture libpcap can read"), std::string::npos) << text.err;
  CliRun beaver = weir("trace check " + kTraces + "pegasus-linearizable.pcap --protocol beaver");
  EXPECT_EQ(beaver.exit, 2);
  EXPECT_NE(beaver.err.find("only pegasus captures"), std::string::npos) << beaver.err;
  EXPECT_EQ(weir("trace check nosuch.pcap --protocol pegasus").exit, 2);
  EXPECT_EQ(weir("trace check " + kTraces + "pegasus-linearizable.pcap --protocol pegasus --identifier 0x1ffff").exit, 2);
}

}  // namespace
