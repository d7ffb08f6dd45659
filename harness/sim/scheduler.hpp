// The simulator's fiber scheduler (harness/sim, internal): of the fibers ready to run it
// picks one with the run's seeded generator, so that a seed fixes the interleaving and a
// new seed explores another. One thread; never a real clock: when nothing is ready the
// simulator itself advances virtual time, so suspend_until is never asked to wait.
#pragma once

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <random>
#include <vector>

namespace weir::sim::detail {

class SeededScheduler : public boost::fibers::algo::algorithm {
 public:
  // The generator of the run in progress on this thread (null: pick the oldest).
  static std::mt19937_64*& rng() {
    static thread_local std::mt19937_64* current = nullptr;
    return current;
  }
  // Installs it on this thread once; later runs reuse it.
  static SeededScheduler& on_this_thread();

  void awakened(boost::fibers::context* ctx) noexcept override { ready_.push_back(ctx); }
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override { return !ready_.empty(); }
  void suspend_until(std::chrono::steady_clock::time_point const&) noexcept override {}
  void notify() noexcept override {}

  // Ready fibers other than the main context and the dispatcher: the nodes.
  std::size_t ready_nodes() const;

 private:
  std::vector<boost::fibers::context*> ready_;
};

}  // namespace weir::sim::detail
