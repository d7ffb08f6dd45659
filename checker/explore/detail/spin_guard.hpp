// A spin lock held for a scope: the shards of the visited-state tables are held for a
// few dozen instructions, far less than a mutex's sleep and wake-up.
#pragma once

#include <atomic>

namespace weir::explore::detail {

class SpinGuard {
 public:
  explicit SpinGuard(std::atomic_flag& flag) : f_(flag) {
    while (f_.test_and_set(std::memory_order_acquire))
      while (f_.test(std::memory_order_relaxed)) {
      }
  }
  ~SpinGuard() { f_.clear(std::memory_order_release); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  std::atomic_flag& f_;
};

}  // namespace weir::explore::detail
