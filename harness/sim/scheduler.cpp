#include "harness/sim/scheduler.hpp"

#include <boost/fiber/operations.hpp>

namespace weir::sim::detail {

namespace {
SeededScheduler*& installed() {
  static thread_local SeededScheduler* s = nullptr;
  return s;
}
}  // namespace

SeededScheduler& SeededScheduler::on_this_thread() {
  if (!installed()) {
    // Boost owns the algorithm once installed; keep a pointer to ask it what is ready.
    boost::fibers::use_scheduling_algorithm<SeededScheduler>();
    // The constructor cannot announce itself: the next pick does (see pick_next).
    boost::this_fiber::yield();
  }
  return *installed();
}

boost::fibers::context* SeededScheduler::pick_next() noexcept {
  installed() = this;
  if (ready_.empty()) return nullptr;
  std::size_t i = 0;
  if (std::mt19937_64* g = rng(); g && ready_.size() > 1) i = static_cast<std::size_t>((*g)() % ready_.size());
  boost::fibers::context* ctx = ready_[i];
  ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));  // keeps the rest in arrival order
  return ctx;
}

std::size_t SeededScheduler::ready_nodes() const {
  std::size_t n = 0;
  for (boost::fibers::context* ctx : ready_)
    if (!ctx->is_context(boost::fibers::type::pinned_context)) ++n;
  return n;
}

}  // namespace weir::sim::detail
