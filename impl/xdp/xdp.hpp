// impl/xdp: the protocols' programs in the Linux kernel, as eBPF.
//
// Beaver's backend agent in the Linux kernel, as eBPF (beaver_backend.bpf.c):
// XDP on ingress decapsulates the gateways' packets and adopts newer snapshot ids, tc on
// egress stamps the id into in-group traffic. This loads the programs (libbpf 1.x, the
// object built with clang and linked into the binary), attaches them to devices of the
// current network namespace, and reads back what they did: the snapshot events from a
// ring buffer, the id, the counters. Everything attached is detached when the object
// goes away.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "impl/capybara/capybara.hpp"
#include "impl/core/beaver.hpp"

namespace weir::xdp {

struct Config {
  std::vector<std::string> devices;  // XDP ingress and tc egress on each
  std::uint32_t group_prefix = 0, group_mask = 0;
  std::uint16_t backend_port = 9000;
  std::uint32_t ssid = 0;  // the id it starts at
  // The core mutants the kernel programs can plant: no-checksum-fix, untagged-internal,
  // ttl-underflow (the others live in the gateway, the initiator or user space).
  core::beaver::Mutant mutant = core::beaver::Mutant::None;
};

// Why `m` cannot be planted in the eBPF backend, or nothing.
std::optional<std::string> unsupported(core::beaver::Mutant m);

// A change of the node's id: a snapshot, taken by the kernel.
struct Event {
  std::uint32_t from = 0, to = 0;
  std::uint64_t time_ns = 0;  // CLOCK_MONOTONIC
  bool in_group = false;      // learnt from in-group traffic (else from a gateway's packet)
};

// A program run once on a synthetic frame, attached nowhere (the kernel's
// BPF_PROG_TEST_RUN): for tests of every branch, map effect and checksum without a
// network. `verdict` is XDP_* or TC_ACT_*; `frame` is the frame as the program left it.
struct TestRun {
  int verdict = 0;
  std::vector<std::uint8_t> frame;
};

struct Stats {
  std::uint64_t decapsulated = 0, in_group = 0, adopted = 0, stamped = 0, malformed = 0, events_lost = 0;
};

class Backend {
 public:
  // Loads and attaches; why not (no permission, no BPF, an unknown device), or the backend.
  static std::variant<std::unique_ptr<Backend>, std::string> attach(const Config& c);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // The events the kernel reported, waiting up to `timeout_ms` for the first.
  std::vector<Event> poll(int timeout_ms);
  // The XDP ingress or tc egress program run on one frame (Config::devices may be empty:
  // loaded, attached nowhere); why not, or what it did.
  std::variant<TestRun, std::string> run_ingress(const std::vector<std::uint8_t>& frame) const;
  std::variant<TestRun, std::string> run_egress(const std::vector<std::uint8_t>& frame) const;
  std::uint32_t ssid() const;
  Stats stats() const;

  struct Impl;

 private:
  explicit Backend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- Capybara's switch (capybara_switch.bpf.c) ----
//
// A tc program on every port of a Linux router: the migration directory (a BPF map),
// clients' packets to the service address sent to their connection's owner, the owner's
// packets given the service address back, frozen connections held, a stale server's
// packets dropped. The agents (impl/capybara) update the directory through set().

struct SwitchConfig {
  std::vector<std::string> devices;  // tc ingress on each
  std::uint32_t service_ip = 0;      // host order
  std::uint16_t service_port = 0;
  std::uint32_t default_owner = 0;   // where new connections go
};

struct SwitchStats {
  std::uint64_t to_owner = 0, from_owner = 0, held = 0, stale = 0, new_flows = 0;
};

// One connection's entry.
struct DirectoryEntry {
  std::uint32_t owner = 0;
  bool rewrite = false, frozen = false;
  std::uint64_t passed = 0, held = 0, stale = 0;
};

class CapybaraSwitch : public capybara::Directory {
 public:
  static std::variant<std::unique_ptr<CapybaraSwitch>, std::string> attach(const SwitchConfig& c);
  ~CapybaraSwitch() override;
  CapybaraSwitch(const CapybaraSwitch&) = delete;
  CapybaraSwitch& operator=(const CapybaraSwitch&) = delete;

  std::optional<std::string> set(capybara::Flow f, std::uint32_t owner, bool rewrite, bool frozen) override;
  std::optional<DirectoryEntry> entry(capybara::Flow f) const;
  SwitchStats stats() const;
  // The tc program run on one frame (SwitchConfig::devices may be empty); as Backend's.
  std::variant<TestRun, std::string> run(const std::vector<std::uint8_t>& frame) const;

  struct Impl;

 private:
  explicit CapybaraSwitch(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace weir::xdp
