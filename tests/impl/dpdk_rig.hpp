// Tests of impl/dpdk: a pool and a pair of net_ring ports per test, fed and drained in
// the test's process; a fixture that skips, saying why, when DPDK will not start.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "impl/dpdk/dp.hpp"

namespace weir::dp {

using Frames = std::vector<std::vector<std::uint8_t>>;

// A fresh pool and a ring port pair per test: names are unique within the process.
struct Rig {
  Rig() {
    static int n = 0;
    const std::string id = std::to_string(n++);
    pool = std::make_unique<Pool>("pool" + id, 2047);
    in = Port::ring("in" + id, *pool);
    out = Port::ring("out" + id, *pool);
  }
  // Feeds `frames` through `gw` in bursts and returns what came out.
  template <class DataPlane>
  Frames run(DataPlane& dp, const Frames& frames) {
    Frames got;
    for (std::size_t at = 0; at < frames.size(); at += 200) {
      const Frames chunk(frames.begin() + static_cast<std::ptrdiff_t>(at),
                         frames.begin() + static_cast<std::ptrdiff_t>(std::min(frames.size(), at + 200)));
      EXPECT_EQ(in->feed(*pool, chunk), chunk.size());
      while (dp.poll() > 0) {
      }
      for (auto& f : out->drain()) got.push_back(std::move(f));
    }
    return got;
  }
  std::unique_ptr<Pool> pool;
  std::unique_ptr<Port> in, out;
};

class DpdkGateway : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = start_eal()) GTEST_SKIP() << *why;
  }
};

class DpdkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = start_eal()) GTEST_SKIP() << *why;
  }
};

}  // namespace weir::dp
