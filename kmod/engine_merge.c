// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: the merge engine, a mode that never copies on the callers' path.
 *
 * The read table is Go's: immutable once published, looked up under RCU
 * with the same code and the same entries.  A key the read table lacks
 * goes into the head of a chain of new-keys tables (map->nk, linked by
 * @older, newest first), which lock-free readers also look up under RCU:
 * the head only grows (under map->lock, one slot written with release
 * order), and the other tables of the chain no longer change.  A full
 * head gets a successor twice its size, made before the lock.
 *
 * A merge, in a workqueue (or in the caller of a walk or a compaction),
 * builds a new read table of the read table's entries and the chain's,
 * leaving out the deleted ones, publishes it, waits for a grace period and
 * only then cuts the merged tables from the chain: a reader that saw the
 * old read table still finds the merged keys in the chain.  The same entry
 * objects are in both for a while, so every reader finds one entry per key.
 *
 * An entry's value has Go's three states.  Deleting leaves NULL (a
 * tombstone); the merge drops a tombstone by exchanging NULL for
 * SYNCMAP_EXPUNGED, which no operation ever undoes: an expunged entry is
 * no entry.  A store that finds its key's entry expunged inserts a new
 * entry into the head, under the lock.  So at any time each key has at
 * most one entry that is not expunged, across the read table and the
 * chain, and every operation acts on that one: lookups skip expunged
 * entries, and an exchange that finds one looks the key up again.
 *
 * Nothing here takes map->mutex but merges, clear and compaction (which
 * it serialises); map->lock only guards the chain's head, its growth and
 * the publication of tables; no load takes either.  docs/design.md has
 * the rules and why they suffice.
 */
#include <linux/jhash.h>
#include <linux/minmax.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"
#include "entry.h"
#include "key_hash.h"
#include "map.h"
#include "table.h"

/* The first head's entries. */
#define MERGE_HEAD_MIN	16
/*
 * The fewest new keys (or hits on them) that ask for a merge: a merge
 * has a fixed cost (two tables, a grace period before the cut), which
 * this many keys share when the read table is small.
 */
#define MERGE_MIN	256

/* Why a merge ran: counted as Go's promotions are (docs/counters.md). */
enum merge_reason {
	MERGE_DUE,		/* new keys or hits: promotions_misses */
	MERGE_WALK,		/* a walk: promotions_range */
	MERGE_COMPACT,		/* syncmap_compact(): promotions_compact */
};

#define merge_stat_inc(map, ev) this_cpu_inc((map)->pcpu->events[(ev)])

/* A key and its hash for each kind of table, computed when first needed. */
struct merge_key {
	const void *key;
	u32 len;
	u8 have;		/* bit 0: hash[0] is set; bit 1: hash[1] */
	u32 hash[2];		/* jhash(), hsiphash() */
};

/*
 * The hash of a key as kmod/map.c's key_hash() computes it: jhash() of
 * 4, 8 and 16 bytes inline, the rest out of line.
 */
static __always_inline u32 merge_hash(const struct syncmap *map, bool secure,
				      const void *key, u32 key_len)
{
	const u32 *w = key;

	if (likely(!secure)) {
		switch (key_len) {
		case 4:
			return jhash_1word(get_unaligned(w), map->hash_seed);
		case 8:
			return jhash_2words(get_unaligned(w),
					    get_unaligned(w + 1),
					    map->hash_seed);
		case 16:
			return syncmap_jhash_4words(w, map->hash_seed);
		}
	}
	return syncmap_key_hash(map, secure, key, key_len);
}

static __always_inline u32 mk_hash(const struct syncmap *map,
				   struct merge_key *mk,
				   const struct syncmap_table *t)
{
	unsigned int s = t->secure;

	if (!(mk->have & (1U << s))) {
		mk->hash[s] = merge_hash(map, s, mk->key, mk->len);
		mk->have |= 1U << s;
	}
	return mk->hash[s];
}

/*
 * Look a key up in a new-keys table, which the head's inserter may be
 * writing: each slot is read once, with acquire order to pair with the
 * release that published its entry (nk_insert_locked()).  The address
 * dependency would do on every CPU Linux runs on, but a tag test sits
 * between the load and the entry's use, and acquire costs nothing on
 * x86; only look-ups that miss the read table come here.
 */
static struct syncmap_entry *nk_find(const struct syncmap_table *t, u32 hash,
				     const void *key, u32 key_len)
{
	unsigned long tag = syncmap_hash_tag(hash), word;
	unsigned int i = hash & t->mask;
	struct syncmap_entry *e;

	for (;; i = (i + 1) & t->mask) {
		/* Pairs with nk_insert_locked()'s release: the entry's bytes. */
		word = smp_load_acquire(&t->slots[i].word);
		if (!word)
			return NULL;
		if ((word & SYNCMAP_TAG_MASK) != tag)
			continue;
		e = syncmap_slot_entry(word);
		if (syncmap_entry_matches(e, key, key_len))
			return e;
	}
}

/*
 * Ask for a merge.  Once one is due, every new key or hit asks until it
 * runs: queue_work() of a pending work would do nothing, but only after
 * an atomic test-and-set on a line the worker writes.  A caller that sees
 * the work pending changed the chain before looking (under the lock, or
 * with a fully ordered atomic), and the worker clears the bit before it
 * runs, so the merge still sees that change.
 */
static void merge_queue(struct syncmap *map)
{
	if (!work_pending(&map->merge.work))
		syncmap_queue_work(&map->merge.work);
}

