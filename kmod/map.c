// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: Go's sync.Map algorithm (the Go 1.20-1.23 read/dirty design).
 *
 * Results and the algorithm's counters match Go's exactly; see
 * ../shared/reference/sync-map.md for the reference and docs/design.md
 * for how the locking was split so that no O(n) work and no allocation
 * ever happens under the spinlock that loads may take from softirq.
 */
#include <linux/export.h>
#include <linux/jhash.h>
#include <linux/jump_label.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/memcontrol.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

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
 * The adaptive rule (docs/observability.md): at each promotion by misses,
 * compare what the cycle that ends cost in misses (each one a trip through
 * the lock) with what it cost in rebuilds (entries copied by Go's
 * dirtyLocked()).  Copies dominating by more than 2x: promote later
 * (double the factor), so each rebuild is amortised over more misses.
 * Misses dominating by more than 2x: promote sooner (halve it).
 */
static void adapt_locked(struct syncmap *map)
	__must_hold(&map->lock)
{
	struct syncmap_policy *p = &map->policy;
	u64 misses = map->misses;

	lockdep_assert_held(&map->lock);
	if (!p->adaptive)
		return;
	if (map->cycle_copied > 2 * misses && p->scale < ADAPT_MAX)
		p->scale *= 2;
	else if (2 * map->cycle_copied < misses && p->scale > ADAPT_MIN)
		p->scale /= 2;
}

/* The number of misses that promotes the dirty table. */
static u64 threshold_locked(const struct syncmap *map)
	__must_hold(&map->lock)
{
	const struct syncmap_policy *p = &map->policy;
	u64 t;

	lockdep_assert_held(&map->lock);
	t = map->dirty->count;
	t *= p->multiplier ? p->multiplier : 1;
	if (p->adaptive)
		t = t * p->scale / ADAPT_ONE;
	if (p->floor && t < p->floor)
		t = p->floor;
	if (p->ceiling && t > p->ceiling)
		t = p->ceiling;
	return t;
}

/*
 * Go's promotion: the dirty table becomes the read table, which is not
 * amended after it.  @reason is one of SYNCMAP_PROMOTE_*.
 */
static void promote_locked(struct syncmap *map, int reason)
	__must_hold(&map->lock)
{
	struct syncmap_table *old = read_locked(map);
	struct syncmap_table *dirty = map->dirty;

	lockdep_assert_held(&map->lock);
	trace_promote(map, reason, dirty->count, map->misses);
	if (reason == SYNCMAP_PROMOTE_MISSES) {
		adapt_locked(map);
		map->promotions_misses++;
	} else if (reason == SYNCMAP_PROMOTE_RANGE) {
		map->promotions_range++;
	} else {
		map->promotions_compact++;
	}
	dirty->amended = false;
	/* Publish the dirty table's slots before its pointer. */
	rcu_assign_pointer(map->read, dirty);
	/* syncmap_clear() peeks at it without the lock. */
	WRITE_ONCE(map->dirty, NULL);
	map->misses = 0;
	map->cycle_copied = 0;
	syncmap_table_put(old);
}

/*
 * Go's missLocked(), with the policy's threshold: Go's own,
 * misses >= len(dirty), unless the map's policy says otherwise.
 */
static void miss_locked(struct syncmap *map, bool found)
	__must_hold(&map->lock)
{
	u64 threshold;

	lockdep_assert_held(&map->lock);
	threshold = threshold_locked(map);

	map->misses++;
	trace_dirty_miss(map, found, map->misses, threshold);
	if (map->misses < threshold)
		return;
	promote_locked(map, SYNCMAP_PROMOTE_MISSES);
}

/*
 * The locked part of the lookup shared by Load and CompareAndDelete, for a
 * key the amended read table @read lacks: the dirty table under the lock,
 * counting a miss whether or not it holds the key.
 */
static noinline struct syncmap_entry *
lookup_missed(struct syncmap *map, struct syncmap_table *read, u32 hash,
	      const void *key, u32 key_len)
{
	struct syncmap_entry *e;

	map_lock(map);
	hash = hash_now(map, hash, read->secure, key, key_len);
	read = read_locked(map);
	e = syncmap_table_lookup(read, hash, key, key_len);
	if (!e && read->amended) {
		e = syncmap_table_lookup(map->dirty, hash, key, key_len);
		if (e)
			stat_inc(map, SYNCMAP_EV_DIRTY_HITS);
		miss_locked(map, e);
	}
	map_unlock(map);
	return e;
}

