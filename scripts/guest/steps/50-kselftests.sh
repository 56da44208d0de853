# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test
#
# Run every kselftest in /selftests/list (selftests/Makefile's
# TEST_GEN_PROGS), each under a time limit.

cd /selftests || return 0
while read -r t; do
	sm_run kselftest "$t" timeout "${SM_TEST_TIMEOUT:-300}" "./$t"
done <list
