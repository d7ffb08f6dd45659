// An ordered pipeline: chunks produced on every core, consumed in order on the calling
// thread, at most `window` chunks ahead, so a large file is read in parallel while what
// it parses to stays a few chunks' worth (a 10 M-event execution would otherwise hold its
// parsed form twice).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

namespace weir::jsonl {

// Cuts `text` into pieces of about `target` bytes that end at a line's end.
inline std::vector<std::string_view> line_chunks(std::string_view text, std::size_t target) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = begin + target >= text.size() ? text.size() : text.find('\n', begin + target);
    end = end == std::string_view::npos ? text.size() : std::min(text.size(), end + 1);
    out.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

// produce(i) -> R runs on `threads` workers; consume(i, R&) -> bool runs on this thread
// in order of i, and false stops the pipeline (the workers finish what they hold). With
// one worker, producing and consuming still overlap.
template <class R, class Produce, class Consume>
void ordered_pipeline(std::size_t n, unsigned threads, std::size_t window, Produce produce, Consume consume) {
  if (n == 0) return;
  threads = std::max(1u, threads);
  window = std::max<std::size_t>(window, threads);
  if (n == 1) {
    for (std::size_t i = 0; i < n; ++i) {
      R r = produce(i);
      if (!consume(i, r)) return;
    }
    return;
  }
  std::vector<std::optional<R>> slots(window);
  std::mutex m;
  std::condition_variable cv;
  std::size_t consumed = 0;
  std::atomic<std::size_t> next{0};
  bool stop = false;
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      {
        std::unique_lock l(m);
        cv.wait(l, [&] { return stop || i < consumed + window; });
        if (stop) return;
      }
      R r = produce(i);
      std::lock_guard l(m);
      slots[i % window].emplace(std::move(r));
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::size_t i = 0; i < n; ++i) {
    std::optional<R> r;
    {
      std::unique_lock l(m);
      cv.wait(l, [&] { return slots[i % window].has_value(); });
      r.swap(slots[i % window]);
      consumed = i + 1;
      cv.notify_all();
    }
    if (!consume(i, *r)) {
      std::lock_guard l(m);
      stop = true;
      cv.notify_all();
      break;
    }
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace weir::jsonl
