/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: what the files of the map's core share.
 *
 * The API (kmod/map.c), the engine behind it (kmod/engine.h) and the
 * files of iteration, Clear and compaction, statistics, health and policy
 * all lock, hash and count through these.  The lock-free paths inline
 * them: key_hash() and the per-CPU counters are part of every load.
 */
#ifndef _SYNCMAP_CORE_H
#define _SYNCMAP_CORE_H

#include <linux/jhash.h>
#include <linux/jump_label.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "entry.h"
#include "key_hash.h"
#include "map.h"
#include "table.h"

/*
 * Locks (the order and what each guards: kmod/map.h).  map_lock() and
 * map_unlock() take the softirq-safe spinlock; they time the hold only
 * while someone asked for lock_hold_max_ns (syncmap_time_lock_holds()).
 */
DECLARE_STATIC_KEY_FALSE(syncmap_lock_timing);
void syncmap_lock_hold_end(struct syncmap *map);

static inline void map_lock(struct syncmap *map)
	__acquires(&map->lock)
{
	spin_lock_bh(&map->lock);
	/* 0: this hold is not timed, even if timing starts before it ends. */
	map->lock_taken_ns = static_branch_unlikely(&syncmap_lock_timing) ?
			     local_clock() : 0;
}

static inline void map_unlock(struct syncmap *map)
	__releases(&map->lock)
{
	if (static_branch_unlikely(&syncmap_lock_timing))
		syncmap_lock_hold_end(map);
	spin_unlock_bh(&map->lock);
}

/*
 * Let go of the mutex, switching the hash first if an insert probed too
 * far; and, after an insert made without the mutex, take it to switch.
 */
void syncmap_mutex_unlock(struct syncmap *map);
void syncmap_flood_check(struct syncmap *map);

/* The map's pointers to its read table and its epoch, by who holds what. */
static inline struct syncmap_table *read_locked(struct syncmap *map)
	__must_hold(&map->lock)
{
	return rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->lock));
}

/*
 * The read table as seen by the holder of the mutex while the dirty table
 * is absent: only a promotion, which needs a dirty table, or a mutex holder
 * can replace it then.  It is written under the lock: the mutex alone
 * keeps it only while there is no dirty table to promote.
 */
static inline struct syncmap_table *read_stable(struct syncmap *map)
{
	return rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->lock) ||
					 (lockdep_is_held(&map->mutex) &&
					  !READ_ONCE(map->dirty)));
}

/* Clear replaces the epoch holding both the mutex and the lock. */
static inline struct syncmap_epoch *epoch_current(struct syncmap *map)
{
	return rcu_dereference_protected(map->epoch,
					 lockdep_is_held(&map->mutex) ||
					 lockdep_is_held(&map->lock));
}

/*
 * Hashing (kmod/map.c says which hash and why): inline for the fixed key
 * lengths of jhash(), calls for the rest.
 */
u32 syncmap_key_hsiphash(const struct syncmap *map, const void *key,
			 u32 key_len);
u32 syncmap_jhash_any(const void *key, u32 key_len, u32 seed);

/*
 * The hash of a key in a table whose @secure is given.  The key's words
 * are read with get_unaligned(), the values memcpy() gave: it would be a
 * call in a kernel built with -fno-builtin (User-Mode Linux).
 */
static __always_inline u32 key_hash(const struct syncmap *map, bool secure,
				    const void *key, u32 key_len)
{
	const u32 *w = key;

	if (unlikely(secure))
		return syncmap_key_hsiphash(map, key, key_len);
	switch (key_len) {
	case 4:
		return jhash_1word(get_unaligned(w), map->hash_seed);
	case 8:
		return jhash_2words(get_unaligned(w), get_unaligned(w + 1),
				    map->hash_seed);
	case 16:
		return syncmap_jhash_4words(w, map->hash_seed);
	}
	return syncmap_jhash_any(key, key_len, map->hash_seed);
}

/*
 * The hash of a key in table @t, given @hash, its hash for a table whose
 * @secure was *@secure (a look-up of an earlier read table): a lock-free
 * path that loads the read pointer twice may see the hash switched.
 */
