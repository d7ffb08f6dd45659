// The `weir` command: each subcommand registers itself on the CLI11 app and returns the
// function that runs it. Exit codes are the same everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace weir::cli {

// 4: an internal error, a bug in Weir (never a verdict on the input).
enum Exit : int { kHolds = 0, kViolation = 1, kBadInput = 2, kUnknown = 3, kInternal = 4 };

// Of several verdicts, the one to exit with: bad input over a violation over unknown.
int worst(int a, int b);

// One JSON value on one line. Bytes that are not UTF-8 (an EDN value, a file name) come
// out as U+FFFD instead of aborting the whole run: every file still gets its verdict.
std::string json_text(const nlohmann::json& j);

// The file written beside a JSON file: "run.json" and ".execution.jsonl" make
// "run.execution.jsonl" (a name without ".json" keeps it whole).
std::string beside_json(const std::string& json_file, const std::string& suffix);
// The side file beside `main_file` (beside_json), only when that is a regular file in a
// folder this process may write: never /dev/null.execution.jsonl or /dev/reproducer.json.
std::optional<std::string> side_file(const std::string& main_file, const std::string& suffix);

// A file that could not be read or judged: its message on stderr and, with --json, its
// verdict "error" on stdout, so that a run over many files reports each one.
void report_bad_input(const std::string& file, const std::string& message, std::size_t line,
                      const std::string& cause, bool json);

using Runner = std::function<int()>;
Runner add_check_lin(CLI::App& check);
Runner add_check_cut(CLI::App& check);
Runner add_explore(CLI::App& app);
Runner add_bound(CLI::App& app);
Runner add_fuzz(CLI::App& app);
Runner add_replay(CLI::App& app);
Runner add_trace(CLI::App& app);

// The commands that need the heavy libraries: Z3 (bound), Boost.Fiber (fuzz), DPDK, libbpf
// and libpcap (replay, trace). Loading those costs a few milliseconds per process, more
// than checking a typical history takes, so `weir` itself is built without them and hands
// these commands to `weir-full` beside it (cli/forward.hpp); `weir-full` has them all.
struct Backends {
  std::function<Runner(CLI::App&)> bound, fuzz, replay, trace;
};

// What each backend command says of itself in `weir --help`, the same in both binaries.
inline constexpr const char* kBoundAbout = "validate a timing bound with Z3";
inline constexpr const char* kFuzzAbout = "fuzz a protocol's cores in the deterministic simulator";
inline constexpr const char* kReplayAbout = "run a protocol with its data plane on DPDK, judged by the checkers";
inline constexpr const char* kTraceAbout = "judge production captures (pcap, pcapng)";

// The directory this executable is in (weir-full, weir-xdp and weir itself are installed
// together); nothing when /proc/self/exe cannot be read.
std::optional<std::string> own_directory();

// This process's command line, as weir_main was given it.
const std::vector<std::string>& invocation();

// `weir merge` and `weir swarm` (cli/merge.cpp, cli/swarm.cpp).
Runner add_merge(CLI::App& app);
Runner add_swarm(CLI::App& app);

// The whole `weir` command line: parse, run the chosen command, exit with its verdict.
int weir_main(int argc, char** argv, const Backends& backends);

}  // namespace weir::cli