/*
 * Go's Load: the read table without a lock, then lookup_missed().  The
 * lock-free look-up counts one per-CPU event, @hit_ev or @hit_ev + 1 (the
 * matching miss event: enum syncmap_event pairs them).  Inline: a read
 * hit is this and key_hash().  True with *@found set if the key is
 * there: a hit returns straight from the table's loop.
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
	*found = lookup_missed(map, read, hash, key, key_len);
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

/* Copy out a value known to fit: a one-word value as a word. */
static __always_inline void value_copy(void *buf, const struct syncmap_value *v)
{
	if (v->len == sizeof(u64))
		put_unaligned(get_unaligned((const u64 *)v->data), (u64 *)buf);
	else
		memcpy(buf, v->data, v->len);
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

/*
 * Make sure the dirty table, if present, can take one more entry without
 * allocating under the lock: grow it into a bigger copy if not.
 *
 * The copy is made without the lock, the dirty table frozen: writers
 * that do not hold the mutex change its key set only when it is not
 * (dirty_writable_locked()), and other writers wait for the mutex.  A
 * load may meanwhile promote the table we copied, in which case the copy
 * is dropped.  Called with the mutex and the lock; returns with both,
 * whatever it returns.
 */
static int dirty_reserve(struct syncmap *map)
	__must_hold(&map->lock)
{
	struct syncmap_table *dirty, *bigger, *unused;
	struct syncmap_entry *e;
	unsigned int i, count;

	lockdep_assert_held(&map->mutex);
	lockdep_assert_held(&map->lock);
	dirty = map->dirty;
	if (!dirty || syncmap_table_has_room(dirty))
		return 0;
	count = dirty->count;
	map_unlock(map);

	bigger = syncmap_table_new(map, count * 2);
	map_lock(map);
	if (!bigger)
		return -ENOMEM;
	if (map->dirty != dirty) {
		/* Promoted meanwhile: nothing to grow. */
		unused = bigger;
		goto free;
	}
	map->dirty_frozen = true;
	map_unlock(map);

	for (i = 0; i <= dirty->mask; i++) {
		e = syncmap_table_entry(dirty, i);
		if (e)
			syncmap_table_insert(bigger,
					     syncmap_entry_hash(bigger, e), e);
		if ((i & 1023) == 1023)
			cond_resched();
	}

	map_lock(map);
	if (map->dirty == dirty) {
		/* The entry references pass to the bigger table. */
		map->dirty = bigger;
		unused = dirty;
	} else {
		unused = bigger;
	}
	map->dirty_frozen = false;
free:
	/* kvfree() of a vmalloc()ed table may sleep: not under the lock. */
	map_unlock(map);
	syncmap_table_free(unused);
	map_lock(map);
	return 0;
}

/*
 * dirty_rebuild() into @dirty, whose slots hash as @read's: each entry
 * goes where it is in @read, which needs no hash.  Expunged entries are
 * copied too, then taken out one at a time, which leaves the probe
 * sequences as sequential deletes would (syncmap_table_remove_at()):
 * only the entries after each hole are hashed again.
 */
static void dirty_copy_slots(struct syncmap_table *dirty,
			     struct syncmap_table *read,
			     unsigned int *copied, unsigned int *expunged)
{
	struct syncmap_entry *e;
	unsigned int i;

	for (i = 0; i <= read->mask; i++) {
		e = syncmap_table_entry(read, i);
		if (e) {
			/* Same size and hash: the same slot, with its tag. */
			dirty->slots[i] = read->slots[i];
			if (syncmap_entry_try_expunge(e))
				(*expunged)++;
			else
				refcount_inc(&e->ref);
		}
		if ((i & 1023) == 1023)
			cond_resched();
	}
	dirty->count = read->count;
	*copied = read->count - *expunged;
	if (!*expunged)
		return;
	/*
	 * Expunged now stays expunged: only lock holders unexpunge, into a
	 * dirty table, and there is none yet.
	 */
	for (i = 0; i <= dirty->mask;) {
		e = syncmap_table_entry(dirty, i);
		if (e && rcu_access_pointer(e->p) == SYNCMAP_EXPUNGED) {
			/* Its reference stays with @read; look at @i again. */
			syncmap_table_remove_at(dirty, i);
			continue;
		}
		i++;
		if ((i & 1023) == 0)
			cond_resched();
	}
}

/*
 * Go's dirtyLocked(): build a dirty table from the read table, expunging
 * deleted entries instead of copying them.  O(n), so under the mutex
 * alone: with the dirty table absent, loads never take the lock and
 * nothing but a mutex holder can change the read table.  Returns with
 * the lock held, whatever it returns, the new table published.
 */
static int dirty_rebuild(struct syncmap *map)
	__acquires(&map->lock)
{
	struct syncmap_table *read = read_stable(map), *dirty;
	unsigned int i, want, slots, copied = 0, expunged = 0;
	struct syncmap_entry *e;

	lockdep_assert_held(&map->mutex);
	/* Room for the new key, and some more before the first growth. */
	want = read->count + 1 + read->count / 8;
	/*
	 * As many slots as the read table if they take that many at the
	 * most load (3/4) and are at least a quarter used: then the slots
	 * are copied where they are, with no hashing (dirty_copy_slots()).
	 */
	slots = read->mask + 1;
	if ((u64)want * 4 <= (u64)slots * 3 && read->count >= slots / 4)
		want = slots / 4 * 3 - 1;
	dirty = syncmap_table_new(map, want);
	if (!dirty) {
		map_lock(map);
		return -ENOMEM;
	}

	if (dirty->mask == read->mask && dirty->secure == read->secure) {
		dirty_copy_slots(dirty, read, &copied, &expunged);
		goto publish;
	}
	for (i = 0; i <= read->mask; i++) {
		e = syncmap_table_entry(read, i);
		if (!e)
			continue;
		if (syncmap_entry_try_expunge(e)) {
			expunged++;
		} else {
			refcount_inc(&e->ref);
			syncmap_table_insert(dirty,
					     syncmap_entry_hash(dirty, e), e);
			copied++;
		}
		if ((i & 1023) == 1023)
			cond_resched();
	}

publish:
	map_lock(map);
	WARN_ON_ONCE(map->dirty);
	map->dirty = dirty;
	map->cycle_copied += copied;
	trace_dirty_rebuild(map, copied, expunged);

	/* syncmap_get_stats() reads these without the mutex. */
	WRITE_ONCE(map->dirty_rebuilds, map->dirty_rebuilds + 1);
	WRITE_ONCE(map->rebuild_copied, map->rebuild_copied + copied);
	WRITE_ONCE(map->rebuild_expunged, map->rebuild_expunged + expunged);
	return 0;
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

enum syncmap_found {
	FOUND_IN_READ,
	FOUND_IN_DIRTY,
	INSERTED,
};

/*
 * Whether a writer that does not hold the mutex may change the dirty
 * table's key set now: it is present, has room for one more entry, and
 * no mutex holder is copying it (dirty_reserve(), switch_to_hsiphash()).
 */
static bool dirty_writable_locked(struct syncmap *map)
	__must_hold(&map->lock)
{
	lockdep_assert_held(&map->lock);
	return map->dirty && !map->dirty_frozen &&
	       syncmap_table_has_room(map->dirty);
}

/*
 * For the holder of the mutex: a dirty table that can take one more
 * entry, Go's dirtyLocked() if there is none.  Returns with the lock
 * held, whatever it returns.  Writers without the mutex may fill the
 * table again before the lock: callers check again.
 */
static int dirty_prepare(struct syncmap *map)
	__acquires(&map->lock)
{
	lockdep_assert_held(&map->mutex);
	/*
	 * Under the lock, which orders us after the promotion that made
	 * the read table we may copy, and after every insert into it.
	 */
	map_lock(map);
	if (map->dirty)
		return dirty_reserve(map);
	/* Absent stays absent until we build it: only mutex holders do. */
	map_unlock(map);
	return dirty_rebuild(map);
}

/*
 * An entry for a key that may be new, made before any lock, or NULL if
 * the map is full.  Its epoch is set when it is inserted, under the lock,
 * so a clear in between cannot leave it counted in the wrong epoch.
 */
static int entry_prepare(struct syncmap *map, const void *key, u32 key_len,
			 struct syncmap_entry **fresh)
{
	if (map->max_entries &&
	    atomic_long_read(&map->entries) >= map->max_entries)
		return -ENOSPC;
	*fresh = syncmap_entry_new(map, NULL, key, key_len);
	return *fresh ? 0 : -ENOMEM;
}

/*
 * The locked part shared by Swap and LoadOrStore: find the key in the read
 * table (unexpunging it into the dirty table), or in the dirty table, or
 * insert *@freshp, a new entry (made now if NULL), holding @nv.
 *
 * Called and returns with the lock held, whatever it returns; drops it
 * to allocate, and to take the mutex when the dirty table must be built
 * or grown first (then *@mutexed is set, and the caller lets go of the
 * mutex after the lock).  Returns where the entry was found, in *@ep, or
 * INSERTED with *@freshp now NULL; or an error with nothing changed.
 * The caller discards an unused *@freshp after the lock.
 */
static int find_or_insert_locked(struct syncmap *map, u32 hash, bool secure,
				 const void *key, u32 key_len,
				 struct syncmap_value *nv,
				 struct syncmap_entry **freshp, bool *mutexed,
				 struct syncmap_entry **ep)
	__must_hold(&map->lock)
{
	struct syncmap_entry *e, *fresh = *freshp;
	struct syncmap_epoch *epoch;
	struct syncmap_table *read;
	int ret;

	lockdep_assert_held(&map->lock);
	for (;;) {
		/* The hash switches with the lock held: each pass checks. */
		hash = hash_now(map, hash, secure, key, key_len);
		secure = map->secure;
		read = read_locked(map);
		e = syncmap_table_lookup(read, hash, key, key_len);
		if (!e && map->dirty) {
			e = syncmap_table_lookup(map->dirty, hash, key,
						 key_len);
			if (e) {
				stat_inc(map, SYNCMAP_EV_DIRTY_HITS);
				*ep = e;
				return FOUND_IN_DIRTY;
			}
		}
		if (e) {
			/*
			 * Only lock holders unexpunge: it stays expunged.  The
			 * reverse holds only while a dirty table exists or the
			 * mutex is held: without either, a dirty rebuild (mutex
			 * alone) may expunge @e under us.
			 */
			if (rcu_access_pointer(e->p) != SYNCMAP_EXPUNGED) {
				if (map->dirty || *mutexed)
					break;
				map_unlock(map);
				mutex_lock(&map->mutex);
				*mutexed = true;
				map_lock(map);
				continue;
			}
			/* Go's unexpungeLocked(): back into the dirty table. */
			if (dirty_writable_locked(map)) {
				if (syncmap_entry_cas(e, SYNCMAP_EXPUNGED,
						      NULL)) {
					refcount_inc(&e->ref);
					syncmap_table_insert(map->dirty, hash,
							     e);
				}
				break;
			}
		} else if (!fresh) {
			/* A new key after all: its entry first. */
			map_unlock(map);
			ret = entry_prepare(map, key, key_len, &fresh);
			map_lock(map);
			if (ret)
				return ret;
			*freshp = fresh;
			continue;
		} else if (dirty_writable_locked(map)) {
			if (!read->amended)
				WRITE_ONCE(read->amended, true);
			epoch = epoch_current(map);
			refcount_inc(&epoch->ref);
			fresh->epoch = epoch;
			rcu_assign_pointer(fresh->p, nv);
			syncmap_entry_live_add(fresh, 1);
			syncmap_table_insert(map->dirty, hash, fresh);
			WRITE_ONCE(map->new_keys, map->new_keys + 1);
			*freshp = NULL;
			*ep = fresh;
			return INSERTED;
		}

		/* The dirty table is absent, full or being copied. */
		map_unlock(map);
		if (!*mutexed) {
			mutex_lock(&map->mutex);
			*mutexed = true;
		}
		ret = dirty_prepare(map);
		if (ret)
			return ret;
	}
	*ep = e;
	return FOUND_IN_READ;
}

/*
 * After find_or_insert_locked() and the lock: discard the entry it did
 * not use, let go of the mutex it took.  Outside RCU: it may sleep.
 */
static void find_or_insert_done(struct syncmap *map, bool mutexed,
				struct syncmap_entry *fresh)
{
	if (fresh)
		syncmap_entry_discard(map, fresh);
	if (mutexed)
		syncmap_mutex_unlock(map);
	else
		syncmap_flood_check(map);
}

/*
 * Go's Swap.  On success *@old holds the previous live value, with the
 * entry's reference on it passed to the caller, or NULL.
 */
static int map_swap(struct syncmap *map, const void *key, u32 key_len,
		    struct syncmap_value *nv, struct syncmap_value **old)
{
	struct syncmap_entry *e, *fresh = NULL;
	struct syncmap_table *read;
	struct syncmap_value *p;
	bool secure, mutexed = false;
	u32 hash;
	int ret;

	rcu_read_lock();
	read = rcu_dereference(map->read);
	secure = read->secure;
	hash = key_hash(map, secure, key, key_len);
	e = syncmap_table_lookup(read, hash, key, key_len);
	stat_read_lookup(map, e);
	if (e) {
		/* Go's trySwap(): fails only if the entry is expunged. */
		for (p = rcu_dereference(e->p); p != SYNCMAP_EXPUNGED;) {
			if (syncmap_entry_try_cmpxchg(e, &p, nv)) {
				if (!p)
					syncmap_entry_live_add(e, 1);
				rcu_read_unlock();
				*old = p;
				return 0;
			}
		}
	}
	rcu_read_unlock();

	/* Likely a new key: its entry before the lock (NULL: made later). */
	if (!e)
		entry_prepare(map, key, key_len, &fresh);
	map_lock(map);
	ret = find_or_insert_locked(map, hash, secure, key, key_len, nv,
				    &fresh, &mutexed, &e);
	p = NULL;
	if (ret >= 0 && ret != INSERTED) {
		/* The lock keeps @e; RCU for the annotations. */
		rcu_read_lock();
		p = unrcu_pointer(xchg(&e->p, RCU_INITIALIZER(nv)));
		rcu_read_unlock();
		if (!p)
			syncmap_entry_live_add(e, 1);
	}
	map_unlock(map);
	find_or_insert_done(map, mutexed, fresh);
	if (ret < 0)
		return ret;
	*old = p;
	return 0;
}

static int check_sizes(u32 key_len, u32 value_len)
{
	if (key_len > SYNCMAP_KEY_MAX || value_len > SYNCMAP_VALUE_MAX)
		return -E2BIG;
	return 0;
}

struct syncmap_value *syncmap_value_for_store(struct syncmap *map,
					      const void *value, u32 len,
					      int *err)
{
	/* The counter is signed; no map holds anywhere near S64_MAX bytes. */
	u64 max = min_t(u64, map->max_bytes, S64_MAX);
	size_t size = syncmap_value_size(len);
	struct syncmap_value *v;

	if (max && max < size)
		goto full;
	/*
	 * Exact near the limit: the sum is taken when the estimate is close.
	 * Summing reads the other CPUs' counts while they update them, as
	 * percpu_counter is designed to (lib/percpu_counter.c).
	 */
	if (max && data_race(__percpu_counter_compare(&map->bytes, max - size,
						      SYNCMAP_VALUE_MAX)) > 0)
		goto full;
	v = syncmap_value_new(map, value, len);
	if (!v)
		*err = -ENOMEM;
	return v;
full:
	*err = -ENOSPC;
	return NULL;
}

/*
 * The live value of the key a LoadOrStore or CompareAndSwap that could
 * not allocate its new value would have worked on, or NULL, looked up as
 * Go's locked part does: the read table, then the dirty table.
 * *@in_dirty says an entry was found there (and the call counts a miss
 * if it returns an answer).  Call inside rcu_read_lock().
 */
static struct syncmap_value *value_locked(struct syncmap *map,
					  const void *key, u32 key_len,
					  bool *in_dirty)
	__must_hold(&map->lock)
{
	/* A rare path (no memory): the hash is simply computed again. */
	u32 hash = key_hash(map, map->secure, key, key_len);
	struct syncmap_entry *e;

	lockdep_assert_held(&map->lock);
	*in_dirty = false;
	e = syncmap_table_lookup(read_locked(map), hash, key, key_len);
	if (!e && map->dirty) {
		e = syncmap_table_lookup(map->dirty, hash, key, key_len);
		if (e) {
			stat_inc(map, SYNCMAP_EV_DIRTY_HITS);
			*in_dirty = true;
		}
	}
	stat_read_lookup(map, e && !*in_dirty);
	return e ? syncmap_entry_load(e) : NULL;
}

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
	struct syncmap_value *nv, *old;
	int ret;

	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_swap(map, key, key_len, value, value_len,
					  buf, size, len);
	ret = check_sizes(key_len, value_len);
	if (ret)
		return ret;
	nv = syncmap_value_for_store(map, value, value_len, &ret);
	if (!nv)
		return ret;
	ret = map_swap(map, key, key_len, nv, &old);
	if (ret) {
		syncmap_value_put(map, nv);
		return ret;
	}
	stat_inc(map, SYNCMAP_EV_STORES);
	if (!old)
		return 0;
	ret = copy_value(old, buf, size, len);
	syncmap_value_put(map, old);
	return ret;
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

/*
 * LoadOrStore with no value to store, its allocation having failed with
 * @err: a key with a live value is still loaded, as Go would, counting
 * Go's miss if only the dirty table held it.  Any other key would need
 * the store: @err, with nothing changed.
 */
static int load_or_store_nomem(struct syncmap *map, const void *key,
			       u32 key_len, void *buf, u32 size, u32 *len,
			       int err)
{
	struct syncmap_value *actual;
	bool in_dirty;
	int ret = err;

	rcu_read_lock();
	map_lock(map);
	actual = value_locked(map, key, key_len, &in_dirty);
	if (actual && in_dirty)
		miss_locked(map, true);
	map_unlock(map);
	if (actual) {
		ret = copy_value(actual, buf, size, len);
		if (ret > 0)
			ret = 1;
	}
	rcu_read_unlock();
	return ret;
}

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
	struct syncmap_entry *e, *fresh = NULL;
	struct syncmap_value *nv, *actual = NULL;
	bool loaded = false, secure, mutexed = false;
	struct syncmap_table *read;
	u32 hash;
	int ret;

	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_load_or_store(map, key, key_len, value,
						   value_len, buf, size, len);
	ret = check_sizes(key_len, value_len);
	if (ret)
		return ret;

	/* A live value in the read table is loaded without allocating. */
	rcu_read_lock();
	read = rcu_dereference(map->read);
	secure = read->secure;
	hash = key_hash(map, secure, key, key_len);
	e = syncmap_table_lookup(read, hash, key, key_len);
	actual = e ? syncmap_entry_load(e) : NULL;
	if (actual) {
		stat_read_lookup(map, true);
		ret = copy_value(actual, buf, size, len);
		rcu_read_unlock();
		return ret < 0 ? ret : 1;
	}
	rcu_read_unlock();

	nv = syncmap_value_for_store(map, value, value_len, &ret);
	if (!nv)
		return load_or_store_nomem(map, key, key_len, buf, size, len,
					   ret);

	/* Go's fast path, now that there is a value to store. */
	rcu_read_lock();
	read = rcu_dereference(map->read);
	hash = hash_for(map, read, hash, &secure, key, key_len);
	e = syncmap_table_lookup(read, hash, key, key_len);
	stat_read_lookup(map, e);
	if (e && syncmap_entry_try_load_or_store(e, nv, &actual, &loaded))
		goto done;
	rcu_read_unlock();

	/* Likely a new key: its entry before the lock (NULL: made later). */
	if (!e)
		entry_prepare(map, key, key_len, &fresh);
	map_lock(map);
	ret = find_or_insert_locked(map, hash, secure, key, key_len, nv,
				    &fresh, &mutexed, &e);
	if (ret < 0) {
		map_unlock(map);
		find_or_insert_done(map, mutexed, fresh);
		syncmap_value_put(map, nv);
		return ret;
	}
	/* The lock keeps @e; then RCU keeps @actual. */
	rcu_read_lock();
	if (ret == INSERTED) {
		actual = nv;
	} else {
		/* Cannot fail: the entry is in the dirty table now. */
		syncmap_entry_try_load_or_store(e, nv, &actual, &loaded);
		if (ret == FOUND_IN_DIRTY)
			miss_locked(map, true);
	}
	map_unlock(map);
	/* Still inside the read-side section: @actual cannot be freed. */
	ret = copy_value(actual, buf, size, len);
	rcu_read_unlock();
	find_or_insert_done(map, mutexed, fresh);
	goto out;
done:
	/* Still inside the read-side section: @actual cannot be freed. */
	ret = copy_value(actual, buf, size, len);
	rcu_read_unlock();
out:
	if (loaded)
		syncmap_value_put(map, nv);
	else
		stat_inc(map, SYNCMAP_EV_STORES);
	if (ret < 0)
		return ret;
	return loaded;
}
EXPORT_SYMBOL_GPL(syncmap_load_or_store);

/*
 * The locked part of LoadAndDelete, for a key the amended read table
 * lacks (its hash was @hash for a table whose secure was @secure): Go's
 * look-up under the lock, removing the key from the dirty table and
 * counting a miss.  Returns the entry found, or NULL; *@removed is set
 * when it was taken out of the dirty table, and *@limbo to where its
 * reference waits for a grace period (retire_removed()).  Called and
 * returns inside rcu_read_lock(), which it leaves to allocate.
 *
 * The lock alone guards the dirty table's key set, but for a mutex
 * holder copying it (dirty_frozen): then wait for the mutex.
 */
static noinline struct syncmap_entry *
load_and_delete_missed(struct syncmap *map, u32 hash, bool secure,
		       const void *key, u32 key_len,
		       struct syncmap_table **limbo,
		       struct syncmap_entry **removed)
{
	struct syncmap_table *read;
	struct syncmap_entry *e;
	bool mutexed = false;

	rcu_read_unlock();
	*limbo = syncmap_table_new_limbo(map);
	rcu_read_lock();
	map_lock(map);
	if (unlikely(map->dirty_frozen)) {
		map_unlock(map);
		rcu_read_unlock();
		/* Only mutex holders freeze it: not frozen while we hold it. */
		mutex_lock(&map->mutex);
		mutexed = true;
		rcu_read_lock();
		map_lock(map);
	}
	hash = hash_now(map, hash, secure, key, key_len);
	read = read_locked(map);
	e = syncmap_table_lookup(read, hash, key, key_len);
	if (!e && read->amended) {
		e = syncmap_table_remove(map->dirty, hash, key, key_len);
		if (e)
			stat_inc(map, SYNCMAP_EV_DIRTY_HITS);
		*removed = e;
		miss_locked(map, e);
	}
	map_unlock(map);
	if (mutexed)
		mutex_unlock(&map->mutex);
	return e;
}

/*
 * Whoever found @removed in the dirty table under the lock may use it
 * until their read-side section ends: its reference waits for a grace
 * period in the limbo table, or here if there is none.
 */
static noinline void retire_removed(struct syncmap *map,
				    struct syncmap_table *limbo,
				    struct syncmap_entry *removed)
{
	if (removed && limbo) {
		syncmap_table_insert(limbo, 0, removed);
		syncmap_table_put(limbo);
		return;
	}
	if (limbo)
		syncmap_table_free(limbo);
	if (removed) {
		synchronize_rcu();
		syncmap_entry_put(removed);
	}
}

/*
 * Go's LoadAndDelete.  Returns the removed value with the entry's
 * reference passed to the caller, or NULL.
 */
static struct syncmap_value *map_load_and_delete(struct syncmap *map,
						 const void *key, u32 key_len)
{
	struct syncmap_entry *e, *removed = NULL;
	struct syncmap_table *read, *limbo = NULL;
	struct syncmap_value *v;
	u32 hash;

	rcu_read_lock();
	read = rcu_dereference(map->read);
	hash = key_hash(map, read->secure, key, key_len);
	e = syncmap_table_lookup(read, hash, key, key_len);
	stat_read_lookup(map, e);
	if (unlikely(!e && READ_ONCE(read->amended)))
		e = load_and_delete_missed(map, hash, read->secure, key,
					   key_len, &limbo, &removed);
	v = e ? syncmap_entry_delete(e) : NULL;
	rcu_read_unlock();
	if (unlikely(limbo || removed))
		retire_removed(map, limbo, removed);
	if (v)
		stat_inc(map, SYNCMAP_EV_DELETES);
	return v;
}

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
	v = map_load_and_delete(map, key, key_len);
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
	v = map_load_and_delete(map, key, key_len);
	if (!v)
		return 0;
	syncmap_value_put(map, v);
	return 1;
}
EXPORT_SYMBOL_GPL(syncmap_delete);

