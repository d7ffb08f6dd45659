// Every committed fuzz input (the seed corpus, and the regressions: inputs that once
// broke the contract, minimised) run through its target in the ordinary test builds, so
// that a fixed bug stays fixed without clang or libFuzzer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/fuzz/fuzz.hpp"

namespace {

namespace fs = std::filesystem;

using Target = int (*)(const std::uint8_t*, std::size_t);

struct Named {
  const char* name;
  Target target;
};
constexpr Named kTargets[] = {{"lin_jsonl", weir::fuzz::lin_jsonl},
                              {"lin_edn", weir::fuzz::lin_edn},
                              {"lin_jepsen_log", weir::fuzz::lin_jepsen_log},
                              {"cut_jsonl", weir::fuzz::cut_jsonl},
                              {"counterexample", weir::fuzz::counterexample},
                              {"packet", weir::fuzz::packet},
                              {"capture", weir::fuzz::capture}};

std::size_t run_dir(const fs::path& dir, Target target) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(in), {});
    try {
      target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      ADD_FAILURE() << entry.path() << ": " << e.what();
    }
    ++n;
  }
  return n;
}

TEST(FuzzCorpus, EveryCommittedInputKeepsTheContract) {
  const fs::path root = WEIR_FUZZ_DATA;
  for (const Named& t : kTargets) {
    const std::size_t seeds = run_dir(root / "corpus" / t.name, t.target);
    run_dir(root / "regressions" / t.name, t.target);
    EXPECT_GT(seeds, 0u) << "no seed corpus for " << t.name;
  }
}

TEST(FuzzCorpus, TheContractCatchesWhatItShould) {
  // The targets are not vacuous: a history the checker must refuse is refused (no throw),
  // and the contract check itself throws when broken.
  EXPECT_THROW(weir::fuzz::require(false, "planted"), weir::fuzz::ContractBroken);
  const std::string bad = "{\"client\":0,\"call\":5,\"return\":1,\"f\":\"write\",\"value\":1}\n";
  EXPECT_EQ(weir::fuzz::lin_jsonl(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size()), 0);
}

}  // namespace
