// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: open-addressing tables of entries.
 *
 * Tables are sized so at most three quarters of the slots are used, which
 * keeps probe sequences short and guarantees every probe ends at an empty
 * slot.  Deletion shifts the following cluster back instead of leaving
 * tombstones, so a table never needs cleaning.
 */
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "entry.h"
#include "map.h"
#include "table.h"

#define SYNCMAP_TABLE_MIN_SLOTS	8

static struct workqueue_struct *syncmap_wq;

/*
 * The fewest slots, a power of two, that hold @entries at a load of 3/4
 * (syncmap_table_has_room()): growth, which asks for twice the entries
 * of a full table, doubles it, so a table's load stays between 3/8 and
 * 3/4.  (One slot more than that, as until issue 14, quadrupled it: a
 * grown table started at 3/16, twice the slots to walk past in caches.)
 */
static unsigned int syncmap_slots_for(unsigned int entries)
{
	u64 want = ((u64)entries * 4 + 2) / 3;	/* rounded up */

	if (want < SYNCMAP_TABLE_MIN_SLOTS)
		want = SYNCMAP_TABLE_MIN_SLOTS;
	if (want > (1U << 31))
		return 0;
	return roundup_pow_of_two(want);
}

size_t syncmap_table_bytes(const struct syncmap_table *t)
{
	return struct_size(t, slots, (size_t)t->mask + 1);
}

/**
 * syncmap_table_new() - allocate an empty table
 * @map: the map to charge.
 * @entries: entries the table must take without growing.
 *
 * Context: Process context; may sleep.
 * Return: the table with one reference, or NULL.
 */
struct syncmap_table *syncmap_table_new(struct syncmap *map,
					unsigned int entries)
{
	unsigned int slots = syncmap_slots_for(entries);
	struct syncmap_table *t;
	size_t size;

	if (!slots)
		return NULL;
	size = struct_size(t, slots, slots);
	t = syncmap_alloc(map, size);
	if (!t)
		return NULL;
	memset(t, 0, size);
	refcount_set(&t->ref, 1);
	t->mask = slots - 1;
	/* Under the map's mutex (or before the map is shared). */
	t->secure = READ_ONCE(map->secure);
	t->map = map;
	percpu_counter_add_batch(&map->bytes, size, SYNCMAP_VALUE_MAX);
	return t;
}

/**
 * syncmap_table_new_limbo() - a one-slot table to retire an entry through
 * @map: the map to charge.
 *
 * An entry taken out of the live dirty table (LoadAndDelete of a key
 * only the dirty table held) may still be used by whoever found it
 * there under the lock, until their read-side section ends.  Its
 * reference goes into a limbo table, which is put like any table: its
 * free work drops the reference after a grace period.  Entries have no
 * rcu_head, so this is their one way to wait for one.  Without the
 * test's fault injection: its failure (the caller waits for the grace
 * period itself) changes no result.
 *
 * Context: Process context; may sleep.
 * Return: the table with one reference, or NULL.
 */
struct syncmap_table *syncmap_table_new_limbo(struct syncmap *map)
{
	struct syncmap_table *t;
	/* 128 bytes: a kmalloc() cache that aligns it to a line. */
	size_t size = struct_size(t, slots, SYNCMAP_TABLE_MIN_SLOTS);

	t = __syncmap_alloc(map, size);
	if (!t)
		return NULL;
	memset(t, 0, size);
	refcount_set(&t->ref, 1);
	t->mask = SYNCMAP_TABLE_MIN_SLOTS - 1;
	t->map = map;
	percpu_counter_add_batch(&map->bytes, size, SYNCMAP_VALUE_MAX);
	return t;
}

/**
 * syncmap_table_free() - free a table without touching its entries
 * @t: the table, which no reader can reach any more.
 *
 * For a table whose entry references were handed to another table, or
 * never taken.
 *
 * Context: Process context; may sleep.
 */
void syncmap_table_free(struct syncmap_table *t)
{
	percpu_counter_add_batch(&t->map->bytes, -(s64)syncmap_table_bytes(t),
				 SYNCMAP_VALUE_MAX);
	kvfree(t);
}

/* Put a table's entries, sleeping as needed, and free it. */
static void syncmap_table_drop(struct syncmap_table *t)
{
	unsigned int i;

	for (i = 0; i <= t->mask; i++) {
		if (t->slots[i].word)
			syncmap_entry_put(syncmap_table_entry(t, i));
		if ((i & 1023) == 1023)
			cond_resched();
	}
	syncmap_table_free(t);
}

/*
 * Tables whose grace period has ended, for syncmap_free_work to drop
 * their entries: O(n) for a big table, so not in the RCU callback.
 */
static LLIST_HEAD(syncmap_free_list);
static struct work_struct syncmap_free_work;

static void syncmap_table_free_work(struct work_struct *work)
{
	struct llist_node *node = llist_del_all(&syncmap_free_list);
	struct syncmap_table *t;
	struct syncmap *map;

	while (node) {
		t = llist_entry(node, struct syncmap_table, free_node);
		node = node->next;
		map = t->map;
		syncmap_table_drop(t);
		/*
		 * The last touch of @map: once its count is 0,
		 * syncmap_destroy() may free it.  complete() is safe on a
		 * completion its waiter frees as soon as it returns.
		 */
		if (atomic_long_dec_and_test(&map->frees))
			complete(&map->frees_done);
	}
}

