#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kcsan [DURATION=SECONDS]`: the VM test run on the KCSAN test
# kernel (scripts/testkernel.config, then scripts/testkernel-kcsan.config;
# built once and cached like the other), with the torture running
# DURATION seconds (120): the KUnit suites, the concurrency tests among
# them, the torture and the kselftests.  `make check` runs the same with
# the short torture.
#
# KCSAN reports races anywhere in the kernel: scripts/parse-results.py
# fails the run only on reports with a frame of syncmap's modules and
# lists the others as notes, which are summarised here.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

duration=${1:-120}
name=kcsan-6.12
out=$SYNCMAP_BUILD/$name.out
mkdir -p "$SYNCMAP_BUILD"
SYNCMAP_TORTURE_DURATION=$duration "$SYNCMAP_ROOT/scripts/vm.sh" "$name" \
	--timeout $((duration + 1800)) 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}

echo
echo "KCSAN reports in syncmap's code: $(grep -c 'splat:.*BUG: KCSAN' "$out")"
echo "KCSAN reports elsewhere in the kernel (not failures):"
grep 'note  KCSAN report outside syncmap' "$out" | sed 's/.*syncmap /  /'
exit "$rc"
