/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the merge engine (SYNCMAP_ENGINE_MERGE), a mode that never
 * copies on the callers' path.  kmod/engine_merge.c has the algorithm,
 * docs/design.md its locking and lifetime rules.
 *
 * The exported functions of kmod/map.c hand a merge map's operations to
 * these, each the whole of the operation for such a map.
 */
#ifndef _SYNCMAP_ENGINE_MERGE_H
#define _SYNCMAP_ENGINE_MERGE_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "syncmap.h"

struct syncmap;
struct syncmap_iter;
struct syncmap_stats;
struct syncmap_health;

/**
 * struct syncmap_merge - a merge map's state beside struct syncmap's
 * @work: the merge, off the callers' path.
 * @nk_hits: operations that found their key in a new-keys table since the
 *           last merge: as many as the read table holds ask for a merge.
 * @nk_count: entries in the new-keys tables not merged yet (written
 *            under the map's lock).
 * @nk_seq: entries ever inserted into the new-keys tables: written under
 *          the map's lock, released after the entry's slot.  A writer that
 *          read it (acquire) before a look-up that found no entry finds
 *          it unchanged under the lock if no entry was made since.
 * @cut_head: the head pushed by the last merge, whose @older still leads
 *            to the tables it merged (@cut_frozen) until @cut_gp has
 *            passed: NULL when no cut is pending (under the mutex).
 * @cut_frozen: the merged tables.
 * @cut_gp: the grace period (get_state_synchronize_rcu()) after which
 *          nobody can still look for a merged key in them.
 */
struct syncmap_merge {
	struct work_struct work;
	atomic_long_t nk_hits;
	u64 nk_count;
	unsigned long nk_seq;
	struct syncmap_table *cut_head;
	struct syncmap_table *cut_frozen;
	unsigned long cut_gp;
};

void syncmap_merge_init(struct syncmap *map);
void syncmap_merge_destroy(struct syncmap *map);

int syncmap_merge_load(struct syncmap *map, const void *key, u32 key_len,
		       void *buf, u32 size, u32 *len);
int syncmap_merge_load_rcu(struct syncmap *map, const void *key, u32 key_len,
			   const void **value, u32 *len);
int syncmap_merge_swap(struct syncmap *map, const void *key, u32 key_len,
		       const void *value, u32 value_len,
		       void *buf, u32 size, u32 *len);
int syncmap_merge_load_or_store(struct syncmap *map, const void *key,
				u32 key_len, const void *value, u32 value_len,
				void *buf, u32 size, u32 *len);
int syncmap_merge_load_and_delete(struct syncmap *map, const void *key,
				  u32 key_len, void *buf, u32 size, u32 *len);
int syncmap_merge_compare_and_swap(struct syncmap *map, const void *key,
				   u32 key_len, const void *old, u32 old_len,
				   const void *new, u32 new_len);
int syncmap_merge_compare_and_delete(struct syncmap *map, const void *key,
				     u32 key_len, const void *old,
				     u32 old_len);
void syncmap_merge_iter_start(struct syncmap *map, struct syncmap_iter *iter);
int syncmap_merge_range(struct syncmap *map, syncmap_range_fn fn, void *arg);
int syncmap_merge_clear(struct syncmap *map);
int syncmap_merge_compact(struct syncmap *map);
void syncmap_merge_stats_locked(struct syncmap *map,
				struct syncmap_stats *stats);
void syncmap_merge_get_health(struct syncmap *map,
			      struct syncmap_health *health);

#endif /* _SYNCMAP_ENGINE_MERGE_H */
