/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * syncmap: userspace ABI.
 *
 * Only fixed-width types; every structure is naturally aligned with
 * explicit padding, so 32-bit and 64-bit callers share one layout.
 */
#ifndef _UAPI_SYNCMAP_H
#define _UAPI_SYNCMAP_H

#include <linux/types.h>

/* Longest key and value the map accepts, in bytes. */
#define SYNCMAP_KEY_MAX		512
#define SYNCMAP_VALUE_MAX	(64 * 1024)

/**
 * struct syncmap_stats - every counter of one map
 *
 * The exact definition of each field is in docs/counters.md.  Booleans
 * are 0 or 1.  Fields are only ever appended.
 */
struct syncmap_stats {
	/* The algorithm's own state. */
	__u64 misses;
	__u64 read_len;
	__u64 dirty_len;
	__u64 dirty_present;
	__u64 amended;
	__u64 len;
	__u64 entries;
	__u64 bytes;
	/* Promotions and dirty-table rebuilds. */
	__u64 promotions;
	__u64 promotions_misses;
	__u64 promotions_range;
	__u64 promotions_compact;
	__u64 dirty_rebuilds;
	__u64 rebuild_copied;
	__u64 rebuild_expunged;
	/* Operations. */
	__u64 loads;
	__u64 read_hits;
	__u64 read_misses;
	__u64 dirty_hits;
	__u64 stores;
	__u64 new_keys;
	__u64 deletes;
	__u64 clears;
	__u64 compactions;
	/* Longest time the map's spinlock was held, in nanoseconds. */
	__u64 lock_hold_max_ns;
};

#endif /* _UAPI_SYNCMAP_H */
