#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kcsan [DURATION=SECONDS]`: build (or find cached) the test kernel
# with KCSAN instead of KASAN (scripts/testkernel.config, then
# scripts/testkernel-kcsan.config), and run the usual VM test in it: the
# KUnit suites (the concurrency tests among them), the torture for
# DURATION seconds (120) and the kselftests.
#
# KCSAN also reports races elsewhere in the kernel: only reports with a
# syncmap frame fail this run; the others are counted and listed.  Not
# part of `make check` (a second kernel build costs ~20 minutes).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

duration=${1:-120}
kdir=$("$SYNCMAP_ROOT/scripts/build-testkernel.sh" \
	"$SYNCMAP_ROOT/scripts/testkernel.config" \
	"$SYNCMAP_ROOT/scripts/testkernel-kcsan.config") || die "no KCSAN kernel"
name=kcsan-testkernel-6.12
SYNCMAP_TORTURE_DURATION=$duration "$SYNCMAP_ROOT/scripts/vm-run.sh" \
	--name "$name" --timeout $((duration + 1800)) \
	"$kdir/arch/x86/boot/bzImage" "$kdir" >"$SYNCMAP_BUILD/$name.out" 2>&1
log=$SYNCMAP_BUILD/logs/$name.log

# One report: from "BUG: KCSAN:" to its closing "====" line.
reports=$(awk '/BUG: KCSAN:/ { r = $0; inr = 1; next }
	inr && /^\[ *[0-9.]+\] =+$|^=+$/ { print r "\t" s; inr = 0; s = ""; next }
	inr { s = s " " $0 }' "$log")
ours=$(printf '%s\n' "$reports" | grep -E '\[syncmap|syncmap_' | cut -f1 | sort | uniq -c)
others=$(printf '%s\n' "$reports" | grep -vE '\[syncmap|syncmap_' | grep . | cut -f1 | sort | uniq -c)
# Failures other than the KCSAN reports themselves (parse-results counts
# those as splats).
tests=$(grep -E '^  FAIL ' "$SYNCMAP_BUILD/$name.out" | grep -v -i 'splat' || true)

echo "KCSAN reports in other kernel code: $(printf '%s' "$others" | grep -c . || true)"
printf '%s\n' "$others" | grep . | sed 's/^/  /'
echo "KCSAN reports involving syncmap: $(printf '%s' "$ours" | grep -c . || true)"
printf '%s\n' "$ours" | grep . | sed 's/^/  /'
[ -z "$tests" ] || { echo "test failures:"; echo "$tests"; }
echo "(log: $log)"
[ -z "$ours" ] && [ -z "$tests" ]
