// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: walks of a map, Go's Range.
 *
 * A walk pins one read table and offers its live entries one slot at a
 * time, with no lock held while the callback runs: it sees that table's
 * keys, each once, however long it lasts.  Go's Range promotes the dirty
 * table first when the read table is amended (syncmap_iter_start()); the
 * device's WALK can walk the read table as it is first and promote only
 * if the caller goes on (syncmap_iter_start_unpromoted(),
 * syncmap_iter_next_unseen()).
 */
#include <linux/export.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "core.h"
#include "engine.h"
#include "trace.h"	/* SYNCMAP_PROMOTE_RANGE */

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
			syncmap_go_promote_locked(map, SYNCMAP_PROMOTE_RANGE);
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
