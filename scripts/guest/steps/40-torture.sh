# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test
#
# The torture test (torture/syncmap_torture.c, loaded by step 20): its
# kthreads and softirq readers on the default map for SM_TORTURE_DURATION
# seconds (make torture; else a minute on the test kernel and a few seconds
# on the others), with syncmap_hammer's processes on the same map through
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

hammer=
if [ -x /selftests/syncmap_hammer ]; then
	/selftests/syncmap_hammer "$secs" 2 >/tmp/hammer.out 2>&1 &
	hammer=$!
fi
sm_check torture:run sh -c "echo $secs >$dir/run"
if [ -n "$hammer" ]; then
	wait "$hammer"
	hrc=$?
	sm_run kselftest torture-hammer sh -c "cat /tmp/hammer.out; exit $hrc"
fi
sm_check torture:check sh -c "echo 1 >$dir/check"
sm_run kselftest torture cat "$dir/results"

# make torture: the ioctl fuzzer with many calls (step 50 runs a short pass).
if [ -n "${SM_FUZZ_CALLS:-}" ] && [ -x /selftests/syncmap_fuzz_test ]; then
	sm_run kselftest fuzz-long env SYNCMAP_FUZZ_CALLS="$SM_FUZZ_CALLS" \
		/selftests/syncmap_fuzz_test
fi
