/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: entries, values and epochs.
 *
 * An entry is the one object per key shared by the read table, the dirty
 * table and any retired read table still in a grace period or pinned by a
 * walk.  Each table that holds an entry holds a reference on it (@ref).
 * Tables drop their references only after a grace period that began once
 * nobody could find the entry through them any more (a retired table's
 * free work, or a one-entry "limbo" table for an entry taken out of the
 * live dirty table), so the last put frees the entry at once: it needs
 * no rcu_head of its own.
 *
 * A new key's entry is allocated with its first value in one object: the
 * entry, the key, then the value (its "embedded" value), so a key read
 * more than written finds its value on its entry's line.  The embedded
 * value keeps the object's memory: the entry's own release (its last
 * table's put, or the discard of an entry never published) only drops
 * its reference on it, and the memory goes with the value's last
 * reference, as a separate value's does.  An entry that took a later
 * value frees it at once but keeps the first value's bytes until the
 * entry goes.  An entry whose insert found the key present after all is
 * discarded while its value may be stored in that key's entry: the value
 * keeps the discarded entry's memory alive until it is replaced too.
 *
 * An entry's value pointer @p has three states, as in Go's sync.Map:
 * a live value; NULL ("nil": deleted, and dirty is absent or holds the
 * entry); or SYNCMAP_EXPUNGED (deleted, dirty is present and does not
 * hold the entry).  It only changes by atomic exchange.
 */
#ifndef _SYNCMAP_ENTRY_H
#define _SYNCMAP_ENTRY_H

#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/types.h>

struct syncmap;

/**
 * struct syncmap_value - an immutable value
 * @ref: one reference for the entry that points at it, one per walk
 *       that hands it to a callback, and for an embedded value one for
 *       the entry it is embedded in until that entry is released.
 * @len: length of @data, at most SYNCMAP_VALUE_MAX.
 * @home: for a value embedded in an entry, its offset from the entry's
 *        start in 8-byte words; 0 for a value allocated on its own.
 * @data: the bytes.
 *
 * No rcu_head: the last put frees the value with the headless
 * kvfree_rcu_mightsleep(), which queues the pointer in the kernel's
 * per-CPU pages of pointers (so every put is made in process context,
 * outside rcu_read_lock() and any spinlock).  An 8-byte value is 16 bytes.
 */
struct syncmap_value {
	refcount_t ref;
	u32 len : 24;
	u32 home : 8;
	u8 data[];
};

/*
 * The expunged sentinel: never dereferenced, only compared.  An odd
 * address no allocation can return.
 */
#define SYNCMAP_EXPUNGED ((struct syncmap_value *)1UL)

static inline bool syncmap_value_live(const struct syncmap_value *v)
{
	return v && v != SYNCMAP_EXPUNGED;
}

static inline bool syncmap_value_equal(const struct syncmap_value *v,
				       const void *data, u32 len)
{
	return v->len == len && !memcmp(v->data, data, len);
}

/**
 * struct syncmap_epoch - the live-entry count between two clears
 * @live: entries of this epoch whose value is live.
 * @ref: one per entry of the epoch, one for the map while current.
 * @map: the map, for the accounting done when entries are freed.
 * @rcu: frees the epoch after a grace period (len() reads it under RCU).
 */
struct syncmap_epoch {
	atomic_long_t live;
	refcount_t ref;
	struct syncmap *map;
	struct rcu_head rcu;
};

/**
 * struct syncmap_entry - the object of one key
 * @p: the value, NULL or SYNCMAP_EXPUNGED.
 * @epoch: the epoch that counts this entry's liveness.
 * @ref: tables (read, dirty, retired, limbo) whose slots point at the
 *       entry.  Dropped only after a grace period (see the top).
 * @key_len: length of @key, at most SYNCMAP_KEY_MAX.
 * @first: the offset of the embedded value from the entry's start, in
 *         bytes; 0 for an entry made without one.
 * @key: the bytes of the key, immutable.
 *
 * 24 bytes and the key, then the embedded value at the next multiple of
 * 8: an 8-byte key and value take 48 bytes, one line.
 */
struct syncmap_entry {
	struct syncmap_value __rcu *p;
	struct syncmap_epoch *epoch;
	refcount_t ref;
	u16 key_len;
	u16 first;
	u8 key[];
};

/* Bytes charged for an entry and a value, as documented in docs/. */
static inline size_t syncmap_entry_size(u32 key_len)
{
	return sizeof(struct syncmap_entry) + key_len;
}

static inline size_t syncmap_value_size(u32 len)
{
	return sizeof(struct syncmap_value) + len;
}

/* Where an entry's embedded value starts: after the key, word-aligned. */
static inline size_t syncmap_entry_first_offset(u32 key_len)
{
	return ALIGN(syncmap_entry_size(key_len), sizeof(u64));
}

/* An entry with its embedded value of @len bytes. */
static inline size_t syncmap_entry_valued_size(u32 key_len, u32 len)
{
	return syncmap_entry_first_offset(key_len) + syncmap_value_size(len);
}

void *syncmap_alloc(struct syncmap *map, size_t size);
void *__syncmap_alloc(struct syncmap *map, size_t size);

struct syncmap_value *syncmap_value_new(struct syncmap *map,
					const void *data, u32 len);
void syncmap_value_put(struct syncmap *map, struct syncmap_value *v);
void syncmap_value_discard(struct syncmap *map, struct syncmap_value *v);

struct syncmap_entry *syncmap_entry_new(struct syncmap *map,
					const void *key, u32 key_len);
struct syncmap_entry *syncmap_entry_new_valued(struct syncmap *map,
					       const void *key, u32 key_len,
					       const void *value, u32 len);
void syncmap_entry_discard(struct syncmap *map, struct syncmap_entry *e);
void syncmap_entry_put(struct syncmap_entry *e);

struct syncmap_epoch *syncmap_epoch_new(struct syncmap *map);
void syncmap_epoch_put(struct syncmap_epoch *epoch);

/*
 * The value made with @e, with the reference its maker holds (to store
 * it or to put it), or NULL if @e was made without one.
 */
static inline struct syncmap_value *syncmap_entry_first(struct syncmap_entry *e)
{
	return e->first ? (void *)e + e->first : NULL;
}

/* Load the entry's value; the caller holds rcu_read_lock(). */
static inline struct syncmap_value *syncmap_entry_load(struct syncmap_entry *e)
{
	struct syncmap_value *v = rcu_dereference(e->p);

	return syncmap_value_live(v) ? v : NULL;
}

/*
 * Exchange @e->p from *@old to @new.  True if it was *@old; otherwise
 * *@old is set to what it was.  Fully ordered, so @new's bytes are
 * visible before the pointer to them.
 */
static inline bool syncmap_entry_try_cmpxchg(struct syncmap_entry *e,
					     struct syncmap_value **old,
					     struct syncmap_value *new)
{
	struct syncmap_value *cur;

	cur = unrcu_pointer(cmpxchg(&e->p, RCU_INITIALIZER(*old),
				    RCU_INITIALIZER(new)));
	if (cur == *old)
		return true;
	*old = cur;
	return false;
}

/* Exchange @e->p from @old to @new; true if it was @old. */
static inline bool syncmap_entry_cas(struct syncmap_entry *e,
				     struct syncmap_value *old,
				     struct syncmap_value *new)
{
	return syncmap_entry_try_cmpxchg(e, &old, new);
}

static inline void syncmap_entry_live_add(struct syncmap_entry *e, long n)
{
	atomic_long_add(n, &e->epoch->live);
}

/*
 * Go's methods of an entry: the changes of @p its algorithm makes, each
 * a loop of compare-and-exchange.  Callers hold rcu_read_lock() or, for
 * syncmap_entry_try_expunge(), the map's mutex with no dirty table.
 */
/*
 * Go's tryExpungeLocked(): a deleted entry (nil) becomes expunged; true if
 * it is expunged.  A live entry is only read: a compare-and-exchange
 * that fails still takes its cache line from every CPU that loads it.
 */
static inline bool syncmap_entry_try_expunge(struct syncmap_entry *e)
{
	struct syncmap_value *p = rcu_access_pointer(e->p);

	while (!p) {
		if (syncmap_entry_try_cmpxchg(e, &p, SYNCMAP_EXPUNGED))
			return true;
	}
	return p == SYNCMAP_EXPUNGED;
}

/*
 * Go's tryLoadOrStore(): false if the entry is expunged; else true, with
 * *@loaded telling whether a live value was found (left in *@actual).
 */
static inline bool
syncmap_entry_try_load_or_store(struct syncmap_entry *e,
				struct syncmap_value *nv,
				struct syncmap_value **actual, bool *loaded)
{
	struct syncmap_value *p = rcu_dereference(e->p);

	for (;;) {
		if (p == SYNCMAP_EXPUNGED)
			return false;
		if (p) {
			*actual = p;
			*loaded = true;
			return true;
		}
		if (syncmap_entry_try_cmpxchg(e, &p, nv)) {
			syncmap_entry_live_add(e, 1);
			*actual = nv;
			*loaded = false;
			return true;
		}
	}
}

/* Go's entry.delete(): the live value it removed, or NULL. */
static inline struct syncmap_value *
syncmap_entry_delete(struct syncmap_entry *e)
{
	struct syncmap_value *p = rcu_dereference(e->p);

	while (syncmap_value_live(p)) {
		if (syncmap_entry_try_cmpxchg(e, &p, NULL)) {
			syncmap_entry_live_add(e, -1);
			return p;
		}
	}
	return NULL;
}

/*
 * Go's tryCompareAndSwap() (@nv non-NULL) and the loop of CompareAndDelete
 * (@nv NULL).  On success, the replaced value, with the entry's reference
 * on it, for the caller to put once out of the read-side section; else
 * NULL.
 */
static inline struct syncmap_value *
syncmap_entry_compare_and_exchange(struct syncmap_entry *e, const void *old,
				   u32 old_len, struct syncmap_value *nv)
{
	struct syncmap_value *p = rcu_dereference(e->p);

	for (;;) {
		if (!syncmap_value_live(p) ||
		    !syncmap_value_equal(p, old, old_len))
			return NULL;
		if (syncmap_entry_try_cmpxchg(e, &p, nv))
			break;
	}
	if (!nv)
		syncmap_entry_live_add(e, -1);
	return p;
}

#endif /* _SYNCMAP_ENTRY_H */
