/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the hash tables behind the read and dirty maps.
 *
 * An open-addressing table of entry pointers with linear probing.  A table
 * is mutable only while it is the dirty table (under the map's lock; see
 * kmod/map.h for who may change its key set); once promoted to be the
 * read table it never changes again, so lock-free readers walk it without
 * any barrier beyond the rcu_dereference() that found it.
 */
#ifndef _SYNCMAP_TABLE_H
#define _SYNCMAP_TABLE_H

#include <linux/cache.h>
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "entry.h"

struct syncmap;

/*
 * A slot is one word: the entry's pointer, with a tag of the key's hash
 * in its low bits (entries come from kmalloc() or vmalloc(), aligned to
 * at least 8 bytes: ARCH_KMALLOC_MINALIGN).  A probe reads the entry,
 * and so its cache line, only where the tag matches: a miss then reads
 * no entry at all but for one in eight slots that belong to other keys,
 * where it used to read every one (at a million keys, each a cache
 * miss).  The tag is the hash's top bits, which the slot index uses only
 * in tables of 2^29 slots and more.  The rest of the hash is computed
 * again from the key where a table's upkeep needs it (moving a cluster
 * back on removal, copying into another table).  An empty slot is 0.
 */
#define SYNCMAP_TAG_BITS	3
#define SYNCMAP_TAG_MASK	((1UL << SYNCMAP_TAG_BITS) - 1)

struct syncmap_slot {
	unsigned long word;
};

static __always_inline unsigned long syncmap_hash_tag(u32 hash)
{
	return hash >> (32 - SYNCMAP_TAG_BITS);
}

/* The entry of a slot's word, or NULL. */
static __always_inline struct syncmap_entry *
syncmap_slot_entry(unsigned long word)
{
	return (struct syncmap_entry *)(word & ~SYNCMAP_TAG_MASK);
}

/**
 * struct syncmap_table - a read or dirty table
 * @mask: number of slots minus one (a power of two minus one).
 * @amended: read table only: the dirty table may hold keys this one does
 *           not.  Written under the map's lock, read locklessly.
 * @secure: the slots' hashes are hsiphash()'s, not jhash()'s.  Set before
 *          the table is published, never changed.
 * @count: entries held, whatever their state (Go's len(m)).
 * @ref: one for being the map's read or dirty table, one per walk.
 * @map: the owning map.
 * @older: the merge engine's new-keys tables only: the next older one,
 *         or NULL (kmod/engine_merge.c).
 * @rcu: frees the table after a grace period...
 * @free_node: ...then queues it for a work that drops its entries, sleeping
 *             as needed.  No work_struct here: lockdep's map in one would
 *             push the slots a cache line further in debug kernels.
 * @slots: the slots; an empty one is 0.
 *
 * The header fills one cache line and the slots start on the next
 * (tables come from kmalloc() caches of 128 bytes and more, or
 * vmalloc(): both align them to a line).
 * @ref shares the header's line with @mask, which every look-up reads: a
 * line of its own for it would add 64 bytes to every table, counted in
 * the map's bytes, for writes that come only with walks, health checks
 * and the table's end.
 */
struct syncmap_table {
	unsigned int mask;
	bool amended;
	bool secure;
	unsigned int count;
	refcount_t ref;
	struct syncmap *map;
	struct syncmap_table __rcu *older;
	union {
		struct rcu_head rcu;
		struct llist_node free_node;
	};
	struct syncmap_slot slots[] ____cacheline_aligned_in_smp;
};

struct syncmap_table *syncmap_table_new(struct syncmap *map,
					unsigned int entries);
struct syncmap_table *syncmap_table_new_limbo(struct syncmap *map);
void syncmap_table_free(struct syncmap_table *t);
void syncmap_table_put(struct syncmap_table *t);
void syncmap_table_release(struct syncmap_table *t);
bool syncmap_table_has_room(const struct syncmap_table *t);
void syncmap_table_insert(struct syncmap_table *t, u32 hash,
			  struct syncmap_entry *e);