static bool entry_expunged(struct syncmap_entry *e)
{
	return rcu_access_pointer(e->p) == SYNCMAP_EXPUNGED;
}

/*
 * The look-up events of merge_find(): a call's second look-up, after an
 * allocation, counts nothing (the first counted the call's).
 */
#define MERGE_EV_NONE	SYNCMAP_EV_NR

/*
 * The key's entry in the chain that is not expunged, or NULL.  Inside
 * rcu_read_lock().  Counts a new-keys hit unless @count is false: as many
 * as the read table (@read) holds ask for a merge, as Go's misses ask
 * for a promotion.
 */
static noinline struct syncmap_entry *chain_find(struct syncmap *map,
						 const struct syncmap_table *read,
						 struct merge_key *mk,
						 bool count)
{
	struct syncmap_table *t;
	struct syncmap_entry *e;
	long hits;

	for (t = rcu_dereference(map->nk); t; t = rcu_dereference(t->older)) {
		e = nk_find(t, mk_hash(map, mk, t), mk->key, mk->len);
		if (e && !entry_expunged(e)) {
			if (!count)
				return e;
			merge_stat_inc(map, SYNCMAP_EV_DIRTY_HITS);
			hits = atomic_long_inc_return(&map->merge.nk_hits);
			if (hits > max_t(long, read->count, MERGE_MIN))
				merge_queue(map);
			return e;
		}
	}
	return NULL;
}

/*
 * The key's entry that is not expunged, or NULL: the read table, then the
 * chain.  Inside rcu_read_lock(); counts @hit_ev or its miss event for
 * the read table's look-up (enum syncmap_event pairs them), and the
 * chain's hit, unless @hit_ev is MERGE_EV_NONE.
 *
 * Why one look suffices: the chain loses tables only a grace period after
 * their entries went into a published read table, so a reader that saw an
 * older read table still finds them in the chain; and an entry leaves the
 * not-expunged state once and for all, before any other entry of its key
 * is made.  A NULL value found is the key's state at that instant.
 */
static __always_inline struct syncmap_entry *
merge_find(struct syncmap *map, struct merge_key *mk,
	   enum syncmap_event hit_ev)
{
	struct syncmap_table *read = rcu_dereference(map->read);
	bool count = hit_ev != MERGE_EV_NONE;
	struct syncmap_entry *e;

	if (likely(syncmap_table_find(read, mk_hash(map, mk, read), mk->key,
				      mk->len, &e)) && !entry_expunged(e)) {
		if (count)
			merge_stat_inc(map, hit_ev);
		return e;
	}
	if (count)
		merge_stat_inc(map, hit_ev + 1);
	if (!rcu_access_pointer(map->nk))
		return NULL;
	return chain_find(map, read, mk, count);
}

/* ---- Loads ---- */

/*
 * A load that missed the read table @read (or found its entry expunged):
 * the chain, then everything again if the entry found there was expunged
 * meanwhile.  @hash is the key's hash in @read.
 */
static noinline struct syncmap_value *
merge_load_slow(struct syncmap *map, const struct syncmap_table *read,
		u32 hash, const void *key, u32 key_len)
{
	struct merge_key mk = { .key = key, .len = key_len };
	struct syncmap_entry *e;
	struct syncmap_value *v;

	mk.hash[read->secure] = hash;
	mk.have = 1U << read->secure;
	e = rcu_access_pointer(map->nk) ? chain_find(map, read, &mk, true) :
					   NULL;
	for (;;) {
		if (!e)
			return NULL;
		v = rcu_dereference(e->p);
		if (likely(v != SYNCMAP_EXPUNGED))
			return v;
		/*
		 * Expunged since: the key's other entry, if any, is newer.
		 * The load is counted once: look again as other reads do.
		 */
		e = merge_find(map, &mk, SYNCMAP_EV_READ_HITS);
	}
}

/*
 * The whole of a load that hits the read table, as Go's engine's: the
 * hash, the table's probe, the entry's value.
 */
static __always_inline struct syncmap_value *
merge_load_value(struct syncmap *map, const void *key, u32 key_len)
{
	struct syncmap_table *read = rcu_dereference(map->read);
	u32 hash = merge_hash(map, read->secure, key, key_len);
	struct syncmap_entry *e;
	struct syncmap_value *v;

	if (likely(syncmap_table_find(read, hash, key, key_len, &e))) {
		v = rcu_dereference(e->p);
		if (likely(v != SYNCMAP_EXPUNGED)) {
			merge_stat_inc(map, SYNCMAP_EV_LOAD_HITS);
			return v;
		}
	}
	merge_stat_inc(map, SYNCMAP_EV_LOAD_MISSES);
	return merge_load_slow(map, read, hash, key, key_len);
}

/* Constant key lengths for the common sizes, as kmod/map.c's loads. */
static __always_inline struct syncmap_value *
merge_load_any(struct syncmap *map, const void *key, u32 key_len)
{
	switch (key_len) {
	case 8:
		return merge_load_value(map, key, 8);
	case 16:
		return merge_load_value(map, key, 16);
	}
	return merge_load_value(map, key, key_len);
}

/* syncmap_load_rcu() of a merge map; the caller checked @key_len. */
int syncmap_merge_load_rcu(struct syncmap *map, const void *key, u32 key_len,
			   const void **value, u32 *len)
{
	struct syncmap_value *v = merge_load_any(map, key, key_len);

	if (!v)
		return 0;
	*value = v->data;
	*len = v->len;
	return 1;
}

