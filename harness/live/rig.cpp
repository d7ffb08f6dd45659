// The DPDK rig of harness/live: the EAL, one pool, ring ports made on first use.
#include "harness/live/hop.hpp"

namespace weir::live {

std::variant<std::unique_ptr<Rig>, std::string> Rig::make() {
  if (auto why = dp::start_eal()) return *why;
  auto impl = std::make_unique<Impl>();
  // One rig per process is the use; a second gets a pool of its own name.
  static int made = 0;
  impl->pool = std::make_unique<dp::Pool>("live" + std::to_string(made++), 2047);
  return std::unique_ptr<Rig>(new Rig(std::move(impl)));
}

Rig::Rig(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Rig::~Rig() = default;

std::pair<dp::Port*, dp::Port*> Rig::Impl::pair(unsigned i) {
  static int made = 0;  // ring and device names are process-wide
  while (ports.size() < 2 * (i + 1)) {
    const std::string name = std::string("live").append(std::to_string(made++));
    ports.push_back(dp::Port::ring(name, *pool));
  }
  return {ports[2 * i].get(), ports[2 * i + 1].get()};
}

namespace detail {

packet::DecodeError lost(const std::string& hop, const PortStats& before, const PortStats& after) {
  std::string why;
  if (after.refused > before.refused) why = "refused it (malformed or not IPv4)";
  else if (after.no_room > before.no_room) why = "had no headroom for the encapsulation";
  else if (after.tx_full > before.tx_full) why = "found its transmit ring full";
  else if (after.received == before.received) why = "never received it (its receive ring was full)";
  else why = "dropped it";
  return {"dpdk." + hop, 0, "the DPDK data plane " + why};
}

}  // namespace detail
}  // namespace weir::live
