# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test demo kunit shell
#
# insmod every module, in the order the host wrote to /modules/order:
# kmod/syncmap.ko, then samples/, then the KUnit modules (whose suites run during
# insmod and print KTAP to the console; step 30 collects their results).

# syncmap.ko loads from a memory cgroup of its own, as from an
# administrator's login session: syncmap_memcg_test checks that the default
# map, which lives as long as the module, is not charged to that cgroup.
insmod_cg=/sys/fs/cgroup/syncmap-insmod
echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
mkdir -p "$insmod_cg" 2>/dev/null

# Under KCSAN the in-kernel benchmark's smoke run leaves the kernel's own
# rhashtable out: KCSAN reports, now and then, lib/rhashtable.c racing with
# its own deferred resize worker (__rhashtable_remove_fast() against
# rht_deferred_worker()): a report about a peer, not about syncmap.
bench_peers=
[ -d /sys/kernel/debug/kcsan ] && bench_peers="impls=syncmap,syncmap-merge,rwlock,bucketlock,xarray"

# Parameters come from scripts/guest/modules.conf ("PATH.ko PARAM=VALUE...").
for ko in $(sm_modules); do
	params=$(awk -v ko="$ko" '$1 == ko { $1 = ""; print }' /modules/params)
	[ "$ko" = bench/syncmap_bench.ko ] && params="$params $bench_peers"
	if [ "$ko" = kmod/syncmap.ko ] && [ -f "$insmod_cg/memory.current" ]; then
		# shellcheck disable=SC2016,SC2086	# $$ is the inner sh's
		sm_check "insmod:${ko##*/}" sh -c \
			'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' \
			sh "$insmod_cg" insmod "/modules/$ko" $params
		continue
	fi
	# shellcheck disable=SC2086	# one word per parameter
	sm_check "insmod:${ko##*/}" insmod "/modules/$ko" $params
done
