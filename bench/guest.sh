#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the benchmark guest (scripts/bench.sh), in QEMU or User-Mode
# Linux alike: load syncmap, run the module benchmark BENCH_PASSES times,
# once per promotion policy, then the userspace benchmark; every result
# line goes to the second serial line (/dev/ttyS1: QEMU's second serial
# port, UML's ssl1), framed by "@@bench" records, for bench/report.py.

export PATH=/usr/bin:/usr/sbin:/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp

. /etc/bench.conf

if [ -c /dev/ttyS1 ]; then
	stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
	exec 3>/dev/ttyS1
else
	exec 3>/dev/console
fi

emit() {
	echo "$*" >&3
}

# run_module TAG PARAMS...: one load of the benchmark module.
run_module() {
	tag=$1
	shift
	echo "bench: $tag $*" >/dev/console
	dmesg -c >/dev/null
	emit "@@bench begin $tag $*"
	# shellcheck disable=SC2068	# one word per parameter
	if ! insmod /modules/bench/syncmap_bench.ko $@; then
		emit "@@bench error insmod $tag"
	fi
	dmesg | sed -n 's/^.*syncmap_bench: //p' >&3
	emit "@@bench end $tag"
	rmmod syncmap_bench
}

emit "@@bench start platform=${BENCH_PLATFORM:-unknown} kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) date=$(date -u +%Y-%m-%d)"
insmod /modules/syncmap.ko || emit "@@bench error insmod syncmap"

pass=1
while [ "$pass" -le "$BENCH_PASSES" ]; do
	# shellcheck disable=SC2086
	run_module "pass=$pass" $BENCH_PARAMS
	pass=$((pass + 1))
done

# The Go workloads under each promotion policy, beside the default.
if [ -n "$BENCH_POLICIES" ]; then
	# shellcheck disable=SC2086
	run_module "policy=default" $BENCH_POLICY_PARAMS
fi
for p in $BENCH_POLICIES; do
	# shellcheck disable=SC2046,SC2086
	run_module "policy=$p" $BENCH_POLICY_PARAMS $(echo "$p" | tr , " " | sed "s/[^ ]*/policy_&/g")
done

if [ "$BENCH_UBENCH" = 1 ]; then
	echo "bench: userspace" >/dev/console
	emit "@@bench begin ubench $BENCH_UBENCH_ARGS"
	# shellcheck disable=SC2086
	syncmap_ubench $BENCH_UBENCH_ARGS >&3 2>&1 || emit "@@bench error ubench rc=$?"
	emit "@@bench end ubench"
fi

emit "@@bench done"
sleep 1
exec 3>&-
poweroff -f
