// `weir trace` end to end on the bundled example captures: the right verdict, the witness
// named by frames, the extracted history judged the same by `weir check lin`, and bad
// input (a truncated capture, not a capture, a protocol not built yet) refused with exit 2
// and the frame and cause.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::scratch_dir;
using weir::test::weir;

const std::string kTraces = std::string(WEIR_EXAMPLES) + "/traces/";

// The switch's captures (`-i any`) of `weir replay --impl capybara` runs: one correct, one
// with the target's packets not rewritten.
TEST(TraceCli, CapybaraCapturesAreJudgedByTheModelsInvariants) {
  CliRun ok = weir("trace check " + kTraces + "capybara-migrations.pcap --protocol capybara --service 10.9.0.100:8000 --json");
  ASSERT_EQ(ok.exit, 0) << ok.out << ok.err;
  const auto j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["verdict"], "holds");
  ASSERT_EQ(j["migrations"].size(), 2u);
  for (const auto& m : j["migrations"]) {
    EXPECT_EQ(m["result"], "moved");
    EXPECT_GT(m["frozen_us"].get<double>(), 0.0);
  }
  EXPECT_EQ(j["connections"][0]["owners"], nlohmann::json({"10.9.10.2", "10.9.11.2", "10.9.10.2"}));
  EXPECT_EQ(j["connections"][0]["migrations"], 2);
  EXPECT_EQ(j["connections"][0]["bytes_up"], 40000);  // the run's stream, each way
  EXPECT_EQ(j["connections"][0]["bytes_down"], 40000);
  EXPECT_EQ(j["connections"][0]["resets"], 0);
  EXPECT_EQ(j["connections"][0]["foreign_address"], false);
  CliRun reset = weir("trace check " + kTraces + "capybara-resteer-reset.pcap --protocol capybara --service 10.9.0.100:8000");
  EXPECT_EQ(reset.exit, 1) << reset.out << reset.err;
  EXPECT_NE(reset.out.find("VIOLATION (no-reset): the client 10.9.1.2:46644 received a reset from 10.9.0.100 "
                           "[capybara-resteer-reset.pcap#2627]"),
            std::string::npos)
      << reset.out;
  CliRun bad = weir("trace check " + kTraces + "capybara-no-reverse-rewrite.pcap --protocol capybara --service 10.9.0.100:8000");
  EXPECT_EQ(bad.exit, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("VIOLATION (no-foreign-address): the client 10.9.1.2:59496 received a segment from 10.9.11.2, not "
                         "the service address 10.9.0.100 [capybara-no-reverse-rewrite.pcap#2955]"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("unsent 606"), std::string::npos) << bad.out;  // the state's never-sent bytes, read from the frame
  // Told the wrong service address, the clients' every segment is foreign: not a silent pass.
  EXPECT_EQ(weir("trace check " + kTraces + "capybara-migrations.pcap --protocol capybara --service 10.9.0.99:8000").exit, 1);
}

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

