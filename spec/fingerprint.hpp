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
  // Four characters per step: h*B^4 + (c0*B^3 + c1*B^2 + c2*B + c3). The four products
  // are independent, so only one multiplication per four characters is on the chain.
  constexpr std::uint64_t b1 = detail::kBase;
  static const std::uint64_t b2 = detail::mulmod(b1, b1), b3 = detail::mulmod(b2, b1),
                             b4 = detail::mulmod(b2, b2);
  Fingerprint f;
  std::size_t i = 0;
  auto c = [&](std::size_t k) { return static_cast<std::uint64_t>(static_cast<unsigned char>(s[k])) + 1u; };
  for (; i + 4 <= s.size(); i += 4) {
    const std::uint64_t block = detail::addmod(
        detail::addmod(detail::mulmod(c(i), b3), detail::mulmod(c(i + 1), b2)),
        detail::addmod(detail::mulmod(c(i + 2), b1), c(i + 3)));
    f.hash = detail::addmod(detail::mulmod(f.hash, b4), block);
    f.pow = detail::mulmod(f.pow, b4);
  }
  f.len = i;
  for (; i < s.size(); ++i) push_back(f, static_cast<unsigned char>(s[i]));
  return f;
}

inline Fingerprint concat(const Fingerprint& a, const Fingerprint& b) {
  return {a.len + b.len, detail::addmod(detail::mulmod(a.hash, b.pow), b.hash),
          detail::mulmod(a.pow, b.pow)};
}

}  // namespace weir::spec
