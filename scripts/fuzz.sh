#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader (libFuzzer, clang, ASan+UBSan):
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--build DIR] [TARGET...]
# Builds DIR (default build-asan/, configured by scripts/sanitized.sh, the build the
# sanitized tests use too), then runs each target (default: all) for N seconds (default 30) on a
# copy of its committed corpus (tests/fuzz/corpus/T) and regressions (tests/fuzz/regressions/T),
# J at a time (default: one per core), and prints executions, executions per second and
# coverage per target. A broken contract or a crash fails the run, with the input saved
# under $build/artifacts/ and the command that minimises it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
jobs=$(nproc)
build=build-asan
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(lin_jsonl lin_edn lin_jepsen_log cut_jsonl counterexample packet capture)
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (targets: ${all[*]})" >&2; exit 2; }
done

scripts/install-deps.sh
[ -f "$build/build.ninja" ] || scripts/sanitized.sh "$build"
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

mkdir -p "$build/artifacts" "$build/logs"
run_one() {
  local t=$1 work="$build/corpus/$1"
  rm -rf "$work" && mkdir -p "$work" tests/fuzz/regressions/"$t"
  # One input at most 4 KB and 10 s; memory 2 GB: what a reader must handle in that is
  # bounded by the contract, anything beyond is a finding.
  "$build"/tests/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$build"/artifacts/"$t"- \
    "$work" tests/fuzz/corpus/"$t" tests/fuzz/regressions/"$t" >"$build"/logs/"$t".log 2>&1
}

failed=()
running=0
for t in "${targets[@]}"; do
  ( run_one "$t" ) && echo "ok $t" >"$build"/logs/"$t".status || echo "FAILED $t" >"$build"/logs/"$t".status &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true

printf '%-16s %12s %10s %8s %8s %8s  %s\n' target executions exec/s cov ft corpus result
for t in "${targets[@]}"; do
  log="$build/logs/$t.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo -)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo -)
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo -)
  status=$(cat "$build"/logs/"$t".status)
  printf '%-16s %12s %10s %8s %8s %8s  %s\n' "$t" "$execs" "$rate" "$cov" "$ft" "$corp" "${status%% *}"
  if [[ $status == FAILED* ]]; then
    failed+=("$t")
    grep -E 'ERROR|what\(\)|ContractBroken|SUMMARY|Test unit written' "$log" | head -8 | sed 's/^/    /'
    echo "    minimise: $build/tests/fuzz/fuzz_$t -minimize_crash=1 -runs=100000 $build/artifacts/$t-*"
    echo "    then commit the input as tests/fuzz/regressions/$t/NAME (weir_tests runs it) and fix the bug"
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz.sh: contract broken in: ${failed[*]} (logs in $build/logs/)" >&2; exit 1; }
