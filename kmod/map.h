/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the map object, shared by the files of the module.
 *
 * Locking, in the order taken (docs/design.md says why):
 *
 *   map->mutex   serialises what copies or replaces a table: the dirty
 *                rebuild and growth, the hash switch, clear, compaction.
 *                New keys and unexpunges take it only when the dirty
 *                table is absent, full or frozen (being copied); removals
 *                from it, only when frozen.  Sleeps; process context.
 *   map->lock    softirq-safe spinlock over the O(1) state loads touch:
 *                misses, the dirty pointer and its slots, the read
 *                pointer and its amended flag.  Held only for O(1) work.
 *   RCU          readers of map->read, of entries and of values.
 */
#ifndef _SYNCMAP_MAP_H
#define _SYNCMAP_MAP_H

#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/percpu_counter.h>
#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "syncmap.h"
#include "engine_merge.h"

struct mem_cgroup;
struct syncmap_table;
struct syncmap_epoch;

/*
 * Per-CPU event counters: written on hot paths, summed when read.  A load
 * writes one: its lock-free look-up's hit or miss; the other operations
 * count theirs in READ_HITS and READ_MISSES.  The stats add them up
 * (loads = LOAD_HITS + LOAD_MISSES; docs/counters.md).  Each miss event
 * follows its hit event: lookup_counting_miss() relies on it.
 */
enum syncmap_event {
	SYNCMAP_EV_LOAD_HITS,
	SYNCMAP_EV_LOAD_MISSES,
	SYNCMAP_EV_READ_HITS,
	SYNCMAP_EV_READ_MISSES,
	SYNCMAP_EV_DIRTY_HITS,
	SYNCMAP_EV_STORES,
	SYNCMAP_EV_DELETES,
	SYNCMAP_EV_NR,
};

struct syncmap_pcpu_stats {
	u64 events[SYNCMAP_EV_NR];
};

/*
 * The event counters a map keeps under its lock, beside the per-CPU ones:
 * those of the algorithm's rarer steps (docs/counters.md names each).
 * They only grow: syncmap_reset_stats() records them, and the sums of the
 * per-CPU counters, as the base that syncmap_get_stats() subtracts.
 */
struct syncmap_counters {
	u64 promotions_misses;
	u64 promotions_range;
	u64 promotions_compact;
	u64 dirty_rebuilds;
	u64 rebuild_copied;
	u64 rebuild_expunged;
	u64 new_keys;
	u64 clears;
	u64 compactions;
};

/* Every event counter of a map at one moment: a reset's base. */
struct syncmap_counters_snapshot {
	struct syncmap_counters counters;
	u64 events[SYNCMAP_EV_NR];		/* the per-CPU ones, summed */
};

struct syncmap {
	/*
	 * Read mostly, by the lock-free paths: the first cache line, which
	 * nothing but a promotion or a clear writes.  A load that hits the
	 * read table reads this line, the read table's first line, a slot,
	 * the entry, the value and its own CPU's counters, and writes only
	 * the counters.
	 */
	struct syncmap_table __rcu *read;
	struct syncmap_pcpu_stats __percpu *pcpu;
	hsiphash_key_t hash_key;	/* hsiphash(), once flooded */
	u32 hash_seed;			/* jhash() until then */
	u32 engine;			/* enum syncmap_engine, fixed */
	/* The merge engine's new-keys tables, newest first (engine_merge.h). */
	struct syncmap_table __rcu *nk;

	/* The lock and what is written under it, away from the above. */
	spinlock_t lock ____cacheline_aligned_in_smp;	/* see the top */
	struct syncmap_table *dirty;		/* under lock */
	u64 misses;				/* under lock */
	u64 lock_hold_max_ns;			/* under lock */
	u64 lock_taken_ns;			/* under lock */
	struct syncmap_policy policy;		/* under lock */
	u64 cycle_copied;			/* under lock: see adapt_locked() */
	struct syncmap_counters counters;	/* under lock */
	/* Under lock: the counters at the last syncmap_reset_stats(). */
	struct syncmap_counters_snapshot reset_base;

	/*
	 * The tables hash with hsiphash() (see kmod/map.c): set with
	 * the mutex and the lock held, read with either.
	 */
	bool secure;
	/* A table insert probed too far: switch to hsiphash(). */
	bool flooded;				/* set under lock */
	/* A mutex holder copies the dirty table: see dirty_reserve(). */
	bool dirty_frozen;			/* under lock */

	struct mutex mutex;			/* see the top of this file */

	/*
	 * Live entries are counted per epoch: clear starts a new one, so
	 * lock-free stores racing with it on entries it dropped are not
	 * counted against the map's len.
	 */
	struct syncmap_epoch __rcu *epoch;

	atomic_long_t entries;			/* entry objects alive */
	struct percpu_counter bytes;		/* bytes allocated */
	u64 max_entries;
	u64 max_bytes;

	struct mem_cgroup *memcg;		/* charged for all memory */

	/*
	 * Tables put whose grace period or free work has not ended yet,
	 * plus one for the map itself until syncmap_destroy(): whoever
	 * takes it to 0 completes @frees_done, so destroy waits for this
	 * map's frees alone, not for every RCU callback in the system.
	 */
	atomic_long_t frees;
	struct completion frees_done;

	/* For whoever names the map (the registry); the core ignores it. */
	void *owner;
	/* The name, for tracepoints; "" for a map nobody named. */
	char name[SYNCMAP_NAME_MAX];

	/* Test-only fault injection: fail the N-th next allocation. */
	atomic_t fail_nth;

	/* The merge engine's state; unused by Go's. */
	struct syncmap_merge merge;
};

const char *syncmap_engine_name(const struct syncmap *map);
u32 syncmap_key_hash(const struct syncmap *map, bool secure, const void *key,
		     u32 key_len);

int syncmap_core_init(void);
void syncmap_core_exit(void);

/* Walks that promote only once they need to (the device's WALK). */
bool syncmap_iter_start_unpromoted(struct syncmap *map,
				   struct syncmap_iter *iter);
int syncmap_iter_next_unseen(struct syncmap_iter *iter,
			     const struct syncmap_iter *seen,
			     syncmap_range_fn fn, void *arg);

void syncmap_inject_alloc_failure(struct syncmap *map, int nth);
void syncmap_flush_frees(void);
void syncmap_poison_freed(bool on);

#endif /* _SYNCMAP_MAP_H */
