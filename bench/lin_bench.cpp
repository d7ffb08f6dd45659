// Figures for `weir check lin`, whole process with parsing, as a user would run it.
//   lin_bench [--weir build/weir] [--shared ../shared] [--work DIR] [--runs N]
// Prints, for each target of the foundation issue, the median wall time over N runs,
// the peak resident memory, and Porcupine's time on the same input (from its README).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/history_gen.hpp"
#include "bench/spawn.hpp"

namespace {

namespace fs = std::filesystem;

using weir::bench::run_once;
using weir::bench::Sample;

void measure(const char* name, const std::vector<std::string>& argv, int runs, int want_exit,
             double target_s, const char* porcupine) {
  std::vector<Sample> samples;
  for (int i = 0; i < runs; ++i) samples.push_back(run_once(argv));
  std::sort(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.seconds < b.seconds; });
  const Sample& med = samples[samples.size() / 2];
  long rss = 0;
  for (auto& s : samples) rss = std::max(rss, s.max_rss_kb);
  const bool ok = med.exit == want_exit;
  std::printf("%-34s %9.1f ms  (min %7.1f)  %7.1f MB  target %7.0f ms %-4s  porcupine %s%s\n", name,
              med.seconds * 1e3, samples.front().seconds * 1e3, rss / 1024.0, target_s * 1e3,
              med.seconds <= target_s ? "met" : "MISS", porcupine, ok ? "" : "  WRONG EXIT CODE");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string weir = "build/weir", shared = "../shared", work = "build/bench-data";
  int runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--weir") weir = argv[i + 1];
    else if (k == "--shared") shared = argv[i + 1];
    else if (k == "--work") work = argv[i + 1];
    else if (k == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "lin_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  fs::create_directories(work);
  const std::string kv = shared + "/data/porcupine-kv/";

  // Generated inputs, made once and kept.
  const std::string big = work + "/kv-1m-50c.jsonl";
  if (!fs::exists(big)) {
    std::fprintf(stderr, "generating %s ...\n", big.c_str());
    weir::bench::write_kv_jsonl(big, 1000000, 50, 100, 1);
  }
  std::vector<std::string> suite;
  for (int i = 0; i < 102; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/etcd_%03d.log", i);
    suite.push_back(work + name);
    if (!fs::exists(suite.back())) weir::bench::write_etcd_log(suite.back(), 85, 1000 + static_cast<unsigned>(i));
  }

  std::printf("weir check lin, whole process (median of %d runs; 1M history: 3 runs)\n", runs);
  measure("c50-ok, per key", {weir, "check", "lin", "--spec", "kv", kv + "c50-ok.txt"}, runs, 0, 0.017,
          "~170 ms");
  measure("c10-ok, one partition", {weir, "check", "lin", "--spec", "kv", "--no-partition", kv + "c10-ok.txt"},
          runs, 0, 0.140, "~1.26 s");
  measure("c10-bad, one partition", {weir, "check", "lin", "--spec", "kv", "--no-partition", kv + "c10-bad.txt"},
          runs, 1, 0.140, "~1.40 s");
  std::vector<std::string> etcd = {weir, "check", "lin", "--spec", "cas-register"};
  etcd.insert(etcd.end(), suite.begin(), suite.end());
  measure("102 etcd cas-register histories", etcd, runs, 0, 0.035, "~0.35 s");
  measure("kv 1,000,000 ops, 50 clients", {weir, "check", "lin", "--spec", "kv", big}, 3, 0, 1.0, "n/a");  // issue 18: under 1 s, parse included
  return 0;
}