/* syncmap_load() of a merge map; the caller checked @key_len. */
int syncmap_merge_load(struct syncmap *map, const void *key, u32 key_len,
		       void *buf, u32 size, u32 *len)
{
	struct syncmap_value *v;
	int ret = 0;

	rcu_read_lock();
	v = merge_load_any(map, key, key_len);
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

/* ---- What writers share ---- */

static struct syncmap_table *nk_head_locked(struct syncmap *map)
	__must_hold(&map->lock)
{
	lockdep_assert_held(&map->lock);
	return rcu_dereference_protected(map->nk, lockdep_is_held(&map->lock));
}

/*
 * Whether the chain has grown enough, by keys or by hits, for a merge to
 * pay for itself: its cost, O(read + new keys), is then O(1) per key.
 */
static bool merge_due_locked(struct syncmap *map)
	__must_hold(&map->lock)
{
	const struct syncmap_table *read;
	u64 n = map->merge.nk_count;

	lockdep_assert_held(&map->lock);
	read = rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->lock));
	if (n >= max_t(u64, read->count / 2, MERGE_MIN))
		return true;
	return n && atomic_long_read(&map->merge.nk_hits) >
		    max_t(long, read->count, MERGE_MIN);
}

/* Insert into the head, which has room; the entry's slot last, released. */
static void nk_insert_locked(struct syncmap *map, struct syncmap_table *t,
			     u32 hash, struct syncmap_entry *e)
	__must_hold(&map->lock)
{
	unsigned int i = hash & t->mask, probes = 0;

	lockdep_assert_held(&map->lock);
	while (t->slots[i].word) {
		i = (i + 1) & t->mask;
		probes++;
	}
	if (unlikely(probes > SYNCMAP_PROBE_MAX) && !t->secure)
		WRITE_ONCE(map->flooded, true);
	/* The entry's bytes before its slot: pairs with nk_find(). */
	smp_store_release(&t->slots[i].word,
			  (unsigned long)e | syncmap_hash_tag(hash));
	WRITE_ONCE(t->count, t->count + 1);
}

/* The chain's insert count, read before a look-up (merge_insert()). */
static unsigned long merge_seq(struct syncmap *map)
{
	/* The look-up finds every entry counted: pairs with the release. */
	return smp_load_acquire(&map->merge.nk_seq);
}

/*
 * Insert @fresh, holding @nv, for a key that has no entry but expunged
 * ones: 0, with the entry the map's; -EEXIST if another writer made the
 * key's entry first (look it up again); -ENOMEM, with nothing changed.
 * Takes the lock; grows the chain first, allocating without the lock.
 *
 * @seq is merge_seq() before the caller's look-up that found no entry:
 * if no entry was inserted since, none of the key's can have been made
 * (an expunged entry stays expunged, a merge or clear makes none), so the
 * key is looked up again under the lock only when another was.
 */
static int merge_insert(struct syncmap *map, struct merge_key *mk,
			struct syncmap_entry *fresh, struct syncmap_value *nv,
			unsigned long seq)
{
	struct syncmap_table *head, *bigger = NULL;
	struct syncmap_epoch *epoch;
	struct syncmap_entry *e = NULL;
	unsigned int want;
	bool due;

	for (;;) {
		spin_lock_bh(&map->lock);
		if (map->merge.nk_seq != seq) {
			rcu_read_lock();
			e = merge_find(map, mk, SYNCMAP_EV_READ_HITS);
			rcu_read_unlock();
		}
		if (e) {
			spin_unlock_bh(&map->lock);
			if (bigger)
				syncmap_table_free(bigger);
			return -EEXIST;
		}
		head = nk_head_locked(map);
		if (!head || !syncmap_table_has_room(head)) {
			if (!bigger) {
				want = head ? (head->mask + 1) * 3 / 2 :
				       MERGE_HEAD_MIN;
				spin_unlock_bh(&map->lock);
				bigger = syncmap_table_new(map, want);
				if (!bigger)
					return -ENOMEM;
				continue;
			}
			/* Not visible yet: a plain initialisation. */
			RCU_INIT_POINTER(bigger->older, head);
			rcu_assign_pointer(map->nk, bigger);
			head = bigger;
			bigger = NULL;
		}
		break;
	}
	epoch = rcu_dereference_protected(map->epoch,
					  lockdep_is_held(&map->lock));
	refcount_inc(&epoch->ref);
	fresh->epoch = epoch;
	RCU_INIT_POINTER(fresh->p, nv);
	syncmap_entry_live_add(fresh, 1);
	nk_insert_locked(map, head, mk_hash(map, mk, head), fresh);
	/* After the entry's slot: pairs with merge_seq(). */
	smp_store_release(&map->merge.nk_seq, map->merge.nk_seq + 1);
	WRITE_ONCE(map->merge.nk_count, map->merge.nk_count + 1);
	map->counters.new_keys++;
	due = merge_due_locked(map);
	spin_unlock_bh(&map->lock);
	if (bigger)
		syncmap_table_free(bigger);
	if (due)
		merge_queue(map);
	return 0;
}

/*
 * Insert a new key's entry holding @nv: *@fresh, or one made now (without
 * a value) if NULL.  0, with *@fresh now the map's (NULL); -EEXIST if
 * another writer made the key's entry first (look it up again, keeping
 * *@fresh and @nv); any other error with *@fresh discarded and @nv put.
 */
static int merge_insert_fresh(struct syncmap *map, struct merge_key *mk,
			      struct syncmap_entry **fresh,
			      struct syncmap_value *nv, unsigned long seq)
{
	int ret = 0;

