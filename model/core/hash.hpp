// Fingerprints of model states: fold each field into a 64-bit running hash. The explorer
// stores states by this fingerprint alone, so every field that tells two states apart
// must be mixed in, and mixing must spread every input bit. (The actor layer keeps its own
// variant: changing it would change which of several shortest counterexamples Pegasus
// reports.)
#pragma once

#include <cstdint>

namespace weir::model::core {

inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

}  // namespace weir::model::core
