#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-native`: the native benchmark (bench.c) and Go 1.19's own
# sync.Map benchmarks (/usr/lib/go-1.19/src/sync/map_bench_test.go: sync.Map,
# RWMutexMap, DeepCopyMap) in the same run, on 1 and 2 threads
# (GOMAXPROCS 1 and 2), each measurement repeated BENCH_COUNT times with
# the two programs interleaved; then callgrind's instruction counts of the
# single-threaded runs of the C maps.  bench-report.py turns it all into
# docs/bench-native.md and docs/bench-native.png.
#
# Usage: bench-native.sh BUILD-DIR
# Environment: BENCH_TIME (ms per measurement, default 500), BENCH_COUNT
# (repetitions, default 3), BENCH_WORKLOADS (comma-separated subset).
set -euo pipefail

B=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$B/results
time_ms=${BENCH_TIME:-500}
count=${BENCH_COUNT:-3}
workloads=${BENCH_WORKLOADS:-}
goroot=/usr/lib/go-1.19

say() { echo "bench-native: $*"; }

[ -x "$goroot/bin/go" ] || { say "no $goroot: run scripts/deps.sh (golang-1.19)"; exit 1; }
command -v valgrind >/dev/null || { say "no valgrind: run scripts/deps.sh"; exit 1; }
command -v gnuplot >/dev/null || { say "no gnuplot: run scripts/deps.sh"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
"$B/bench" -l >"$out/workloads.tsv"

# Go's own benchmarks, built from Go's tree as they ship.
say "building Go 1.19's sync tests"
GOROOT=$goroot GOCACHE=$B/go-cache GOFLAGS= GO111MODULE=off \
	"$goroot/bin/go" test -c -o "$B/go-sync.test" sync
go_bench=$("$B/bench" -l | awk -F'\t' '$2 == 1 { print $1 }' |
	   { if [ -n "$workloads" ]; then grep -xF -f <(tr , '\n' <<<"$workloads"); else cat; fi; } |
	   paste -sd'|')

{
	echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu	$(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
	echo "cpus	$(nproc)"
	echo "kernel	$(uname -r)"
	echo "gcc	$(gcc -dumpfullversion)"
	echo "go	$("$goroot/bin/go" version | awk '{ print $3 }')"
	echo "liburcu	$(dpkg-query -W -f='${Version}' liburcu-dev 2>/dev/null || echo '?')"
	echo "bench_time_ms	$time_ms"
	echo "count	$count"
	"$B/bench" -P
} >"$out/machine.tsv"
say "machine: $(cut -f2 "$out/machine.tsv" | paste -sd' ' | cut -c1-120)"

for rep in $(seq 1 "$count"); do
	say "round $rep of $count: the C maps"
	"$B/bench" -t 1,2 -T "$time_ms" ${workloads:+-w "$workloads"} \
		>"$out/c-$rep.tsv"
	say "round $rep of $count: Go"
	GOMAXPROCS=2 "$B/go-sync.test" -test.run NONE -test.bench "^Benchmark($go_bench)\$" \
		-test.cpu 1,2 -test.benchtime "${time_ms}ms" >"$out/go-$rep.txt" 2>&1
done

say "callgrind: instructions per operation, one thread"
"$B/bench" -l | cut -f1 |
	{ if [ -n "$workloads" ]; then grep -xF -f <(tr , '\n' <<<"$workloads"); else cat; fi; } |
	while read -r w; do
		case $w in
		Range) n=2000 ;;
		Clear|AdversarialDelete) n=20000 ;;
		*) n=100000 ;;
		esac
		for impl in syncmap syncmap-merge cds_lfht rwlock; do
			ir=$(valgrind --tool=callgrind --collect-atstart=no \
				--callgrind-out-file=/dev/null \
				"$B/bench" -C -w "$w" -i "$impl" -n "$n" 2>&1 |
				sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
			printf '%s\t%s\t%s\t%s\n' "$w" "$impl" "$n" "${ir:-0}"
		done
	done >"$out/callgrind.tsv"

say "writing docs/bench-native.md and docs/bench-native.png"
python3 "$here/bench-report.py" "$out" "$root/docs/bench-native.md" \
	"$root/docs/bench-native.png"
say "done"
