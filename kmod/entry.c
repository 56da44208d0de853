// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: allocation and freeing of entries, values and epochs.
 *
 * Every allocation is charged to the memory cgroup of the map's creator
 * and may fail (no OOM kill, no warning): the callers turn a NULL into
 * -ENOMEM before they have changed anything.
 */
#include <linux/export.h>
#include <linux/jump_label.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "entry.h"
#include "map.h"

/* 6.1 has the headless form under the name of the two-argument one. */
#ifndef kvfree_rcu_mightsleep
#define kvfree_rcu_mightsleep(ptr)	kvfree_rcu(ptr)
#endif

#define SYNCMAP_GFP (GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)
/* A physically contiguous try over a page: no reclaim and compaction loop. */
#define SYNCMAP_GFP_CONTIG (GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_NORETRY)

static bool syncmap_should_fail(struct syncmap *map)
{
	int nth = atomic_read(&map->fail_nth);

	/* fail_nth counts down: 1 fails the next allocation, 0 is off. */
	while (nth > 0) {
		if (atomic_try_cmpxchg(&map->fail_nth, &nth, nth - 1))
			return nth == 1;
	}
	return false;
}

/*
 * kvmalloc() with SYNCMAP_GFP would be wrong over a page: kvmalloc() adds
 * __GFP_NORETRY to its kmalloc() try only when the caller did not ask for
 * __GFP_RETRY_MAYFAIL (kmalloc_gfp_adjust() in 6.12's mm/util.c, the same
 * test inline in 6.1's kvmalloc_node()), so a value over 4 KiB or a table
 * would go through direct reclaim and compaction, retried, for high-order
 * pages it does not need before falling back to vmalloc().  Do the two
 * steps here: over a page, one cheap contiguous try (__GFP_NORETRY: no
 * OOM killer, no retry loop), then vmalloc_huge() with SYNCMAP_GFP, whose
 * __GFP_RETRY_MAYFAIL keeps the order-0 pages from invoking the OOM
 * killer.  That is kvmalloc()'s own fallback on 6.1 and 6.12 alike
 * (__vmalloc_node_range() with VM_ALLOW_HUGE_VMAP), so there is nothing
 * for compat.h.  kvfree() frees either.
 */
static void *syncmap_kvmalloc(size_t size)
{
	void *p;

	if (size <= PAGE_SIZE)
		return kmalloc(size, SYNCMAP_GFP);
	p = kmalloc(size, SYNCMAP_GFP_CONTIG);
	if (p)
		return p;
	/* kvmalloc()'s own bound. */
	if (unlikely(size > INT_MAX))
		return NULL;
	return vmalloc_huge(size, SYNCMAP_GFP);
}

/**
 * syncmap_alloc() - allocate memory for a map, charged to its creator
 * @map: the map.
 * @size: bytes wanted.
 *
 * Context: Process context; may sleep.  No lock of @map held.
 * Return: the memory, or NULL.
 */
void *syncmap_alloc(struct syncmap *map, size_t size)
{
	might_sleep();
	if (syncmap_should_fail(map))
		return NULL;
	return __syncmap_alloc(map, size);
}

/**
 * __syncmap_alloc() - syncmap_alloc() without the test's fault injection
 * @map: the map.
 * @size: bytes wanted.
 *
 * For allocations whose failure has a fallback that changes no result
 * (a limbo table), so that injected failures still hit the allocation
 * a test aims at.
 *
 * Context: Process context; may sleep.  No lock of @map held.
 * Return: the memory, or NULL.
 */
void *__syncmap_alloc(struct syncmap *map, size_t size)
{
	struct mem_cgroup *old;
	void *p;

	might_sleep();
	old = set_active_memcg(map->memcg);
	p = syncmap_kvmalloc(size);
	set_active_memcg(old);
	return p;
}

static void syncmap_value_init(struct syncmap_value *v, const void *data,
			       u32 len, unsigned int home)
{
	refcount_set(&v->ref, 1);
	v->len = len;
	v->home = home;
	memcpy(v->data, data, len);
}

struct syncmap_value *syncmap_value_new(struct syncmap *map,
					const void *data, u32 len)
{
	struct syncmap_value *v;

	v = syncmap_alloc(map, syncmap_value_size(len));
	if (!v)
		return NULL;
	syncmap_value_init(v, data, len, 0);
	percpu_counter_add_batch(&map->bytes, syncmap_value_size(len),
				 SYNCMAP_VALUE_MAX);
	return v;
}

