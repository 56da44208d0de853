// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: Clear and compaction, the two operations that replace the
 * tables wholesale.
 *
 * Both run under the map's mutex, which keeps the dirty table from being
 * built or grown meanwhile, and take the spinlock only for O(1) work:
 * Clear swaps in empty tables and a new epoch, the old ones freed after a
 * grace period; compaction copies the live entries without the lock and
 * promotes the copy, as Go's rebuild and promotion would, in one step.
 */
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "core.h"
#include "engine.h"
#include "trace.h"	/* SYNCMAP_PROMOTE_COMPACT */

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
	map->counters.clears++;
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
		syncmap_go_promote_locked(map, SYNCMAP_PROMOTE_COMPACT);
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
	syncmap_go_promote_locked(map, SYNCMAP_PROMOTE_COMPACT);
	map->counters.compactions++;
	map_unlock(map);
	syncmap_mutex_unlock(map);
	return 0;
}
EXPORT_SYMBOL_GPL(syncmap_compact);