static __always_inline u32 hash_for(const struct syncmap *map,
				    const struct syncmap_table *t, u32 hash,
				    bool *secure, const void *key,
				    u32 key_len)
{
	if (likely(t->secure == *secure))
		return hash;
	*secure = t->secure;
	return key_hash(map, *secure, key, key_len);
}

/*
 * The hash of a key in the map's tables now, given @hash, its hash for a
 * table whose @secure was @was (a lock-free look-up's).  Under the map's
 * lock or mutex: then the read and dirty tables hash as the map does.
 */
static inline u32 hash_now(const struct syncmap *map, u32 hash, bool was,
			   const void *key, u32 key_len)
{
	if (likely(was == map->secure))
		return hash;
	return key_hash(map, map->secure, key, key_len);
}

/* The per-CPU event counters (enum syncmap_event). */
#define stat_inc(map, ev) this_cpu_inc((map)->pcpu->events[(ev)])

/* Count one lock-free lookup of the read table. */
static inline void stat_read_lookup(struct syncmap *map, bool hit)
{
	if (hit)
		stat_inc(map, SYNCMAP_EV_READ_HITS);
	else
		stat_inc(map, SYNCMAP_EV_READ_MISSES);
}

/* The policy's adaptive factor, in quarters: 1.0 by default, 0.25 to 8. */
#define ADAPT_ONE	4
#define ADAPT_MIN	1
#define ADAPT_MAX	32

/* Values: the limits, the allocation of a value to store, the copy out. */
struct syncmap_value *syncmap_value_for_store(struct syncmap *map,
					      const void *value, u32 len,
					      int *err);
/*
 * An entry for a key that may be new, without a value, made before any
 * lock: 0, or -ENOSPC past max_entries, or -ENOMEM.  Its epoch is set
 * when it is inserted, under the lock, so a clear in between cannot
 * leave it counted in the wrong epoch.
 */
int syncmap_entry_prepare(struct syncmap *map, const void *key, u32 key_len,
			  struct syncmap_entry **fresh);
/* A new key's entry holding its first value, or NULL with *@err. */
struct syncmap_entry *syncmap_entry_for_store(struct syncmap *map,
					      const void *key, u32 key_len,
					      const void *value, u32 len,
					      int *err);

/*
 * The value a Swap or LoadOrStore stores.  For a key that is likely new
 * (@new_key: the read table lacks it), it is embedded in the key's new
 * entry, returned in *@fresh (entry.h); otherwise, or if a limit leaves
 * no room for a new entry, a value on its own, and any entry is made
 * later without one (the key may be present after all).  NULL, with
 * *@err (-ENOSPC past a limit, else -ENOMEM), if neither can be had.
 */
static inline struct syncmap_value *
syncmap_value_to_store(struct syncmap *map, bool new_key, const void *key,
		       u32 key_len, const void *value, u32 len,
		       struct syncmap_entry **fresh, int *err)
{
	if (new_key) {
		*fresh = syncmap_entry_for_store(map, key, key_len, value, len,
						 err);
		if (*fresh)
			return syncmap_entry_first(*fresh);
		if (*err != -ENOSPC)
			return NULL;
	}
	return syncmap_value_for_store(map, value, len, err);
}

/* Copy bytes out; a NULL @buf asks for nothing but their length. */
static inline int copy_bytes(const void *data, u32 data_len, void *buf,
			     u32 size, u32 *len)
{
	if (len)
		*len = data_len;
	if (!buf)
		return 1;
	if (data_len > size)
		return -ERANGE;
	memcpy(buf, data, data_len);
	return 1;
}

/* Copy out a value known to fit: a one-word value as a word. */
static __always_inline void value_copy(void *buf, const struct syncmap_value *v)
{
	if (v->len == sizeof(u64))
		put_unaligned(get_unaligned((const u64 *)v->data), (u64 *)buf);
	else
		memcpy(buf, v->data, v->len);
}

/* Copy a value out; a NULL @buf asks for nothing but its length. */
static inline int copy_value(const struct syncmap_value *v, void *buf,
			     u32 size, u32 *len)
{
	return copy_bytes(v->data, v->len, buf, size, len);
}

#endif /* _SYNCMAP_CORE_H */
