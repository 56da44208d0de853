/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: a concurrent key/value map with the design of Go's sync.Map.
 *
 * Keys are byte strings of 0..SYNCMAP_KEY_MAX bytes and values byte
 * strings of 0..SYNCMAP_VALUE_MAX bytes; the empty key is a valid key and
 * the empty value is a present value.  The map owns copies of both.
 *
 * Results: a call that can find nothing reports absence as a result, not
 * as an error: it returns 1 when the key was found (or the operation
 * happened) and 0 when it was not.  Negative values are errors:
 *
 *   -E2BIG   the key or value is longer than its maximum;
 *   -ENOSPC  a limit set at creation (entries or bytes) would be exceeded;
 *   -ENOMEM  an allocation failed;
 *   -ERANGE  the caller's buffer is smaller than the value; the needed
 *            size is stored in *@len.
 *
 * A mutation that fails with -E2BIG, -ENOSPC or -ENOMEM leaves the map
 * exactly as it was.  The locking and lifetime rules are in
 * docs/design.md.
 */
#ifndef _SYNCMAP_H
#define _SYNCMAP_H

#include <linux/types.h>
#include "uapi/syncmap.h"

struct syncmap;
struct syncmap_table;

/**
 * struct syncmap_params - options fixed when a map is created
 * @max_entries: most entries the map may hold, whatever their state
 *               (live or deleted but not yet dropped); 0 for no limit.
 * @max_bytes: most bytes the map may hold for keys, values and per-entry
 *             overhead (see docs/counters.md); 0 for no limit.
 * @engine: an &enum syncmap_engine (uapi/syncmap.h); 0, Go's, by default.
 */
struct syncmap_params {
	u64 max_entries;
	u64 max_bytes;
	u32 engine;
};

/**
 * typedef syncmap_range_fn - callback of syncmap_range()
 * @arg: the pointer passed to syncmap_range().
 * @key: the entry's key, valid until the callback returns.
 * @key_len: length of @key.
 * @value: the entry's value, valid until the callback returns.
 * @value_len: length of @value.
 *
 * Return: 0 to go on, anything else to stop the walk; syncmap_range()
 * returns that value.
 */
typedef int (*syncmap_range_fn)(void *arg, const void *key, u32 key_len,
				const void *value, u32 value_len);

/**
 * struct syncmap_iter - a walk of a map that can stop and resume
 * @table: the pinned read table (private to the core).
 * @pos: the next slot to look at (private to the core).
 *
 * Embed it anywhere; it holds a reference on a read table between
 * syncmap_iter_start() and syncmap_iter_stop().
 */
struct syncmap_iter {
	struct syncmap_table *table;
	u32 pos;
};

struct syncmap *syncmap_create(const struct syncmap_params *params);
void syncmap_destroy(struct syncmap *map);

int syncmap_load(struct syncmap *map, const void *key, u32 key_len,
		 void *buf, u32 size, u32 *len);
int syncmap_load_rcu(struct syncmap *map, const void *key, u32 key_len,
		     const void **value, u32 *len);
int syncmap_store(struct syncmap *map, const void *key, u32 key_len,
		  const void *value, u32 value_len);
int syncmap_load_or_store(struct syncmap *map, const void *key, u32 key_len,
			  const void *value, u32 value_len,
			  void *buf, u32 size, u32 *len);
int syncmap_load_and_delete(struct syncmap *map, const void *key, u32 key_len,
			    void *buf, u32 size, u32 *len);
int syncmap_delete(struct syncmap *map, const void *key, u32 key_len);
int syncmap_swap(struct syncmap *map, const void *key, u32 key_len,
		 const void *value, u32 value_len,
		 void *buf, u32 size, u32 *len);
int syncmap_compare_and_swap(struct syncmap *map, const void *key,
			     u32 key_len, const void *old, u32 old_len,
			     const void *new, u32 new_len);
int syncmap_compare_and_delete(struct syncmap *map, const void *key,
			       u32 key_len, const void *old, u32 old_len);
int syncmap_range(struct syncmap *map, syncmap_range_fn fn, void *arg);
void syncmap_iter_start(struct syncmap *map, struct syncmap_iter *iter);
int syncmap_iter_next(struct syncmap_iter *iter, syncmap_range_fn fn,
		      void *arg);
void syncmap_iter_stop(struct syncmap_iter *iter);
int syncmap_clear(struct syncmap *map);
u64 syncmap_len(struct syncmap *map);
void syncmap_get_stats(struct syncmap *map, struct syncmap_stats *stats);
void syncmap_reset_stats(struct syncmap *map);
void syncmap_time_lock_holds(bool on);
int syncmap_compact(struct syncmap *map);
int syncmap_set_policy(struct syncmap *map,
		       const struct syncmap_policy *policy);
void syncmap_get_policy(struct syncmap *map, struct syncmap_policy *policy);
void syncmap_get_health(struct syncmap *map, struct syncmap_health *health);
void syncmap_set_name(struct syncmap *map, const char *name);

/* Named maps, shared with userspace (kmod/registry.c). */
struct syncmap *syncmap_get(const char *name);
void syncmap_put(struct syncmap *map);

#endif /* _SYNCMAP_H */
