#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make fuzz`: run the libFuzzer target for a while, keeping its corpus
# (and any crash it finds) in the build directory between runs.
#
# Usage: run-fuzz.sh BUILD-DIR SECONDS
set -euo pipefail

B=$1
seconds=$2
corpus=$B/corpus
artifacts=$B/artifacts
mkdir -p "$corpus" "$artifacts"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# One job per core; each prints its own statistics.
jobs=$(nproc)
echo "fuzz: ${seconds}s on $jobs jobs; corpus $corpus, crashes in $artifacts"
cd "$artifacts"
rm -f fuzz-*.log
"$B/fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
	-jobs="$jobs" -workers="$jobs" -artifact_prefix="$artifacts/" "$corpus"
# libFuzzer's -jobs runs the workers in the background and logs each to
# fuzz-N.log: their outcome is in there.
status=0
for log in fuzz-*.log; do
	[ -e "$log" ] || continue
	if grep -qE 'ERROR: libFuzzer|deadly signal|==ERROR|runtime error|fuzz: ' "$log"; then
		echo "fuzz: $log reports a failure:"
		grep -E 'ERROR|runtime error|fuzz: |Test unit written' "$log" | head -n 20
		status=1
	fi
	grep -E '^stat::number_of_executed_units|^Done' "$log" | sed "s/^/$log: /"
done
[ $status -eq 0 ] && echo "fuzz: no failure"
exit $status
