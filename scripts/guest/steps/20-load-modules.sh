# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test demo
#
# insmod every module, in the order the host wrote to /modules/order:
# syncmap.ko, then samples/, then the KUnit modules (whose suites run during
# insmod and print KTAP to the console; step 30 collects their results).

for ko in $(sm_modules); do
	sm_check "insmod:${ko##*/}" insmod "/modules/$ko"
done
