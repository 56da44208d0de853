/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the engine, the algorithm behind a map's operations.
 *
 * The exported API (kmod/map.c) checks its arguments and calls in here;
 * loads first look the key up in the read table without a lock
 * (load_value() in kmod/map.c) and call the engine only for the locked
 * part of a miss.  The engine returns values with the entry's reference
 * passed to the caller, or copies them out itself with copy_value().
 */
#ifndef _SYNCMAP_ENGINE_H
#define _SYNCMAP_ENGINE_H

#include <linux/types.h>

struct syncmap;
struct syncmap_entry;
struct syncmap_table;
struct syncmap_value;

/* Go's sync.Map: kmod/engine_go.c. */

/*
 * The locked part of Load and CompareAndDelete, for a key the amended
 * read table @read lacks (its hash there was @hash): the entry, or NULL.
 * Called inside rcu_read_lock().
 */
struct syncmap_entry *
syncmap_go_load_missed(struct syncmap *map, struct syncmap_table *read,
		       u32 hash, const void *key, u32 key_len);

/* Swap, LoadOrStore, CompareAndSwap: as the API's, sizes checked. */
int syncmap_go_swap(struct syncmap *map, const void *key, u32 key_len,
		    const void *value, u32 value_len,
		    void *buf, u32 size, u32 *len);
int syncmap_go_load_or_store(struct syncmap *map, const void *key, u32 key_len,
			     const void *value, u32 value_len,
			     void *buf, u32 size, u32 *len);
int syncmap_go_compare_and_swap(struct syncmap *map, const void *key,
				u32 key_len, const void *old, u32 old_len,
				const void *new, u32 new_len);

/* LoadAndDelete: the removed value, with the entry's reference, or NULL. */
struct syncmap_value *syncmap_go_load_and_delete(struct syncmap *map,
						 const void *key, u32 key_len);

/*
 * Go's promotion: the dirty table becomes the read table.  @reason is one
 * of SYNCMAP_PROMOTE_* (kmod/trace.h).  Under the map's lock.
 */
void syncmap_go_promote_locked(struct syncmap *map, int reason)
	__must_hold(&map->lock);

#endif /* _SYNCMAP_ENGINE_H */
