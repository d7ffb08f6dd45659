// Loading Capybara's switch (capybara_switch.bpf.c) and updating its directory.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "impl/xdp/capybara_maps.h"
#include "impl/xdp/detail/libbpf_util.hpp"
#include "impl/xdp/xdp.hpp"

// The object file clang built, linked in (impl/xdp/embed.cmake).
extern const unsigned char weir_capybara_switch_bpf[];
extern const unsigned long weir_capybara_switch_bpf_size;

namespace weir::xdp {

struct CapybaraSwitch::Impl {
  bpf_object* obj = nullptr;
  int directory_fd = -1, stats_fd = -1, prog_fd = -1;
  std::vector<detail::TcProgram> tc_on;
  std::mutex updates;  // agents of several servers update entries: read, change, write

  ~Impl() {
    for (const detail::TcProgram& t : tc_on) detail::detach_tc(t);
    if (obj) bpf_object__close(obj);
  }
};

CapybaraSwitch::CapybaraSwitch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CapybaraSwitch::~CapybaraSwitch() = default;

std::variant<std::unique_ptr<CapybaraSwitch>, std::string> CapybaraSwitch::attach(const SwitchConfig& c) {
  detail::keep_libbpf_log();
  auto impl = std::make_unique<Impl>();
  LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "weir_capybara");
  impl->obj = bpf_object__open_mem(weir_capybara_switch_bpf, weir_capybara_switch_bpf_size, &open_opts);
  if (!impl->obj) return std::string("cannot open the eBPF object: ") + std::strerror(errno) + detail::libbpf_tail();
  if (int err = bpf_object__load(impl->obj); err != 0)
    return std::string("the kernel would not load the switch: ") + std::strerror(-err) +
           (-err == EPERM ? " (BPF needs CAP_BPF and CAP_NET_ADMIN: run as root)" : "") + detail::libbpf_tail();
  const int config_fd = bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "config"));
  impl->directory_fd = bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "directory"));
  impl->stats_fd = bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "stats"));
  capybara_config cfg{c.service_ip, c.default_owner, c.service_port, 0};
  const std::uint32_t zero = 0;
  if (bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY) != 0)
    return std::string("cannot write the switch's configuration: ") + std::strerror(errno);
  const int prog = impl->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(impl->obj, "capybara_switch"));
  for (const std::string& dev : c.devices) {
    auto tc = detail::attach_tc(dev, BPF_TC_INGRESS, prog);
    if (auto* e = std::get_if<std::string>(&tc)) return *e;
    impl->tc_on.push_back(std::get<detail::TcProgram>(tc));
  }
  return std::unique_ptr<CapybaraSwitch>(new CapybaraSwitch(std::move(impl)));
}

std::variant<TestRun, std::string> CapybaraSwitch::run(const std::vector<std::uint8_t>& frame) const {
  return detail::test_run(impl_->prog_fd, frame);
}

std::optional<std::string> CapybaraSwitch::set(capybara::Flow f, std::uint32_t owner, bool rewrite, bool frozen) {
  const capybara_flow key{f.client_ip, f.client_port, 0};
  std::lock_guard lock(impl_->updates);
  capybara_entry e{};
  bpf_map_lookup_elem(impl_->directory_fd, &key, &e);  // keeps the counters, if it has any
  e.owner = owner;
  e.flags = (rewrite ? CAPYBARA_REWRITE : 0u) | (frozen ? CAPYBARA_FROZEN : 0u);
  if (bpf_map_update_elem(impl_->directory_fd, &key, &e, BPF_ANY) != 0)
    return std::string("cannot update the directory: ") + std::strerror(errno);
  return std::nullopt;
}

std::optional<DirectoryEntry> CapybaraSwitch::entry(capybara::Flow f) const {
  const capybara_flow key{f.client_ip, f.client_port, 0};
  capybara_entry e{};
  if (bpf_map_lookup_elem(impl_->directory_fd, &key, &e) != 0) return std::nullopt;
  return DirectoryEntry{e.owner, (e.flags & CAPYBARA_REWRITE) != 0, (e.flags & CAPYBARA_FROZEN) != 0, e.passed, e.held,
                        e.stale};
}

SwitchStats CapybaraSwitch::stats() const {
  const int cpus = libbpf_num_possible_cpus();
  std::uint64_t totals[CAPYBARA_STAT_COUNT] = {};
  std::vector<std::uint64_t> per_cpu(static_cast<std::size_t>(cpus > 0 ? cpus : 1));
  for (std::uint32_t k = 0; k < CAPYBARA_STAT_COUNT; ++k)
    if (bpf_map_lookup_elem(impl_->stats_fd, &k, per_cpu.data()) == 0)
      for (std::uint64_t v : per_cpu) totals[k] += v;
  return {totals[CAPYBARA_STAT_TO_OWNER], totals[CAPYBARA_STAT_FROM_OWNER], totals[CAPYBARA_STAT_HELD],
          totals[CAPYBARA_STAT_STALE], totals[CAPYBARA_STAT_NEW_FLOWS]};
}

}  // namespace weir::xdp
