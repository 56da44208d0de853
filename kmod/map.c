// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: the map's API, and what its engines share.
 *
 * The algorithm behind a map, its engine, is chosen when the map is
 * created (map->engine): Go's sync.Map (kmod/engine_go.c, entry points in
 * kmod/engine.h), or the merge engine, which never copies on the callers'
 * path (kmod/engine_merge.c, kmod/engine_merge.h).  Each API function
 * hands a merge map to the merge engine first thing; this file holds the
 * API and, for Go's engine, what does not depend on it.  How a call goes:
 *
 *   syncmap_load(), syncmap_load_rcu(), syncmap_compare_and_delete()
 *	look the key up here, in the read table, without a lock
 *	(load_value(), lookup_counting_miss(): inline).  Only a miss in an
 *	amended read table calls the engine (syncmap_go_load_missed()),
 *	which looks in the dirty table under the lock and returns the
 *	entry or NULL.  The value is copied out here.
 *   syncmap_swap(), syncmap_store(), syncmap_load_or_store(),
 *   syncmap_compare_and_swap()
 *	check the sizes here and call the engine, which allocates the new
 *	value (syncmap_value_for_store()), writes it and copies the value
 *	out (copy_value()).
 *   syncmap_load_and_delete(), syncmap_delete()
 *	check the key here; the engine removes it and hands the value back.
 *
 * Also here: the hash (jhash() until a flood, then hsiphash()), the
 * lock's hold timing, the map's creation and destruction and the test
 * hooks.  Elsewhere: walks (kmod/iter.c), Clear and compaction
 * (kmod/clear.c), statistics, health and policy (kmod/stats.c), the
 * helpers all of these share (kmod/core.h), tables (kmod/table.c) and
 * entries (kmod/entry.c).  docs/design.md says why the locking is split
 * so that no O(n) work and no allocation ever happens under the spinlock
 * that loads may take from softirq.
 */
#include <linux/export.h>
#include <linux/jhash.h>
#include <linux/jump_label.h>
#include <linux/minmax.h>
#include <linux/memcontrol.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"
#include "engine.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/*
 * Timing every hold of the lock costs two local_clock() reads per trip
 * through it, on every slow path: it is done only while someone asked
 * for lock_hold_max_ns (syncmap_time_lock_holds()).  Otherwise the stat
 * stays where it was, 0 after a reset.
 */
DEFINE_STATIC_KEY_FALSE(syncmap_lock_timing);

/**
 * syncmap_time_lock_holds() - time the maps' spinlock holds, or stop
 * @on: true to start (the calls nest), false to undo one start.
 *
 * While on, every map records its longest spinlock hold in the stats'
 * lock_hold_max_ns.  Holds that began before the start are not counted.
 *
 * Context: Process context; sleeps.
 */
void syncmap_time_lock_holds(bool on)
{
	if (on)
		static_branch_inc(&syncmap_lock_timing);
	else
		static_branch_dec(&syncmap_lock_timing);
}
EXPORT_SYMBOL_GPL(syncmap_time_lock_holds);

/* map_unlock() of a timed hold: record it if it is the longest. */
void syncmap_lock_hold_end(struct syncmap *map)
{
	u64 held;

	if (!map->lock_taken_ns)
		return;
	held = local_clock() - map->lock_taken_ns;
	if (held > map->lock_hold_max_ns)
		map->lock_hold_max_ns = held;
}

/*
 * Keys hash with jhash() and a random seed per map, as rhashtable's do:
 * a few instructions for a key of one or two words.  jhash() is no PRF:
 * keys chosen to collide could make probe sequences long.  Its defence
 * is rhashtable's kind: an insert that probes past SYNCMAP_PROBE_MAX
 * marks the map flooded, and the holder of the mutex rebuilds the read
 * and dirty tables with hsiphash() (switch_to_hsiphash()) before it lets
 * go: the kernel's keyed hash for tables whose hashes are never shown,
 * which nobody can make collide without the key.  The switch is one-way.
 *
 * A table records which hash its slots hold (@secure); lock-free paths
 * hash for the read table they loaded, and the locked parts, which may
 * find other tables, rehash if a switch came in between (hash_now()).
 * Keys of 4, 8 and 16 bytes take fixed-length functions, inline for
 * jhash(); a key's length decides its function, so one key always hashes
 * the same.
 */
