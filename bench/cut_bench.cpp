// Figures for `weir check cut`: events per second of the causal pass on 64 processes,
// at several sizes (it should not fall as executions grow: the pass is linear), of the
// JSONL reader, of the whole command as a user runs it, and of two hostile shapes: many
// processes each recording only its own id (every id incomplete), and message ids that
// are large, sparse numbers.
//   cut_bench [--weir build/weir] [--work DIR] [--events N] [--runs R]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "bench/spawn.hpp"
#include "checker/cut/cut.hpp"

namespace {

namespace fs = std::filesystem;
using weir::cut::Event;
using weir::cut::Execution;
using weir::cut::Kind;

constexpr std::uint32_t kProcesses = 64;
constexpr std::uint32_t kOutGroup = 16;  // the last 16 are black boxes

// A random run of 64 processes built straight into an Execution (the builder's checks
// are the reader's cost, measured on their own below): sends to anyone, receives in any
// order, and every in-group process recording a snapshot at four instants.
Execution generate(std::size_t events, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Execution x;
  x.file = "<generated>";
  for (std::uint32_t p = 0; p < kProcesses; ++p)
    x.processes.push_back({std::string("p").append(std::to_string(p)),
                           p < kProcesses - kOutGroup ? weir::cut::Group::In : weir::cut::Group::Out, {}});
  std::vector<std::deque<std::uint32_t>> inbox(kProcesses);
  x.events.reserve(events);
  std::uint64_t ssid = 0;
  auto push = [&](Event e) {
    e.index = static_cast<std::uint32_t>(x.processes[e.process].events.size());
    e.line = static_cast<std::uint32_t>(x.events.size() + 1);
    x.processes[e.process].events.push_back(static_cast<std::uint32_t>(x.events.size()));
    x.events.push_back(e);
  };
  while (x.events.size() < events) {
    if (x.events.size() % (events / 4 + 1) == events / 8) {
      ++ssid;
      for (std::uint32_t p = 0; p < kProcesses - kOutGroup; ++p) {
        Event s;
        s.process = p;
        s.kind = Kind::Snapshot;
        s.ssid = ssid;
        push(s);
      }
      continue;
    }
    const auto r = rng();
    Event e;
    e.process = static_cast<std::uint32_t>(r % kProcesses);
    const unsigned what = (r >> 8) % 10;
    if (what < 5 && !inbox[e.process].empty()) {
      e.kind = Kind::Recv;
      std::deque<std::uint32_t>& in = inbox[e.process];
      const std::size_t k = (r >> 16) % std::min<std::size_t>(in.size(), 4);  // a little reordering
      e.message = in[k];
      in.erase(in.begin() + static_cast<std::ptrdiff_t>(k));
      x.messages[e.message].recv = static_cast<std::uint32_t>(x.events.size());
    } else if (what < 9) {
      e.kind = Kind::Send;
      e.message = static_cast<std::uint32_t>(x.messages.size());
      const auto to = static_cast<std::uint32_t>((e.process + 1 + (r >> 24) % (kProcesses - 1)) % kProcesses);
      x.messages.push_back({static_cast<std::uint32_t>(x.events.size()), weir::cut::kNone, to, e.message});
      inbox[to].push_back(e.message);
    }
    push(e);
  }
  return x;
}

void write_jsonl(const Execution& x, const std::string& path) {
  std::ofstream out(path);
  std::string line;
  for (const Event& e : x.events) {
    line.assign("{\"process\":\"").append(x.processes[e.process].name).append("\"");
    if (e.index == 0 && x.processes[e.process].group == weir::cut::Group::Out) line += ",\"group\":\"out\"";
    switch (e.kind) {
      case Kind::Send: line.append(",\"kind\":\"send\",\"msg\":").append(x.message_id(e.message)); break;
      case Kind::Recv: line.append(",\"kind\":\"recv\",\"msg\":").append(x.message_id(e.message)); break;
      case Kind::Local: line += ",\"kind\":\"local\""; break;
      case Kind::Snapshot: line.append(",\"kind\":\"snapshot\",\"ssid\":").append(std::to_string(e.ssid)); break;
    }
    line += "}\n";
    out << line;
  }
}

template <class F>
double best_of(int runs, F&& f) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::string weir = "build/weir", work = "build/bench-data";
  std::size_t top = 10'000'000;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--weir") weir = argv[i + 1];
    else if (k == "--work") work = argv[i + 1];
    else if (k == "--events") top = std::stoull(argv[i + 1]);
    else if (k == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "cut_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::printf("causal pass (weir::cut::check), %u processes (%u out-group), best of %d; target 10 M events/s\n",
              kProcesses, kOutGroup, runs);
  Execution largest;
  for (std::size_t n : {top / 8, top / 4, top / 2, top}) {
    Execution x = generate(n, 42);
    bool consistent = false;
    const double s = best_of(runs, [&] {
      auto r = weir::cut::check(x);
      consistent = std::get<weir::cut::Result>(r).consistent;
    });
    std::printf("  %10zu events  %7.1f ms  %6.1f M events/s  %s  %s\n", n, s * 1e3, n / s / 1e6,
                consistent ? "consistent" : "INCONSISTENT (wrong)", n / s >= 10e6 ? "met" : "MISS");
    std::fflush(stdout);
    if (n == top) largest = std::move(x);
  }
  fs::create_directories(work);
  const std::string file = std::string(work).append("/cut-").append(std::to_string(top)).append(".jsonl");
  if (!fs::exists(file)) write_jsonl(largest, file);
  // A spawned child shares this process's memory until it execs, and the kernel counts
  // that in the child's peak: give the generated execution back before measuring one.
  largest = Execution{};
  malloc_trim(0);
  const double mb = static_cast<double>(fs::file_size(file)) / 1e6;
  const double read_s = best_of(runs, [&] { (void)weir::cut::read_execution(file); });
  std::printf("reader (JSONL, %.0f MB):       %7.1f ms  %6.1f M events/s  %6.0f MB/s\n", mb, read_s * 1e3,
              top / read_s / 1e6, mb / read_s);
  std::vector<weir::bench::Sample> samples;
  for (int i = 0; i < runs; ++i) samples.push_back(weir::bench::run_once({weir, "check", "cut", file}));
  std::sort(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.seconds < b.seconds; });
  const auto& median = samples[samples.size() / 2];
  std::printf("weir check cut (whole command): median %7.1f ms  %6.1f M events/s (best %.1f ms, worst %.1f ms, "
              "of %zu)  %.0f MB peak  exit %d  target 5 M events/s %s\n",
              median.seconds * 1e3, top / median.seconds / 1e6, samples.front().seconds * 1e3,
              samples.back().seconds * 1e3, samples.size(), median.max_rss_kb / 1024.0, median.exit,
              top / median.seconds >= 5e6 ? "met" : "MISS");
  // Hostile shapes (issue 13): were cubic in the processes, and a 256 MB table for one id.
  for (std::uint32_t procs : {4000u, 16000u}) {
    std::string text;
    for (std::uint32_t p = 0; p < procs; ++p)
      text.append("{\"process\":\"p").append(std::to_string(p)).append("\",\"kind\":\"snapshot\",\"ssid\":")
          .append(std::to_string(p)).append("}\n");
    std::size_t incomplete = 0;
    const double t = best_of(runs, [&] {
      auto x = weir::cut::parse_execution(text, "own-ids");
      auto r = weir::cut::check(std::get<Execution>(x));
      incomplete = std::get<weir::cut::Result>(r).violations.size();
    });
    std::printf("own ids only, %5u processes (%3.0f KB): %7.1f ms  %zu incomplete ids\n", procs, text.size() / 1e3,
                t * 1e3, incomplete);
  }
  {
    std::string text;
    for (std::uint64_t i = 0; i < 100000; ++i) {
      // Below 2^26, where every numbered id used to index a flat table: 256 MB for one id.
      const std::string id = std::to_string(67108863 - i * 613);
      text.append("{\"process\":\"p\",\"kind\":\"send\",\"msg\":").append(id).append("}\n");
      text.append("{\"process\":\"q\",\"kind\":\"recv\",\"msg\":").append(id).append("}\n");
    }
    const double t = best_of(runs, [&] { (void)weir::cut::parse_execution(text, "sparse-ids"); });
    std::printf("sparse numeric message ids, 200000 events: %7.1f ms  %5.1f M events/s\n", t * 1e3, 0.2 / t);
  }
  return 0;
}
