// etcd_hard_bench: `weir check lin` on histories of the shape real Jepsen etcd logs have
// (bench/history_gen: write_etcd_hard_log): many writes and cas that time out and stay open
// for the rest of the history, landing later or never. For a suite of them it prints the
// whole-process time per history and for the suite in one call, the search's steps per
// history, and the share of the time spent outside the search (process start, reading,
// parsing) against the search itself.
//
// `--logs DIR` checks the *.log files there instead (Porcupine's test_data/jepsen holds 102
// real ones). `--porcupine BIN` runs Porcupine on the same files, each in its own process as
// Weir is (bench/porcupine/build.sh builds BIN from a Porcupine checkout), prints both
// side by side and names every file on which the two verdicts differ. A Porcupine run is
// stopped after --porcupine-timeout seconds (default 30): on the hardest shape it runs for
// minutes and takes gigabytes; such a history counts as that long, a lower bound.
//   etcd_hard_bench [--weir build/weir] [--work DIR] [--histories 100] [--ops 400]
//                   [--timeouts 25] [--logs DIR] [--porcupine BIN] [--porcupine-timeout 30]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

#include "bench/history_gen.hpp"
#include "bench/spawn.hpp"

namespace fs = std::filesystem;

namespace {

struct Options {
  std::string weir = "build/weir", work = "build/bench-data/etcd-hard", logs, porcupine;
  int histories = 100, ops = 400, timeouts = 25;
  int porcupine_timeout = 30;
};

// One checker's figures over the suite, one entry per file.
struct Runs {
  std::vector<double> whole, inside;  // whole process; the checker's own search (or check) time
  std::vector<int> exit;
  long max_rss_kb = 0;
  int timed_out = 0;
};

double pct(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

std::vector<std::string> suite_files(const Options& o) {
  std::vector<std::string> files;
  if (!o.logs.empty()) {
    for (const auto& e : fs::directory_iterator(o.logs))
      if (e.path().extension() == ".log" && fs::file_size(e.path()) > 0) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
  }
  const std::string dir = o.work + "/ops" + std::to_string(o.ops) + "-t" + std::to_string(o.timeouts);
  fs::create_directories(dir);
  for (int i = 0; i < o.histories; ++i) {
    files.push_back(dir + "/etcd_" + std::to_string(i) + ".log");
    if (!fs::exists(files.back()))
      weir::bench::write_etcd_hard_log(files.back(), o.ops, o.timeouts, 7000 + static_cast<unsigned>(i));
  }
  return files;
}

void print_runs(const char* who, const Runs& r) {
  const double whole = sum(r.whole), inside = sum(r.inside);
  std::printf("  %-9s per history, whole process: median %6.1f ms, p99 %6.1f ms, max %7.1f ms; suite %7.1f ms",
              who, pct(r.whole, 0.5) * 1e3, pct(r.whole, 0.99) * 1e3, pct(r.whole, 1) * 1e3, whole * 1e3);
  std::printf("; in the search %.0f%%; peak %.1f MB", whole > 0 ? 100 * inside / whole : 0.0, r.max_rss_kb / 1024.0);
  if (r.timed_out) std::printf("; %d stopped at the timeout (counted as the timeout)", r.timed_out);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--weir") o.weir = argv[i + 1];
    else if (k == "--work") o.work = argv[i + 1];
    else if (k == "--histories") o.histories = std::max(1, std::atoi(argv[i + 1]));
    else if (k == "--ops") o.ops = std::max(1, std::atoi(argv[i + 1]));
    else if (k == "--timeouts") o.timeouts = std::clamp(std::atoi(argv[i + 1]), 0, 100);
    else if (k == "--logs") o.logs = argv[i + 1];
    else if (k == "--porcupine") o.porcupine = argv[i + 1];
    else if (k == "--porcupine-timeout") o.porcupine_timeout = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "etcd_hard_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  const std::vector<std::string> files = suite_files(o);
  if (files.empty()) {
    std::fprintf(stderr, "etcd_hard_bench: no non-empty *.log in %s\n", o.logs.c_str());
    return 2;
  }
  const std::string json = fs::temp_directory_path() / ("etcd_hard_bench." + std::to_string(getpid()) + ".json");
  Runs weir, porc;
  std::vector<double> steps;
  for (const std::string& f : files) {
    const auto s = weir::bench::run_once({o.weir, "check", "lin", "--spec", "cas-register", "--json", f}, json);
    weir.whole.push_back(s.seconds);
    weir.exit.push_back(s.exit);
    const auto j = read_json(json);
    weir.inside.push_back(j.is_discarded() ? 0.0 : j.value("seconds", 0.0));
    double n = 0;
    if (!j.is_discarded())
      for (const auto& p : j["partitions"]) n += p.value("steps", 0.0);
    steps.push_back(n);
    if (o.porcupine.empty()) continue;
    const auto p = weir::bench::run_once(
        {"/usr/bin/timeout", "--kill-after=5", std::to_string(o.porcupine_timeout), o.porcupine, f}, json);
    const bool stopped = p.exit == 124 || p.exit == 137;  // timeout's own codes: stopped by TERM, by KILL
    porc.timed_out += stopped;
    porc.whole.push_back(stopped ? o.porcupine_timeout : p.seconds);
    porc.exit.push_back(stopped ? -1 : p.exit);
    porc.max_rss_kb = std::max(porc.max_rss_kb, p.max_rss_kb);
    weir.max_rss_kb = std::max(weir.max_rss_kb, s.max_rss_kb);
    const auto pj = read_json(json);
    porc.inside.push_back(pj.is_discarded() ? 0.0 : pj.value("check_seconds", 0.0));
  }
  fs::remove(json);

  if (o.logs.empty())
    std::printf("etcd-shaped histories: %zu of %d ops, %d%% of writes and cas time out\n", files.size(), o.ops,
                o.timeouts);
  else
    std::printf("Jepsen etcd logs: %zu files in %s\n", files.size(), o.logs.c_str());
  int violations = 0, differ = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    violations += weir.exit[i] == 1;
    if (!o.porcupine.empty() && porc.exit[i] != -1 && weir.exit[i] != porc.exit[i]) {
      ++differ;
      std::printf("  VERDICTS DIFFER on %s: weir exit %d, porcupine exit %d\n", files[i].c_str(), weir.exit[i],
                  porc.exit[i]);
    }
  }
  std::printf("  weir: %d linearizable, %d not%s\n", static_cast<int>(files.size()) - violations, violations,
              o.logs.empty() && violations ? "  (the generator is wrong: its histories are linearizable)" : "");
  print_runs("weir", weir);
  std::printf("  weir search steps per history: median %.0f, p99 %.0f, max %.0f\n", pct(steps, 0.5),
              pct(steps, 0.99), pct(steps, 1));
  if (!o.porcupine.empty()) {
    print_runs("porcupine", porc);
    std::printf("  verdicts agree on %zu of the %zu Porcupine finished; porcupine/weir, whole process: suite %.1fx, median %.1fx, worst history %.1fx\n",
                files.size() - static_cast<std::size_t>(differ + porc.timed_out),
                files.size() - static_cast<std::size_t>(porc.timed_out), sum(porc.whole) / sum(weir.whole),
                pct(porc.whole, 0.5) / pct(weir.whole, 0.5), pct(porc.whole, 1) / pct(weir.whole, 1));
    double worst_ratio = 1e9;
    for (std::size_t i = 0; i < files.size(); ++i) worst_ratio = std::min(worst_ratio, porc.whole[i] / weir.whole[i]);
    std::printf("  smallest per-history ratio porcupine/weir: %.1fx\n", worst_ratio);
  }
  std::vector<std::string> suite = {o.weir, "check", "lin", "--spec", "cas-register"};
  suite.insert(suite.end(), files.begin(), files.end());
  const auto all = weir::bench::run_once(suite);
  std::printf("  weir, the suite in one call: %.1f ms, %.1f MB, exit %d\n", all.seconds * 1e3, all.max_rss_kb / 1024.0,
              all.exit);
  if (!o.porcupine.empty() && porc.timed_out == 0) {
    std::vector<std::string> psuite = {o.porcupine};
    psuite.insert(psuite.end(), files.begin(), files.end());
    const auto p = weir::bench::run_once(psuite);
    std::printf("  porcupine, the suite in one call: %.1f ms, %.1f MB, exit %d\n", p.seconds * 1e3,
                p.max_rss_kb / 1024.0, p.exit);
  }
  return 0;
}