static void syncmap_table_free_rcu(struct rcu_head *head)
{
	struct syncmap_table *t = container_of(head, struct syncmap_table, rcu);

	/*
	 * A list that was not empty has the work queued, or running and
	 * yet to take the list.  A work that took it was no longer
	 * pending, so the next table on the empty list queues it again.
	 */
	if (llist_add(&t->free_node, &syncmap_free_list))
		queue_work(syncmap_wq, &syncmap_free_work);
}

/**
 * syncmap_table_put() - drop a reference on a table
 * @t: the table, or NULL.
 *
 * The last reference frees the table after an RCU grace period, and its
 * entries' references from a workqueue.  Until then the table counts in
 * its map's @frees, which syncmap_destroy() waits for.
 *
 * Context: Any context but NMI.
 */
void syncmap_table_put(struct syncmap_table *t)
{
	if (t && refcount_dec_and_test(&t->ref)) {
		/* The map holds its own count until destroy: never 0 here. */
		atomic_long_inc(&t->map->frees);
		call_rcu(&t->rcu, syncmap_table_free_rcu);
	}
}

/**
 * syncmap_table_release() - drop the last reference on a table now
 * @t: the table, or NULL, of a map nobody uses any more.
 *
 * For syncmap_destroy(): no reader can be inside the map, so the map's
 * own tables need no grace period.  Their entries are put at once; an
 * entry still held by a retired table lives until that table's free work.
 *
 * Context: Process context; may sleep.
 */
void syncmap_table_release(struct syncmap_table *t)
{
	/* A walk not stopped before destroy: its put frees the table. */
	if (t && !WARN_ON_ONCE(!refcount_dec_and_test(&t->ref)))
		syncmap_table_drop(t);
}

bool syncmap_table_has_room(const struct syncmap_table *t)
{
	return (u64)(t->count + 1) * 4 <= (u64)(t->mask + 1) * 3;
}

/**
 * syncmap_table_insert() - add an entry whose key the table lacks
 * @t: a table no lock-free reader can see, with room for one more.
 * @hash: the key's hash.
 * @e: the entry; the caller hands the table a reference on it.
 *
 * A jhash() table whose probe grows past %SYNCMAP_PROBE_MAX marks its
 * map flooded, for the mutex holder to switch it to hsiphash().
 *
 * Context: The map's lock held (a dirty table), or the map's mutex (a
 * table nobody else can see yet).
 */
void syncmap_table_insert(struct syncmap_table *t, u32 hash,
			  struct syncmap_entry *e)
{
	unsigned int i = hash & t->mask, probes = 0;

	/* kmalloc() and vmalloc() leave the tag's bits clear. */
	BUILD_BUG_ON(ARCH_KMALLOC_MINALIGN <= SYNCMAP_TAG_MASK);
	while (t->slots[i].word) {
		i = (i + 1) & t->mask;
		probes++;
	}
	if (unlikely(probes > SYNCMAP_PROBE_MAX) && !t->secure)
		WRITE_ONCE(t->map->flooded, true);
	t->slots[i].word = (unsigned long)e | syncmap_hash_tag(hash);
	t->count++;
}

/**
 * syncmap_table_remove() - take a key's entry out of a table
 * @t: a table no lock-free reader can see.
 * @hash: the key's hash.
 * @key: the key.
 * @key_len: its length.
 *
 * Return: the entry, whose reference passes to the caller, or NULL.
 */
struct syncmap_entry *syncmap_table_remove(struct syncmap_table *t, u32 hash,
					   const void *key, u32 key_len)
{
	unsigned long tag = syncmap_hash_tag(hash), word;
	unsigned int i = hash & t->mask;
	struct syncmap_entry *e;

	for (;; i = (i + 1) & t->mask) {
		word = t->slots[i].word;
		if (!word)
			return NULL;
		e = syncmap_slot_entry(word);
		if ((word & SYNCMAP_TAG_MASK) == tag &&
		    syncmap_entry_matches(e, key, key_len))
			break;
	}
	syncmap_table_remove_at(t, i);
	return e;
}

/**
 * syncmap_table_remove_at() - empty a slot, keeping every probe sequence
 * @t: a table no lock-free reader can see.
 * @i: the slot, which holds an entry; the caller keeps its reference.
 */
void syncmap_table_remove_at(struct syncmap_table *t, unsigned int i)
{
	unsigned int j, home;

	/*
	 * Shift back every later member of the cluster whose home slot is
	 * not cyclically within (i, j]: it was probed past the hole.
	 */
	for (j = (i + 1) & t->mask; t->slots[j].word; j = (j + 1) & t->mask) {
		home = syncmap_entry_hash(t, syncmap_table_entry(t, j)) &
		       t->mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	t->slots[i].word = 0;
	t->count--;
}

int syncmap_table_init(void)
{
	INIT_WORK(&syncmap_free_work, syncmap_table_free_work);
	syncmap_wq = alloc_workqueue("syncmap", WQ_UNBOUND, 0);
	return syncmap_wq ? 0 : -ENOMEM;
}

/* Queue a map's own work (the merge engine's) on the core's workqueue. */
bool syncmap_queue_work(struct work_struct *work)
{
	return queue_work(syncmap_wq, work);
}

void syncmap_table_exit(void)
{
	destroy_workqueue(syncmap_wq);
}

/* Wait until every table put so far has been freed. */
void syncmap_table_flush(void)
{
	rcu_barrier();
	flush_workqueue(syncmap_wq);
	/* The work dropped entries: wait for their callbacks too. */
	rcu_barrier();
}
