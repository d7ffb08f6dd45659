#!/usr/bin/env sh
# A CI step any CI runs: checks every history and execution in a directory and leaves
# JUnit reports for the CI's test tab. Exit status: Weir's worst verdict (0 all hold, 1 a
# violation, 2 bad input, 3 unknown), so the step fails when a history does.
#
#   WEIR=build/weir examples/ci/check-histories.sh DIR REPORTS [SPEC]
#
# DIR/*.edn, *.log and *.jsonl are histories for `check lin --spec SPEC` (default
# cas-register); DIR/cut/*.jsonl executions for `check cut`. REPORTS receives lin.xml and
# cut.xml; point the CI's JUnit publisher at REPORTS/*.xml (GitLab: artifacts:reports:
# junit; Jenkins: junit 'REPORTS/*.xml'; GitHub: any JUnit report action).
set -u
weir=${WEIR:-weir}
dir=$1
reports=$2
spec=${3:-cas-register}
mkdir -p "$reports"
status=0
set -- "$dir"/*.edn "$dir"/*.log "$dir"/*.jsonl
histories=""
for f in "$@"; do [ -e "$f" ] && histories="$histories $f"; done
if [ -n "$histories" ]; then
  # shellcheck disable=SC2086 # the list is split on purpose
  "$weir" check lin --spec "$spec" --junit "$reports/lin.xml" $histories
  s=$?; [ $s -gt $status ] && status=$s
fi
if [ -d "$dir/cut" ]; then
  "$weir" check cut --junit "$reports/cut.xml" "$dir"/cut/*.jsonl
  s=$?; [ $s -gt $status ] && status=$s
fi
exit $status