	if (!*fresh)
		ret = syncmap_entry_prepare(map, mk->key, mk->len, fresh);
	if (!ret)
		ret = merge_insert(map, mk, *fresh, nv, seq);
	if (!ret) {
		*fresh = NULL;
		return 0;
	}
	if (ret != -EEXIST) {
		if (*fresh)
			syncmap_entry_discard(map, *fresh);
		syncmap_value_put(map, nv);
	}
	return ret;
}

/* ---- Swap and Store ---- */

/*
 * Swap @value in; *@old gets the previous live value, with the entry's
 * reference on it, or NULL.  0, or an error with nothing changed.  The
 * value is allocated after the first look-up, which says whether the key
 * is new: then it goes in the key's entry, in the same object.
 */
static int merge_swap_value(struct syncmap *map, struct merge_key *mk,
			    const void *value, u32 value_len,
			    struct syncmap_value **old)
{
	enum syncmap_event ev = SYNCMAP_EV_READ_HITS;
	struct syncmap_entry *e, *fresh = NULL;
	struct syncmap_value *nv = NULL, *p;
	unsigned long seq;
	int ret;

	for (;;) {
		seq = merge_seq(map);
		rcu_read_lock();
		e = merge_find(map, mk, ev);
		if (e && nv) {
			for (p = rcu_dereference(e->p); p != SYNCMAP_EXPUNGED;) {
				if (syncmap_entry_try_cmpxchg(e, &p, nv)) {
					if (!p)
						syncmap_entry_live_add(e, 1);
					rcu_read_unlock();
					if (fresh)
						syncmap_entry_discard(map, fresh);
					*old = p;
					return 0;
				}
			}
			/* Expunged under us: look again. */
			rcu_read_unlock();
			continue;
		}
		rcu_read_unlock();
		/* The call's look-up is counted once. */
		ev = MERGE_EV_NONE;
		if (!nv) {
			nv = syncmap_value_to_store(map, !e, mk->key, mk->len,
						    value, value_len, &fresh,
						    &ret);
			if (!nv)
				return ret;
			/* The key's entry takes it; a new key's insert looks again. */
			if (e)
				continue;
		}
		ret = merge_insert_fresh(map, mk, &fresh, nv, seq);
		if (!ret) {
			*old = NULL;
			return 0;
		}
		if (ret != -EEXIST)
			return ret;
	}
}

/* syncmap_swap() of a merge map. */
int syncmap_merge_swap(struct syncmap *map, const void *key, u32 key_len,
		       const void *value, u32 value_len,
		       void *buf, u32 size, u32 *len)
{
	struct merge_key mk = { .key = key, .len = key_len };
	struct syncmap_value *old;
	int ret;

	ret = merge_swap_value(map, &mk, value, value_len, &old);
	if (ret)
		return ret;
	merge_stat_inc(map, SYNCMAP_EV_STORES);
	if (!old)
		return 0;
	ret = copy_value(old, buf, size, len);
	syncmap_value_put(map, old);
	return ret;
}

/* ---- LoadOrStore ---- */

/* syncmap_load_or_store() of a merge map. */
int syncmap_merge_load_or_store(struct syncmap *map, const void *key,
				u32 key_len, const void *value, u32 value_len,
				void *buf, u32 size, u32 *len)
{
	enum syncmap_event ev = SYNCMAP_EV_READ_HITS;
	struct merge_key mk = { .key = key, .len = key_len };
	struct syncmap_entry *e, *fresh = NULL;
	struct syncmap_value *nv = NULL, *p;
	unsigned long seq;
	int ret;

	for (;;) {
		seq = merge_seq(map);
		rcu_read_lock();
		e = merge_find(map, &mk, ev);
		p = e ? rcu_dereference(e->p) : NULL;
		while (e && p != SYNCMAP_EXPUNGED) {
			if (p) {
				/* Loaded: a live value, copied in the section. */
				ret = copy_value(p, buf, size,
						 len);
				rcu_read_unlock();
				if (nv)
					syncmap_value_put(map, nv);
				if (fresh)
					syncmap_entry_discard(map, fresh);
				return ret < 0 ? ret : 1;
			}
			if (!nv)
				break;
			if (syncmap_entry_try_cmpxchg(e, &p, nv)) {
				syncmap_entry_live_add(e, 1);
				rcu_read_unlock();
				goto stored;
			}
		}
		rcu_read_unlock();
		/* The call's look-up is counted once. */
		ev = MERGE_EV_NONE;
		if (e && p == SYNCMAP_EXPUNGED)
			continue;
		if (!nv) {
			nv = syncmap_value_to_store(map, !e, key, key_len,
						    value, value_len, &fresh,
						    &ret);
			if (!nv)
				goto nomem;
			/* A deleted entry takes it; a new key's insert looks again. */
			if (e)
				continue;
		}
		ret = merge_insert_fresh(map, &mk, &fresh, nv, seq);
		if (!ret)
			goto stored;
		if (ret != -EEXIST)
			return ret;
	}
stored:
	if (fresh)
		syncmap_entry_discard(map, fresh);
	merge_stat_inc(map, SYNCMAP_EV_STORES);
	/* The value stored is the caller's: copy it from there. */
	ret = copy_bytes(value, value_len, buf, size, len);
	return ret < 0 ? ret : 0;

nomem:
	/* No value to store: a live value is still loaded, as Go would. */
	rcu_read_lock();
	e = merge_find(map, &mk, SYNCMAP_EV_READ_HITS);
	p = e ? syncmap_entry_load(e) : NULL;
	if (p) {
		ret = copy_value(p, buf, size, len);
		if (ret > 0)
			ret = 1;
	}
	rcu_read_unlock();
	return ret;
}

