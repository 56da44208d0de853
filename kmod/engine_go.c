// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: the Go engine, Go's sync.Map algorithm (the Go 1.20-1.23
 * read/dirty design).
 *
 * Results and the algorithm's counters match Go's exactly; see
 * ../shared/reference/sync-map.md for the reference and docs/design.md
 * for how the locking was split so that no O(n) work and no allocation
 * ever happens under the spinlock that loads may take from softirq.
 *
 * The API (kmod/map.c) checks arguments and runs the lock-free look-up
 * of the read table that loads share; it calls in here (kmod/engine.h)
 * for the rest: a load's locked miss, Go's missLocked() and promotion,
 * the dirty table's rebuild and growth, and the writes.
 */
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "core.h"
#include "engine.h"
#include "trace.h"

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
void syncmap_go_promote_locked(struct syncmap *map, int reason)
	__must_hold(&map->lock)
{
	struct syncmap_table *old = read_locked(map);
	struct syncmap_table *dirty = map->dirty;

	lockdep_assert_held(&map->lock);
	trace_promote(map, reason, dirty->count, map->misses);
	if (reason == SYNCMAP_PROMOTE_MISSES) {
		adapt_locked(map);
		map->counters.promotions_misses++;
	} else if (reason == SYNCMAP_PROMOTE_RANGE) {
		map->counters.promotions_range++;
	} else {
		map->counters.promotions_compact++;
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
	syncmap_go_promote_locked(map, SYNCMAP_PROMOTE_MISSES);
}

/*
 * The locked part of the lookup shared by Load and CompareAndDelete, for a
 * key the amended read table @read lacks: the dirty table under the lock,
 * counting a miss whether or not it holds the key.
 */
noinline struct syncmap_entry *
syncmap_go_load_missed(struct syncmap *map, struct syncmap_table *read,
		       u32 hash, const void *key, u32 key_len)
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

	lockdep_assert_held(&read->map->mutex);
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
	map->counters.dirty_rebuilds++;
	map->counters.rebuild_copied += copied;
	map->counters.rebuild_expunged += expunged;
	return 0;
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
 * For a key the lock holder found new: its entry, made now, with the
 * lock dropped, holding in the same object the value *@nvp (unpublished,
 * with only the caller's reference), which it replaces.  If a limit
 * leaves no room for that, an entry without a value, if it can be had.
 */
static int entry_prepare_valued(struct syncmap *map, const void *key,
				u32 key_len, struct syncmap_value **nvp,
				struct syncmap_entry **fresh)
{
	struct syncmap_value *nv = *nvp;
	int ret;

	*fresh = syncmap_entry_for_store(map, key, key_len, nv->data, nv->len,
					 &ret);
	if (*fresh) {
		syncmap_value_discard(map, nv);
		*nvp = syncmap_entry_first(*fresh);
		return 0;
	}
	if (ret != -ENOSPC)
		return ret;
	return syncmap_entry_prepare(map, key, key_len, fresh);
}

/*
 * The locked part shared by Swap and LoadOrStore: find the key in the read
 * table (unexpunging it into the dirty table), or in the dirty table, or
 * insert *@freshp, a new entry holding *@nvp.  If *@freshp is NULL, the
 * entry is made when the key is found new, and made to hold the value
 * in the same object, which replaces *@nvp.
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
				 struct syncmap_value **nvp,
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
			ret = entry_prepare_valued(map, key, key_len, nvp,
						   &fresh);
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
			rcu_assign_pointer(fresh->p, *nvp);
			syncmap_entry_live_add(fresh, 1);
			syncmap_table_insert(map->dirty, hash, fresh);
			map->counters.new_keys++;
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
 * Go's Swap of @value.  On success *@old holds the previous live value,
 * with the entry's reference on it passed to the caller, or NULL.
 */
static int map_swap(struct syncmap *map, const void *key, u32 key_len,
		    const void *value, u32 value_len,
		    struct syncmap_value **old)
{
	struct syncmap_entry *e, *fresh = NULL;
	struct syncmap_table *read;
	struct syncmap_value *nv, *p;
	bool amended, secure, mutexed = false;
	u32 hash;
	int ret;

	nv = syncmap_value_for_store(map, value, value_len, &ret);
	if (!nv)
		return ret;
	rcu_read_lock();
	read = rcu_dereference(map->read);
	secure = read->secure;
	amended = READ_ONCE(read->amended);
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

	/*
	 * The value was allocated first so that a Swap of a key the read
	 * table has, the common case, allocates once and looks up once.  A
	 * key neither table has is new: its entry before the lock, holding
	 * the value in the same object.  One the read table lacks while the
	 * dirty table may have it (amended) is found under the lock, which
	 * makes its entry, with the value, only if it is new; Go's Swap
	 * counts no miss there, so such keys may stay in the dirty table for
	 * many Swaps, each of which would otherwise make an entry for
	 * nothing.
	 */
	if (!e && !amended)
		entry_prepare_valued(map, key, key_len, &nv, &fresh);
	map_lock(map);
	ret = find_or_insert_locked(map, hash, secure, key, key_len, &nv,
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
	if (ret < 0)
		syncmap_value_put(map, nv);
	find_or_insert_done(map, mutexed, fresh);
	if (ret < 0)
		return ret;
	*old = p;
	return 0;
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

/* Go's Swap, for syncmap_swap(), which checked the sizes. */
int syncmap_go_swap(struct syncmap *map, const void *key, u32 key_len,
		    const void *value, u32 value_len,
		    void *buf, u32 size, u32 *len)
{
	struct syncmap_value *old;
	int ret;

	ret = map_swap(map, key, key_len, value, value_len, &old);
	if (ret)
		return ret;
	stat_inc(map, SYNCMAP_EV_STORES);
	if (!old)
		return 0;
	ret = copy_value(old, buf, size, len);
	syncmap_value_put(map, old);
	return ret;
}

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

/* Go's LoadOrStore, for syncmap_load_or_store(), which checked the sizes. */
int syncmap_go_load_or_store(struct syncmap *map, const void *key, u32 key_len,
			     const void *value, u32 value_len,
			     void *buf, u32 size, u32 *len)
{
	struct syncmap_entry *e, *fresh = NULL;
	struct syncmap_value *nv, *actual = NULL;
	bool loaded = false, secure, mutexed = false;
	struct syncmap_table *read;
	u32 hash;
	int ret;

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

	nv = syncmap_value_to_store(map, !e, key, key_len, value,
				    value_len, &fresh, &ret);
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
	if (!e && !fresh)
		syncmap_entry_prepare(map, key, key_len, &fresh);
	map_lock(map);
	ret = find_or_insert_locked(map, hash, secure, key, key_len, &nv,
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
	if (fresh)
		syncmap_entry_discard(map, fresh);
out:
	if (loaded)
		syncmap_value_put(map, nv);
	else
		stat_inc(map, SYNCMAP_EV_STORES);
	if (ret < 0)
		return ret;
	return loaded;
}

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
struct syncmap_value *syncmap_go_load_and_delete(struct syncmap *map,
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

/*
 * Go's CompareAndSwap, for syncmap_compare_and_swap(), which checked the
 * sizes.
 */
int syncmap_go_compare_and_swap(struct syncmap *map, const void *key,
				u32 key_len, const void *old, u32 old_len,
				const void *new, u32 new_len)
{
	struct syncmap_value *nv, *cur = NULL, *replaced = NULL;
	struct syncmap_table *read;
	struct syncmap_entry *e;
	bool secure;
	u32 hash;
	int ret;

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
