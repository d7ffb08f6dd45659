// mutant_bench: are the planted bugs found with defaults alone (issue 28, section 7)? For
// every named mutant of the Beaver and Pegasus cores it runs, as a user would, `weir fuzz
// PROTOCOL --mutant M` and `weir replay --impl PROTOCOL --mutant M` with no other option
// but a time limit and no shrinking, and prints the seed that found it and the seconds it
// took (wall time of the whole process). Target: every mutant found from seed 1 within
// 10 s. Then the correct cores over many default seeds (target: none fails in 100,000).
//   mutant_bench [--weir build/weir] [--limit 60] [--correct-runs 100000] [--only fuzz|replay]
//                [--no-swarm]   (the defaults as they were before swarm testing, for comparison)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bench/spawn.hpp"

namespace {

struct Case {
  const char* protocol;
  std::vector<const char*> mutants;
};

const std::vector<Case> kCases = {
    {"beaver",
     {"mark-after-forward", "deliver-before-snapshot", "untagged-internal", "no-acceptance-check", "no-checksum-fix",
      "wrap-window-mismatch", "ttl-underflow"}},
    {"pegasus", {"no-version-check", "complete-on-forward", "read-any-server", "no-dedup"}},
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The seed named by the first line matching `pattern` (its group 1), or "-".
std::string seed_in(const std::string& out, const std::regex& pattern) {
  std::smatch m;
  return std::regex_search(out, m, pattern) ? m[1].str() : "-";
}

}  // namespace

int main(int argc, char** argv) {
  std::string weir = "build/weir", only;
  std::string limit = "60";
  std::string correct_runs = "100000";
  bool no_swarm = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-swarm") {
      no_swarm = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "mutant_bench: %s needs a value\n", a.c_str());
      return 2;
    }
    if (a == "--weir") weir = argv[++i];
    else if (a == "--limit") limit = argv[++i];
    else if (a == "--correct-runs") correct_runs = argv[++i];
    else if (a == "--only") only = argv[++i];
    else {
      std::fprintf(stderr, "mutant_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const std::string out = "/tmp/weir-mutant-bench.out", reproducer = "/tmp/weir-mutant-bench.json";
  const std::regex fuzz_found("FAILURE at seed ([0-9]+)"), replay_found("VIOLATION at seed ([0-9]+)");
  const std::regex mix("\n  mix: ([^\n]*)");
  std::printf("defaults only, from seed 1, no shrinking; limit %s s per case; target: each found within 10 s\n", limit.c_str());
  std::printf("%-8s %-7s %-24s %8s %9s  %s\n", "command", "impl", "mutant", "seed", "seconds", "mix drawn");
  for (const char* command : {"fuzz", "replay"}) {
    if (!only.empty() && only != command) continue;
    for (const Case& c : kCases)
      for (const char* m : c.mutants) {
        std::vector<std::string> args = {weir, command};
        if (std::string(command) == "fuzz")
          args.insert(args.end(), {c.protocol, "--mutant", m, "--no-shrink", "--time-limit", limit, "--runs", "1000000000",
                                   "--reproducer", reproducer});
        else
          args.insert(args.end(), {"--impl", c.protocol, "--mutant", m, "--duration", limit, "--runs", "1000000000"});
        if (no_swarm) args.push_back("--no-swarm");
        const auto s = weir::bench::run_once(args, out);
        const std::string text = slurp(out);
        const std::string seed = seed_in(text, std::string(command) == "fuzz" ? fuzz_found : replay_found);
        const std::string drawn = seed == "-" ? "(not found: exit " + std::to_string(s.exit) + ")" : seed_in(text, mix);
        std::printf("%-8s %-7s %-24s %8s %9.2f  %s\n", command, c.protocol, m, seed.c_str(), s.seconds, drawn.c_str());
        std::fflush(stdout);
      }
  }
  if (only.empty() || only == "fuzz") {
    std::printf("correct cores, weir fuzz with defaults, %s seeds from seed 1:\n", correct_runs.c_str());
    for (const Case& c : kCases) {
      std::vector<std::string> args = {weir, "fuzz", c.protocol, "--runs", correct_runs, "--no-shrink", "--reproducer", reproducer};
      if (no_swarm) args.push_back("--no-swarm");
      const auto s = weir::bench::run_once(args, out);
      std::printf("  %-8s exit %d in %.1f s (%s)\n", c.protocol, s.exit, s.seconds, s.exit == 0 ? "holds" : "FAILED");
      std::fflush(stdout);
    }
  }
}
