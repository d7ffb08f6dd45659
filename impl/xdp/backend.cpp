// Loading, attaching and reading Beaver's eBPF backend (impl/xdp) with libbpf 1.x.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <utility>

#include "impl/xdp/beaver_maps.h"
#include "impl/xdp/detail/libbpf_util.hpp"
#include "impl/xdp/xdp.hpp"

// The object file clang built, linked in (impl/xdp/embed.cmake).
extern const unsigned char weir_beaver_backend_bpf[];
extern const unsigned long weir_beaver_backend_bpf_size;

namespace weir::xdp {

namespace {


std::uint8_t mutant_code(core::beaver::Mutant m) {
  switch (m) {
    case core::beaver::Mutant::NoChecksumFix: return BEAVER_MUTANT_NO_CHECKSUM_FIX;
    case core::beaver::Mutant::UntaggedInternal: return BEAVER_MUTANT_UNTAGGED_INTERNAL;
    case core::beaver::Mutant::TtlUnderflow: return BEAVER_MUTANT_TTL_UNDERFLOW;
    default: return BEAVER_MUTANT_NONE;
  }
}

}  // namespace

std::optional<std::string> unsupported(core::beaver::Mutant m) {
  if (m == core::beaver::Mutant::None || mutant_code(m) != BEAVER_MUTANT_NONE) return std::nullopt;
  return std::string(core::beaver::mutants()[static_cast<std::size_t>(m)].name) +
         " is not the backend's in the kernel: the eBPF backend plants no-checksum-fix, untagged-internal and ttl-underflow";
}

struct Backend::Impl {
  bpf_object* obj = nullptr;
  ring_buffer* rb = nullptr;
  int ssid_fd = -1, stats_fd = -1, ingress_fd = -1, egress_fd = -1;
  std::vector<int> xdp_on;  // ifindexes with our XDP program
  std::vector<detail::TcProgram> tc_on;
  std::vector<Event> pending;

  ~Impl() {
    for (const detail::TcProgram& t : tc_on) detail::detach_tc(t);
    for (int ifindex : xdp_on) bpf_xdp_detach(ifindex, 0, nullptr);
    if (rb) ring_buffer__free(rb);
    if (obj) bpf_object__close(obj);
  }
};

Backend::Backend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Backend::~Backend() = default;

std::variant<std::unique_ptr<Backend>, std::string> Backend::attach(const Config& c) {
  if (auto why = unsupported(c.mutant)) return *why;
  detail::keep_libbpf_log();
  auto impl = std::make_unique<Impl>();
  LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "weir_beaver");
  impl->obj = bpf_object__open_mem(weir_beaver_backend_bpf, weir_beaver_backend_bpf_size, &open_opts);
  if (!impl->obj) return std::string("cannot open the eBPF object: ") + std::strerror(errno) + detail::libbpf_tail();
  if (int err = bpf_object__load(impl->obj); err != 0)
    return std::string("the kernel would not load the eBPF programs: ") + std::strerror(-err) +
           (-err == EPERM ? " (BPF needs CAP_BPF and CAP_NET_ADMIN: run as root)" : "") + detail::libbpf_tail();
  const int config_fd = bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "config"));
  impl->ssid_fd = bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "ssid"));
  impl->stats_fd = bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "stats"));
  beaver_config cfg{c.group_prefix, c.group_mask, c.backend_port, mutant_code(c.mutant), 0};
  const std::uint32_t zero = 0;
  if (bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY) != 0 || bpf_map_update_elem(impl->ssid_fd, &zero, &c.ssid, BPF_ANY) != 0)
    return std::string("cannot write the eBPF maps: ") + std::strerror(errno);
  Impl* raw = impl.get();
  impl->rb = ring_buffer__new(
      bpf_map__fd(bpf_object__find_map_by_name(impl->obj, "events")),
      [](void* ctx, void* data, std::size_t size) -> int {
        if (size < sizeof(beaver_event)) return 0;
        beaver_event e;
        std::memcpy(&e, data, sizeof e);
        static_cast<Impl*>(ctx)->pending.push_back({e.from, e.to, e.time_ns, e.via == BEAVER_VIA_IN_GROUP});
        return 0;
      },
      raw, nullptr);
  if (!impl->rb) return std::string("cannot open the events ring buffer: ") + std::strerror(errno);
  const int ingress = impl->ingress_fd = bpf_program__fd(bpf_object__find_program_by_name(impl->obj, "beaver_ingress"));
  const int egress = impl->egress_fd = bpf_program__fd(bpf_object__find_program_by_name(impl->obj, "beaver_egress"));
  for (const std::string& dev : c.devices) {
    const int ifindex = static_cast<int>(if_nametoindex(dev.c_str()));
    if (ifindex == 0) return "no device " + dev + " in this network namespace";
    if (int err = bpf_xdp_attach(ifindex, ingress, XDP_FLAGS_UPDATE_IF_NOEXIST, nullptr); err != 0)
      return "cannot attach XDP to " + dev + ": " + std::strerror(-err) +
             (-err == EBUSY || -err == EEXIST ? " (another XDP program is attached)" : "") + detail::libbpf_tail();
    impl->xdp_on.push_back(ifindex);
    auto tc = detail::attach_tc(dev, BPF_TC_EGRESS, egress);
    if (auto* e = std::get_if<std::string>(&tc)) return *e;
    impl->tc_on.push_back(std::get<detail::TcProgram>(tc));
  }
  return std::unique_ptr<Backend>(new Backend(std::move(impl)));
}

std::vector<Event> Backend::poll(int timeout_ms) {
  ring_buffer__poll(impl_->rb, timeout_ms);
  return std::exchange(impl_->pending, {});
}

std::variant<TestRun, std::string> Backend::run_ingress(const std::vector<std::uint8_t>& frame) const {
  return detail::test_run(impl_->ingress_fd, frame);
}
std::variant<TestRun, std::string> Backend::run_egress(const std::vector<std::uint8_t>& frame) const {
  return detail::test_run(impl_->egress_fd, frame);
}

std::uint32_t Backend::ssid() const {
  const std::uint32_t zero = 0;
  std::uint32_t v = 0;
  bpf_map_lookup_elem(impl_->ssid_fd, &zero, &v);
  return v;
}

Stats Backend::stats() const {
  const int cpus = libbpf_num_possible_cpus();
  std::vector<std::uint64_t> per_cpu(static_cast<std::size_t>(cpus > 0 ? cpus : 1));
  std::uint64_t total[BEAVER_STAT_COUNT] = {};
  for (std::uint32_t k = 0; k < BEAVER_STAT_COUNT; ++k)
    if (bpf_map_lookup_elem(impl_->stats_fd, &k, per_cpu.data()) == 0)
      for (std::uint64_t v : per_cpu) total[k] += v;
  return {total[BEAVER_STAT_DECAPSULATED], total[BEAVER_STAT_IN_GROUP], total[BEAVER_STAT_ADOPTED],
          total[BEAVER_STAT_STAMPED],      total[BEAVER_STAT_MALFORMED], total[BEAVER_STAT_EVENTS_LOST]};
}

}  // namespace weir::xdp
