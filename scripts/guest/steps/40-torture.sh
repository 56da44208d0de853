# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test
#
# The torture test (torture/syncmap_torture.c, loaded by step 20): its
# kthreads and softirq readers on the default map (Go's engine), then on a
# map of the merge engine, SM_TORTURE_DURATION seconds in all, half each
# (make torture; else a minute on the test kernels and a few seconds on the
# others), with syncmap_hammer's processes on the same map through
# /dev/syncmap, then the checks at quiescence and the fault pass.

dir=/sys/kernel/debug/syncmap_torture
[ -d "$dir" ] || return 0
secs=${SM_TORTURE_DURATION:-}
if [ -z "$secs" ]; then
	case $SM_NAME in
	testkernel-*|kcsan-*) secs=60 ;;
	*)		secs=5 ;;
	esac
fi
# Half for each engine.
secs=$(((secs + 1) / 2))

# torture NAME: SECS of the torture and the hammer on the named map, then
# the checks at quiescence and the fault pass, on that map's engine.
torture() {
	sm_check "torture:map:$1" sh -c "echo $1 >$dir/map"
	hammer=
	if [ -x /selftests/syncmap_hammer ]; then
		/selftests/syncmap_hammer "$secs" 2 "$1" >/tmp/hammer.out 2>&1 &
		hammer=$!
	fi
	sm_check "torture:run:$1" sh -c "echo $secs >$dir/run"
	if [ -n "$hammer" ]; then
		wait "$hammer"
		hrc=$?
		sm_run kselftest "torture-hammer-$1" sh -c "cat /tmp/hammer.out; exit $hrc"
	fi
	sm_check "torture:check:$1" sh -c "echo 1 >$dir/check"
}

# Go's engine on the default map, then the merge engine on a map of its own.
torture default
sm_check torture:create-merge syncmapctl create torture-merge engine merge
if syncmapctl info torture-merge >/dev/null 2>&1; then
	torture torture-merge
	sm_check torture:map:default sh -c "echo default >$dir/map"
	sm_check torture:destroy-merge syncmapctl destroy torture-merge
fi
sm_run kselftest torture cat "$dir/results"

# make torture: the ioctl fuzzer with many calls (step 50 runs a short pass).
if [ -n "${SM_FUZZ_CALLS:-}" ] && [ -x /selftests/syncmap_fuzz_test ]; then
	sm_run kselftest fuzz-long env SYNCMAP_FUZZ_CALLS="$SM_FUZZ_CALLS" \
		/selftests/syncmap_fuzz_test
fi