/*
 * CompareAndSwap with no new value, its allocation having failed with
 * @err: a key whose value is not @old still fails to compare, as in Go,
 * counting Go's miss if only the dirty table held it.  A key that would
 * be swapped gets @err, with nothing changed.
 */
static int compare_and_swap_nomem(struct syncmap *map, const void *key,
				  u32 key_len, const void *old, u32 old_len,
				  int err)
{
	struct syncmap_value *cur;
	bool in_dirty;
	int ret = 0;

	rcu_read_lock();
	map_lock(map);
	cur = value_locked(map, key, key_len, &in_dirty);
	if (cur && syncmap_value_equal(cur, old, old_len))
		ret = err;
	else if (in_dirty)
		miss_locked(map, true);
	map_unlock(map);
	rcu_read_unlock();
	return ret;
}

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
	struct syncmap_value *nv, *cur = NULL, *replaced = NULL;
	struct syncmap_table *read;
	struct syncmap_entry *e;
	bool secure;
	u32 hash;
	int ret;

	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_compare_and_swap(map, key, key_len, old,
						      old_len, new, new_len);
	ret = check_sizes(key_len, new_len);
	if (ret)
		return ret;

	/*
	 * Go's lock-free part, without allocating: a key in the read table
	 * whose value is not @old, or a key in neither table, fails at once.
	 */
	rcu_read_lock();
	read = rcu_dereference(map->read);
	secure = read->secure;
	hash = key_hash(map, secure, key, key_len);
	e = syncmap_table_lookup(read, hash, key, key_len);
	if (e)
		cur = syncmap_entry_load(e);
	if (e ? !cur || !syncmap_value_equal(cur, old, old_len) :
		!READ_ONCE(read->amended)) {
		stat_read_lookup(map, e);
		rcu_read_unlock();
		return 0;
	}
	rcu_read_unlock();

	nv = syncmap_value_for_store(map, new, new_len, &ret);
	if (!nv)
		return compare_and_swap_nomem(map, key, key_len, old, old_len,
					      ret);

	rcu_read_lock();
	read = rcu_dereference(map->read);
	hash = hash_for(map, read, hash, &secure, key, key_len);
	e = syncmap_table_lookup(read, hash, key, key_len);
	stat_read_lookup(map, e);
	if (!e && READ_ONCE(read->amended)) {
		map_lock(map);
		hash = hash_now(map, hash, secure, key, key_len);
		read = read_locked(map);
		e = syncmap_table_lookup(read, hash, key, key_len);
		/* A promotion since the lockless look may have dropped it. */
		if (!e && map->dirty) {
			e = syncmap_table_lookup(map->dirty, hash, key,
						 key_len);
			if (e) {
				stat_inc(map, SYNCMAP_EV_DIRTY_HITS);
				miss_locked(map, true);
			}
		}
		map_unlock(map);
	}
	if (e)
		replaced = syncmap_entry_compare_and_exchange(e, old, old_len,
							      nv);
	rcu_read_unlock();
	if (!replaced) {
		syncmap_value_put(map, nv);
		return 0;
	}
	stat_inc(map, SYNCMAP_EV_STORES);
	syncmap_value_put(map, replaced);
	return 1;
}
EXPORT_SYMBOL_GPL(syncmap_compare_and_swap);

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

