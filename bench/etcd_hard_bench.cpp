// etcd_hard_bench: `weir check lin` on histories of the shape real Jepsen etcd logs have
// (bench/history_gen: write_etcd_hard_log): many writes and cas that time out and stay open
// for the rest of the history, landing later or never. For a suite of them it prints the
// whole-process time per history and for the suite in one call, the search's steps per
// history, and the share of the time spent outside the search (process start, reading,
// parsing) against the search itself.
//   etcd_hard_bench [--weir build/weir] [--work DIR] [--histories 100] [--ops 400] [--timeouts 25]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/history_gen.hpp"
#include "bench/spawn.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string weir = "build/weir", work = "build/bench-data/etcd-hard";
  int histories = 100, ops = 400, timeouts = 25;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--weir") weir = argv[i + 1];
    else if (k == "--work") work = argv[i + 1];
    else if (k == "--histories") histories = std::max(1, std::atoi(argv[i + 1]));
    else if (k == "--ops") ops = std::max(1, std::atoi(argv[i + 1]));
    else if (k == "--timeouts") timeouts = std::clamp(std::atoi(argv[i + 1]), 0, 100);
    else {
      std::fprintf(stderr, "etcd_hard_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  const std::string dir = work + "/ops" + std::to_string(ops) + "-t" + std::to_string(timeouts);
  fs::create_directories(dir);
  std::vector<std::string> files;
  for (int i = 0; i < histories; ++i) {
    files.push_back(dir + "/etcd_" + std::to_string(i) + ".log");
    if (!fs::exists(files.back())) weir::bench::write_etcd_hard_log(files.back(), ops, timeouts, 7000 + static_cast<unsigned>(i));
  }
  std::vector<double> whole, search;
  std::vector<long long> steps;
  int wrong = 0;
  for (const std::string& f : files) {
    const std::string json = dir + "/last.json";
    const auto s = weir::bench::run_once({weir, "check", "lin", "--spec", "cas-register", "--json", f}, json);
    if (s.exit != 0) ++wrong;
    whole.push_back(s.seconds);
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) continue;
    search.push_back(j.value("seconds", 0.0));
    long long n = 0;
    for (const auto& p : j["partitions"]) n += p.value("steps", 0LL);
    steps.push_back(n);
  }
  auto pct = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
  };
  std::vector<double> steps_d(steps.begin(), steps.end());
  double whole_sum = 0, search_sum = 0;
  for (double x : whole) whole_sum += x;
  for (double x : search) search_sum += x;
  std::printf("weir check lin --spec cas-register on %d etcd-shaped histories (%d ops, %d%% of writes and cas time out)\n",
              histories, ops, timeouts);
  std::printf("  per history, whole process: median %.1f ms, p99 %.1f ms, max %.1f ms%s\n", pct(whole, 0.5) * 1e3,
              pct(whole, 0.99) * 1e3, pct(whole, 1) * 1e3, wrong ? "  (SOME NOT LINEARIZABLE: the generator is wrong)" : "");
  std::printf("  search steps per history: median %.0f, p99 %.0f, max %.0f\n", pct(steps_d, 0.5), pct(steps_d, 0.99),
              pct(steps_d, 1));
  std::printf("  time in the search: %.1f%% (%.1f of %.1f ms); the rest is process start, reading and parsing\n",
              whole_sum > 0 ? 100 * search_sum / whole_sum : 0.0, search_sum * 1e3, whole_sum * 1e3);
  std::vector<std::string> suite = {weir, "check", "lin", "--spec", "cas-register"};
  suite.insert(suite.end(), files.begin(), files.end());
  const auto all = weir::bench::run_once(suite);
  std::printf("  the suite in one call: %.1f ms, %.1f MB, exit %d\n", all.seconds * 1e3, all.max_rss_kb / 1024.0, all.exit);
  return 0;
}