/* ---- Deletes ---- */

/* The live value removed from the key's entry, or NULL. */
static struct syncmap_value *merge_delete(struct syncmap *map,
					  struct merge_key *mk)
{
	struct syncmap_entry *e;
	struct syncmap_value *p;

	rcu_read_lock();
	for (;;) {
		e = merge_find(map, mk, SYNCMAP_EV_READ_HITS);
		if (!e)
			break;
		p = rcu_dereference(e->p);
		while (syncmap_value_live(p)) {
			if (syncmap_entry_try_cmpxchg(e, &p, NULL)) {
				syncmap_entry_live_add(e, -1);
				rcu_read_unlock();
				merge_stat_inc(map, SYNCMAP_EV_DELETES);
				return p;
			}
		}
		if (!p)
			break;
		/* Expunged under us: look again. */
	}
	rcu_read_unlock();
	return NULL;
}

/* syncmap_load_and_delete() of a merge map, and its delete. */
int syncmap_merge_load_and_delete(struct syncmap *map, const void *key,
				  u32 key_len, void *buf, u32 size, u32 *len)
{
	struct merge_key mk = { .key = key, .len = key_len };
	struct syncmap_value *v;
	int ret;

	v = merge_delete(map, &mk);
	if (!v)
		return 0;
	/* A delete asks for nothing: no buffer, no length, 1. */
	ret = copy_value(v, buf, size, len);
	syncmap_value_put(map, v);
	return ret;
}

/* ---- Compare and exchange ---- */

/*
 * Replace the key's value with @nv (NULL: delete) if it equals @old: the
 * replaced value, or NULL if it did not equal (or the key is absent).
 */
static struct syncmap_value *merge_cmpxchg(struct syncmap *map,
					   struct merge_key *mk,
					   const void *old, u32 old_len,
					   struct syncmap_value *nv)
{
	struct syncmap_entry *e;
	struct syncmap_value *p;

	rcu_read_lock();
	for (;;) {
		e = merge_find(map, mk, SYNCMAP_EV_READ_HITS);
		if (!e)
			break;
		p = rcu_dereference(e->p);
		while (syncmap_value_live(p) &&
		       syncmap_value_equal(p, old, old_len)) {
			if (syncmap_entry_try_cmpxchg(e, &p, nv)) {
				if (!nv)
					syncmap_entry_live_add(e, -1);
				rcu_read_unlock();
				return p;
			}
		}
		if (p != SYNCMAP_EXPUNGED)
			break;
	}
	rcu_read_unlock();
	return NULL;
}

/* Whether the key's value equals @old now. */
static bool merge_value_is(struct syncmap *map, struct merge_key *mk,
			   const void *old, u32 old_len)
{
	struct syncmap_entry *e;
	struct syncmap_value *p;
	bool ret;

	rcu_read_lock();
	e = merge_find(map, mk, SYNCMAP_EV_READ_HITS);
	p = e ? syncmap_entry_load(e) : NULL;
	ret = p && syncmap_value_equal(p, old, old_len);
	rcu_read_unlock();
	return ret;
}

/* syncmap_compare_and_swap() of a merge map. */
int syncmap_merge_compare_and_swap(struct syncmap *map, const void *key,
				   u32 key_len, const void *old, u32 old_len,
				   const void *new, u32 new_len)
{
	struct merge_key mk = { .key = key, .len = key_len };
	struct syncmap_value *nv, *replaced;
	int ret;

	/* Without allocating, a value that is not @old fails at once. */
	if (!merge_value_is(map, &mk, old, old_len))
		return 0;
	nv = syncmap_value_for_store(map, new, new_len, &ret);
	if (!nv)
		return merge_value_is(map, &mk, old, old_len) ? ret : 0;
	replaced = merge_cmpxchg(map, &mk, old, old_len, nv);
	if (!replaced) {
		syncmap_value_put(map, nv);
		return 0;
	}
	merge_stat_inc(map, SYNCMAP_EV_STORES);
	syncmap_value_put(map, replaced);
	return 1;
}

/* syncmap_compare_and_delete() of a merge map; @key_len checked. */
int syncmap_merge_compare_and_delete(struct syncmap *map, const void *key,
				     u32 key_len, const void *old,
				     u32 old_len)
{
	struct merge_key mk = { .key = key, .len = key_len };
	struct syncmap_value *deleted;

	deleted = merge_cmpxchg(map, &mk, old, old_len, NULL);
	if (!deleted)
		return 0;
	merge_stat_inc(map, SYNCMAP_EV_DELETES);
	syncmap_value_put(map, deleted);
	return 1;
}

/* ---- The merge ---- */

/* Expunge @e if deleted; true if it is (now) expunged. */
static bool merge_try_expunge(struct syncmap_entry *e)
{
	struct syncmap_value *p = rcu_access_pointer(e->p);

	while (!p) {
		if (syncmap_entry_try_cmpxchg(e, &p, SYNCMAP_EXPUNGED))
			return true;
	}
	return p == SYNCMAP_EXPUNGED;
}

/* Expunge the deleted entries of @t; the number of others. */
static unsigned int merge_expunge_table(struct syncmap_table *t)
{
	struct syncmap_entry *e;
	unsigned int i, keep = 0;

	for (i = 0; i <= t->mask; i++) {
		e = syncmap_table_entry(t, i);
		if (e && !merge_try_expunge(e))
			keep++;
		if ((i & 1023) == 1023)
			cond_resched();
	}
	return keep;
}

