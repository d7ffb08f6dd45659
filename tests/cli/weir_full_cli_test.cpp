// `weir` checks histories without loading the heavy libraries and hands bound, fuzz, replay
// and trace to weir-full beside it (cli/forward.hpp): what a user sees must not change.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::run_program;
using weir::test::scratch_dir;
using weir::test::weir;

const std::string kExamples = std::string(WEIR_EXAMPLES);

TEST(WeirFull, WeirLoadsNoneOfTheBackendLibraries) {
  CliRun ldd = run_program("/usr/bin/ldd", WEIR_BINARY);
  ASSERT_EQ(ldd.exit, 0) << ldd.err;
  EXPECT_NE(ldd.out.find("libc.so"), std::string::npos) << ldd.out;  // the listing is real
  for (const char* lib : {"librte_", "libz3", "libbpf", "libpcap", "libboost_fiber"})
    EXPECT_EQ(ldd.out.find(lib), std::string::npos) << lib << " is loaded by weir:\n" << ldd.out;
}

TEST(WeirFull, BackendCommandsRunThroughWeirWithTheirOwnHelpAndVerdicts) {
  CliRun help = weir("trace check --help");
  EXPECT_EQ(help.exit, 0) << help.err;
  EXPECT_NE(help.out.find("--protocol"), std::string::npos) << help.out;  // trace check's own options
  EXPECT_NE(help.out.find("Usage: "), std::string::npos);
  EXPECT_EQ(help.out.find("weir-full"), std::string::npos) << "usage names weir, as the user typed:\n" << help.out;
  CliRun stale = weir("trace check " + kExamples + "/traces/pegasus-stale-read.pcap --protocol pegasus");
  EXPECT_EQ(stale.exit, 1) << stale.out << stale.err;
  CliRun bad = weir("bound beaver --no-such-option");
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("--no-such-option"), std::string::npos) << bad.err;
}

TEST(WeirFull, WeirWithoutWeirFullBesideItSaysSoAndExits4) {
  const fs::path dir = fs::path(scratch_dir()) / "lonely";
  fs::create_directories(dir);
  fs::copy_file(WEIR_BINARY, dir / "weir", fs::copy_options::overwrite_existing);
  CliRun r = run_program((dir / "weir").string(), "trace check x.pcap --protocol pegasus");
  EXPECT_EQ(r.exit, 4);
  EXPECT_NE(r.err.find((dir / "weir-full").string()), std::string::npos) << r.err;
  // The checkers themselves need nothing beside it.
  CliRun lin = run_program((dir / "weir").string(), "check lin --spec kv " + kExamples + "/lin/kv-ok.jsonl");
  EXPECT_EQ(lin.exit, 0) << lin.err;
}

}  // namespace