/* A value on its own that was never published: no reader can see it. */
void syncmap_value_discard(struct syncmap *map, struct syncmap_value *v)
{
	percpu_counter_add_batch(&map->bytes, -(s64)syncmap_value_size(v->len),
				 SYNCMAP_VALUE_MAX);
	kvfree(v);
}

/* The object @v's memory belongs to: @v, or the entry it is embedded in. */
static void *syncmap_value_object(struct syncmap_value *v)
{
	return (void *)v - v->home * sizeof(u64);
}

/* The bytes charged for that object. */
static size_t syncmap_value_object_size(struct syncmap_value *v)
{
	const struct syncmap_entry *home = syncmap_value_object(v);

	if (likely(!v->home))
		return syncmap_value_size(v->len);
	return syncmap_entry_valued_size(home->key_len, v->len);
}

/* Off unless a test asked for it: then freed values are poisoned first. */
static DEFINE_STATIC_KEY_FALSE(syncmap_poison_key);

/* A value has no rcu_head: a poisoned free brings its own. */
struct syncmap_poisoned {
	struct rcu_head rcu;
	struct syncmap_value *v;
};

static void syncmap_value_poison(struct syncmap_value *v)
{
	/*
	 * The grace period is over: no reader may still look at @v.  One
	 * that does (a bug) now finds POISON_FREE instead of the old bytes,
	 * which a checked value (the torture's) does not survive.  The
	 * length stays, so such a reader copies no more than it would have.
	 */
	memset(v->data, POISON_FREE, v->len);
	kvfree(syncmap_value_object(v));
}

static void syncmap_value_free_poisoned(struct rcu_head *head)
{
	struct syncmap_poisoned *p = container_of(head, struct syncmap_poisoned,
						  rcu);

	syncmap_value_poison(p->v);
	kfree(p);
}

/* Test-only: wait for the grace period and poison, as the torture asks. */
static void syncmap_value_free_poisoned_rcu(struct syncmap_value *v)
{
	struct syncmap_poisoned *p = kmalloc(sizeof(*p), GFP_KERNEL | __GFP_NOWARN);

	if (!p) {
		synchronize_rcu();
		syncmap_value_poison(v);
		return;
	}
	p->v = v;
	call_rcu(&p->rcu, syncmap_value_free_poisoned);
}

/**
 * syncmap_poison_freed() - poison values when they are freed, or stop
 * @on: true to start (the calls nest), false to undo one start.
 *
 * For tests that must catch a reader of a freed value on kernels without
 * KASAN: the torture module turns it on while it is loaded.
 *
 * Context: Process context; sleeps.
 */
void syncmap_poison_freed(bool on)
{
	if (on)
		static_branch_inc(&syncmap_poison_key);
	else
		static_branch_dec(&syncmap_poison_key);
}
EXPORT_SYMBOL_NS_GPL(syncmap_poison_freed, SYNCMAP_TESTING);

/**
 * syncmap_value_put() - drop a reference on a value
 * @map: the value's map.
 * @v: the value.
 *
 * The last put frees @v after an RCU grace period, so lock-free readers
 * that loaded it may go on using it until they leave their read-side
 * critical section.  A value has no rcu_head: the pointer goes to the
 * kernel's per-CPU pages of pointers to free (kvfree_rcu_mightsleep(),
 * which may sleep to get such a page, or wait for the grace period
 * itself if none can be had).  An embedded value's memory is its entry's:
 * both go then, the entry having been released (its reference on @v is
 * the last to go but for those of the entries that held @v and of walks).
 *
 * Context: Process context; may sleep.  Not inside rcu_read_lock() and
 * no spinlock held: callers put the values they took out afterwards.
 */
void syncmap_value_put(struct syncmap *map, struct syncmap_value *v)
{
	might_sleep();
	if (!refcount_dec_and_test(&v->ref))
		return;
	percpu_counter_add_batch(&map->bytes,
				 -(s64)syncmap_value_object_size(v),
				 SYNCMAP_VALUE_MAX);
	if (static_branch_unlikely(&syncmap_poison_key))
		syncmap_value_free_poisoned_rcu(v);
	else if (likely(!v->home))
		kvfree_rcu_mightsleep(v);
	else
		kvfree_rcu_mightsleep(syncmap_value_object(v));
}

