// libbpf's log, tc attachments and test runs for impl/xdp's loaders (libbpf_util.hpp).
#include "impl/xdp/detail/libbpf_util.hpp"

#include <bpf/bpf.h>

#include <net/if.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace weir::xdp::detail {

namespace {

thread_local std::string libbpf_log;

int keep(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char line[512];
  vsnprintf(line, sizeof line, fmt, args);
  if (libbpf_log.size() < 4000) libbpf_log.append(line);
  return 0;
}

}  // namespace

void keep_libbpf_log() {
  libbpf_set_print(keep);
  libbpf_log.clear();
}

std::string libbpf_tail() {
  const std::string tail = libbpf_log.size() > 600 ? libbpf_log.substr(libbpf_log.size() - 600) : libbpf_log;
  return tail.empty() ? "" : " (libbpf: " + tail.substr(0, tail.find_last_not_of('\n') + 1) + ")";
}

std::variant<TcProgram, std::string> attach_tc(const std::string& dev, bpf_tc_attach_point point, int prog_fd) {
  const int ifindex = static_cast<int>(if_nametoindex(dev.c_str()));
  if (ifindex == 0) return "no device " + dev + " in this network namespace";
  libbpf_log.clear();
  bpf_tc_hook hook{};
  hook.sz = sizeof hook;
  hook.ifindex = ifindex;
  hook.attach_point = point;
  const int made = bpf_tc_hook_create(&hook);
  if (made != 0 && made != -EEXIST) return "cannot add clsact to " + dev + ": " + std::strerror(-made);
  TcProgram t{ifindex, point, made == 0, 0, 0};
  bpf_tc_opts opts{};
  opts.sz = sizeof opts;
  opts.prog_fd = prog_fd;
  if (int err = bpf_tc_attach(&hook, &opts); err != 0) {
    if (t.made_hook) {
      hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
      bpf_tc_hook_destroy(&hook);
    }
    return std::string("cannot attach tc ") + (point == BPF_TC_INGRESS ? "ingress" : "egress") + " to " + dev + ": " +
           std::strerror(-err) + libbpf_tail();
  }
  t.handle = opts.handle;
  t.priority = opts.priority;
  return t;
}

void detach_tc(const TcProgram& t) {
  bpf_tc_hook hook{};
  hook.sz = sizeof hook;
  hook.ifindex = t.ifindex;
  hook.attach_point = t.point;
  bpf_tc_opts o{};
  o.sz = sizeof o;
  o.handle = t.handle;
  o.priority = t.priority;
  bpf_tc_detach(&hook, &o);
  if (t.made_hook) {
    hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
    bpf_tc_hook_destroy(&hook);
  }
}

std::variant<TestRun, std::string> test_run(int prog_fd, const std::vector<std::uint8_t>& frame) {
  // Room for what a program may add in front or behind (XDP's head and tail room).
  std::vector<std::uint8_t> out(frame.size() + 512);
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = out.data(),
              .data_size_in = static_cast<__u32>(frame.size()), .data_size_out = static_cast<__u32>(out.size()), .repeat = 1);
  if (int err = bpf_prog_test_run_opts(prog_fd, &opts); err != 0)
    return std::string("the kernel would not run the program on a test frame: ") + std::strerror(-err) + libbpf_tail();
  out.resize(opts.data_size_out);
  return TestRun{static_cast<int>(opts.retval), std::move(out)};
}

}  // namespace weir::xdp::detail
