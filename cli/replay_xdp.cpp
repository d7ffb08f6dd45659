// `weir replay --impl beaver --backend xdp`: Beaver end to end through the kernel: the
// gateway on DPDK (weir-dp on a veth), the backends in eBPF (weir-xdp), a Linux router,
// in network namespaces that die with the run (harness/live run_xdp). What the kernels
// dropped is a violation in itself; otherwise the recorded execution is judged by check
// cut and its witness printed.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "checker/cut/cut.hpp"
#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "cli/report_files.hpp"

namespace weir::cli::replay {

namespace {
namespace fs = std::filesystem;

// weir-dp and weir-xdp are built beside weir.
std::string sibling(const std::string& name) {
  return fs::path(own_directory().value_or(".")) / name;
}
}  // namespace

std::string work_dir(const std::string& record) {
  if (!record.empty()) {
    std::error_code ec;
    fs::create_directories(record, ec);
    if (!ec) return record;
    std::cerr << "weir: replay: --record " << record << ": " << ec.message() << "\n";
    return "";
  }
  char tmpl[] = "/tmp/weir-live-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::cerr << "weir: replay: cannot make a scratch directory in /tmp\n";
    return "";
  }
  return tmpl;
}

int xdp(const Args& a) {
  const auto m = core::beaver::parse_mutant(a.mutant);
  if (!m) {
    std::cerr << "weir: replay beaver: --mutant " << a.mutant << ": not a mutant of the beaver cores\n";
    return kBadInput;
  }
  if (auto why = live::xdp_unsupported(*m)) {
    std::cerr << "weir: replay --backend xdp: --mutant " << *why << "\n";
    return kBadInput;
  }
  live::XdpScenario s;
  s.messages = a.messages;
  s.mutant = *m;
  s.weir_dp = sibling("weir-dp");
  s.weir_xdp = sibling("weir-xdp");
  const std::string dir = work_dir(a.record);
  if (dir.empty()) return kInternal;
  s.work_dir = fs::absolute(dir);
  std::cout << "beaver end to end: gateway on DPDK (weir-dp, net_af_packet), backends in eBPF (weir-xdp), mutant " << a.mutant
            << "\n";
  auto ran = live::run_xdp(s);
  auto cleanup = [&] {
    if (a.record.empty()) fs::remove_all(dir);
  };
  if (auto* why = std::get_if<std::string>(&ran)) {
    std::cerr << "weir: replay --backend xdp: the machine would not run it: " << *why << "\n";
    cleanup();
    return kUnknown;
  }
  const live::XdpRun& r = std::get<live::XdpRun>(ran);
  for (const std::string& line : r.log) std::cout << "  " << line << "\n";
  std::optional<std::string> why;
  if (!r.problems.empty()) why = r.problems.front();
  auto checked = cut::check(r.execution);
  if (auto* e = std::get_if<cut::ReadError>(&checked)) {
    std::cerr << "weir: internal error: the recorded execution is malformed: " << e->message() << "\n";
    cleanup();
    return kInternal;
  }
  const cut::Result& res = std::get<cut::Result>(checked);
  if (!why && !res.consistent) why = cut::explain(r.execution, res.violations.front());
  if (!a.record.empty()) {
    const bool written = write_file(dir + "/execution.jsonl", cut::to_jsonl(r.execution), "the run's execution");
    nlohmann::json summary = {{"impl", "beaver"}, {"backend", "xdp"}, {"mutant", a.mutant}, {"verdict", why ? "violation" : "holds"},
                              {"log", r.log}, {"problems", r.problems}, {"kernel_counters", r.counters}, {"consistent", res.consistent}};
    if (why) summary["witness"] = *why;
    if (!written || !write_file(dir + "/summary.json", summary.dump(2) + "\n", "the run's summary")) {
      cleanup();
      return kBadInput;
    }
    std::cout << "  recorded in " << dir << ": the execution for weir check cut (execution.jsonl), summary.json, clients.pcap, "
              << "each program's output and the workers' logs\n";
  }
  cleanup();
  if (why) {
    std::cout << "  VIOLATION: " << *why << "\n";
    return kViolation;
  }
  std::cout << "  holds: the cut of snapshot " << s.ssid << " over b0 and b1 is causally consistent (check cut, "
            << r.execution.events.size() << " events), and no kernel dropped a packet\n";
  return kHolds;
}

}  // namespace weir::cli::replay
