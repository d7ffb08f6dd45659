// One libFuzzer binary per target: WEIR_FUZZ_TARGET names the function (CMake sets it).
#include "tests/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return weir::fuzz::WEIR_FUZZ_TARGET(data, size);
}
