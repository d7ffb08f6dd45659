#!/usr/bin/env bash
# The README's main command: installs what is missing, builds Weir, and checks the
# bundled example histories and executions (ones that hold, and violations shown with
# their witnesses), model-checks the Beaver model, and replays Beaver and Pegasus with
# their data plane on DPDK, with the timing-bound sweep, and migrates live TCP
# connections with Capybara.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit 2
cmake -S . -B build -G Ninja >/dev/null && cmake --build build -j "$(nproc)" >/dev/null || exit 2

status=0
show() {
  echo "\$ weir $*"
  build/weir "$@"
  local code=$?
  echo "(exit $code)"
  echo
  [ $code -gt $status ] && status=$code
  return 0
}
show check lin --spec cas-register examples/lin/etcd-ok.log
show check lin --spec kv examples/lin/kv-ok.jsonl
show check lin --spec kv examples/lin/kv-stale-read.edn
show check cut examples/cut/beaver-consistent.jsonl
show check cut examples/cut/beaver-inconsistent.jsonl
show explore beaver
# The cores on the real data plane: the gateways and the switch on DPDK, judged by the checkers.
show replay --impl beaver --runs 50
show replay --impl pegasus --runs 50 --loss 0.05 --duplicate 0.05
show replay --impl beaver --sweep --threshold 80 --runs 10 --snapshots 10 --svg build/sweep.svg
# Capybara for real: live TCP connections migrated between network namespaces (root).
show replay --impl capybara --migrations 4
# The demo succeeds when every verdict is the expected one.
[ $status -eq 1 ] && exit 0
echo "demo: unexpected verdicts (worst exit $status)" >&2
exit 1
