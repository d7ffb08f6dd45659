// Swarm testing's per-seed mix (Groce, Zhang, Eide, Chen and Regehr, ISSTA 2012): a run
// with every kind of interference on at once finds fewer bugs than runs that each turn on
// a few, because one kind hides the bug another would show (losses end the retries a
// duplicate needed; partitions starve the race a lagging gateway makes). So by default each
// seed draws its own mix: every knob of the protocol's table that the user did not fix is
// off with probability 1/2, else given a strength from its range. The draw comes from a
// generator of the seed's own, so that a seed always draws the same mix, and the drawn
// values go into the scenario (and so into the reproducer), so that replaying it needs no
// draw at all.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

namespace weir::sim {

// Whether the user fixed a knob (named as `weir fuzz` names it), so the mix leaves it.
using FixedKnob = std::function<bool(std::string_view name)>;

class Mix {
 public:
  Mix(std::uint64_t seed, FixedKnob fixed) : g_(seed ^ 0x737761726d2d6d69ull), fixed_(std::move(fixed)) {}

  // Off (v = off) or on (v uniform in [lo, hi]), half and half; a fixed knob keeps its value.
  template <class T>
  bool knob(const char* name, T& v, T off, T lo, T hi) {
    if (fixed_ && fixed_(name)) return false;
    v = coin() ? draw(lo, hi) : off;
    say(name, v);
    return true;
  }
  // Always on, a strength in [lo, hi] (a timing knob has no "off").
  template <class T>
  bool range(const char* name, T& v, T lo, T hi) {
    if (fixed_ && fixed_(name)) return false;
    v = draw(lo, hi);
    say(name, v);
    return true;
  }
  bool fixed(const char* name) const { return fixed_ && fixed_(name); }
  // The knobs drawn, as `name=value` words in the order drawn.
  const std::string& words() const { return words_; }

 private:
  bool coin() { return g_() & 1; }
  template <class T>
  T draw(T lo, T hi) {
    if constexpr (std::is_floating_point_v<T>) {
      // Two decimals: the mix is printed, and a printed value must be the one that ran.
      const double x = lo + (hi - lo) * std::uniform_real_distribution<double>(0, 1)(g_);
      return static_cast<T>(static_cast<double>(static_cast<long long>(x * 100 + 0.5)) / 100);
    } else {
      return static_cast<T>(lo + g_() % (static_cast<std::uint64_t>(hi - lo) + 1));
    }
  }
  template <class T>
  void say(const char* name, T v) {
    std::string value = std::to_string(v);
    if constexpr (std::is_floating_point_v<T>) {  // 0.120000 -> 0.12
      while (value.size() > 1 && value.back() == '0') value.pop_back();
      if (value.back() == '.') value.pop_back();
    }
    words_.append(words_.empty() ? "" : " ").append(name).append("=").append(value);
  }
  std::mt19937_64 g_;
  FixedKnob fixed_;
  std::string words_;
};

}  // namespace weir::sim