struct syncmap_entry *syncmap_table_remove(struct syncmap_table *t, u32 hash,
					   const void *key, u32 key_len);
void syncmap_table_remove_at(struct syncmap_table *t, unsigned int i);
size_t syncmap_table_bytes(const struct syncmap_table *t);

/* The entry in slot @i of @t, or NULL. */
static inline struct syncmap_entry *
syncmap_table_entry(const struct syncmap_table *t, unsigned int i)
{
	return syncmap_slot_entry(t->slots[i].word);
}

/* The hash of @e's key in @t (kmod/map.c): for upkeep, not look-ups. */
u32 syncmap_entry_hash(const struct syncmap_table *t,
		       const struct syncmap_entry *e);

/*
 * Compare a key with an entry's, whose length is already known to match.
 * Keys of one or two words compare as words: no call to memcmp().  Words
 * are read with get_unaligned(), not memcpy(): a kernel built with
 * -fno-builtin (User-Mode Linux is) calls memcpy() even for 8 bytes.
 */
static __always_inline bool syncmap_key_equal(const u8 *a, const void *b,
					      u32 len)
{
	const u64 *x = (const u64 *)a, *y = b;

	switch (len) {
	case 8:
		return get_unaligned(x) == get_unaligned(y);
	case 16:
		return !((get_unaligned(x) ^ get_unaligned(y)) |
			 (get_unaligned(x + 1) ^ get_unaligned(y + 1)));
	}
	return !memcmp(a, b, len);
}

static __always_inline bool
syncmap_entry_matches(const struct syncmap_entry *e, const void *key,
		      u32 key_len)
{
	return e->key_len == key_len && syncmap_key_equal(e->key, key, key_len);
}

/**
 * syncmap_table_find() - find a key's entry
 * @t: the table: the read table under RCU, or the dirty table under the
 *     map's lock.
 * @hash: the key's hash.
 * @key: the key.
 * @key_len: its length.
 * @found: set to the entry when found.
 *
 * Inline: it is the whole of a load that hits the read table.  The
 * result is a bool so that a caller's hit path branches from the loop
 * itself, with no test of a pointer the compiler cannot tell is set.
 *
 * Context: Any context but NMI.
 * Return: whether the key is there.
 */
static __always_inline bool
syncmap_table_find(const struct syncmap_table *t, u32 hash, const void *key,
		   u32 key_len, struct syncmap_entry **found)
{
	unsigned long tag = syncmap_hash_tag(hash), word;
	unsigned int i = hash & t->mask;

	for (;; i = (i + 1) & t->mask) {
		word = t->slots[i].word;
		if (!word)
			return false;
		word ^= tag;
		/* Another key's tag: not its entry's line to read. */
		if (word & SYNCMAP_TAG_MASK)
			continue;
		if (syncmap_entry_matches((struct syncmap_entry *)word, key,
					  key_len)) {
			*found = (struct syncmap_entry *)word;
			return true;
		}
	}
}

/* syncmap_table_find(), returning the entry or NULL. */
static __always_inline struct syncmap_entry *
syncmap_table_lookup(const struct syncmap_table *t, u32 hash,
		     const void *key, u32 key_len)
{
	struct syncmap_entry *e;

	return syncmap_table_find(t, hash, key, key_len, &e) ? e : NULL;
}

/*
 * A probe sequence longer than this on insert means keys chosen to
 * collide: the map stops using jhash() (kmod/map.c).  Random keys in a
 * table of 4M slots at the most load (3/4) probe at most about 200.
 */
#define SYNCMAP_PROBE_MAX	384

int syncmap_table_init(void);
bool syncmap_queue_work(struct work_struct *work);
void syncmap_table_exit(void);
void syncmap_table_flush(void);

#endif /* _SYNCMAP_TABLE_H */