/*
 * Pin the read table for a walk, promoting the dirty table first when the
 * read table is amended, as Go's Range does.
 */
static struct syncmap_table *read_pin_promoted(struct syncmap *map)
{
	struct syncmap_table *read;

	rcu_read_lock();
	read = rcu_dereference(map->read);
	if (READ_ONCE(read->amended)) {
		map_lock(map);
		read = read_locked(map);
		if (read->amended) {
			promote_locked(map, SYNCMAP_PROMOTE_RANGE);
			read = read_locked(map);
		}
		map_unlock(map);
	}
	/* Only the lock replaces the read table, so a pin may race: retry. */
	while (!refcount_inc_not_zero(&read->ref))
		read = rcu_dereference(map->read);
	rcu_read_unlock();
	return read;
}

/**
 * syncmap_iter_start() - begin a walk that can stop and resume
 * @map: the map.
 * @iter: the walk's state, for syncmap_iter_next() and syncmap_iter_stop().
 *
 * Promotes the dirty table first when the read table is amended, as Go's
 * Range does, then pins the read table: the walk sees that table's keys,
 * each once, however long it lasts.  A merge map merges its new keys into
 * the read table first (O(n), in the caller).
 *
 * Context: Process context.  Takes the map's softirq-safe spinlock once,
 * for the promotion.  Does not sleep on a map of Go's engine; a merge
 * map's takes its mutex and sleeps.
 */
