#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make torture DURATION=SECONDS [FUZZ_CALLS=N]`: one VM run on the test
# kernel with a long torture pass (torture/syncmap_torture.c beside
# selftests/syncmap_hammer, with allocation failures injected), the ioctl
# fuzzer with FUZZ_CALLS calls, and the usual KUnit suites and kselftests.
# Prints the torture's figures; exits 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

duration=${1:-600}
fuzz_calls=${2:-100000}
kernel_paths testkernel-6.12 || die "no test kernel"
export SYNCMAP_TORTURE_DURATION=$duration
export SYNCMAP_FUZZ_CALLS=$fuzz_calls
rc=0
"$SYNCMAP_ROOT/scripts/vm-run.sh" --name torture-testkernel-6.12 \
	--timeout $((duration + 1200)) "$KIMAGE" "$KDIR" || rc=$?
log=$SYNCMAP_BUILD/logs/torture-testkernel-6.12.log
echo "torture figures ($log):"
grep -E '^# (run|default|fault|pid)|^(not )?ok [0-9]+ - (torture|fault|quiescent|[0-9]+ processes)|fuzz.*calls' \
	"$log" | sed 's/^/  /' || true
exit $rc
