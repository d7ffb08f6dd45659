// Captures (trace/): any bytes as a pcap or pcapng file, read and extracted as Pegasus
// operations and a Beaver execution, and judged as Capybara traffic. No crash, the same answer twice, an error that names a frame no further than
// one past those read, and operations whose returns do not precede their calls.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/fuzz/fuzz.hpp"
#include "checker/cut/cut.hpp"
#include "trace/beaver.hpp"
#include "trace/capybara.hpp"
#include "trace/pegasus.hpp"

namespace weir::fuzz {
namespace {

struct Outcome {
  std::string error;
  std::uint64_t frames = 0, packets = 0;
  std::string history;
};

Outcome read_once(const std::string& path) {
  Outcome o;
  trace::Stats stats;
  trace::pegasus::Extractor x;
  trace::beaver::Options bo;
  bo.threshold_us = 33;
  trace::beaver::Extractor bx(bo);
  trace::capybara::Judge cj({0x0a090064, 8000, packet::capybara::kControlPort});
  const auto err = trace::read({path}, [&](const trace::Packet& p) {
    ++o.packets;
    x.add(p);
    bx.add(p);
    cj.add(p);
  }, stats);
  if (err) {
    o.error = err->message();
    require(err->frame <= stats.frames + 1, "an error at a frame past the ones read");
  }
  o.frames = stats.frames;
  // Capybara's verdict is part of the answer that must come out the same twice.
  const auto cr = std::move(cj).finish();
  for (const auto& v : cr.violations) o.history += v.invariant + " " + v.what + "\n";
  for (const auto& m : cr.migrations) require(!m.frozen_ns || (m.prepare_ns && m.load_ns), "a frozen time without its LOAD");
  const auto e = std::move(x).finish();
  for (const auto& op : e.ops) require(!op.ret_ns || *op.ret_ns >= op.call_ns, "an operation that returns before its call");
  o.history = trace::pegasus::history_jsonl(e.ops);
  // Whatever the capture, Beaver's extraction is an execution the cut checker reads.
  const auto be = std::move(bx).finish([](trace::beaver::FrameRef) { return std::string("#"); });
  if (be.execution_jsonl.empty()) return o;  // no Beaver traffic: nothing to judge (the CLI says so)
  auto parsed = cut::parse_execution(be.execution_jsonl, "capture");
  if (auto* re = std::get_if<cut::ReadError>(&parsed)) throw ContractBroken("Beaver's extraction made an unreadable execution: " + re->message());
  require(std::holds_alternative<cut::Result>(cut::check(std::get<cut::Execution>(parsed))), "Beaver's extraction made a causal cycle");
  o.history += be.execution_jsonl;
  return o;
}

}  // namespace

int capture(const std::uint8_t* data, std::size_t size) {
  // libpcap reads files: this process's own scratch file, rewritten per input.
  static const std::string path = "/tmp/weir-fuzz-capture-" + std::to_string(getpid()) + ".pcap";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const Outcome a = read_once(path), b = read_once(path);
  require(a.error == b.error && a.frames == b.frames && a.history == b.history, "reading one capture twice gave two answers");
  require(a.packets <= a.frames, "more packets than frames");
  return 0;
}

}  // namespace weir::fuzz