static void syncmap_entry_init(struct syncmap *map, struct syncmap_entry *e,
			       const void *key, u32 key_len)
{
	RCU_INIT_POINTER(e->p, NULL);
	/* NULL: the inserter sets it, under the map's lock. */
	e->epoch = NULL;
	refcount_set(&e->ref, 1);
	e->key_len = key_len;
	e->first = 0;
	memcpy(e->key, key, key_len);
	atomic_long_inc(&map->entries);
}

/*
 * An entry for @key with no value: its inserter stores one made on its
 * own.  Its reference is its first table's.
 */
struct syncmap_entry *syncmap_entry_new(struct syncmap *map,
					const void *key, u32 key_len)
{
	struct syncmap_entry *e;

	e = syncmap_alloc(map, syncmap_entry_size(key_len));
	if (!e)
		return NULL;
	syncmap_entry_init(map, e, key, key_len);
	percpu_counter_add_batch(&map->bytes, syncmap_entry_size(key_len),
				 SYNCMAP_VALUE_MAX);
	return e;
}

/*
 * An entry for @key and, in the same object, its first value, @len bytes
 * of @value, which syncmap_entry_first() returns with one reference for
 * the caller, as syncmap_value_new() would (entry.h says whose the memory
 * is).
 */
struct syncmap_entry *syncmap_entry_new_valued(struct syncmap *map,
					       const void *key, u32 key_len,
					       const void *value, u32 len)
{
	size_t first = syncmap_entry_first_offset(key_len);
	size_t size = syncmap_entry_valued_size(key_len, len);
	struct syncmap_value *v;
	struct syncmap_entry *e;

	BUILD_BUG_ON(SYNCMAP_VALUE_MAX >= 1 << 24);
	BUILD_BUG_ON(ALIGN(sizeof(*e) + SYNCMAP_KEY_MAX, sizeof(u64)) >=
		     256 * sizeof(u64));
	e = syncmap_alloc(map, size);
	if (!e)
		return NULL;
	syncmap_entry_init(map, e, key, key_len);
	e->first = first;
	v = syncmap_entry_first(e);
	syncmap_value_init(v, value, len, first / sizeof(u64));
	/* The entry's reference on it, dropped when the entry is released. */
	refcount_inc(&v->ref);
	percpu_counter_add_batch(&map->bytes, size, SYNCMAP_VALUE_MAX);
	return e;
}

static void syncmap_entry_release(struct syncmap *map, struct syncmap_entry *e)
{
	atomic_long_dec(&map->entries);
	if (e->epoch)
		syncmap_epoch_put(e->epoch);
	if (e->first) {
		/* The memory goes with the embedded value's last reference. */
		syncmap_value_put(map, syncmap_entry_first(e));
		return;
	}
	percpu_counter_add_batch(&map->bytes,
				 -(s64)syncmap_entry_size(e->key_len),
				 SYNCMAP_VALUE_MAX);
	kvfree(e);
}

/* An entry that was never published: no reader can see it. */
void syncmap_entry_discard(struct syncmap *map, struct syncmap_entry *e)
{
	syncmap_entry_release(map, e);
}

/**
 * syncmap_entry_put() - drop a table's reference on an entry
 * @e: the entry.
 *
 * Only a table's free work calls this, after the table's grace period:
 * a grace period that began once nobody could find @e through that
 * table (it was retired, or it is a limbo table holding @e after @e was
 * taken out of the dirty table under the lock).  Every reader and
 * writer of @e found it through some table inside a read-side section,
 * or under the lock, so when the last table lets go nobody can still be
 * looking at @e or exchanging its value: it is freed at once, with
 * whatever value it holds now.
 *
 * Context: Process context; may sleep.
 */
void syncmap_entry_put(struct syncmap_entry *e)
{
	struct syncmap *map = e->epoch->map;
	struct syncmap_value *v;

	if (!refcount_dec_and_test(&e->ref))
		return;
	v = rcu_dereference_raw(e->p);
	if (syncmap_value_live(v)) {
		syncmap_entry_live_add(e, -1);
		syncmap_value_put(map, v);
	}
	syncmap_entry_release(map, e);
}

struct syncmap_epoch *syncmap_epoch_new(struct syncmap *map)
{
	struct syncmap_epoch *epoch;

	epoch = syncmap_alloc(map, sizeof(*epoch));
	if (!epoch)
		return NULL;
	atomic_long_set(&epoch->live, 0);
	refcount_set(&epoch->ref, 1);
	epoch->map = map;
	return epoch;
}

void syncmap_epoch_put(struct syncmap_epoch *epoch)
{
	if (refcount_dec_and_test(&epoch->ref))
		kvfree_rcu(epoch, rcu);
}