noinline u32 syncmap_key_hsiphash(const struct syncmap *map, const void *key,
				  u32 key_len)
{
	u32 w[4];

	switch (key_len) {
	case 4:
		memcpy(w, key, 4);
		return hsiphash_1u32(w[0], &map->hash_key);
	case 8:
		memcpy(w, key, 8);
		return hsiphash_2u32(w[0], w[1], &map->hash_key);
	case 16:
		memcpy(w, key, 16);
		return hsiphash_4u32(w[0], w[1], w[2], w[3], &map->hash_key);
	}
	return hsiphash(key, key_len, &map->hash_key);
}

/* jhash() of a key of any length: out of line, for the lengths not inlined. */
noinline u32 syncmap_jhash_any(const void *key, u32 key_len, u32 seed)
{
	return jhash(key, key_len, seed);
}

/**
 * syncmap_entry_hash() - the hash of an entry's key in a table
 * @t: the table, whose @secure says which hash.
 * @e: the entry.
 *
 * Slots keep no hash: a table's upkeep (removal's back-shift, copies
 * into another table) computes it again from the key.
 *
 * Context: Any context but NMI.
 * Return: the hash.
 */
u32 syncmap_entry_hash(const struct syncmap_table *t,
		       const struct syncmap_entry *e)
{
	return key_hash(t->map, t->secure, e->key, e->key_len);
}
EXPORT_SYMBOL_NS_GPL(syncmap_entry_hash, SYNCMAP_TESTING);

/**
 * syncmap_key_hash() - the hash of a key in a map's tables
 * @map: the map.
 * @secure: hsiphash()'s, else jhash()'s.
 * @key: the key.
 * @key_len: its length.
 *
 * For the merge engine (kmod/engine_merge.c), which inlines the common
 * cases itself.
 *
 * Context: Any context but NMI.
 * Return: the hash.
 */
u32 syncmap_key_hash(const struct syncmap *map, bool secure, const void *key,
		     u32 key_len)
{
	return key_hash(map, secure, key, key_len);
}

/*
 * A copy of @src that hashes with hsiphash(), holding a reference on each
 * of its entries, or NULL.  The caller holds the mutex and a pin on @src,
 * whose slots only a mutex holder changes.
 */
static struct syncmap_table *table_copy_secure(struct syncmap *map,
					       struct syncmap_table *src)
{
	struct syncmap_table *t = syncmap_table_new(map, src->count);
	struct syncmap_entry *e;
	unsigned int i;

	lockdep_assert_held(&map->mutex);
	if (!t)
		return NULL;
	t->secure = true;
	for (i = 0; i <= src->mask; i++) {
		e = syncmap_table_entry(src, i);
		if (e) {
			refcount_inc(&e->ref);
			syncmap_table_insert(t, syncmap_entry_hash(t, e), e);
		}
		if ((i & 1023) == 1023)
			cond_resched();
	}
	return t;
}

/*
 * An insert probed past SYNCMAP_PROBE_MAX: keys were chosen to collide
 * under jhash().  Rebuild the read and dirty tables with hsiphash() and
 * make the map use it from now on.  O(n) under the mutex, O(1) under the
 * lock; the tables hold the same entries, so Go's state (read_len,
 * dirty_len, amended, misses) and every result stay as they were.  On
 * -ENOMEM the map goes on with jhash() and the next mutex holder tries
 * again.
 */
