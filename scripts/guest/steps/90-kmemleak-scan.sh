# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test kunit
#
# With the modules gone, anything they allocated and never freed is
# unreferenced.  kmemleak ignores objects younger than 5 s, so wait that out.

kml=/sys/kernel/debug/kmemleak
[ -w "$kml" ] || return 0
sleep 6
echo scan >"$kml"
report=$(cat "$kml")
if [ -z "$report" ]; then
	sm_result ok kmemleak
else
	echo "$report" >/dev/console
	sm_result fail kmemleak "suspected leaks, see the console log"
fi
