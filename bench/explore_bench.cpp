// Figures for the model-checking engine on the ring model of ../shared/bench, beside SPIN
// when it is installed (apt-get install spin): states, time, states per second, peak
// memory and bytes per state, whole process.
//   explore_bench [--weir build/weir] [--shared ../shared] [--work DIR] [--runs N] [--no-n6]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bench/spawn.hpp"

namespace {

namespace fs = std::filesystem;
using weir::bench::run_once;
using weir::bench::Sample;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void print_row(const char* who, int n, std::uint64_t states, const Sample& s) {
  std::printf("  %-5s N=%d  %12llu states  %8.2f s  %6.2f M states/s  %8.1f MB  %6.1f bytes/state\n", who, n,
              static_cast<unsigned long long>(states), s.seconds, states / s.seconds / 1e6, s.max_rss_kb / 1024.0,
              states ? s.max_rss_kb * 1024.0 / static_cast<double>(states) : 0.0);
  std::fflush(stdout);
}

Sample median(std::vector<Sample> v) {
  std::sort(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.seconds < b.seconds; });
  return v[v.size() / 2];
}

// weir explore ring; returns the unique state count it reports.
std::uint64_t run_weir(const std::string& weir, const std::string& work, int n, int runs, Sample& out) {
  const std::string json = work + "/weir-ring.json";
  std::vector<Sample> samples;
  std::uint64_t states = 0;
  for (int i = 0; i < runs; ++i) {
    samples.push_back(run_once({weir, "explore", "ring", "--nodes", std::to_string(n), "--values", "3",
                                "--capacity", "2", "--json"},
                               json));
    states = nlohmann::json::parse(slurp(json))["unique_states"].get<std::uint64_t>();
  }
  out = median(samples);
  return states;
}

// SPIN as ../shared/bench/README.md runs it; returns "states, stored" (one more than the
// model's reachable states: SPIN counts its own initial state).
std::uint64_t run_spin(const std::string& shared, const std::string& work, int n, Sample& out) {
  const std::string dir = work + "/spin-n" + std::to_string(n);
  fs::create_directories(dir);
  fs::copy_file(shared + "/bench/ring.pml", dir + "/ring.pml", fs::copy_options::overwrite_existing);
  const std::string build = "cd " + dir + " && spin -a -DN=" + std::to_string(n) +
                            " -DK=3 -DB=2 ring.pml >/dev/null && gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM=16000 -o pan pan.c 2>/dev/null";
  if (std::system(build.c_str()) != 0) return 0;
  const std::string log = dir + "/pan.out";
  out = run_once({dir + "/pan", "-m1000000", "-w24"}, log);
  std::smatch m;
  const std::string text = slurp(log);
  if (!std::regex_search(text, m, std::regex(R"(([0-9]+) states, stored)"))) return 0;
  return std::stoull(m[1]);
}

}  // namespace

int main(int argc, char** argv) {
  std::string weir = "build/weir", shared = "../shared", work = "build/bench-data";
  int runs = 3;
  bool n6 = true;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-n6") {
      n6 = false;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "explore_bench: %s needs a value\n", argv[i]);
      return 2;
    }
    if (k == "--weir") weir = argv[++i];
    else if (k == "--shared") shared = argv[++i];
    else if (k == "--work") work = argv[++i];
    else if (k == "--runs") runs = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "explore_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  fs::create_directories(work);
  const bool have_spin = std::system("command -v spin >/dev/null 2>&1") == 0;
  std::printf("ring model (K=3, B=2), whole process; weir: median of %d runs (N=6: 1)%s\n", runs,
              have_spin ? "; SPIN: -DSAFETY -DNOREDUCE, -w24" : "; SPIN not installed");
  const std::uint64_t expected[] = {2476099, 47045881};
  for (int n : {5, 6}) {
    if (n == 6 && !n6) break;
    Sample w;
    const std::uint64_t ws = run_weir(weir, work, n, n == 6 ? 1 : runs, w);
    print_row("weir", n, ws, w);
    if (ws != expected[n - 5]) std::printf("  WRONG COUNT: expected %llu\n", static_cast<unsigned long long>(expected[n - 5]));
    if (!have_spin) continue;
    Sample s;
    const std::uint64_t ss = run_spin(shared, work, n, s);
    if (ss == 0) {
      std::printf("  spin  N=%d  failed (see %s/spin-n%d)\n", n, work.c_str(), n);
      continue;
    }
    print_row("spin", n, ss, s);
    std::printf("  weir is %.1fx SPIN's speed with %.1fx less memory per state\n", s.seconds / w.seconds,
                (s.max_rss_kb / static_cast<double>(ss)) / (w.max_rss_kb / static_cast<double>(ws)));
  }
  return 0;
}