void syncmap_iter_start(struct syncmap *map, struct syncmap_iter *iter)
{
	if (map->engine == SYNCMAP_ENGINE_MERGE) {
		syncmap_merge_iter_start(map, iter);
		return;
	}
	iter->table = read_pin_promoted(map);
	iter->pos = 0;
}
EXPORT_SYMBOL_GPL(syncmap_iter_start);

/**
 * syncmap_iter_start_unpromoted() - begin a walk of the read table as is
 * @map: the map.
 * @iter: the walk's state, for syncmap_iter_next() and syncmap_iter_stop().
 *
 * Pins the read table without promoting the dirty table: a walk that
 * stops early then costs the map nothing.  If the read table was amended,
 * keys only the dirty table held are not in this walk: once it is
 * complete, a second walk begun with syncmap_iter_start() (which
 * promotes) and gone through with syncmap_iter_next_unseen() offers them,
 * and the two walks together give Go's Range.  A merge map merges first,
 * as syncmap_iter_start(), and returns false: one walk sees every key.
 *
 * Context: Process context.  Does not sleep on a map of Go's engine; a
 * merge map's takes its mutex and sleeps.
 * Return: true if the read table was amended.
 */
bool syncmap_iter_start_unpromoted(struct syncmap *map,
				   struct syncmap_iter *iter)
{
	struct syncmap_table *read;
	bool amended;

