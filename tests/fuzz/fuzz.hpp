// Fuzz targets, one per reader: each takes any bytes and checks the contract every
// reader keeps (issue 13). They run under libFuzzer (build-fuzz, clang) and, on the
// committed corpus and regressions, inside weir_tests (gcc, and ASan+UBSan).
//
// The contract: no crash, no hang, no sanitizer report; the same input always gets the
// same answer (reading twice gives the same result or the same message); and, for input
// that parses, the verdict does not depend on how many threads judge it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace weir::fuzz {

// A broken contract: thrown, so that libFuzzer reports a crash (uncaught) and a gtest
// fails with the cause (caught).
struct ContractBroken : std::logic_error {
  using std::logic_error::logic_error;
};
inline void require(bool ok, const std::string& what) {
  if (!ok) throw ContractBroken(what);
}

// Each returns 0, as libFuzzer wants; a broken contract throws.
int lin_jsonl(const std::uint8_t* data, std::size_t size);
int lin_edn(const std::uint8_t* data, std::size_t size);
int lin_jepsen_log(const std::uint8_t* data, std::size_t size);
int cut_jsonl(const std::uint8_t* data, std::size_t size);
int counterexample(const std::uint8_t* data, std::size_t size);
int packet(const std::uint8_t* data, std::size_t size);
int capture(const std::uint8_t* data, std::size_t size);

}  // namespace weir::fuzz
