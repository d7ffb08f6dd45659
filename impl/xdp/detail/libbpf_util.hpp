// What the loaders of impl/xdp share (internal): libbpf's messages kept for the error a
// user sees, tc programs attached to a clsact hook and taken off again, and programs run
// once on a test frame.
#pragma once

#include <bpf/libbpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "impl/xdp/xdp.hpp"
#include <variant>

namespace weir::xdp::detail {

// Starts keeping libbpf's messages (of this thread) from now on.
void keep_libbpf_log();
// The last of them, as " (libbpf: ...)", or "" when there are none.
std::string libbpf_tail();

struct TcProgram {
  int ifindex = 0;
  bpf_tc_attach_point point = BPF_TC_INGRESS;
  bool made_hook = false;  // clsact was ours to make, so ours to remove
  unsigned handle = 0, priority = 0;
};
// Attaches `prog_fd` at `point` of device `dev` (clsact made if missing); why not, or it.
std::variant<TcProgram, std::string> attach_tc(const std::string& dev, bpf_tc_attach_point point, int prog_fd);
void detach_tc(const TcProgram& t);

// Runs `prog_fd` once on `frame` (BPF_PROG_TEST_RUN), attached nowhere.
std::variant<TestRun, std::string> test_run(int prog_fd, const std::vector<std::uint8_t>& frame);

}  // namespace weir::xdp::detail