/* Add @t's entries that are not expunged to @to, with a reference each. */
static void merge_copy_table(struct syncmap_table *to, struct syncmap_table *t)
{
	struct syncmap_entry *e;
	unsigned int i;

	for (i = 0; i <= t->mask; i++) {
		e = syncmap_table_entry(t, i);
		if (e && !entry_expunged(e)) {
			refcount_inc(&e->ref);
			syncmap_table_insert(to, syncmap_entry_hash(to, e), e);
		}
		if ((i & 1023) == 1023)
			cond_resched();
	}
}

/* Put every table of a chain nobody can reach any more. */
/*
 * A new read table of @keep entries: those of @read and of the frozen
 * chain from @frozen that are not expunged, hashed with hsiphash() if
 * @secure.  NULL if it cannot be allocated.
 */
static struct syncmap_table *merge_build(struct syncmap *map,
					 struct syncmap_table *read,
					 struct syncmap_table *frozen,
					 unsigned int keep, bool secure)
{
	struct syncmap_table *fresh, *t;

	lockdep_assert_held(&map->mutex);
	fresh = syncmap_table_new(map, keep);
	if (!fresh)
		return NULL;
	fresh->secure = secure;
	merge_copy_table(fresh, read);
	for (t = frozen; t; t = rcu_dereference_protected(t->older, true))
		merge_copy_table(fresh, t);
	return fresh;
}

static void chain_put(struct syncmap_table *t)
{
	struct syncmap_table *next;

	for (; t; t = next) {
		next = rcu_dereference_protected(t->older, true);
		syncmap_table_put(t);
	}
}

/*
 * Cut the tables the last merge merged from the chain, once every reader
 * that saw the read table before that merge is gone (waiting for it if
 * it has not passed yet).  Called with the mutex.
 */
static void merge_finish_cut(struct syncmap *map)
{
	struct syncmap_merge *m = &map->merge;

	lockdep_assert_held(&map->mutex);
	if (!m->cut_head)
		return;
	cond_synchronize_rcu(m->cut_gp);
	rcu_assign_pointer(m->cut_head->older, NULL);
	chain_put(m->cut_frozen);
	m->cut_head = NULL;
	m->cut_frozen = NULL;
}

/*
 * Merge the chain into a new read table, dropping deleted entries.  With
 * @force, rebuild the read table even when the chain is empty (a
 * compaction).  @reason is for the counters.
 *
 * The chain is frozen first: a new empty head takes the inserts from
 * then on, so the tables merged no longer change.  Deleted entries of the
 * read table and of the frozen tables are expunged, and those left are
 * counted, so the new table is sized for them.  A failure to allocate
 * leaves the map as it was but for tombstones expunged (which results do
 * not see) and the new head.  Called with the mutex; sleeps for a grace
 * period.
 */
static int merge_run(struct syncmap *map, bool force,
		     enum merge_reason reason)
{
	struct syncmap_table *read, *frozen, *head, *fresh, *t;
	unsigned int keep, copied_keys;
	u64 frozen_count, expunged;

	lockdep_assert_held(&map->mutex);
	merge_finish_cut(map);
	/*
	 * The new head is sized for the keys that will ask for the next
	 * merge: half the read table's, at least MERGE_MIN.  A miss then
	 * probes one table, not a chain of doubling ones.  Only mutex
	 * holders replace the read table; the chain's count is a guess,
	 * read without the lock.
	 */
	read = rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->mutex));
	head = syncmap_table_new(map, max_t(u64, MERGE_MIN,
					    (read->count +
					     READ_ONCE(map->merge.nk_count)) / 2));
	if (!head)
		return -ENOMEM;

	spin_lock_bh(&map->lock);
	frozen = nk_head_locked(map);
	frozen_count = map->merge.nk_count;
	if (!frozen_count && !force) {
		spin_unlock_bh(&map->lock);
		syncmap_table_free(head);
		return 0;
	}
	RCU_INIT_POINTER(head->older, frozen);
	rcu_assign_pointer(map->nk, head);
	read = rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->lock));
	spin_unlock_bh(&map->lock);

	/* Only this merge, under the mutex, changes what is frozen now. */
	keep = merge_expunge_table(read);
	for (t = frozen; t; t = rcu_dereference_protected(t->older, true))
		keep += merge_expunge_table(t);
	expunged = read->count + frozen_count - keep;

	fresh = merge_build(map, read, frozen, keep, READ_ONCE(map->flooded));
	/*
	 * Keys chosen to collide may have been spread over the read table
	 * and the chain, each short enough, and meet only in this copy,
	 * which then marks the map flooded: copy again with hsiphash().
	 */
	if (fresh && !fresh->secure && READ_ONCE(map->flooded)) {
		syncmap_table_release(fresh);
		fresh = merge_build(map, read, frozen, keep, true);
	}
	if (!fresh)
		return -ENOMEM;
	copied_keys = fresh->count;

	spin_lock_bh(&map->lock);
	/* Publish the new table's slots before its pointer. */
	rcu_assign_pointer(map->read, fresh);
	if (fresh->secure && !map->secure) {
		WRITE_ONCE(map->secure, true);
		WRITE_ONCE(map->flooded, false);
	}
	WRITE_ONCE(map->merge.nk_count, map->merge.nk_count - frozen_count);
	atomic_long_set(&map->merge.nk_hits, 0);
	if (reason == MERGE_DUE)
		map->counters.promotions_misses++;
	else if (reason == MERGE_WALK)
		map->counters.promotions_range++;
	else
		map->counters.promotions_compact++;
	map->counters.rebuild_copied += copied_keys;
	map->counters.rebuild_expunged += expunged;
	spin_unlock_bh(&map->lock);
	syncmap_table_put(read);

	/*
	 * A reader that saw the old read table may still look for a merged
	 * key in the frozen tables: cut them only once it is gone.  The
	 * workqueue waits for that without the mutex (merge_work()); a
	 * compaction, which must leave nothing behind, waits here.
	 */
	map->merge.cut_head = head;
	map->merge.cut_frozen = frozen;
	map->merge.cut_gp = get_state_synchronize_rcu();
	if (reason == MERGE_COMPACT)
		merge_finish_cut(map);
	else
		syncmap_queue_work(&map->merge.work);
	return 0;
}