static void switch_to_hsiphash(struct syncmap *map)
{
	struct syncmap_table *read, *dirty, *new_read, *new_dirty;

	lockdep_assert_held(&map->mutex);
	for (;;) {
		map_lock(map);
		read = read_locked(map);
		refcount_inc(&read->ref);	/* the map holds one */
		/*
		 * Stays ours: only a promotion (to be read) moves it, and
		 * frozen, only mutex holders change its key set.
		 */
		dirty = map->dirty;
		map->dirty_frozen = true;
		map_unlock(map);

		new_read = table_copy_secure(map, read);
		new_dirty = dirty ? table_copy_secure(map, dirty) : NULL;
		if (!new_read || (dirty && !new_dirty)) {
			map_lock(map);
			map->dirty_frozen = false;
			map_unlock(map);
			syncmap_table_put(new_read);
			syncmap_table_put(new_dirty);
			syncmap_table_put(read);
			return;
		}

		map_lock(map);
		map->dirty_frozen = false;
		if (read_locked(map) == read && map->dirty == dirty)
			break;
		/* A load promoted meanwhile: once, as the dirty is gone. */
		map_unlock(map);
		syncmap_table_put(new_read);
		syncmap_table_put(new_dirty);
		syncmap_table_put(read);
	}
	new_read->amended = read->amended;
	/* Publish the new table's slots before its pointer. */
	rcu_assign_pointer(map->read, new_read);
	map->dirty = new_dirty;
	WRITE_ONCE(map->secure, true);
	WRITE_ONCE(map->flooded, false);
	map_unlock(map);
	trace_hash_switch(map, new_read->count,
			  new_dirty ? new_dirty->count : 0);
	syncmap_table_put(read);	/* the pin */
	syncmap_table_put(read);	/* the map's */
	syncmap_table_put(dirty);
}

/* Let go of the mutex, switching the hash first if a probe ran long. */
void syncmap_mutex_unlock(struct syncmap *map)
{
	lockdep_assert_held(&map->mutex);
	/* Set under the lock by an insert that need not hold the mutex. */
	if (unlikely(READ_ONCE(map->flooded)) && !map->secure)
		switch_to_hsiphash(map);
	mutex_unlock(&map->mutex);
}

/*
 * After an insert made without the mutex: a probe that ran long asks the
 * mutex holder to switch the hash, so become one.
 */
void syncmap_flood_check(struct syncmap *map)
{
	if (likely(!READ_ONCE(map->flooded)) || READ_ONCE(map->secure))
		return;
	mutex_lock(&map->mutex);
	syncmap_mutex_unlock(map);
}

static int check_sizes(u32 key_len, u32 value_len)
{
	if (key_len > SYNCMAP_KEY_MAX || value_len > SYNCMAP_VALUE_MAX)
		return -E2BIG;
	return 0;
}

/* Whether @size more bytes stay within max_bytes: else -ENOSPC. */
static __always_inline int bytes_room(struct syncmap *map, size_t size)
{
	/* The counter is signed; no map holds anywhere near S64_MAX bytes. */
	u64 max = min_t(u64, map->max_bytes, S64_MAX);

	if (!max)
		return 0;
	if (max < size)
		return -ENOSPC;
	/*
	 * Exact near the limit: the sum is taken when the estimate is close.
	 * Summing reads the other CPUs' counts while they update them, as
	 * percpu_counter is designed to (lib/percpu_counter.c).
	 */
	if (data_race(__percpu_counter_compare(&map->bytes, max - size,
					       SYNCMAP_VALUE_MAX)) > 0)
		return -ENOSPC;
	return 0;
}

struct syncmap_value *syncmap_value_for_store(struct syncmap *map,
					      const void *value, u32 len,
					      int *err)
{
	struct syncmap_value *v;
	int ret;

	ret = bytes_room(map, syncmap_value_size(len));
	if (unlikely(ret)) {
		*err = ret;
		return NULL;
	}
	v = syncmap_value_new(map, value, len);
	if (!v)
		*err = -ENOMEM;
	return v;
}

/* Whether one more entry stays within max_entries: else -ENOSPC. */
static int entries_room(struct syncmap *map)
{
	if (map->max_entries &&
	    atomic_long_read(&map->entries) >= map->max_entries)
		return -ENOSPC;
	return 0;
}

