# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test kunit
#
# Forget what the boot may have leaked, so that the final scan (step 90)
# reports only what happened while our modules were loaded.

kml=/sys/kernel/debug/kmemleak
[ -w "$kml" ] || return 0
echo scan >"$kml"
echo clear >"$kml"
sm_log "kmemleak: baseline taken"
