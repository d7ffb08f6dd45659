// Which part of a run a shard does.
#include <charconv>

#include "swarm/swarm.hpp"

namespace weir::swarm {

namespace {

std::optional<std::uint32_t> whole(std::string_view s) {
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::variant<Shard, std::string> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::string("expected I/N, shard I of N (0 <= I < N), e.g. 0/4");
  const auto i = whole(std::string_view(text).substr(0, slash));
  const auto n = whole(std::string_view(text).substr(slash + 1));
  if (!i || !n) return std::string("expected I/N with whole numbers, e.g. 0/4");
  if (*n == 0 || *n > kMaxShards) return "the count must be 1.." + std::to_string(kMaxShards);
  if (*i >= *n) return "the index counts from 0: shards of " + std::to_string(*n) + " are 0.." + std::to_string(*n - 1);
  return Shard{*i, *n};
}

Range share(const Shard& s, std::uint64_t total) {
  // total * i / n without overflow: total < 2^64 and n <= 100000.
  auto at = [&](std::uint64_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) * i / s.count);
  };
  return {at(s.index), at(std::uint64_t{s.index} + 1)};
}

std::uint64_t order_seed(const Shard& s, std::uint64_t seed) {
  if (s.index == 0) return 0;
  // splitmix64 of (seed, index): distinct shards, distinct orders; never 0.
  std::uint64_t z = seed * 0x9e3779b97f4a7c15ull + s.index;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return z ? z : 1;
}

std::string result_file(const std::string& results, std::uint32_t index, std::uint32_t count) {
  return results + "/shard-" + std::to_string(index) + "-of-" + std::to_string(count) + ".json";
}

std::string reproducer_file(const std::string& results, std::uint32_t index, std::uint32_t count) {
  return results + "/reproducer-" + std::to_string(index) + "-of-" + std::to_string(count) + ".json";
}

}  // namespace weir::swarm