int syncmap_entry_prepare(struct syncmap *map, const void *key, u32 key_len,
			  struct syncmap_entry **fresh)
{
	int ret = entries_room(map);

	if (ret)
		return ret;
	*fresh = syncmap_entry_new(map, key, key_len);
	return *fresh ? 0 : -ENOMEM;
}

struct syncmap_entry *syncmap_entry_for_store(struct syncmap *map,
					      const void *key, u32 key_len,
					      const void *value, u32 len,
					      int *err)
{
	struct syncmap_entry *e;

	*err = entries_room(map);
	if (*err)
		return NULL;
	*err = bytes_room(map, syncmap_entry_valued_size(key_len, len));
	if (*err)
		return NULL;
	e = syncmap_entry_new_valued(map, key, key_len, value, len);
	if (!e)
		*err = -ENOMEM;
	return e;
}

/*
 * Go's Load: the read table without a lock, then the engine's locked
 * part, syncmap_go_load_missed().  The lock-free look-up counts one
 * per-CPU event, @hit_ev or @hit_ev + 1 (the matching miss event: enum
 * syncmap_event pairs them).  Inline: a read hit is this and key_hash().
 * True with *@found set if the key is there: a hit returns straight from
 * the table's loop.
 */
static __always_inline bool
lookup_counting_miss(struct syncmap *map, const void *key, u32 key_len,
		     enum syncmap_event hit_ev, struct syncmap_entry **found)
{
	struct syncmap_table *read = rcu_dereference(map->read);
	u32 hash = key_hash(map, read->secure, key, key_len);

	if (likely(syncmap_table_find(read, hash, key, key_len, found))) {
		stat_inc(map, hit_ev);
		return true;
	}
	stat_inc(map, hit_ev + 1);
	/* Not amended: the read table is complete, a miss is final (Go). */
	if (!READ_ONCE(read->amended))
		return false;
	*found = syncmap_go_load_missed(map, read, hash, key, key_len);
	return *found;
}

/*
 * The value a load finds, or NULL: the whole of syncmap_load_rcu() and
 * syncmap_load(), inlined into both.  Keys of 8 and 16 bytes get copies
 * of the look-up in which their length is a constant, as rhashtable's
 * callers get from their constant params: the hash and the key compare
 * are then straight-line code, with no test of the length.
 */
static __always_inline struct syncmap_value *
load_value(struct syncmap *map, const void *key, u32 key_len)
{
	const enum syncmap_event ev = SYNCMAP_EV_LOAD_HITS;
	struct syncmap_entry *e;
	bool hit;

	switch (key_len) {
	case 8:
		hit = lookup_counting_miss(map, key, 8, ev, &e);
		break;
	case 16:
		hit = lookup_counting_miss(map, key, 16, ev, &e);
		break;
	default:
		hit = lookup_counting_miss(map, key, key_len, ev, &e);
	}
	return hit ? syncmap_entry_load(e) : NULL;
}

/**
 * syncmap_load_rcu() - look a key up without copying its value
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @value: set to the value's bytes when found.
 * @len: set to the value's length when found.
 *
 * The value stays valid until the caller's rcu_read_unlock(); it may be
 * replaced in the map meanwhile.  Counts as a Load: a lookup that falls
 * through to the dirty table counts a miss and may promote it.
 *
 * Context: Process or softirq context, inside rcu_read_lock(); not hardirq
 * or NMI.  Takes and releases the map's softirq-safe spinlock when the key
 * is not in the read table and the dirty table may hold it.  Does not
 * sleep.
 * Return: 1 if found, 0 if absent, -E2BIG if @key_len is too long.
 */
int syncmap_load_rcu(struct syncmap *map, const void *key, u32 key_len,
		     const void **value, u32 *len)
{
	struct syncmap_value *v;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "load outside rcu_read_lock()");
	if (unlikely(key_len > SYNCMAP_KEY_MAX))
		return -E2BIG;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_load_rcu(map, key, key_len, value, len);
	v = load_value(map, key, key_len);
	if (!v)
		return 0;
	*value = v->data;
	*len = v->len;
	return 1;
}
EXPORT_SYMBOL_GPL(syncmap_load_rcu);

