#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The instruction budget: instructions per operation of a read hit, a read
# miss and a store of an existing key, counted by callgrind in the
# benchmark's build (`bench -B`, bench.c says how), against the budget in
# insn-budget.txt.  Fails when an operation executes more than its budget.
# Callgrind's counts are exact: the same build gives the same figures on
# every run, whatever the machine's load.
#
# Usage: insn-budget.sh [--update] BUILD-DIR
#   BUILD-DIR   the bench variant's directory (build/testing/bench)
#   --update    rewrite insn-budget.txt: each budget becomes the measured
#               figure plus INSN_BUDGET_MARGIN percent (default 5)
set -euo pipefail

update=false
if [ "${1:-}" = --update ]; then
	update=true
	shift
fi
B=${1:?usage: insn-budget.sh [--update] BUILD-DIR}
here=$(cd "$(dirname "$0")" && pwd)
file=$here/insn-budget.txt
margin=${INSN_BUDGET_MARGIN:-5}
ops=8192

say() { echo "insn-budget: $*"; }

command -v valgrind >/dev/null || { say "FAIL: no valgrind: run scripts/deps.sh"; exit 1; }
[ -x "$B/bench" ] || { say "FAIL: no $B/bench: make -C tools/testing bench"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/insn-budget.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Each operation's batch is dumped to $tmp/cg.<n> under its name.
if ! valgrind --tool=callgrind --collect-atstart=no \
	--callgrind-out-file="$tmp/cg" "$B/bench" -B -n "$ops" \
	>"$tmp/out" 2>"$tmp/err"; then
	cat "$tmp/out" "$tmp/err"
	say "FAIL: bench -B under callgrind failed"
	exit 1
fi

# name <TAB> instructions collected in its batch
totals=$(
	for f in "$tmp"/cg.*; do
		awk '/^desc: Trigger: Client Request: / { name = $5 }
		     /^totals: / { ir = $2 }
		     END { print name "\t" ir }' "$f"
	done)
# name <TAB> instructions per operation, less the empty call's.
measured=$(
	awk -F'\t' -v ops="$ops" '
		{ ir[$1] = $2; names[++n] = $1 }
		END {
			if (!("none" in ir))
				exit 1
			for (i = 1; i <= n; i++)
				if (names[i] != "none")
					printf "%s\t%.1f\n", names[i],
					       (ir[names[i]] - ir["none"]) / ops
		}' <<<"$totals")
[ -n "$measured" ] || { say "FAIL: no figures in callgrind's dumps"; exit 1; }

if $update; then
	{
		cat <<EOF
# The instruction budget of syncmap's core: the most instructions each
# operation may execute, per operation, before \`make -C tools/testing
# check\` (insn-budget.sh) fails.
#
# How they are measured: \`bench -B\` (bench.c), in the benchmark's build
# (gcc -O2 -flto, the shim's checks off), runs under valgrind
# --tool=callgrind with one thread and a map of 1024 8-byte keys with
# 8-byte values, all in the read table; $ops operations of each kind,
# callgrind collecting only those (client requests: the setup is not
# counted), less the same loop calling an empty function.
#   read-hit        syncmap_load() of a key in the read table
#   read-miss       syncmap_load() of an absent key, the map not amended:
#                   the lock-free miss, which ends in the read table
#   store-existing  syncmap_store() of a key in the read table: a new
#                   value swapped in, the old one to kvfree_rcu()
#   read-hit-16     read-hit in another map, of 1024 16-byte keys
# The loads pass 8 and 16 as key lengths, so that link-time optimisation
# cannot make the length a constant in syncmap_load(), which a kernel
# caller, in another module, never sees either.
# The counts are exact: the same on every run, whatever the load.  They
# change with the compiler, glibc and liburcu.
#
# Each budget is the figure measured when it was set (in the comment) plus
# $margin%.  The performance issues lower them as they land:
#     make -C tools/testing insn-budget-update
# measures and rewrites this file.
#
# operation	budget	# measured
EOF
		awk -F'\t' -v m="$margin" '{
			b = $2 * (100 + m) / 100
			printf "%s\t%d\t# %s\n", $1, (b == int(b) ? b : int(b) + 1), $2
		}' <<<"$measured"
	} >"$file.tmp"
	mv "$file.tmp" "$file"
	say "wrote $file (measured + $margin%):"
	grep -v '^#' "$file" | sed 's/^/    /'
	exit 0
fi

[ -f "$file" ] || { say "FAIL: no $file: make -C tools/testing insn-budget-update"; exit 1; }

say "callgrind's totals, $ops operations each: $(tr '\t\n' '= ' <<<"$totals")"
say "instructions per operation (callgrind, bench -B, $ops of each), budgets from $(basename "$file")"
# Both lists, in the order measured; an operation without a budget or a
# budget without a measurement fails too.
awk -F'\t' -v m="$margin" '
	FNR == NR { got[$1] = $2; order[++n] = $1; next }
	/^#/ || !NF { next }
	{ split($0, f, /[ \t]+/); budget[f[1]] = f[2]; if (!(f[1] in got)) order[++n] = f[1] }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			op = order[i]
			if (!(op in budget)) {
				printf "insn-budget:   %-16s %8.1f   FAIL: no budget (make -C tools/testing insn-budget-update)\n", op, got[op]
				bad = 1
			} else if (!(op in got)) {
				printf "insn-budget:   %-16s %8s   FAIL: budget %d but not measured\n", op, "-", budget[op]
				bad = 1
			} else if (got[op] > budget[op]) {
				printf "insn-budget:   %-16s %8.1f   FAIL: over its budget of %d by %.1f%%\n", op, got[op], budget[op], 100 * (got[op] - budget[op]) / budget[op]
				bad = 1
			} else {
				printf "insn-budget:   %-16s %8.1f   ok, budget %d", op, got[op], budget[op]
				if (got[op] * (100 + 2 * m) / 100 < budget[op])
					printf " (more than %d%% under it: lower it, make -C tools/testing insn-budget-update)", 2 * m
				printf "\n"
			}
		}
		exit bad
	}' <(printf '%s\n' "$measured") "$file"