	/* A merge map's walk merges first: one walk sees every key. */
	if (map->engine == SYNCMAP_ENGINE_MERGE) {
		syncmap_merge_iter_start(map, iter);
		return false;
	}
	rcu_read_lock();
	/* Only the lock replaces the read table, so a pin may race: retry. */
	do {
		read = rcu_dereference(map->read);
	} while (!refcount_inc_not_zero(&read->ref));
	rcu_read_unlock();
	/* Read after the pin: a promotion since would clear it on a new table. */
	amended = READ_ONCE(read->amended);
	iter->table = read;
	iter->pos = 0;
	return amended;
}

/* Whether @seen holds the key of slot @pos of @read. */
static bool seen_holds(const struct syncmap_table *seen,
		       const struct syncmap_table *read, unsigned int pos)
{
	const struct syncmap_entry *e = syncmap_table_entry(read, pos);

	return syncmap_table_lookup(seen, syncmap_entry_hash(seen, e), e->key,
				    e->key_len);
}

static int iter_walk(struct syncmap_iter *iter,
		     const struct syncmap_table *seen, syncmap_range_fn fn,
		     void *arg)
{
	struct syncmap_table *read = iter->table;
	struct syncmap_entry *e;
	struct syncmap_value *v;
	int ret = 0;

	if (!read)
		return 0;
	for (; iter->pos <= read->mask; iter->pos++) {
		e = syncmap_table_entry(read, iter->pos);
		v = NULL;
		/*
		 * A key the first walk's table holds was offered there, or
		 * was not live when that walk came to it: either way not
		 * again, so no key is offered twice.  Both tables are
		 * pinned and no longer change.
		 */
		if (e && seen && seen_holds(seen, read, iter->pos))
			e = NULL;
		if (e) {
			rcu_read_lock();
			do {
				v = syncmap_entry_load(e);
				/* A value being replaced: look again. */
			} while (v && !refcount_inc_not_zero(&v->ref));
			rcu_read_unlock();
		}
		if (v) {
			ret = fn(arg, e->key, e->key_len, v->data, v->len);
			syncmap_value_put(read->map, v);
		}
		/* Deleted keys stay in the table: every slot counts. */
		cond_resched();
		if (ret)
			break;
	}
	return ret;
}

