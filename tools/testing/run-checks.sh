#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check` in tools/testing: run every userspace test of the core,
# one line each, then "userspace: N passed, N failed"; exit 1 on any
# failure.  Logs go to $O/logs; a failure shows the end of its log.
#
# Usage: run-checks.sh O
set -uo pipefail

O=$1
logs=$O/logs
mkdir -p "$logs"
passed=0
failed=0

# The sanitizers stop at the first report and say so in the exit code.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

# check NAME TIMEOUT COMMAND...
check() {
	local name=$1 limit=$2 log=$logs/$1.log start rc
	shift 2

	start=$(date +%s%N)
	timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	rc=$?
	local ms=$((($(date +%s%N) - start) / 1000000))
	local t=$((ms / 1000)).$((ms % 1000 / 100))
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "  ok    $name (${t}s)"
	else
		failed=$((failed + 1))
		[ $rc -eq 124 ] && echo "        timed out after ${limit}s" >>"$log"
		echo "  FAIL  $name (${t}s, exit $rc)"
		grep -E 'not ok|FAIL|ERROR|WARNING|BUG|runtime error|^#|fuzz:|stress:' "$log" |
			head -n 20 | sed 's/^/        /'
		tail -n 5 "$log" | sed 's/^/        /'
		echo "        (full log: $log)"
	fi
}

echo "userspace tests of the core (logs: $logs)"
check kunit-dbg 120 "$O/dbg/kunit"
check difftest-dbg 120 "$O/dbg/difftest" -n 5000
check stress-dbg 60 "$O/dbg/stress" -t 3
check stress-merge-dbg 60 "$O/dbg/stress" -t 3 -e merge
check kunit-asan 180 "$O/asan/kunit"
check difftest-asan 180 "$O/asan/difftest" -n 2000
check stress-asan 60 "$O/asan/stress" -t 5
check stress-merge-asan 60 "$O/asan/stress" -t 5 -e merge
check kunit-tsan 180 "$O/tsan/kunit"
check stress-tsan 60 "$O/tsan/stress" -t 5
check stress-merge-tsan 60 "$O/tsan/stress" -t 5 -e merge
corpus=$O/fuzzer/check-corpus
rm -rf "$corpus"
mkdir -p "$corpus" "$O/fuzzer/artifacts"
# A failing input is kept in $O/fuzzer/artifacts, not in the source tree.
check fuzz-fixed-seed 180 "$O/fuzzer/fuzz" -seed="${FUZZ_CHECK_SEED:-20261122}" \
	-runs="${FUZZ_CHECK_RUNS:-50000}" -max_len=1024 -print_final_stats=1 \
	-artifact_prefix="$O/fuzzer/artifacts/" "$corpus"
# Instructions per operation under callgrind, against insn-budget.txt;
# the figures are shown when it passes too.
ok_before=$passed
check insn-budget 120 "$(dirname "$0")/insn-budget.sh" "$O/bench"
[ "$passed" -gt "$ok_before" ] &&
	sed -n 's/^insn-budget:   /        /p' "$logs/insn-budget.log"

echo "userspace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
