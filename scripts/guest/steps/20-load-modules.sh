# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test demo kunit
#
# insmod every module, in the order the host wrote to /modules/order:
# kmod/syncmap.ko, then samples/, then the KUnit modules (whose suites run during
# insmod and print KTAP to the console; step 30 collects their results).

# Parameters come from scripts/guest/modules.conf ("PATH.ko PARAM=VALUE...").
for ko in $(sm_modules); do
	params=$(awk -v ko="$ko" '$1 == ko { $1 = ""; print }' /modules/params)
	# shellcheck disable=SC2086	# one word per parameter
	sm_check "insmod:${ko##*/}" insmod "/modules/$ko" $params
done