static void merge_work(struct work_struct *work)
{
	struct syncmap *map = container_of(work, struct syncmap, merge.work);
	unsigned long gp;

	mutex_lock(&map->mutex);
	if (map->merge.cut_head &&
	    !poll_state_synchronize_rcu(map->merge.cut_gp)) {
		/* Wait for the cut's grace period without the mutex. */
		gp = map->merge.cut_gp;
		mutex_unlock(&map->mutex);
		cond_synchronize_rcu(gp);
		mutex_lock(&map->mutex);
	}
	merge_finish_cut(map);
	merge_run(map, false, MERGE_DUE);
	mutex_unlock(&map->mutex);
}

/*
 * A merge for a walk, which must see every key: retried until memory is
 * found, as a walk has no way to fail, or until the caller is killed
 * (then the walk sees the read table's keys alone, for a task that will
 * never look at them).  Called with the mutex.
 */
static void merge_for_walk(struct syncmap *map)
{
	while (merge_run(map, false, MERGE_WALK)) {
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
}

/* syncmap_iter_start() of a merge map: merge, then pin the read table. */
void syncmap_merge_iter_start(struct syncmap *map, struct syncmap_iter *iter)
{
	struct syncmap_table *read;

	mutex_lock(&map->mutex);
	merge_for_walk(map);
	/* Only a mutex holder replaces the read table: it stays. */
	read = rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->mutex));
	refcount_inc(&read->ref);
	mutex_unlock(&map->mutex);
	iter->table = read;
	iter->pos = 0;
}

/* The most tables a walk pins: the chain's grow by doubling. */
#define RANGE_TABLES	32

/*
 * Offer the live entries of @t, which may be a head still taking
 * inserts: slots are read once, with acquire order (as nk_find()).
 *
 * The walk starts at a random slot, as Go's map iteration does.  From
 * slot 0, a caller that deletes the first key it is offered (Go's
 * AdversarialDelete) deletes the keys whose hashes are lowest, and the
 * merges' tables, which keep the hash, pile the survivors into the upper
 * slots: runs of hundreds of full slots for every miss to walk.
 */
static int range_table(struct syncmap *map, struct syncmap_table *t,
		       syncmap_range_fn fn, void *arg)
{
	unsigned int n, i = get_random_u32_below(t->mask + 1);
	struct syncmap_entry *e;
	struct syncmap_value *v;
	int ret = 0;

	for (n = 0; n <= t->mask && !ret; n++, i = (i + 1) & t->mask) {
		/* Pairs with nk_insert_locked()'s release. */
		e = syncmap_slot_entry(smp_load_acquire(&t->slots[i].word));
		v = NULL;
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
			syncmap_value_put(map, v);
		}
		cond_resched();
	}
	return ret;
}

/*
 * syncmap_range() of a merge map, without a merge: the read table, then
 * the tables of the chain that hold keys it lacks, all pinned at the
 * start.  Every key live throughout has its entry in one of them (the
 * tables a pending cut will take hold only entries the read table has,
 * and are not walked).  No key is offered twice: a key's entries other
 * than the one not expunged are expunged, and skipped; and a key gets a
 * second entry only after a merge expunged its first, a merge that first
 * pushed a new head, which this walk did not pin.
 */
int syncmap_merge_range(struct syncmap *map, syncmap_range_fn fn, void *arg)
{
	struct syncmap_table *pinned[RANGE_TABLES], *t, *stop;
	struct syncmap_iter iter;
	unsigned int n = 0, i;
	int ret = 0;

	mutex_lock(&map->mutex);
	stop = map->merge.cut_head ?
	       rcu_dereference_protected(map->merge.cut_head->older, true) :
	       NULL;
	/* Only mutex holders put these tables: no reference is 0. */
	t = rcu_dereference_protected(map->read, lockdep_is_held(&map->mutex));
	refcount_inc(&t->ref);
	pinned[n++] = t;
	/* Inserters push heads under the lock; cuts take the mutex. */
	spin_lock_bh(&map->lock);
	for (t = nk_head_locked(map); t && t != stop && n < RANGE_TABLES;
	     t = rcu_dereference_protected(t->older, true)) {
		refcount_inc(&t->ref);
		pinned[n++] = t;
	}
	spin_unlock_bh(&map->lock);
	mutex_unlock(&map->mutex);

	if (t && t != stop) {
		/* A chain longer than ever seen: merge and walk instead. */
		while (n)
			syncmap_table_put(pinned[--n]);
		syncmap_merge_iter_start(map, &iter);
		ret = syncmap_iter_next(&iter, fn, arg);
		syncmap_iter_stop(&iter);
		return ret;
	}
	for (i = 0; i < n && !ret; i++)
		ret = range_table(map, pinned[i], fn, arg);
	for (i = 0; i < n; i++)
		syncmap_table_put(pinned[i]);
	return ret;
}

