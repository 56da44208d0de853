# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test kunit
#
# KUnit keeps each suite's KTAP in debugfs while its module is loaded: copy
# it to the results channel, away from the interleaved console.

for results in /sys/kernel/debug/kunit/*/results; do
	[ -r "$results" ] || continue
	suite=${results%/results}
	sm_run kunit "${suite##*/}" cat "$results"
done
