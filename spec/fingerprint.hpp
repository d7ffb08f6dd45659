// A fingerprint of a string that composes under concatenation in O(1):
// h(s) = sum s[i] * B^(n-1-i) mod 2^61-1, so h(a+b) = h(a) * B^|b| + h(b).
// Checkers use it to name the values that appends derive without building their text;
// equal fingerprints are always confirmed by comparing texts, so identity stays exact.
#pragma once

#include <cstdint>
#include <string_view>

namespace weir::spec {

struct Fingerprint {
  std::uint64_t len = 0;
  std::uint64_t hash = 0;
  std::uint64_t pow = 1;  // B^len, to shift this string left when another follows

  bool operator==(const Fingerprint& o) const { return len == o.len && hash == o.hash; }
  std::uint64_t key() const { return hash ^ (len * 0x9e3779b97f4a7c15ull); }
};

namespace detail {
inline constexpr std::uint64_t kMod = (std::uint64_t{1} << 61) - 1;
inline constexpr std::uint64_t kBase = 0x1f3d5b79a2c4e68dull % kMod;
inline std::uint64_t mulmod(std::uint64_t a, std::uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  std::uint64_t r = static_cast<std::uint64_t>(p & kMod) + static_cast<std::uint64_t>(p >> 61);
  return r >= kMod ? r - kMod : r;
}
inline std::uint64_t addmod(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = a + b;
  return r >= kMod ? r - kMod : r;
}
}  // namespace detail

// The fingerprint of s + c, from s's.
inline void push_back(Fingerprint& f, unsigned char c) {
  f.hash = detail::addmod(detail::mulmod(f.hash, detail::kBase), c + 1u);
  f.pow = detail::mulmod(f.pow, detail::kBase);
  ++f.len;
}

inline Fingerprint fingerprint(std::string_view s) {
  Fingerprint f;
  for (unsigned char c : s) push_back(f, c);
  return f;
}

inline Fingerprint concat(const Fingerprint& a, const Fingerprint& b) {
  return {a.len + b.len, detail::addmod(detail::mulmod(a.hash, b.pow), b.hash),
          detail::mulmod(a.pow, b.pow)};
}

}  // namespace weir::spec