/* syncmap_compact() of a merge map: a merge, even of an empty chain. */
int syncmap_merge_compact(struct syncmap *map)
{
	int ret;

	mutex_lock(&map->mutex);
	ret = merge_run(map, true, MERGE_COMPACT);
	if (!ret) {
		spin_lock_bh(&map->lock);
		map->counters.compactions++;
		spin_unlock_bh(&map->lock);
	}
	mutex_unlock(&map->mutex);
	return ret;
}

/* syncmap_clear() of a merge map: a new read table, no chain. */
int syncmap_merge_clear(struct syncmap *map)
{
	struct syncmap_table *fresh, *old_read, *old_chain;
	struct syncmap_epoch *epoch, *old_epoch;

	mutex_lock(&map->mutex);
	fresh = syncmap_table_new(map, 0);
	epoch = syncmap_epoch_new(map);
	if (!fresh || !epoch) {
		mutex_unlock(&map->mutex);
		if (fresh)
			syncmap_table_free(fresh);
		if (epoch)
			syncmap_epoch_put(epoch);
		return -ENOMEM;
	}
	spin_lock_bh(&map->lock);
	old_read = rcu_dereference_protected(map->read,
					     lockdep_is_held(&map->lock));
	rcu_assign_pointer(map->read, fresh);
	/* Tables a cut still waits for are in it: they go with it. */
	old_chain = nk_head_locked(map);
	RCU_INIT_POINTER(map->nk, NULL);
	map->merge.cut_head = NULL;
	map->merge.cut_frozen = NULL;
	old_epoch = rcu_dereference_protected(map->epoch,
					      lockdep_is_held(&map->lock));
	rcu_assign_pointer(map->epoch, epoch);
	WRITE_ONCE(map->merge.nk_count, 0);
	atomic_long_set(&map->merge.nk_hits, 0);
	map->counters.clears++;
	spin_unlock_bh(&map->lock);
	mutex_unlock(&map->mutex);
	syncmap_table_put(old_read);
	chain_put(old_chain);
	syncmap_epoch_put(old_epoch);
	return 0;
}

/* The merge engine's figures in syncmap_get_stats(); docs/counters.md. */
void syncmap_merge_stats_locked(struct syncmap *map,
				struct syncmap_stats *stats)
	__must_hold(&map->lock)
{
	lockdep_assert_held(&map->lock);
	stats->dirty_present = !!map->merge.nk_count;
	stats->amended = !!map->merge.nk_count;
	stats->dirty_len = map->merge.nk_count;
	stats->misses = atomic_long_read(&map->merge.nk_hits);
}

/* syncmap_get_health() of a merge map: its chain counts as "dirty". */
void syncmap_merge_get_health(struct syncmap *map,
			      struct syncmap_health *health)
{
	struct syncmap_table *read, *t;
	struct syncmap_entry *e;
	u64 stale = 0, expunged = 0, read_min;
	unsigned int i;

	memset(health, 0, sizeof(*health));
	mutex_lock(&map->mutex);
	read = rcu_dereference_protected(map->read,
					 lockdep_is_held(&map->mutex));
	spin_lock_bh(&map->lock);
	health->dirty_len = map->merge.nk_count;
	health->dirty_present = !!health->dirty_len;
	for (t = nk_head_locked(map); t;
	     t = rcu_dereference_protected(t->older, true))
		health->dirty_bytes += syncmap_table_bytes(t);
	spin_unlock_bh(&map->lock);

	health->read_len = read->count;
	health->read_bytes = syncmap_table_bytes(read);
	for (i = 0; i <= read->mask; i++) {
		e = syncmap_table_entry(read, i);
		if (e && !syncmap_value_live(rcu_access_pointer(e->p)))
			stale++;
		if (e && entry_expunged(e))
			expunged++;
		if ((i & 1023) == 1023)
			cond_resched();
	}
	mutex_unlock(&map->mutex);

	health->read_stale = stale;
	health->live = syncmap_len(map);
	health->keys = health->read_len - expunged + health->dirty_len;
	if (health->keys < health->live)
		health->keys = health->live;
	health->leak_ratio = health->keys ?
			     div64_u64(health->live * 1000, health->keys) : 1000;
	if (health->live * 10 < health->keys * 7)
		health->warn |= SYNCMAP_HEALTH_LEAK;
	if (health->read_len)
		health->staleness = div64_u64(stale * 1000, health->read_len);
	if (stale * 10 > health->read_len * 3)
		health->warn |= SYNCMAP_HEALTH_STALE;
	read_min = max_t(u64, health->read_len, 1);
	if (health->dirty_present) {
		health->bloat = min_t(u64, U32_MAX,
				      div64_u64(health->dirty_len * 1000,
						read_min));
		if (health->dirty_len > 2 * read_min)
			health->warn |= SYNCMAP_HEALTH_BLOAT;
	}
}

void syncmap_merge_init(struct syncmap *map)
{
	INIT_WORK(&map->merge.work, merge_work);
	atomic_long_set(&map->merge.nk_hits, 0);
}

/* For syncmap_destroy(): no merge left, the chain's tables released. */
void syncmap_merge_destroy(struct syncmap *map)
{
	struct syncmap_table *t, *next;

	cancel_work_sync(&map->merge.work);
	for (t = rcu_dereference_protected(map->nk, true); t; t = next) {
		next = rcu_dereference_protected(t->older, true);
		syncmap_table_release(t);
	}
}