TEST(TraceCli, BeaverCapturesGetTheirVerdictsWithFrames) {
  CliRun ok = weir("trace check " + kTraces + "beaver-consistent.pcap --protocol beaver --threshold 33");
  EXPECT_EQ(ok.exit, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("snapshot 1: t1 - t0 = 29.000 us, accepted, judged"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("consistent: 1 snapshot(s) judged"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("snapshot 0"), std::string::npos) << "an id the controller never started is listed";
  CliRun bad = weir("trace check " + kTraces + "beaver-inconsistent.pcap --protocol beaver --threshold 33");
  EXPECT_EQ(bad.exit, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("INCONSISTENT: snapshot 2 is not causally consistent"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("10.1.0.2 #18 (line 70): recv m53: beaver-inconsistent.pcap#186"), std::string::npos) << bad.out;
  CliRun j = weir("trace check " + kTraces + "beaver-inconsistent.pcap --protocol beaver --threshold 33 --json");
  EXPECT_EQ(j.exit, 1);
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["verdict"], "inconsistent");
  EXPECT_EQ(doc["inconsistent"]["ssid"], 2);
  EXPECT_EQ(doc["inconsistent"]["frames"][0]["frame"], "beaver-inconsistent.pcap#181");
  // The extracted execution says the same to check cut.
  const std::string dir = scratch_dir() + "/trace-beaver";
  fs::create_directories(dir);
  ASSERT_EQ(weir("trace extract " + kTraces + "beaver-inconsistent.pcap --protocol beaver --threshold 33 --out x.jsonl", dir).exit, 0);
  EXPECT_EQ(weir("check cut x.jsonl", dir).exit, 1);
  EXPECT_EQ(weir("trace check " + kTraces + "beaver-consistent.pcap --protocol beaver --in-group 10.1.0.0/33").exit, 2);
  CliRun none = weir("trace check " + kTraces + "pegasus-linearizable.pcap --protocol beaver");
  EXPECT_EQ(none.exit, 2);
  EXPECT_NE(none.err.find("no Beaver traffic"), std::string::npos) << none.err;
}

// Delays measured in a capture the live harness recorded with a known skew and chain:
// within 1 us of what was injected, and the bound they imply.
TEST(TraceCli, DelaysOfARecordedRunAreWhatWasInjected) {
  const std::string dir = scratch_dir() + "/trace-delays";
  fs::create_directories(dir);
  CliRun rec = weir("replay --impl beaver --runs 1 --seed 3 --skew 40 --chain 33 --threshold 80 --snapshots 10 --record run", dir);
  if (rec.exit == 4) GTEST_SKIP() << rec.err;
  ASSERT_EQ(rec.exit, 0) << rec.out << rec.err;
  CliRun d = weir("trace delays run/capture.pcap --protocol beaver --json", dir);
  ASSERT_EQ(d.exit, 0) << d.err;
  const auto j = nlohmann::json::parse(d.out);
  auto near = [](const nlohmann::json& v, double want) { return std::abs(v.get<double>() - want) <= 1.0; };
  EXPECT_TRUE(near(j["spread"]["min"], 40) && near(j["spread"]["max"], 40)) << j["spread"].dump();  // --skew 40
  EXPECT_TRUE(near(j["to_gateway"]["10.0.0.1"]["max"], 1)) << j["to_gateway"].dump();  // gateway g enters at 1 + 40 g
  EXPECT_TRUE(near(j["to_gateway"]["10.0.0.2"]["min"], 41)) << j["to_gateway"].dump();
  for (const char* hop : {"gateway_to_backend", "backend_to_outside", "outside_to_gateway"}) {
    // --chain 33: each of three hops takes 11..16 us.
    EXPECT_GE(j["hop"][hop]["min"].get<double>(), 10.0) << hop;
    EXPECT_LE(j["hop"][hop]["max"].get<double>(), 17.0) << hop;
  }
  CliRun safe = weir("trace bound run/capture.pcap --protocol beaver --threshold 33", dir);
  EXPECT_EQ(safe.exit, 0) << safe.out << safe.err;
  EXPECT_NE(safe.out.find("largest safe threshold: accept when t1 - t0 < 35 us"), std::string::npos) << safe.out;
  CliRun unsafe = weir("trace bound run/capture.pcap --protocol beaver --threshold 80", dir);
  EXPECT_EQ(unsafe.exit, 1) << unsafe.out;
  EXPECT_NE(unsafe.out.find("UNSAFE for these delays"), std::string::npos) << unsafe.out;
  EXPECT_EQ(weir("trace bound run/capture.pcap --protocol beaver", dir).exit, 2);  // no threshold
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
  CliRun capybara = weir("trace check " + kTraces + "pegasus-linearizable.pcap --protocol capybara --service 10.9.0.100:8000");
  EXPECT_EQ(capybara.exit, 2);
  EXPECT_NE(capybara.err.find("no Capybara traffic"), std::string::npos) << capybara.err;
  CliRun no_service = weir("trace check " + kTraces + "capybara-migrations.pcap --protocol capybara");
  EXPECT_EQ(no_service.exit, 2);
  EXPECT_NE(no_service.err.find("needs --service ADDRESS:PORT"), std::string::npos) << no_service.err;
  EXPECT_EQ(weir("trace check " + kTraces + "capybara-migrations.pcap --protocol capybara --service 10.9.0.100").exit, 2);
  CliRun extract = weir("trace extract " + kTraces + "capybara-migrations.pcap --protocol capybara --service 10.9.0.100:8000 --out x");
  EXPECT_EQ(extract.exit, 2);
  EXPECT_NE(extract.err.find("judged as it is"), std::string::npos) << extract.err;
  EXPECT_EQ(weir("trace check nosuch.pcap --protocol pegasus").exit, 2);
  EXPECT_EQ(weir("trace check " + kTraces + "pegasus-linearizable.pcap --protocol pegasus --identifier 0x1ffff").exit, 2);
}

}  // namespace
