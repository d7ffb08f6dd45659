// The data plane's decisions allocate nothing once the element is made: Pegasus's
// Switch::route (directory fixed at construction, per-client state in an array) and
// Beaver's Gateway::mark (flows in one array made up front), counted by a replacement
// operator new that counts only while a test asks it to.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "impl/core/beaver.hpp"
#include "impl/core/pegasus.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

// Every unaligned form, new and delete alike, so that any pair the library uses (the
// nothrow new of std::get_temporary_buffer, say) meets its own kind: under ASan a mixed
// pair is an alloc-dealloc mismatch. The aligned forms stay the runtime's, in pairs.
namespace {
void* counted(std::size_t n) noexcept {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
}  // namespace
void* operator new(std::size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
// These replace the global operators, so free() matches the malloc() of counted(): GCC's
// -Wmismatched-new-delete cannot see that at -O1 and calls it a mismatch.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace weir {
namespace {

// Allocations made by `f`.
template <class F>
long allocations_of(F&& f) {
  allocations = 0;
  counting = true;
  f();
  counting = false;
  return allocations.load();
}

TEST(FastPath, PegasusSwitchRouteAllocatesNothing) {
  namespace cp = core::pegasus;
  cp::Topology t;
  t.switch_ip = 0x0a000001;
  t.servers = {0x0a000101, 0x0a000102, 0x0a000103};
  for (std::uint32_t c = 0; c < 40; ++c) t.clients.push_back(0x0a000200 + c + 1);
  cp::Switch sw(t, {7, 8});
  std::vector<packet::Bytes> frames;
  for (std::uint8_t c = 0; c < 40; ++c) {  // every client, hot and cold keys, reads and writes
    cp::Client client(c, t);
    for (std::uint32_t k : {7u, 8u, 99u})
      frames.push_back(c % 2 ? client.issue(cp::Client::Kind::Get, k) : client.issue(cp::Client::Kind::Put, k, packet::Bytes{'v'}));
  }
  long routed = 0;
  const long n = allocations_of([&] {
    for (auto& f : frames) routed += std::holds_alternative<std::optional<std::uint32_t>>(sw.route(f));
  });
  EXPECT_EQ(routed, static_cast<long>(frames.size()));
  EXPECT_EQ(n, 0) << "Switch::route allocated on the fast path (first use of a client or key)";
}

TEST(FastPath, BeaverGatewayMarkAllocatesNothing) {
  namespace cb = core::beaver;
  cb::GatewayConfig c;
  c.ip = 0x0a000001;
  c.backends = {0x0a010001, 0x0a010002};
  c.group_prefix = 0x0a010000;
  c.group_mask = 0xffff0000;
  c.flows = 1024;
  cb::Gateway gw(c);
  std::vector<packet::Bytes> frames;
  for (std::uint16_t i = 0; i < 500; ++i) {
    packet::Ipv4 ip;
    ip.src = 0xc0a80001 + i % 50;
    ip.dst = 0x0a000064;
    frames.push_back(packet::encode_udp({}, ip, packet::Udp{static_cast<std::uint16_t>(1000 + i), 80}, packet::Bytes(8, 'x')));
  }
  long marked = 0;
  const long n = allocations_of([&] {
    for (const auto& f : frames) marked += std::holds_alternative<cb::Marking>(gw.mark(f));
  });
  EXPECT_EQ(marked, 500);
  EXPECT_EQ(n, 0) << "Gateway::mark allocated on the fast path";
}

}  // namespace
}  // namespace weir
