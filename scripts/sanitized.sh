#!/usr/bin/env bash
# Configures the sanitized build that scripts/test.sh --full and scripts/fuzz.sh share:
#   scripts/sanitized.sh DIR
# clang, AddressSanitizer and UndefinedBehaviorSanitizer, every library instrumented for
# coverage too (libFuzzer's -fsanitize=fuzzer-no-link; outside a fuzz target the hooks are
# the runtime's no-ops), so that one build gives both the sanitized test suite and the fuzz
# targets. -O1 with line tables: the suite runs about twice as fast as at -O0, and a report
# still names file and line; assertions stay on.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/sanitized.sh DIR}
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DWEIR_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DWEIR_SANITIZE=ON -DWEIR_FUZZ=ON -DWEIR_BENCH=OFF >/dev/null