/**
 * syncmap_iter_next() - go on with a walk
 * @iter: a walk begun by syncmap_iter_start().
 * @fn: called for each live entry; it may sleep and may call any
 *      operation on the map.  Key and value stay valid until it returns.
 * @arg: passed to @fn.
 *
 * When @fn returns non-zero the walk stops at that entry: the next call
 * offers the same key again (with its value as it is then, or not at all
 * if it was deleted meanwhile).
 *
 * Context: Process context; may sleep.  Calls @fn with no lock held.
 * Return: 0 when the walk is complete (and at once on later calls), or
 * the non-zero value returned by @fn.
 */
int syncmap_iter_next(struct syncmap_iter *iter, syncmap_range_fn fn,
		      void *arg)
{
	return iter_walk(iter, NULL, fn, arg);
}
EXPORT_SYMBOL_GPL(syncmap_iter_next);

/**
 * syncmap_iter_next_unseen() - go on with a walk, skipping a first walk's keys
 * @iter: a walk begun by syncmap_iter_start().
 * @seen: a complete walk begun by syncmap_iter_start_unpromoted(), still
 *        pinned: keys its table holds are skipped.
 * @fn: as for syncmap_iter_next().
 * @arg: passed to @fn.
 *
 * Context: Process context; may sleep.  Calls @fn with no lock held.
 * Return: as syncmap_iter_next().
 */
int syncmap_iter_next_unseen(struct syncmap_iter *iter,
			     const struct syncmap_iter *seen,
			     syncmap_range_fn fn, void *arg)
{
	return iter_walk(iter, seen->table, fn, arg);
}

/**
 * syncmap_iter_stop() - end a walk and unpin its table
 * @iter: a walk begun by syncmap_iter_start(); may be stopped twice.
 *
 * Must come before syncmap_destroy() of the walk's map.
 *
 * Context: Any context but NMI.
 */
void syncmap_iter_stop(struct syncmap_iter *iter)
{
	syncmap_table_put(iter->table);
	iter->table = NULL;
}
EXPORT_SYMBOL_GPL(syncmap_iter_stop);

/**
 * syncmap_range() - call a function for every live entry
 * @map: the map.
 * @fn: the function; it may sleep and may call any operation on @map.
 * @arg: passed to @fn.
 *
 * Walks the read table as it was at the start (after promoting the dirty
 * table if the read table was amended), skipping deleted entries.  Keys
 * and values passed to @fn stay valid until @fn returns; a value may
 * already have been replaced in the map by then.  As in Go, no entry is
 * visited twice, and a key stored during the walk may or may not be seen.
 *
 * A merge map is walked without a merge: its read table and the new-keys
 * tables, pinned at the start under its mutex (docs/design.md).
 *
 * Context: Process context; may sleep.  Takes the map's softirq-safe
 * spinlock once, for the promotion.  Calls @fn with no lock held.
 * Return: 0 after a complete walk, or the first non-zero value returned
 * by @fn, which stopped the walk.
 */
int syncmap_range(struct syncmap *map, syncmap_range_fn fn, void *arg)
{
	struct syncmap_iter iter;
	int ret;

	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_range(map, fn, arg);
	syncmap_iter_start(map, &iter);
	ret = syncmap_iter_next(&iter, fn, arg);
	syncmap_iter_stop(&iter);
	return ret;
}
EXPORT_SYMBOL_GPL(syncmap_range);