/**
 * syncmap_load() - copy out the value of a key
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @buf: where to copy the value.
 * @size: size of @buf.
 * @len: set to the value's length when found, even if @buf is too small.
 *
 * The key is looked up once: a value too big for @buf is reported with
 * its size and the miss accounting of that lookup stands, as in Go.
 *
 * Context: Process or softirq context; not hardirq or NMI.  May take the
 * map's softirq-safe spinlock, as syncmap_load_rcu().  Does not sleep.
 * Return: 1 if found and copied, 0 if absent, -ERANGE if found but larger
 * than @size, -E2BIG if @key_len is too long.
 */
int syncmap_load(struct syncmap *map, const void *key, u32 key_len,
		 void *buf, u32 size, u32 *len)
{
	struct syncmap_value *v;
	int ret = 0;

	if (unlikely(key_len > SYNCMAP_KEY_MAX))
		return -E2BIG;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_load(map, key, key_len, buf, size, len);
	rcu_read_lock();
	v = load_value(map, key, key_len);
	if (v) {
		*len = v->len;
		if (v->len > size) {
			ret = -ERANGE;
		} else {
			value_copy(buf, v);
			ret = 1;
		}
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(syncmap_load);

/**
 * syncmap_swap() - store a value and return the previous one
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @value: the new value.
 * @value_len: its length, at most %SYNCMAP_VALUE_MAX.
 * @buf: where to copy the previous value, or NULL with @size 0.
 * @size: size of @buf.
 * @len: set to the previous value's length when there was one.
 *
 * Context: Process context; may sleep.  Takes the map's mutex and its
 * softirq-safe spinlock unless the key is in the read table.
 * Return: 1 if there was a previous value (copied to @buf), 0 if not,
 * -ERANGE if there was one larger than @size (the store stands),
 * -E2BIG, -ENOSPC or -ENOMEM with the map unchanged.
 */
int syncmap_swap(struct syncmap *map, const void *key, u32 key_len,
		 const void *value, u32 value_len,
		 void *buf, u32 size, u32 *len)
{
	int ret;

	ret = check_sizes(key_len, value_len);
	if (ret)
		return ret;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_swap(map, key, key_len, value, value_len,
					  buf, size, len);
	return syncmap_go_swap(map, key, key_len, value, value_len, buf, size,
			       len);
}
EXPORT_SYMBOL_GPL(syncmap_swap);

/**
 * syncmap_store() - set the value of a key
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @value: the value.
 * @value_len: its length, at most %SYNCMAP_VALUE_MAX.
 *
 * Context: Process context; may sleep.  Takes the map's mutex and its
 * softirq-safe spinlock unless the key is in the read table.
 * Return: 0, or -E2BIG, -ENOSPC or -ENOMEM with the map unchanged.
 */
int syncmap_store(struct syncmap *map, const void *key, u32 key_len,
		  const void *value, u32 value_len)
{
	int ret = syncmap_swap(map, key, key_len, value, value_len, NULL, 0,
			       NULL);

	/* Whether there was a previous value does not matter here. */
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_GPL(syncmap_store);

/**
 * syncmap_load_or_store() - load a key's value, or store one if absent
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @value: the value to store if the key is absent.
 * @value_len: its length, at most %SYNCMAP_VALUE_MAX.
 * @buf: where to copy the value now in the map (the loaded one, or
 *       @value), or NULL with @size 0.
 * @size: size of @buf.
 * @len: set to the length of the value now in the map.
 *
 * Context: Process context; may sleep.  Takes the map's mutex and its
 * softirq-safe spinlock unless the key is in the read table.
 * Return: 1 if a value was loaded, 0 if @value was stored, -ERANGE if the
 * value now in the map is larger than @size (a store stands), -E2BIG, or
 * -ENOSPC or -ENOMEM when @value would have been stored, with the map
 * unchanged.  A full map still loads the values it holds.
 */
int syncmap_load_or_store(struct syncmap *map, const void *key, u32 key_len,
			  const void *value, u32 value_len,
			  void *buf, u32 size, u32 *len)
{
	int ret;

	ret = check_sizes(key_len, value_len);
	if (ret)
		return ret;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_load_or_store(map, key, key_len, value,
						   value_len, buf, size, len);
	return syncmap_go_load_or_store(map, key, key_len, value, value_len,
					buf, size, len);
}
EXPORT_SYMBOL_GPL(syncmap_load_or_store);

/**
 * syncmap_compare_and_swap() - replace a key's value if it equals @old
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @old: the value expected (compared byte for byte).
 * @old_len: its length.
 * @new: the value to store.
 * @new_len: its length, at most %SYNCMAP_VALUE_MAX.
 *
 * An absent key never compares equal, whatever @old is.
 *
 * Context: Process context; may sleep (it allocates the new value).  Takes
 * the map's softirq-safe spinlock when the key is not in the read table
 * and the dirty table may hold it.
 * Return: 1 if swapped, 0 if not, -E2BIG, or -ENOSPC or -ENOMEM when the
 * value equals @old but @new cannot be stored, with the map unchanged.
 */
int syncmap_compare_and_swap(struct syncmap *map, const void *key,
			     u32 key_len, const void *old, u32 old_len,
			     const void *new, u32 new_len)
{
	int ret;

	ret = check_sizes(key_len, new_len);
	if (ret)
		return ret;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_compare_and_swap(map, key, key_len, old,
						      old_len, new, new_len);
	return syncmap_go_compare_and_swap(map, key, key_len, old, old_len,
					   new, new_len);
}
EXPORT_SYMBOL_GPL(syncmap_compare_and_swap);

/**
 * syncmap_load_and_delete() - remove a key and return its value
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @buf: where to copy the removed value, or NULL with @size 0.
 * @size: size of @buf.
 * @len: set to the removed value's length.
 *
 * Context: Process context; may sleep.  Takes the map's mutex and its
 * softirq-safe spinlock when the key is not in the read table and the
 * dirty table may hold it.
 * Return: 1 if a value was removed (copied to @buf), 0 if the key was
 * absent, -ERANGE if the removed value was larger than @size (the delete
 * stands), -E2BIG if @key_len is too long.
 */
int syncmap_load_and_delete(struct syncmap *map, const void *key, u32 key_len,
			    void *buf, u32 size, u32 *len)
{
	struct syncmap_value *v;
	int ret;

	if (key_len > SYNCMAP_KEY_MAX)
		return -E2BIG;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_load_and_delete(map, key, key_len, buf,
						     size, len);
	v = syncmap_go_load_and_delete(map, key, key_len);
	if (!v)
		return 0;
	ret = copy_value(v, buf, size, len);
	syncmap_value_put(map, v);
	return ret;
}
EXPORT_SYMBOL_GPL(syncmap_load_and_delete);

/**
 * syncmap_delete() - remove a key
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 *
 * Context: Process context; may sleep.  Locks as syncmap_load_and_delete().
 * Return: 1 if a value was removed, 0 if the key was absent, -E2BIG if
 * @key_len is too long.
 */
int syncmap_delete(struct syncmap *map, const void *key, u32 key_len)
{
	struct syncmap_value *v;

	if (key_len > SYNCMAP_KEY_MAX)
		return -E2BIG;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_load_and_delete(map, key, key_len, NULL,
						     0, NULL);
	v = syncmap_go_load_and_delete(map, key, key_len);
	if (!v)
		return 0;
	syncmap_value_put(map, v);
	return 1;
}
EXPORT_SYMBOL_GPL(syncmap_delete);

/**
 * syncmap_compare_and_delete() - remove a key if its value equals @old
 * @map: the map.
 * @key: the key.
 * @key_len: its length, at most %SYNCMAP_KEY_MAX.
 * @old: the value expected (compared byte for byte).
 * @old_len: its length.
 *
 * As in Go, the key stays in the dirty table (with no value) until the
 * next promotion.
 *
 * Context: Process context; may sleep.  Takes the map's softirq-safe
 * spinlock when the key is not in the read table and the dirty table may
 * hold it.
 * Return: 1 if deleted, 0 if not, -E2BIG if @key_len is too long.
 */
int syncmap_compare_and_delete(struct syncmap *map, const void *key,
			       u32 key_len, const void *old, u32 old_len)
{
	struct syncmap_value *deleted = NULL;
	struct syncmap_entry *e;

	if (key_len > SYNCMAP_KEY_MAX)
		return -E2BIG;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_compare_and_delete(map, key, key_len, old,
							old_len);
	rcu_read_lock();
	if (lookup_counting_miss(map, key, key_len, SYNCMAP_EV_READ_HITS, &e))
		deleted = syncmap_entry_compare_and_exchange(e, old, old_len,
							     NULL);
	rcu_read_unlock();
	if (!deleted)
		return 0;
	stat_inc(map, SYNCMAP_EV_DELETES);
	syncmap_value_put(map, deleted);
	return 1;
}
EXPORT_SYMBOL_GPL(syncmap_compare_and_delete);

/**
 * syncmap_len() - count the live entries
 * @map: the map.
 *
 * Exact: every store of a new or deleted key and every delete updates the
 * count before it returns.
 *
 * Context: Any context but NMI.  Takes no lock.
 * Return: the number of keys that have a value.
 */
u64 syncmap_len(struct syncmap *map)
{
	long live;

	rcu_read_lock();
	live = atomic_long_read(&rcu_dereference(map->epoch)->live);
	rcu_read_unlock();
	return live > 0 ? live : 0;
}
EXPORT_SYMBOL_GPL(syncmap_len);

/**
 * syncmap_set_name() - name a map for its tracepoints
 * @map: the map, before anyone else uses it.
 * @name: the name, truncated to %SYNCMAP_NAME_MAX - 1 bytes.
 *
 * Context: Any context.
 */
void syncmap_set_name(struct syncmap *map, const char *name)
{
	strscpy(map->name, name, sizeof(map->name));
}
EXPORT_SYMBOL_GPL(syncmap_set_name);

/**
 * syncmap_engine_name() - the name of a map's engine
 * @map: the map.
 *
 * Context: Any context.
 * Return: "go" or "merge", as syncmapctl and debugfs show it.
 */
const char *syncmap_engine_name(const struct syncmap *map)
{
	static const char *const names[SYNCMAP_ENGINE_NR] = {
		[SYNCMAP_ENGINE_GO] = "go",
		[SYNCMAP_ENGINE_MERGE] = "merge",
	};

	return names[map->engine];
}
EXPORT_SYMBOL_NS_GPL(syncmap_engine_name, SYNCMAP_TESTING);

/**
 * syncmap_create() - create an empty map
 * @params: limits, or NULL for none.
 *
 * All of the map's memory, now and later, is charged to the memory cgroup
 * of the calling task, as for BPF maps.
 *
 * Context: Process context; may sleep.
 * Return: the map; ERR_PTR(-EINVAL) for an unknown @params->engine;
 * ERR_PTR(-ENOMEM).
 */
struct syncmap *syncmap_create(const struct syncmap_params *params)
{
	struct syncmap_epoch *epoch;
	struct syncmap_table *read;
	struct syncmap *map;

	if (params && params->engine >= SYNCMAP_ENGINE_NR)
		return ERR_PTR(-EINVAL);
	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return ERR_PTR(-ENOMEM);
	map->pcpu = alloc_percpu_gfp(struct syncmap_pcpu_stats,
				     GFP_KERNEL_ACCOUNT);
	if (!map->pcpu)
		goto free_map;
	if (percpu_counter_init(&map->bytes, 0, GFP_KERNEL_ACCOUNT))
		goto free_pcpu;
	spin_lock_init(&map->lock);
	mutex_init(&map->mutex);
	atomic_long_set(&map->frees, 1);
	init_completion(&map->frees_done);
	map->policy.multiplier = 1;
	map->policy.scale = ADAPT_ONE;
	get_random_bytes(&map->hash_key, sizeof(map->hash_key));
	get_random_bytes(&map->hash_seed, sizeof(map->hash_seed));
	if (params) {
		map->max_entries = params->max_entries;
		map->max_bytes = params->max_bytes;
		map->engine = params->engine;
	}
	map->memcg = get_mem_cgroup_from_mm(current->mm);
	syncmap_merge_init(map);

	read = syncmap_table_new(map, 0);
	epoch = syncmap_epoch_new(map);
	if (!read || !epoch)
		goto free_tables;
	RCU_INIT_POINTER(map->read, read);
	RCU_INIT_POINTER(map->epoch, epoch);
	return map;

free_tables:
	if (read)
		syncmap_table_free(read);
	if (epoch)
		kvfree(epoch);
	mem_cgroup_put(map->memcg);
	percpu_counter_destroy(&map->bytes);
free_pcpu:
	free_percpu(map->pcpu);
free_map:
	kfree(map);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(syncmap_create);

/**
 * syncmap_destroy() - free a map and everything in it
 * @map: the map, or NULL.  Nobody may use it any more: no call on it in
 *       progress on any CPU, no walk left unstopped.
 *
 * Frees the map's tables and entries at once: no reader can be inside
 * it, so they need no grace period.  Waits only for this map's own
 * deferred frees, the tables it retired earlier whose grace period or
 * free work has not ended (usually none), never for the whole system's
 * RCU callbacks.  Values go through kvfree_rcu(): their bytes were
 * already given back, their memory follows after a grace period.
 *
 * Context: Process context; may sleep.
 */
void syncmap_destroy(struct syncmap *map)
{
	if (!map)
		return;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		syncmap_merge_destroy(map);
	syncmap_table_release(rcu_dereference_protected(map->read, true));
	syncmap_table_release(map->dirty);
	/* Drop the map's own count; the last table freed completes. */
	if (!atomic_long_dec_and_test(&map->frees))
		wait_for_completion(&map->frees_done);
	syncmap_epoch_put(rcu_dereference_protected(map->epoch, true));
	WARN_ON_ONCE(atomic_long_read(&map->entries));
	mem_cgroup_put(map->memcg);
	percpu_counter_destroy(&map->bytes);
	free_percpu(map->pcpu);
	kfree(map);
}
EXPORT_SYMBOL_GPL(syncmap_destroy);

/**
 * syncmap_inject_alloc_failure() - make an allocation of a map fail
 * @map: the map.
 * @nth: 1 fails the next allocation, 2 the one after, ...; 0 disarms.
 *
 * For tests of the out-of-memory paths.
 *
 * Context: Any context.
 */
void syncmap_inject_alloc_failure(struct syncmap *map, int nth)
{
	atomic_set(&map->fail_nth, nth);
}
EXPORT_SYMBOL_NS_GPL(syncmap_inject_alloc_failure, SYNCMAP_TESTING);

/**
 * syncmap_flush_frees() - wait for every deferred free of every map
 *
 * For tests that check a map's allocation counters after a clear.
 *
 * Context: Process context; sleeps.
 */
void syncmap_flush_frees(void)
{
	syncmap_table_flush();
}
EXPORT_SYMBOL_NS_GPL(syncmap_flush_frees, SYNCMAP_TESTING);

int syncmap_core_init(void)
{
	return syncmap_table_init();
}

void syncmap_core_exit(void)
{
	/*
	 * Every map was destroyed, and waited for its tables.  Once more
	 * for the callbacks that run module code and nobody waits for: the
	 * poisoned frees of values (syncmap_poison_freed()).
	 */
	rcu_barrier();
	syncmap_table_exit();
}
