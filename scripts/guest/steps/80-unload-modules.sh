# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test demo kunit shell
#
# rmmod in the reverse of the load order; a module that will not unload is
# a failure.

for ko in $(sm_modules | tac); do
	mod=${ko##*/}
	mod=${mod%.ko}
	grep -q "^$mod " /proc/modules || continue	# its insmod failed
	sm_check "rmmod:$mod" rmmod "$mod"
done