/**
 * syncmap_clear() - remove every key
 * @map: the map.
 *
 * Context: Process context; may sleep.  Takes the map's mutex and its
 * softirq-safe spinlock, each for O(1) work: the old tables are freed
 * after a grace period from a workqueue.
 * Return: 0, or -ENOMEM with the map unchanged.
 */
int syncmap_clear(struct syncmap *map)
{
	struct syncmap_table *read, *fresh_read = NULL, *fresh_dirty = NULL;
	struct syncmap_table *old_read = NULL, *old_dirty = NULL;
	struct syncmap_epoch *epoch, *old_epoch;
	bool need_dirty;
	int ret = -ENOMEM;

	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_clear(map);
	rcu_read_lock();
	read = rcu_dereference(map->read);
	if (!read->count && !READ_ONCE(read->amended)) {
		rcu_read_unlock();
		return 0;
	}
	rcu_read_unlock();

	mutex_lock(&map->mutex);
	epoch = syncmap_epoch_new(map);
	/* A dirty table only goes away (by promotion) while we hold this. */
	need_dirty = READ_ONCE(map->dirty);
	if (need_dirty)
		fresh_dirty = syncmap_table_new(map, 0);
	if (!epoch || (need_dirty && !fresh_dirty))
		goto out;

	for (;;) {
		map_lock(map);
		read = read_locked(map);
		/*
		 * An empty read table stays, not amended any more: a load
		 * that still sees it amended takes the lock and finds it
		 * not, as it would find a new empty table.
		 */
		if (!read->count || fresh_read)
			break;
		/* Not empty (a promotion may have made it so): replace it. */
		map_unlock(map);
		fresh_read = syncmap_table_new(map, 0);
		if (!fresh_read)
			goto out;
	}
	if (read->count) {
		old_read = read;
		rcu_assign_pointer(map->read, fresh_read);
		fresh_read = NULL;
	} else if (read->amended) {
		WRITE_ONCE(read->amended, false);
	}
	if (map->dirty) {
		/* Go empties a present dirty map but keeps it present. */
		old_dirty = map->dirty;
		map->dirty = fresh_dirty;
		fresh_dirty = NULL;
	}
	old_epoch = epoch_current(map);
	rcu_assign_pointer(map->epoch, epoch);
	epoch = old_epoch;
	map->misses = 0;
	map->cycle_copied = 0;
	map->clears++;
	map_unlock(map);
	syncmap_table_put(old_read);
	syncmap_table_put(old_dirty);
	ret = 0;
out:
	mutex_unlock(&map->mutex);
	if (fresh_read)
		syncmap_table_free(fresh_read);
	if (fresh_dirty)
		syncmap_table_free(fresh_dirty);
	if (epoch)
		syncmap_epoch_put(epoch);
	return ret;
}
EXPORT_SYMBOL_GPL(syncmap_clear);

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
 * syncmap_compact() - drop deleted entries and shrink the tables
 * @map: the map.
 *
 * Forces the rebuild and promotion Go would eventually do: a dirty table,
 * if present, is promoted first; then a read table of exactly the live
 * entries, sized for them, replaces the read table, and deleted entries
 * are dropped (Go's expunge).  The results of every operation stay Go's:
 * this is one more promotion, counted in promotions_compact (one or two
 * per call) and compactions.  O(n) under the mutex; O(1) under the
 * spinlock.
 *
 * Context: Process context; may sleep.  Takes the map's mutex and, twice
 * for O(1) work, its softirq-safe spinlock.
 * Return: 0, or -ENOMEM with the map's contents unchanged (a promotion
 * of the dirty table may have happened).
 */
int syncmap_compact(struct syncmap *map)
{
	struct syncmap_table *read, *fresh;
	unsigned int i, keep = 0;
	struct syncmap_entry *e;

	if (map->engine == SYNCMAP_ENGINE_MERGE)
		return syncmap_merge_compact(map);
	mutex_lock(&map->mutex);
	map_lock(map);
	if (map->dirty)
		promote_locked(map, SYNCMAP_PROMOTE_COMPACT);
	map_unlock(map);

	/*
	 * The dirty table is absent and we hold the mutex: the read table
	 * stays, and nobody but us can unexpunge.  Expunge every deleted
	 * entry first, so the entries left cannot change in number: a
	 * lock-free store to an expunged entry waits for the mutex.
	 */
	read = read_stable(map);
	for (i = 0; i <= read->mask; i++) {
		e = syncmap_table_entry(read, i);
		if (e && !syncmap_entry_try_expunge(e))
			keep++;
		if ((i & 1023) == 1023)
			cond_resched();
	}

	fresh = syncmap_table_new(map, keep);
	if (!fresh) {
		/* Nothing was expunged before us: the dirty table is absent. */
		for (i = 0; i <= read->mask; i++) {
			e = syncmap_table_entry(read, i);
			if (e)
				syncmap_entry_cas(e, SYNCMAP_EXPUNGED, NULL);
			if ((i & 1023) == 1023)
				cond_resched();
		}
		mutex_unlock(&map->mutex);
		return -ENOMEM;
	}
	for (i = 0; i <= read->mask; i++) {
		e = syncmap_table_entry(read, i);
		if (e && rcu_access_pointer(e->p) != SYNCMAP_EXPUNGED) {
			refcount_inc(&e->ref);
			syncmap_table_insert(fresh,
					     syncmap_entry_hash(fresh, e), e);
		}
		if ((i & 1023) == 1023)
			cond_resched();
	}

	/* Go's dirtyLocked() then promotion, in one O(1) step. */
	map_lock(map);
	map->dirty = fresh;
	promote_locked(map, SYNCMAP_PROMOTE_COMPACT);
	map_unlock(map);
	WRITE_ONCE(map->compactions, map->compactions + 1);
	syncmap_mutex_unlock(map);
	return 0;
}
EXPORT_SYMBOL_GPL(syncmap_compact);

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
