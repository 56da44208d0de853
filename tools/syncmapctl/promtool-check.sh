#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check on the host, with `promtool check metrics`, the Prometheus text
# syncmapctl printed in a VM run.  The guest has no promtool (a 48 MB Go
# program); selftests/syncmapctl_test.c prints each output of
# `syncmapctl stats --prometheus` it checks on the results channel as
#
#	# promtool-input begin LABEL
#	# | TEXT LINE                 (N of them)
#	# promtool-input end LABEL N
#
# Usage: tools/syncmapctl/promtool-check.sh RESULTS_LOG
#
# Prints one result record per LABEL for scripts/parse-results.py:
#	@@syncmap result ok promtool:LABEL
#	@@syncmap result fail promtool:LABEL WHAT PROMTOOL SAID
# and a failure when syncmapctl_test ran but printed no text (or text cut
# off).  Prints nothing when promtool is not installed (scripts/deps.sh
# installs it: Debian's package prometheus) or syncmapctl_test did not
# run.  Exits 0 whatever it found; 2 on a usage error.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: $0 RESULTS_LOG" >&2
	exit 2
fi
results=$1

if ! command -v promtool >/dev/null; then
	echo "${0##*/}: promtool is not installed (package prometheus): not checked" >&2
	exit 0
fi
# Only the output of syncmapctl_test, never that of other programs.
if ! grep -q '^@@syncmap begin kselftest syncmapctl_test' "$results"; then
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Split the blocks into $work/LABEL.prom, with "LABEL N" (lines promised)
# and "LABEL M" (lines found) in $work/index.
tr -d '\r' <"$results" | awk -v dir="$work" '
	/^@@syncmap begin kselftest syncmapctl_test/	{ inside = 1; next }
	/^@@syncmap end /				{ inside = 0; next }
	!inside						{ next }
	/^# promtool-input begin /			{ label = $4; n = 0
							  file = dir "/" label ".prom"
							  printf "" >file; next }
	/^# promtool-input end / && label != ""	{ print label, $5, n >>(dir "/index")
							  close(file); label = ""; next }
	label != "" && /^# \| /				{ print substr($0, 5) >>file; n++; next }
	label != "" && /^# \|$/				{ print "" >>file; n++; next }
	END { if (label != "") print label, -1, n >>(dir "/index") }
'

if [ ! -s "$work/index" ]; then
	echo "@@syncmap result fail promtool:syncmapctl_test it printed no Prometheus text"
	exit 0
fi
while read -r label promised found; do
	if [ "$promised" != "$found" ]; then
		echo "@@syncmap result fail promtool:$label text cut off ($found of $promised lines)"
		continue
	fi
	if out=$(promtool check metrics <"$work/$label.prom" 2>&1); then
		echo "@@syncmap result ok promtool:$label"
	else
		echo "@@syncmap result fail promtool:$label $(echo "$out" | tr '\n' ' ' | cut -c1-300)"
	fi
done <"$work/index"
exit 0
