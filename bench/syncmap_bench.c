// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_bench: syncmap against its kernel peers on the workloads of Go's
 * sync.Map benchmarks (map_bench_test.go), in one run.
 *
 * Implementations, all behind struct bench_ops: syncmap (Go's engine, the
 * default); syncmap-merge (the same API on SYNCMAP_ENGINE_MERGE); rhashtable; a
 * hashtable under one rwlock_t; a hashtable with a spinlock per bucket and
 * RCU lookups; an XArray indexed by the key.  Keys are 8-byte integers
 * (passed as 8 bytes to syncmap and rhashtable), values 8 bytes.  The two
 * locked tables are sized once from the workload's expected number of keys
 * and never resize, which favours them.
 *
 * Beside Go's workloads: LoadMostlyHits and LoadMostlyMisses at 16- and
 * 64-byte keys (LoadMostlyHits16B ...: syncmap, rhashtable with key_len
 * to match, the rwlock table; see wide_key()), and
 * LoadMostlyHitsWhileStoring, LoadMostlyHits on all threads but one while
 * that one stores new keys (at least 2 threads: skipped on one CPU).
 *
 * Each workload runs on each implementation with one kthread per CPU
 * (`threads`), then (with `single`) with one thread, all released together
 * for `duration_ms`.
 * The results are printed as one line each, for bench/report.py:
 *
 *   result wl=W size=N impl=I threads=T ops=... ns=... rate=OPS/S
 *          ratio=R promotions=... rebuilds=... lock_hold_max_ns=...
 *          key_len=K writers=0|1 writer_ops=... writer_rate=...
 *   mem impl=I entries=N delta_bytes=... overhead=B/ENTRY ...
 *   timing size=N promote_ns=... rebuild_ns=...
 *   hash key_len=K base_ns=... map_jhash_ns=... ... per=1000
 *
 * In a mixed workload ops and rate are the readers', writer_* the writer's.
 * ratio is the rate over syncmap's (Go's engine) in the same run; the
 * syncmap counters are those of the map the run used (for the peers, of the
 * last syncmap run of the same workload).  The defaults are a smoke run of a few
 * milliseconds per workload, loaded by `make check`; `make bench` passes
 * real ones.  Each timed run starts after a warm-up of a quarter of
 * duration_ms.  On a real machine:
 *
 *   sudo insmod kmod/syncmap.ko
 *   sudo insmod bench/syncmap_bench.ko duration_ms=1000 sweep_step=1 \
 *        single=1 sizes=1024,100000,1000000
 *   sudo dmesg | grep syncmap_bench
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "compat.h"	/* kmod/'s: get_unaligned() on 6.1 and 6.12 */
#include "key_hash.h"	/* kmod/'s: the map's 16-byte jhash */
#include "syncmap.h"

static unsigned int duration_ms = 5;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "length of each timed run (default 5)");

static unsigned int sweep_step = 10;
module_param(sweep_step, uint, 0444);
MODULE_PARM_DESC(sweep_step, "LoadOrStoreReuse: step of r in tenths (default 10)");

static bool single;
module_param(single, bool, 0444);
MODULE_PARM_DESC(single, "also run each workload on one thread (default off)");

static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "threads of the parallel run; 0: one per online CPU");

static char *workloads = "all";
module_param(workloads, charp, 0444);
MODULE_PARM_DESC(workloads, "comma-separated workload names, or all");

static char *impls = "all";
module_param(impls, charp, 0444);
MODULE_PARM_DESC(impls, "comma-separated implementations, or all");

static unsigned int sizes[4] = { 64 };
static int nr_sizes = 1;
module_param_array(sizes, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "map sizes of the read workloads; the first also caps the others' key spaces (default 64)");

static unsigned int extra_max_size;
module_param(extra_max_size, uint, 0444);
MODULE_PARM_DESC(extra_max_size, "largest size of the 16/64-byte key and mixed workloads; 0: every size (default 0)");

static unsigned int policy_multiplier;
module_param(policy_multiplier, uint, 0444);
MODULE_PARM_DESC(policy_multiplier, "syncmap promotion policy: multiplier");

static unsigned int policy_adaptive;
module_param(policy_adaptive, uint, 0444);
MODULE_PARM_DESC(policy_adaptive, "syncmap promotion policy: adaptive (0/1)");

static ulong policy_floor;
module_param(policy_floor, ulong, 0444);
MODULE_PARM_DESC(policy_floor, "syncmap promotion policy: floor");

static ulong policy_ceiling;
module_param(policy_ceiling, ulong, 0444);
MODULE_PARM_DESC(policy_ceiling, "syncmap promotion policy: ceiling");

/* ----- The implementations ------------------------------------------- */

typedef int (*bench_range_fn)(void *arg, u64 key, u64 value);

/*
 * Every operation returns 1 when the key was found (LoadOrStore: loaded;
 * CompareAndSwap: swapped), 0 when not, or a negative errno.
 */
struct bench_ops {
	const char *name;
	void *(*create)(u64 hint);
	void (*destroy)(void *map);
	int (*load)(void *map, u64 key, u64 *value);
	int (*store)(void *map, u64 key, u64 value);
	int (*load_or_store)(void *map, u64 key, u64 value, u64 *actual);
	int (*load_and_delete)(void *map, u64 key, u64 *value);
	int (*delete)(void *map, u64 key);
	int (*swap_value)(void *map, u64 key, u64 value, u64 *old);
	int (*cas)(void *map, u64 key, u64 old, u64 new);
	int (*range)(void *map, bench_range_fn fn, void *arg);
	int (*clear)(void *map);
	/* Keys of 16 or 64 bytes (see wide_key()); NULL: not measured. */
	void *(*wcreate)(u64 hint, u32 key_len);
	void (*wdestroy)(void *map);
	int (*wload)(void *map, const void *key, u64 *value);
	int (*wload_or_store)(void *map, const void *key, u64 value,
			      u64 *actual);
};

/* One key of the peers: the value is updated in place. */
struct bench_node {
	union {
		struct rhash_head rh;
		struct hlist_node hl;
	};
	u64 key;
	u64 value;
	struct rcu_head rcu;
};

static struct kmem_cache *node_cache;

static struct bench_node *node_new(u64 key, u64 value)
{
	struct bench_node *n = kmem_cache_alloc(node_cache, GFP_KERNEL);

	if (n) {
		n->key = key;
		n->value = value;
	}
	return n;
}

static void node_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(node_cache, container_of(head, struct bench_node, rcu));
}

static void node_free_later(struct bench_node *n)
{
	call_rcu(&n->rcu, node_free_rcu);
}

/* Table sizes of the locked peers: a power of two, from the hint. */
static unsigned int table_bits(u64 hint)
{
	return ilog2(roundup_pow_of_two(clamp_t(u64, hint, 64, 1U << 20)));
}

/* --- syncmap --- */

static struct syncmap_policy bench_policy;

static void *sm_create(u64 hint)
{
	struct syncmap *map = syncmap_create(NULL);

	if (IS_ERR(map))
		return NULL;
	if (syncmap_set_policy(map, &bench_policy)) {
		syncmap_destroy(map);
		return NULL;
	}
	return map;
}

/* The engine that never copies (SYNCMAP_ENGINE_MERGE): the same calls. */
static void *smm_create(u64 hint)
{
	struct syncmap_params params = { .engine = SYNCMAP_ENGINE_MERGE };
	struct syncmap *map = syncmap_create(&params);

	return IS_ERR(map) ? NULL : map;
}

static void sm_destroy(void *map)
{
	syncmap_destroy(map);
}

static int sm_load(void *map, u64 key, u64 *value)
{
	u32 len;

	return syncmap_load(map, &key, sizeof(key), value, sizeof(*value), &len);
}

static int sm_store(void *map, u64 key, u64 value)
{
	return syncmap_store(map, &key, sizeof(key), &value, sizeof(value));
}

static int sm_load_or_store(void *map, u64 key, u64 value, u64 *actual)
{
	u32 len;

	return syncmap_load_or_store(map, &key, sizeof(key), &value,
				     sizeof(value), actual, sizeof(*actual),
				     &len);
}

static int sm_load_and_delete(void *map, u64 key, u64 *value)
{
	u32 len;

	return syncmap_load_and_delete(map, &key, sizeof(key), value,
				       sizeof(*value), &len);
}

static int sm_delete(void *map, u64 key)
{
	return syncmap_delete(map, &key, sizeof(key));
}

static int sm_swap(void *map, u64 key, u64 value, u64 *old)
{
	u32 len;

	return syncmap_swap(map, &key, sizeof(key), &value, sizeof(value),
			    old, sizeof(*old), &len);
}

static int sm_cas(void *map, u64 key, u64 old, u64 new)
{
	return syncmap_compare_and_swap(map, &key, sizeof(key), &old,
					sizeof(old), &new, sizeof(new));
}

struct sm_range_arg {
	bench_range_fn fn;
	void *arg;
};

static int sm_range_one(void *arg, const void *key, u32 key_len,
			const void *value, u32 value_len)
{
	struct sm_range_arg *a = arg;
	u64 k = 0, v = 0;

	memcpy(&k, key, min_t(u32, key_len, sizeof(k)));
	memcpy(&v, value, min_t(u32, value_len, sizeof(v)));
	return a->fn(a->arg, k, v);
}

static int sm_range(void *map, bench_range_fn fn, void *arg)
{
	struct sm_range_arg a = { .fn = fn, .arg = arg };

	return syncmap_range(map, sm_range_one, &a);
}

static int sm_clear(void *map)
{
	return syncmap_clear(map);
}

/* --- rhashtable --- */

static const struct rhashtable_params rht_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct bench_node, key),
	.head_offset = offsetof(struct bench_node, rh),
	.automatic_shrinking = true,
};

static void *rht_create(u64 hint)
{
	struct rhashtable *ht = kzalloc(sizeof(*ht), GFP_KERNEL);

	if (ht && rhashtable_init(ht, &rht_params)) {
		kfree(ht);
		ht = NULL;
	}
	return ht;
}

static void rht_free_node(void *ptr, void *arg)
{
	kmem_cache_free(node_cache, ptr);
}

static void rht_destroy(void *map)
{
	rhashtable_free_and_destroy(map, rht_free_node, NULL);
	kfree(map);
}

static int rht_load(void *map, u64 key, u64 *value)
{
	struct bench_node *n;

	rcu_read_lock();
	n = rhashtable_lookup(map, &key, rht_params);
	if (n)
		*value = READ_ONCE(n->value);
	rcu_read_unlock();
	return !!n;
}

enum upsert_mode { UPSERT_STORE, UPSERT_LOAD_OR_STORE, UPSERT_SWAP };

/*
 * Store, LoadOrStore and Swap: update in place when the key is there,
 * else insert a new node (and act on the node that won a racing insert).
 */
static int rht_upsert(void *map, u64 key, u64 value, u64 *out,
		      enum upsert_mode mode)
{
	struct bench_node *n, *new = NULL;
	int ret = 1;

	rcu_read_lock();
	n = rhashtable_lookup(map, &key, rht_params);
	if (!n) {
		rcu_read_unlock();
		new = node_new(key, value);
		if (!new)
			return -ENOMEM;
		rcu_read_lock();
		n = rhashtable_lookup_get_insert_fast(map, &new->rh, rht_params);
		if (IS_ERR(n)) {
			ret = PTR_ERR(n);
			goto out;
		}
		if (!n) {
			new = NULL;
			ret = 0;
			goto out;
		}
	}
	switch (mode) {
	case UPSERT_STORE:
		WRITE_ONCE(n->value, value);
		break;
	case UPSERT_LOAD_OR_STORE:
		*out = READ_ONCE(n->value);
		break;
	case UPSERT_SWAP:
		*out = xchg(&n->value, value);
		break;
	}
out:
	rcu_read_unlock();
	if (new)
		kmem_cache_free(node_cache, new);
	return ret;
}

static int rht_store(void *map, u64 key, u64 value)
{
	int ret = rht_upsert(map, key, value, NULL, UPSERT_STORE);

	return ret < 0 ? ret : 0;
}

static int rht_load_or_store(void *map, u64 key, u64 value, u64 *actual)
{
	return rht_upsert(map, key, value, actual, UPSERT_LOAD_OR_STORE);
}

static int rht_swap(void *map, u64 key, u64 value, u64 *old)
{
	return rht_upsert(map, key, value, old, UPSERT_SWAP);
}

static int rht_load_and_delete(void *map, u64 key, u64 *value)
{
	struct bench_node *n;
	int ret = 0;

	rcu_read_lock();
	n = rhashtable_lookup(map, &key, rht_params);
	if (n && !rhashtable_remove_fast(map, &n->rh, rht_params)) {
		*value = READ_ONCE(n->value);
		node_free_later(n);
		ret = 1;
	}
	rcu_read_unlock();
	return ret;
}

static int rht_delete(void *map, u64 key)
{
	u64 value;

	return rht_load_and_delete(map, key, &value);
}

static int rht_cas(void *map, u64 key, u64 old, u64 new)
{
	struct bench_node *n;
	int ret = 0;

	rcu_read_lock();
	n = rhashtable_lookup(map, &key, rht_params);
	if (n)
		ret = cmpxchg(&n->value, old, new) == old;
	rcu_read_unlock();
	return ret;
}

/* Walk every node; with @fn NULL, remove each. */
static int rht_walk(void *map, bench_range_fn fn, void *arg)
{
	struct rhashtable_iter iter;
	struct bench_node *n;
	int ret = 0;

	rhashtable_walk_enter(map, &iter);
	rhashtable_walk_start(&iter);
	while ((n = rhashtable_walk_next(&iter))) {
		if (IS_ERR(n)) {
			if (PTR_ERR(n) == -EAGAIN)
				continue;
			break;
		}
		if (!fn) {
			if (!rhashtable_remove_fast(map, &n->rh, rht_params))
				node_free_later(n);
			continue;
		}
		ret = fn(arg, n->key, READ_ONCE(n->value));
		if (ret)
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return ret;
}

static int rht_range(void *map, bench_range_fn fn, void *arg)
{
	return rht_walk(map, fn, arg);
}

static int rht_clear(void *map)
{
	return rht_walk(map, NULL, NULL);
}

/* --- a hashtable under one rwlock_t --- */

struct rw_map {
	rwlock_t lock;
	unsigned int bits;
	struct hlist_head *buckets;
};

static void *rw_create(u64 hint)
{
	struct rw_map *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	rwlock_init(&m->lock);
	m->bits = table_bits(hint);
	m->buckets = kvcalloc(1U << m->bits, sizeof(*m->buckets), GFP_KERNEL);
	if (!m->buckets) {
		kfree(m);
		return NULL;
	}
	return m;
}

static struct bench_node *rw_find(struct rw_map *m, u64 key)
{
	struct bench_node *n;

	hlist_for_each_entry(n, &m->buckets[hash_64(key, m->bits)], hl)
		if (n->key == key)
			return n;
	return NULL;
}

static int rw_clear(void *map)
{
	struct rw_map *m = map;
	struct hlist_node *tmp;
	struct bench_node *n;
	unsigned int i;

	write_lock(&m->lock);
	for (i = 0; i < 1U << m->bits; i++) {
		hlist_for_each_entry_safe(n, tmp, &m->buckets[i], hl)
			kmem_cache_free(node_cache, n);
		INIT_HLIST_HEAD(&m->buckets[i]);
	}
	write_unlock(&m->lock);
	return 0;
}

static void rw_destroy(void *map)
{
	struct rw_map *m = map;

	rw_clear(m);
	kvfree(m->buckets);
	kfree(m);
}

static int rw_load(void *map, u64 key, u64 *value)
{
	struct rw_map *m = map;
	struct bench_node *n;

	read_lock(&m->lock);
	n = rw_find(m, key);
	if (n)
		*value = n->value;
	read_unlock(&m->lock);
	return !!n;
}

/* As Go's RWMutexMap: the write lock, allocating outside it. */
static int rw_upsert(struct rw_map *m, u64 key, u64 value, u64 *out,
		     enum upsert_mode mode)
{
	struct bench_node *n, *new = NULL;
	int ret;

	for (;;) {
		write_lock(&m->lock);
		n = rw_find(m, key);
		if (n || new)
			break;
		write_unlock(&m->lock);
		new = node_new(key, value);
		if (!new)
			return -ENOMEM;
	}
	if (n) {
		if (mode == UPSERT_LOAD_OR_STORE) {
			*out = n->value;
		} else {
			if (mode == UPSERT_SWAP)
				*out = n->value;
			n->value = value;
		}
		ret = 1;
	} else {
		hlist_add_head(&new->hl,
			       &m->buckets[hash_64(key, m->bits)]);
		new = NULL;
		ret = 0;
	}
	write_unlock(&m->lock);
	if (new)
		kmem_cache_free(node_cache, new);
	return ret;
}

static int rw_store(void *map, u64 key, u64 value)
{
	int ret = rw_upsert(map, key, value, NULL, UPSERT_STORE);

	return ret < 0 ? ret : 0;
}

static int rw_load_or_store(void *map, u64 key, u64 value, u64 *actual)
{
	/* Go's RWMutexMap tries under the read lock first. */
	if (rw_load(map, key, actual))
		return 1;
	return rw_upsert(map, key, value, actual, UPSERT_LOAD_OR_STORE);
}

static int rw_swap(void *map, u64 key, u64 value, u64 *old)
{
	return rw_upsert(map, key, value, old, UPSERT_SWAP);
}

static int rw_load_and_delete(void *map, u64 key, u64 *value)
{
	struct rw_map *m = map;
	struct bench_node *n;

	write_lock(&m->lock);
	n = rw_find(m, key);
	if (n) {
		*value = n->value;
		hlist_del(&n->hl);
	}
	write_unlock(&m->lock);
	if (n)
		kmem_cache_free(node_cache, n);
	return !!n;
}

static int rw_delete(void *map, u64 key)
{
	u64 value;

	return rw_load_and_delete(map, key, &value);
}

static int rw_cas(void *map, u64 key, u64 old, u64 new)
{
	struct rw_map *m = map;
	struct bench_node *n;
	int ret = 0;

	write_lock(&m->lock);
	n = rw_find(m, key);
	if (n && n->value == old) {
		n->value = new;
		ret = 1;
	}
	write_unlock(&m->lock);
	return ret;
}

static int rw_range(void *map, bench_range_fn fn, void *arg)
{
	struct rw_map *m = map;
	struct bench_node *n;
	unsigned int i;
	int ret = 0;

	read_lock(&m->lock);
	for (i = 0; i < 1U << m->bits && !ret; i++) {
		hlist_for_each_entry(n, &m->buckets[i], hl) {
			ret = fn(arg, n->key, n->value);
			if (ret)
				break;
		}
	}
	read_unlock(&m->lock);
	return ret;
}

/* --- a hashtable with a spinlock per bucket and RCU lookups --- */

struct bl_bucket {
	spinlock_t lock;	/* writers of this bucket */
	struct hlist_head head;
};

struct bl_map {
	unsigned int bits;
	struct bl_bucket *buckets;
};

static void *bl_create(u64 hint)
{
	struct bl_map *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned int i;

	if (!m)
		return NULL;
	m->bits = table_bits(hint);
	m->buckets = kvcalloc(1U << m->bits, sizeof(*m->buckets), GFP_KERNEL);
	if (!m->buckets) {
		kfree(m);
		return NULL;
	}
	for (i = 0; i < 1U << m->bits; i++)
		spin_lock_init(&m->buckets[i].lock);
	return m;
}

static struct bl_bucket *bl_bucket(struct bl_map *m, u64 key)
{
	return &m->buckets[hash_64(key, m->bits)];
}

/* Under RCU or the bucket's lock. */
static struct bench_node *bl_find(struct bl_bucket *b, u64 key)
{
	struct bench_node *n;

	hlist_for_each_entry_rcu(n, &b->head, hl, lockdep_is_held(&b->lock))
		if (n->key == key)
			return n;
	return NULL;
}

static int bl_clear(void *map)
{
	struct bl_map *m = map;
	struct hlist_node *tmp;
	struct bench_node *n;
	unsigned int i;

	for (i = 0; i < 1U << m->bits; i++) {
		struct bl_bucket *b = &m->buckets[i];

		if (hlist_empty(&b->head))
			continue;
		spin_lock(&b->lock);
		hlist_for_each_entry_safe(n, tmp, &b->head, hl) {
			hlist_del_rcu(&n->hl);
			node_free_later(n);
		}
		spin_unlock(&b->lock);
	}
	return 0;
}

static void bl_destroy(void *map)
{
	struct bl_map *m = map;

	bl_clear(m);
	kvfree(m->buckets);
	kfree(m);
}

static int bl_load(void *map, u64 key, u64 *value)
{
	struct bench_node *n;

	rcu_read_lock();
	n = bl_find(bl_bucket(map, key), key);
	if (n)
		*value = READ_ONCE(n->value);
	rcu_read_unlock();
	return !!n;
}

static int bl_upsert(struct bl_map *m, u64 key, u64 value, u64 *out,
		     enum upsert_mode mode)
{
	struct bl_bucket *b = bl_bucket(m, key);
	struct bench_node *n, *new = NULL;
	int ret;

	for (;;) {
		spin_lock(&b->lock);
		n = bl_find(b, key);
		if (n || new)
			break;
		spin_unlock(&b->lock);
		new = node_new(key, value);
		if (!new)
			return -ENOMEM;
	}
	if (n) {
		if (mode == UPSERT_LOAD_OR_STORE) {
			*out = n->value;
		} else {
			if (mode == UPSERT_SWAP)
				*out = n->value;
			WRITE_ONCE(n->value, value);
		}
		ret = 1;
	} else {
		hlist_add_head_rcu(&new->hl, &b->head);
		new = NULL;
		ret = 0;
	}
	spin_unlock(&b->lock);
	if (new)
		kmem_cache_free(node_cache, new);
	return ret;
}

static int bl_store(void *map, u64 key, u64 value)
{
	int ret = bl_upsert(map, key, value, NULL, UPSERT_STORE);

	return ret < 0 ? ret : 0;
}

static int bl_load_or_store(void *map, u64 key, u64 value, u64 *actual)
{
	if (bl_load(map, key, actual))
		return 1;
	return bl_upsert(map, key, value, actual, UPSERT_LOAD_OR_STORE);
}

static int bl_swap(void *map, u64 key, u64 value, u64 *old)
{
	return bl_upsert(map, key, value, old, UPSERT_SWAP);
}

static int bl_load_and_delete(void *map, u64 key, u64 *value)
{
	struct bl_bucket *b = bl_bucket(map, key);
	struct bench_node *n;

	spin_lock(&b->lock);
	n = bl_find(b, key);
	if (n) {
		*value = n->value;
		hlist_del_rcu(&n->hl);
		node_free_later(n);
	}
	spin_unlock(&b->lock);
	return !!n;
}

static int bl_delete(void *map, u64 key)
{
	u64 value;

	return bl_load_and_delete(map, key, &value);
}

static int bl_cas(void *map, u64 key, u64 old, u64 new)
{
	struct bl_bucket *b = bl_bucket(map, key);
	struct bench_node *n;
	int ret = 0;

	spin_lock(&b->lock);
	n = bl_find(b, key);
	if (n && n->value == old) {
		WRITE_ONCE(n->value, new);
		ret = 1;
	}
	spin_unlock(&b->lock);
	return ret;
}

static int bl_range(void *map, bench_range_fn fn, void *arg)
{
	struct bl_map *m = map;
	struct bench_node *n;
	unsigned int i;
	int ret = 0;

	rcu_read_lock();
	for (i = 0; i < 1U << m->bits && !ret; i++) {
		hlist_for_each_entry_rcu(n, &m->buckets[i].head, hl) {
			ret = fn(arg, n->key, READ_ONCE(n->value));
			if (ret)
				break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/* --- an XArray indexed by the key; values are xa_mk_value()s --- */

static void *xa_create(u64 hint)
{
	struct xarray *xa = kzalloc(sizeof(*xa), GFP_KERNEL);

	if (xa)
		xa_init(xa);
	return xa;
}

static void xa_bench_destroy(void *map)
{
	xa_destroy(map);
	kfree(map);
}

static int xa_bench_load(void *map, u64 key, u64 *value)
{
	void *p = xa_load(map, key);

	if (!p)
		return 0;
	*value = xa_to_value(p);
	return 1;
}

static int xa_bench_store(void *map, u64 key, u64 value)
{
	return xa_err(xa_store(map, key, xa_mk_value(value), GFP_KERNEL));
}

static int xa_bench_load_or_store(void *map, u64 key, u64 value, u64 *actual)
{
	void *p = xa_load(map, key);

	if (!p)
		p = xa_cmpxchg(map, key, NULL, xa_mk_value(value), GFP_KERNEL);
	if (xa_is_err(p))
		return xa_err(p);
	if (!p)
		return 0;
	*actual = xa_to_value(p);
	return 1;
}

static int xa_bench_load_and_delete(void *map, u64 key, u64 *value)
{
	void *p = xa_erase(map, key);

	if (!p)
		return 0;
	*value = xa_to_value(p);
	return 1;
}

static int xa_bench_delete(void *map, u64 key)
{
	return !!xa_erase(map, key);
}

static int xa_bench_swap(void *map, u64 key, u64 value, u64 *old)
{
	void *p = xa_store(map, key, xa_mk_value(value), GFP_KERNEL);

	if (xa_is_err(p))
		return xa_err(p);
	if (!p)
		return 0;
	*old = xa_to_value(p);
	return 1;
}

static int xa_bench_cas(void *map, u64 key, u64 old, u64 new)
{
	void *p = xa_cmpxchg(map, key, xa_mk_value(old), xa_mk_value(new),
			     GFP_KERNEL);

	if (xa_is_err(p))
		return xa_err(p);
	return p == xa_mk_value(old);
}

static int xa_bench_range(void *map, bench_range_fn fn, void *arg)
{
	unsigned long index;
	void *p;
	int ret;

	xa_for_each(map, index, p) {
		ret = fn(arg, index, xa_to_value(p));
		if (ret)
			return ret;
	}
	return 0;
}

static int xa_bench_clear(void *map)
{
	xa_destroy(map);
	return 0;
}

/* ----- Wider keys: 16 and 64 bytes ------------------------------------ */

/*
 * The LoadMostly workloads at 16- and 64-byte keys, on syncmap,
 * rhashtable with key_len set to match (and so its default hash,
 * jhash2() of the key's words with its seed) and the rwlock table, which
 * hashes them with the same jhash2().  Key i is the words i, i ^ C, i ^ 2C
 * ... (C the 64-bit golden ratio), built afresh for every operation by
 * every implementation alike, so that a hit compares every byte and no two
 * keys share a word.
 */
#define WIDE_KEY_MAX	64

static void wide_key(u64 *key, u32 key_len, u64 i)
{
	u32 j;

	key[0] = i;
	for (j = 1; j < key_len / sizeof(u64); j++)
		key[j] = i ^ (j * 0x9e3779b97f4a7c15ULL);
}

struct wide_node {
	union {
		struct rhash_head rh;
		struct hlist_node hl;
	};
	u64 value;
	struct rcu_head rcu;
	u64 key[];
};

static struct wide_node *wide_node_new(const void *key, u32 key_len,
				       u64 value)
{
	struct wide_node *n = kmalloc(struct_size(n, key, key_len / 8),
				      GFP_KERNEL);

	if (n) {
		memcpy(n->key, key, key_len);
		n->value = value;
	}
	return n;
}

/* --- syncmap --- */

struct sm_wide {
	struct syncmap *map;
	u32 key_len;
};

static void *smw_create_with(void *(*create)(u64 hint), u64 hint,
			     u32 key_len)
{
	struct sm_wide *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->map = create(hint);
	if (!m->map) {
		kfree(m);
		return NULL;
	}
	m->key_len = key_len;
	return m;
}

static void *smw_create(u64 hint, u32 key_len)
{
	return smw_create_with(sm_create, hint, key_len);
}

static void *smmw_create(u64 hint, u32 key_len)
{
	return smw_create_with(smm_create, hint, key_len);
}

static void smw_destroy(void *map)
{
	struct sm_wide *m = map;

	syncmap_destroy(m->map);
	kfree(m);
}

static int smw_load(void *map, const void *key, u64 *value)
{
	struct sm_wide *m = map;
	u32 len;

	return syncmap_load(m->map, key, m->key_len, value, sizeof(*value),
			    &len);
}

static int smw_load_or_store(void *map, const void *key, u64 value,
			     u64 *actual)
{
	struct sm_wide *m = map;
	u32 len;

	return syncmap_load_or_store(m->map, key, m->key_len, &value,
				     sizeof(value), actual, sizeof(*actual),
				     &len);
}

static struct syncmap *smw_map(void *map)
{
	return ((struct sm_wide *)map)->map;
}

/* --- rhashtable, key_len 16 or 64: constant parameters, as a user has --- */

#define RHTW_PARAMS(len) {					\
	.key_len = (len),					\
	.key_offset = offsetof(struct wide_node, key),		\
	.head_offset = offsetof(struct wide_node, rh),		\
	.automatic_shrinking = true,				\
}

static const struct rhashtable_params rhtw16_params = RHTW_PARAMS(16);
static const struct rhashtable_params rhtw64_params = RHTW_PARAMS(64);

struct rht_wide {
	struct rhashtable ht;
	u32 key_len;
};

static void *rhtw_create(u64 hint, u32 key_len)
{
	struct rht_wide *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->key_len = key_len;
	if (rhashtable_init(&m->ht, key_len == 16 ? &rhtw16_params :
					      &rhtw64_params)) {
		kfree(m);
		return NULL;
	}
	return m;
}

static void rhtw_free_node(void *ptr, void *arg)
{
	kfree(ptr);
}

static void rhtw_destroy(void *map)
{
	struct rht_wide *m = map;

	rhashtable_free_and_destroy(&m->ht, rhtw_free_node, NULL);
	kfree(m);
}

static __always_inline int
rhtw_lookup(struct rht_wide *m, const void *key, u64 *value,
	    const struct rhashtable_params params)
{
	struct wide_node *n;

	rcu_read_lock();
	n = rhashtable_lookup(&m->ht, key, params);
	if (n)
		*value = READ_ONCE(n->value);
	rcu_read_unlock();
	return !!n;
}

static int rhtw_load(void *map, const void *key, u64 *value)
{
	struct rht_wide *m = map;

	if (m->key_len == 16)
		return rhtw_lookup(m, key, value, rhtw16_params);
	return rhtw_lookup(m, key, value, rhtw64_params);
}

static __always_inline int
rhtw_insert(struct rht_wide *m, const void *key, u64 value, u64 *actual,
	    const struct rhashtable_params params)
{
	struct wide_node *n, *new;
	int ret = 1;

	if (rhtw_lookup(m, key, actual, params))
		return 1;
	new = wide_node_new(key, m->key_len, value);
	if (!new)
		return -ENOMEM;
	rcu_read_lock();
	n = rhashtable_lookup_get_insert_fast(&m->ht, &new->rh, params);
	if (IS_ERR(n)) {
		ret = PTR_ERR(n);
	} else if (n) {
		*actual = READ_ONCE(n->value);
	} else {
		new = NULL;
		ret = 0;
	}
	rcu_read_unlock();
	kfree(new);
	return ret;
}

static int rhtw_load_or_store(void *map, const void *key, u64 value,
			      u64 *actual)
{
	struct rht_wide *m = map;

	if (m->key_len == 16)
		return rhtw_insert(m, key, value, actual, rhtw16_params);
	return rhtw_insert(m, key, value, actual, rhtw64_params);
}

/* --- the rwlock table, hashing with rhashtable's jhash2() --- */

struct rw_wide {
	struct rw_map m;
	u32 key_len;
};

static void *rww_create(u64 hint, u32 key_len)
{
	struct rw_wide *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	rwlock_init(&w->m.lock);
	w->m.bits = table_bits(hint);
	w->m.buckets = kvcalloc(1U << w->m.bits, sizeof(*w->m.buckets),
				GFP_KERNEL);
	if (!w->m.buckets) {
		kfree(w);
		return NULL;
	}
	w->key_len = key_len;
	return w;
}

static void rww_destroy(void *map)
{
	struct rw_wide *w = map;
	struct hlist_node *tmp;
	struct wide_node *n;
	unsigned int i;

	for (i = 0; i < 1U << w->m.bits; i++)
		hlist_for_each_entry_safe(n, tmp, &w->m.buckets[i], hl)
			kfree(n);
	kvfree(w->m.buckets);
	kfree(w);
}

static struct hlist_head *rww_bucket(struct rw_wide *w, const void *key)
{
	u32 h = jhash2(key, w->key_len / sizeof(u32), 0);

	return &w->m.buckets[h & ((1U << w->m.bits) - 1)];
}

static struct wide_node *rww_find(struct rw_wide *w, struct hlist_head *b,
				  const void *key)
{
	struct wide_node *n;

	hlist_for_each_entry(n, b, hl)
		if (!memcmp(n->key, key, w->key_len))
			return n;
	return NULL;
}

static int rww_load(void *map, const void *key, u64 *value)
{
	struct rw_wide *w = map;
	struct hlist_head *b = rww_bucket(w, key);
	struct wide_node *n;

	read_lock(&w->m.lock);
	n = rww_find(w, b, key);
	if (n)
		*value = n->value;
	read_unlock(&w->m.lock);
	return !!n;
}

static int rww_load_or_store(void *map, const void *key, u64 value,
			     u64 *actual)
{
	struct rw_wide *w = map;
	struct hlist_head *b = rww_bucket(w, key);
	struct wide_node *n, *new;

	if (rww_load(map, key, actual))
		return 1;
	new = wide_node_new(key, w->key_len, value);
	if (!new)
		return -ENOMEM;
	write_lock(&w->m.lock);
	n = rww_find(w, b, key);
	if (n) {
		*actual = n->value;
	} else {
		hlist_add_head(&new->hl, b);
		new = NULL;
	}
	write_unlock(&w->m.lock);
	kfree(new);
	return !!n;
}

static const struct bench_ops bench_impls[] = {
	{
		.name = "syncmap", .create = sm_create, .destroy = sm_destroy,
		.load = sm_load, .store = sm_store,
		.load_or_store = sm_load_or_store,
		.load_and_delete = sm_load_and_delete, .delete = sm_delete,
		.swap_value = sm_swap, .cas = sm_cas, .range = sm_range,
		.clear = sm_clear,
		.wcreate = smw_create, .wdestroy = smw_destroy,
		.wload = smw_load, .wload_or_store = smw_load_or_store,
	}, {
		.name = "syncmap-merge", .create = smm_create,
		.destroy = sm_destroy, .load = sm_load, .store = sm_store,
		.load_or_store = sm_load_or_store,
		.load_and_delete = sm_load_and_delete, .delete = sm_delete,
		.swap_value = sm_swap, .cas = sm_cas, .range = sm_range,
		.clear = sm_clear,
		.wcreate = smmw_create, .wdestroy = smw_destroy,
		.wload = smw_load, .wload_or_store = smw_load_or_store,
	}, {
		.name = "rhashtable", .create = rht_create,
		.destroy = rht_destroy, .load = rht_load, .store = rht_store,
		.load_or_store = rht_load_or_store,
		.load_and_delete = rht_load_and_delete, .delete = rht_delete,
		.swap_value = rht_swap, .cas = rht_cas, .range = rht_range,
		.clear = rht_clear,
		.wcreate = rhtw_create, .wdestroy = rhtw_destroy,
		.wload = rhtw_load, .wload_or_store = rhtw_load_or_store,
	}, {
		.name = "rwlock", .create = rw_create, .destroy = rw_destroy,
		.load = rw_load, .store = rw_store,
		.load_or_store = rw_load_or_store,
		.load_and_delete = rw_load_and_delete, .delete = rw_delete,
		.swap_value = rw_swap, .cas = rw_cas, .range = rw_range,
		.clear = rw_clear,
		.wcreate = rww_create, .wdestroy = rww_destroy,
		.wload = rww_load, .wload_or_store = rww_load_or_store,
	}, {
		.name = "bucketlock", .create = bl_create,
		.destroy = bl_destroy, .load = bl_load, .store = bl_store,
		.load_or_store = bl_load_or_store,
		.load_and_delete = bl_load_and_delete, .delete = bl_delete,
		.swap_value = bl_swap, .cas = bl_cas, .range = bl_range,
		.clear = bl_clear,
	}, {
		.name = "xarray", .create = xa_create,
		.destroy = xa_bench_destroy, .load = xa_bench_load,
		.store = xa_bench_store,
		.load_or_store = xa_bench_load_or_store,
		.load_and_delete = xa_bench_load_and_delete,
		.delete = xa_bench_delete, .swap_value = xa_bench_swap,
		.cas = xa_bench_cas, .range = xa_bench_range,
		.clear = xa_bench_clear,
	},
};

/* ----- The workloads -------------------------------------------------- */

struct bench_run;

/* One thread's state, on cache lines of its own. */
struct bench_worker {
	const struct bench_ops *ops;
	void *map;
	const struct bench_workload *wl;
	struct bench_run *run;
	struct task_struct *task;
	u64 n;			/* the workload's key space */
	unsigned int reuse;	/* LoadOrStoreReuse: hits in tenths */
	u64 i;			/* Go's loop counter, from id << 32 */
	u64 ops_done;
	u64 start_ns;
	u64 end_ns;
	u64 stores;		/* AdversarialAlloc */
	u64 since_store;
	u64 errors;
	/* The workload's step, or the writer's of a mixed workload. */
	void (*step)(struct bench_worker *w, u64 i);
	bool writer;
} ____cacheline_aligned_in_smp;

/* Shared by the threads of a run, written only before and after it. */
struct bench_run {
	wait_queue_head_t wq;
	atomic_t ready;
	int go;
	int measure;
	int stop;
} ____cacheline_aligned_in_smp;

struct bench_workload {
	const char *name;
	bool sized;		/* run at every size, else at 1024 keys */
	bool sweep;		/* LoadOrStoreReuse, r = 0.0 .. 1.0 */
	/* The keys of the key space that are present after setup. */
	u64 (*present)(u64 n);
	/* The keys the fixed-size tables are sized for. */
	u64 hint;
	void (*setup)(const struct bench_ops *ops, void *map, u64 n,
		      u32 key_len);
	void (*step)(struct bench_worker *w, u64 i);
	/* Keys of this many bytes through the w* operations; 0: a u64. */
	u32 key_len;
	/* One thread runs @writer_step, the others @step; needs 2 threads. */
	void (*writer_step)(struct bench_worker *w, u64 i);
	/* The implementations that run it; NULL: all. */
	const char *impls;
};

#define BENCH_UNBOUNDED	BIT(18)

static void check(struct bench_worker *w, int ret)
{
	if (ret < 0)
		w->errors++;
}

/*
 * Go's setup: LoadOrStore the hits, then load each twice to promote; keys
 * of @key_len bytes through the w* operations when @key_len is not 0.
 */
static void setup_prime(const struct bench_ops *ops, void *map, u64 hits,
			u32 key_len)
{
	u64 i, v, key[WIDE_KEY_MAX / sizeof(u64)];

	for (i = 0; i < hits; i++) {
		if (key_len) {
			wide_key(key, key_len, i);
			ops->wload_or_store(map, key, i, &v);
		} else {
			ops->load_or_store(map, i, i, &v);
		}
		if (!(i & 1023))
			cond_resched();
	}
	for (i = 0; i < 2 * hits; i++) {
		if (key_len) {
			wide_key(key, key_len, i % hits);
			ops->wload(map, key, &v);
		} else {
			ops->load(map, i % hits, &v);
		}
		if (!(i & 1023))
			cond_resched();
	}
}

static void setup_store(const struct bench_ops *ops, void *map, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++) {
		ops->store(map, i, i);
		if (!(i & 1023))
			cond_resched();
	}
}

static u64 hits_mostly_hits(u64 n)
{
	return n - max_t(u64, n / 1024, 1);
}

static u64 hits_mostly_misses(u64 n)
{
	return max_t(u64, n / 1024, 1);
}

static u64 present_half(u64 n)
{
	return n / 2;
}

static u64 present_all(u64 n)
{
	return n;
}

static u64 present_none(u64 n)
{
	return 0;
}

static void setup_mostly_hits(const struct bench_ops *ops, void *map, u64 n,
			      u32 key_len)
{
	setup_prime(ops, map, hits_mostly_hits(n), key_len);
}

static void setup_mostly_misses(const struct bench_ops *ops, void *map,
				u64 n, u32 key_len)
{
	setup_prime(ops, map, hits_mostly_misses(n), key_len);
}

static void setup_half(const struct bench_ops *ops, void *map, u64 n,
		       u32 key_len)
{
	setup_prime(ops, map, n / 2, 0);
}

static void setup_all(const struct bench_ops *ops, void *map, u64 n,
		      u32 key_len)
{
	setup_prime(ops, map, n, 0);
}

static void setup_collision(const struct bench_ops *ops, void *map, u64 n,
			    u32 key_len)
{
	u64 v;

	ops->load_or_store(map, 0, 0, &v);
}

static void setup_range(const struct bench_ops *ops, void *map, u64 n,
			u32 key_len)
{
	setup_store(ops, map, n);
}

static void step_load(struct bench_worker *w, u64 i)
{
	u64 v;

	w->ops->load(w->map, i % w->n, &v);
}

/* The key built in every step, by every implementation alike. */
static __always_inline void step_wide_load(struct bench_worker *w, u64 i,
					   u32 key_len)
{
	u64 key[WIDE_KEY_MAX / sizeof(u64)], v;

	wide_key(key, key_len, i % w->n);
	w->ops->wload(w->map, key, &v);
}

static void step_load16(struct bench_worker *w, u64 i)
{
	step_wide_load(w, i, 16);
}

static void step_load64(struct bench_worker *w, u64 i)
{
	step_wide_load(w, i, 64);
}

/* The writer of LoadMostlyHitsWhileStoring: a new key every call. */
static void step_store_new(struct bench_worker *w, u64 i)
{
	check(w, w->ops->store(w->map, BIT_ULL(40) + i, i));
}

static void step_los_balanced(struct bench_worker *w, u64 i)
{
	u64 j = i % w->n, v;

	check(w, w->ops->load_or_store(w->map, j < w->n / 2 ? j : i, i, &v));
}

static void step_los_unique(struct bench_worker *w, u64 i)
{
	u64 v;

	check(w, w->ops->load_or_store(w->map, i, i, &v));
}

static void step_los_collision(struct bench_worker *w, u64 i)
{
	u64 v;

	w->ops->load_or_store(w->map, 0, 0, &v);
}

static void step_lad_balanced(struct bench_worker *w, u64 i)
{
	u64 j = i % w->n, v;

	w->ops->load_and_delete(w->map, j < w->n / 2 ? j : i, &v);
}

static int range_all(void *arg, u64 key, u64 value)
{
	return 0;
}

static void step_range(struct bench_worker *w, u64 i)
{
	w->ops->range(w->map, range_all, NULL);
}

static void step_adversarial_alloc(struct bench_worker *w, u64 i)
{
	u64 v;

	w->ops->load(w->map, i, &v);
	if (++w->since_store > w->stores) {
		check(w, w->ops->load_or_store(w->map, i, w->stores, &v));
		w->since_store = 0;
		w->stores++;
	}
}

struct first_key {
	u64 key;
	bool found;
};

static int range_first(void *arg, u64 key, u64 value)
{
	struct first_key *f = arg;

	f->key = key;
	f->found = true;
	return 1;
}

/*
 * Go deletes the first key Range gives from inside its callback; the
 * locked peers call back under their lock, so the delete comes right
 * after the walk stops: the same operations.
 */
static void step_adversarial_delete(struct bench_worker *w, u64 i)
{
	struct first_key f = { .found = false };
	u64 v;

	w->ops->load(w->map, i, &v);
	if (i % w->n == 0) {
		w->ops->range(w->map, range_first, &f);
		if (f.found)
			w->ops->delete(w->map, f.key);
		check(w, w->ops->store(w->map, i, i));
	}
}

static void step_swap_mostly_hits(struct bench_worker *w, u64 i)
{
	u64 j = i % w->n, v;

	if (j < w->n - 1) {
		w->ops->swap_value(w->map, j, j, &v);
	} else {
		check(w, w->ops->swap_value(w->map, i, i, &v));
		w->ops->delete(w->map, i);
	}
}

/* Go 1.20's SwapMostlyMisses: one key of 1024 present, the rest new. */
static void step_swap_mostly_misses(struct bench_worker *w, u64 i)
{
	u64 v;

	if (i % w->n < hits_mostly_misses(w->n)) {
		w->ops->swap_value(w->map, i % w->n, i % w->n, &v);
	} else {
		check(w, w->ops->swap_value(w->map, i, i, &v));
		w->ops->delete(w->map, i);
	}
}

static void step_cas_mostly_hits(struct bench_worker *w, u64 i)
{
	u64 v = i % w->n < w->n - 1 ? i % w->n : i;

	w->ops->cas(w->map, v, v, v);
}

static void step_clear(struct bench_worker *w, u64 i)
{
	w->ops->clear(w->map);
	check(w, w->ops->store(w->map, i % w->n, i % w->n));
}

/* LoadOrStore; a share reuse/10 of the calls hit one of n present keys. */
static void step_los_reuse(struct bench_worker *w, u64 i)
{
	u64 v;

	if (i % 10 < w->reuse)
		w->ops->load_or_store(w->map, (i / 10) % w->n, i, &v);
	else
		check(w, w->ops->load_or_store(w->map, i + (1ULL << 31), i,
					       &v));
}

#define WIDE_IMPLS	"syncmap,syncmap-merge,rhashtable,rwlock"

static const struct bench_workload bench_workloads[] = {
	{ "LoadMostlyHits", true, false, hits_mostly_hits, 0,
	  setup_mostly_hits, step_load },
	{ "LoadMostlyMisses", true, false, hits_mostly_misses, 0,
	  setup_mostly_misses, step_load },
	{ "LoadMostlyHits16B", true, false, hits_mostly_hits, 0,
	  setup_mostly_hits, step_load16, 16, NULL, WIDE_IMPLS },
	{ "LoadMostlyMisses16B", true, false, hits_mostly_misses, 0,
	  setup_mostly_misses, step_load16, 16, NULL, WIDE_IMPLS },
	{ "LoadMostlyHits64B", true, false, hits_mostly_hits, 0,
	  setup_mostly_hits, step_load64, 64, NULL, WIDE_IMPLS },
	{ "LoadMostlyMisses64B", true, false, hits_mostly_misses, 0,
	  setup_mostly_misses, step_load64, 64, NULL, WIDE_IMPLS },
	/* Readers as LoadMostlyHits while one thread stores new keys. */
	{ "LoadMostlyHitsWhileStoring", true, false, hits_mostly_hits, 0,
	  setup_mostly_hits, step_load, 0, step_store_new, WIDE_IMPLS },
	{ "LoadOrStoreBalanced", false, false, present_half, BENCH_UNBOUNDED,
	  setup_half, step_los_balanced },
	{ "LoadOrStoreUnique", false, false, present_none, BENCH_UNBOUNDED,
	  NULL, step_los_unique },
	{ "LoadOrStoreCollision", false, false, present_none, 64,
	  setup_collision, step_los_collision },
	{ "LoadAndDeleteBalanced", false, false, present_half, 1024,
	  setup_half, step_lad_balanced },
	{ "Range", false, false, present_all, 1024,
	  setup_range, step_range },
	{ "AdversarialAlloc", false, false, present_none, 1U << 14,
	  NULL, step_adversarial_alloc },
	{ "AdversarialDelete", false, false, present_all, 1024,
	  setup_range, step_adversarial_delete },
	{ "SwapMostlyHits", false, false, present_all, 1024,
	  setup_mostly_hits, step_swap_mostly_hits },
	{ "SwapMostlyMisses", false, false, hits_mostly_misses, 1024,
	  setup_mostly_misses, step_swap_mostly_misses },
	{ "CompareAndSwapMostlyHits", false, false, present_all, 1024,
	  setup_mostly_hits, step_cas_mostly_hits },
	{ "Clear", false, false, present_none, 256,
	  NULL, step_clear },
	{ "LoadOrStoreReuse", false, true, present_all, BENCH_UNBOUNDED,
	  setup_all, step_los_reuse },
};

/*
 * Key spaces of the unsized workloads, as in map_bench_test.go, but no
 * more than the first size (so that the smoke run stays small).
 */
static u64 workload_keys(const struct bench_workload *wl, u64 size)
{
	u64 keys = 1024;

	if (wl->sized)
		return size;
	if (!strcmp(wl->name, "LoadOrStoreBalanced") ||
	    !strcmp(wl->name, "LoadAndDeleteBalanced") ||
	    !strcmp(wl->name, "Clear"))
		keys = 256;
	return min_t(u64, keys, max(sizes[0], 2U));
}

/* ----- Running ---------------------------------------------------------- */

static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (!strcmp(list, "all"))
		return true;
	while (p && *p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static int bench_thread(void *arg)
{
	struct bench_worker *w = arg;
	struct bench_run *run = w->run;
	u64 i = w->i, done = 0, go_ns;
	bool measuring = false;
	unsigned int k;

	atomic_inc(&run->ready);
	wait_event(run->wq, READ_ONCE(run->go));
	go_ns = ktime_get_ns();
	while (!READ_ONCE(run->stop)) {
		for (k = 0; k < 8; k++)
			w->step(w, i++);
		done += 8;
		/* Under emulation the first runs of code pay to translate it. */
		if (!measuring && READ_ONCE(run->measure)) {
			measuring = true;
			done = 0;
			w->start_ns = ktime_get_ns();
		}
		cond_resched();
	}
	/* Too slow to see the warm-up end (a debug kernel): count it all. */
	if (!measuring)
		w->start_ns = go_ns;
	w->end_ns = ktime_get_ns();
	w->ops_done = done;
	w->i = i;
	/* Wait for kthread_stop(), which collects us. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

struct bench_result {
	u64 ops;
	u64 ns;		/* longest thread */
	u64 rate;	/* operations per second, summed over threads */
	u64 errors;
	/* A mixed workload's writer; ops and rate are its readers'. */
	u64 writer_ops;
	u64 writer_rate;
};

static int bench_timed(const struct bench_ops *ops, void *map,
		       const struct bench_workload *wl, u64 n,
		       unsigned int reuse, unsigned int nr,
		       struct bench_result *res)
{
	struct bench_worker **w;
	struct bench_run *run;
	unsigned int t, cpu;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	w = kcalloc(nr, sizeof(*w), GFP_KERNEL);
	if (!run || !w) {
		ret = -ENOMEM;
		goto out;
	}
	init_waitqueue_head(&run->wq);
	atomic_set(&run->ready, 0);
	cpu = cpumask_first(cpu_online_mask);
	for (t = 0; t < nr; t++) {
		/* A power of two: kmalloc aligns it on its size. */
		w[t] = kzalloc(roundup_pow_of_two(sizeof(*w[t])), GFP_KERNEL);
		if (!w[t]) {
			ret = -ENOMEM;
			break;
		}
		w[t]->ops = ops;
		w[t]->map = map;
		w[t]->wl = wl;
		w[t]->run = run;
		w[t]->n = n;
		w[t]->reuse = reuse;
		w[t]->i = (u64)t << 32;
		w[t]->writer = wl->writer_step && !t;
		w[t]->step = w[t]->writer ? wl->writer_step : wl->step;
		w[t]->task = kthread_create(bench_thread, w[t], "smbench/%u", t);
		if (IS_ERR(w[t]->task)) {
			ret = PTR_ERR(w[t]->task);
			w[t]->task = NULL;
			break;
		}
		kthread_bind(w[t]->task, cpu);
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		wake_up_process(w[t]->task);
	}
	if (!ret) {
		while (atomic_read(&run->ready) < nr)
			usleep_range(1000, 2000);
		WRITE_ONCE(run->go, 1);
		wake_up_all(&run->wq);
		msleep(max(duration_ms / 4, 1U));
		WRITE_ONCE(run->measure, 1);
		msleep(duration_ms);
	}
	WRITE_ONCE(run->stop, 1);
	WRITE_ONCE(run->go, 1);
	wake_up_all(&run->wq);
	for (t = 0; t < nr && w[t]; t++) {
		u64 ns;

		if (!w[t]->task)
			break;
		kthread_stop(w[t]->task);
		ns = w[t]->end_ns - w[t]->start_ns;
		res->errors += w[t]->errors;
		res->ns = max(res->ns, ns);
		if (w[t]->writer) {
			res->writer_ops += w[t]->ops_done;
			if (ns)
				res->writer_rate += div64_u64(w[t]->ops_done *
							      NSEC_PER_SEC, ns);
			continue;
		}
		res->ops += w[t]->ops_done;
		if (ns)
			res->rate += div64_u64(w[t]->ops_done * NSEC_PER_SEC, ns);
	}
out:
	if (w)
		for (t = 0; t < nr; t++)
			kfree(w[t]);
	kfree(w);
	kfree(run);
	return ret;
}

static long free_bytes(void)
{
	struct sysinfo si;

	rcu_barrier();
	si_meminfo(&si);
	return si.freeram * si.mem_unit;
}

/* Bytes per entry beyond the key and the value, measured on a setup. */
static void bench_memory(const struct bench_ops *ops, void *map, u64 entries,
			 long before)
{
	long delta = before - free_bytes();
	s64 overhead = div64_s64(delta, max_t(u64, entries, 1)) - 16;
	struct syncmap_stats st;

	if (ops->destroy != sm_destroy) {
		pr_info("mem impl=%s entries=%llu delta_bytes=%ld overhead=%lld\n",
			ops->name, entries, delta, overhead);
		return;
	}
	syncmap_get_stats(map, &st);
	pr_info("mem impl=%s entries=%llu delta_bytes=%ld overhead=%lld stat_bytes=%llu stat_overhead=%lld\n",
		ops->name, entries, delta, overhead, st.bytes,
		div64_s64(st.bytes, max_t(u64, st.len, 1)) - 16);
}

static void bench_one(const struct bench_workload *wl, u64 size,
		      unsigned int reuse, unsigned int nr, bool measure_mem)
{
	u64 n = workload_keys(wl, size), sm_rate = 0;
	struct syncmap_stats st = {};
	struct bench_result res;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(bench_impls); k++) {
		const struct bench_ops *ops = &bench_impls[k];
		/* Either engine; ratios are to Go's, listed first. */
		bool is_sm = ops->destroy == sm_destroy;
		u64 hint = wl->hint ? wl->hint : n;
		struct syncmap *sm = NULL;
		ktime_t t0 = ktime_get();
		long before = 0;
		u64 ratio;
		void *map;
		int ret;

		/* Unbounded key sets: sized from the map sizes asked for. */
		if (hint == BENCH_UNBOUNDED)
			hint = min_t(u64, hint, 256ULL * sizes[0]);
		/* Room for what the writer of a mixed workload adds. */
		if (wl->writer_step)
			hint = n + BIT(16);
		if (!listed(impls, ops->name) ||
		    (wl->impls && !listed(wl->impls, ops->name)) ||
		    (wl->key_len && !ops->wcreate))
			continue;
		if (measure_mem)
			before = free_bytes();
		map = wl->key_len ? ops->wcreate(hint, wl->key_len) :
				    ops->create(hint);
		if (!map) {
			pr_err("%s %s: cannot create the map\n", wl->name,
			       ops->name);
			continue;
		}
		if (is_sm)
			sm = wl->key_len ? smw_map(map) : map;
		if (wl->setup)
			wl->setup(ops, map, n, wl->key_len);
		if (measure_mem && !wl->key_len)
			bench_memory(ops, map, wl->present(n), before);
		if (sm)
			syncmap_reset_stats(sm);
		ret = bench_timed(ops, map, wl, n, reuse, nr, &res);
		if (sm) {
			syncmap_get_stats(sm, &st);
			if (ops->create == sm_create)
				sm_rate = res.rate;
		}
		if (wl->key_len)
			ops->wdestroy(map);
		else
			ops->destroy(map);
		if (ret) {
			pr_err("%s %s: error %d\n", wl->name, ops->name, ret);
			continue;
		}
		ratio = sm_rate ? div64_u64(res.rate * 1000, sm_rate) : 0;
		pr_info("result wl=%s size=%llu reuse=%u impl=%s threads=%u ops=%llu ns=%llu rate=%llu ratio=%llu.%03llu errors=%llu promotions=%llu rebuilds=%llu dirty_hits=%llu lock_hold_max_ns=%llu wall_ms=%lld key_len=%u writers=%u writer_ops=%llu writer_rate=%llu\n",
			wl->name, n, reuse, ops->name, nr, res.ops, res.ns,
			res.rate, ratio / 1000, ratio % 1000, res.errors,
			st.promotions, st.dirty_rebuilds, st.dirty_hits,
			st.lock_hold_max_ns, ktime_ms_delta(ktime_get(), t0),
			wl->key_len ? wl->key_len : 8,
			wl->writer_step ? 1 : 0, res.writer_ops,
			res.writer_rate);
		cond_resched();
	}
}

/* The time of one promotion and one dirty rebuild of an n-entry map. */
static int bench_promote_time(u64 n)
{
	u64 i, v, promote_ns, rebuild_ns, missing = ~0ULL;
	struct syncmap_stats st;
	struct syncmap *map;
	ktime_t t0;
	int ret = 0;

	map = syncmap_create(NULL);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* Its lock_hold_max_ns: holds are timed only when asked. */
	syncmap_time_lock_holds(true);
	for (i = 0; i < n && !ret; i++) {
		ret = sm_store(map, i, i);
		if (!(i & 1023))
			cond_resched();
	}
	if (ret)
		goto out;
	/* Go's rule: the n-th miss promotes the n-entry dirty table. */
	for (i = 0; i + 1 < n; i++) {
		sm_load(map, missing, &v);
		if (!(i & 1023))
			cond_resched();
	}
	t0 = ktime_get();
	sm_load(map, missing, &v);
	promote_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	/* A deleted key, then a new key: dirtyLocked() copies n entries. */
	sm_delete(map, 0);
	t0 = ktime_get();
	ret = sm_store(map, n, n);
	rebuild_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	syncmap_get_stats(map, &st);
	pr_info("timing size=%llu promote_ns=%llu rebuild_ns=%llu promotions=%llu rebuilds=%llu rebuild_copied=%llu lock_hold_max_ns=%llu\n",
		n, promote_ns, rebuild_ns, st.promotions, st.dirty_rebuilds,
		st.rebuild_copied, st.lock_hold_max_ns);
out:
	syncmap_time_lock_holds(false);
	syncmap_destroy(map);
	return ret;
}

/*
 * The hash syncmap computes for a key, as kmod/core.h's key_hash() does:
 * jhash() with the map's random seed (the fixed-length forms for 4-, 8-
 * and 16-byte keys inline, jhash() out of line for the others), and once
 * the map has seen a flood, hsiphash() (syncmap_key_hsiphash() in
 * kmod/map.c, out of line: 1, 2 and 4 words, else the generic form).
 * Copied here because the map does not export them, but for the 16-byte
 * jhash, which kmod/key_hash.h holds for both: keep the rest in step with
 * kmod/core.h and kmod/map.c.
 */
static noinline u32 map_jhash_any(const void *key, u32 key_len, u32 seed)
{
	return jhash(key, key_len, seed);
}

static __always_inline u32 map_jhash(const void *key, u32 key_len, u32 seed)
{
	const u32 *w = key;

	switch (key_len) {
	case 4:
		return jhash_1word(get_unaligned(w), seed);
	case 8:
		return jhash_2words(get_unaligned(w), get_unaligned(w + 1),
				    seed);
	case 16:
		return syncmap_jhash_4words(w, seed);
	}
	OPTIMIZER_HIDE_VAR(key_len);
	return map_jhash_any(key, key_len, seed);
}

static noinline u32 map_hsiphash(const void *key, u32 key_len,
				 const hsiphash_key_t *hkey)
{
	u32 w[4];

	switch (key_len) {
	case 4:
		memcpy(w, key, 4);
		return hsiphash_1u32(w[0], hkey);
	case 8:
		memcpy(w, key, 8);
		return hsiphash_2u32(w[0], w[1], hkey);
	case 16:
		memcpy(w, key, 16);
		return hsiphash_4u32(w[0], w[1], w[2], w[3], hkey);
	}
	return hsiphash(key, key_len, hkey);
}

enum bench_hash {
	BH_BASE,		/* building the key alone */
	BH_MAP_JHASH,		/* syncmap until a flood */
	BH_MAP_HSIPHASH,	/* syncmap after one */
	BH_RHT,			/* rhashtable: jhash2() of the key's words */
	BH_HASH_64,		/* the locked tables, 8-byte keys */
	BH_SIPHASH,		/* SipHash-2-4, syncmap's hash until 3b326ff */
	BH_NR,
};

static const char * const bench_hash_names[BH_NR] = {
	"base", "map_jhash", "map_hsiphash", "rhashtable_jhash2", "hash_64",
	"siphash",
};

/* ns for @n hashes of distinct keys of @key_len bytes (4..64). */
static __always_inline u64 time_hash(enum bench_hash h, u32 key_len,
				     unsigned int n, u64 *sum)
{
	static const hsiphash_key_t hkey = { { 3, 4 } };
	static const siphash_key_t skey = { { 1, 2 } };
	u64 key[WIDE_KEY_MAX / sizeof(u64)];
	const u32 seed = 0x9747b28c;
	ktime_t t0 = ktime_get();
	unsigned int i;

	for (i = 0; i < n; i++) {
		wide_key(key, key_len, i);
		switch (h) {
		case BH_BASE:
			*sum += key[key_len / sizeof(u64) - 1];
			break;
		case BH_MAP_JHASH:
			*sum += map_jhash(key, key_len, seed);
			break;
		case BH_MAP_HSIPHASH:
			*sum += map_hsiphash(key, key_len, &hkey);
			break;
		case BH_RHT:
			/* rht_key_get_hash() for a key_len of whole words */
			*sum += jhash2((u32 *)key, key_len / sizeof(u32), seed);
			break;
		case BH_HASH_64:
			*sum += hash_64(key[0], 20);
			break;
		case BH_SIPHASH:
			*sum += siphash(key, key_len, &skey);
			break;
		default:
			break;
		}
	}
	return ktime_to_ns(ktime_sub(ktime_get(), t0));
}

/* Every hash of one key length, each its own loop: constants inline. */
static __always_inline void time_hashes(u32 key_len, unsigned int n,
					u64 *ns, u64 *sum)
{
	ns[BH_BASE] = time_hash(BH_BASE, key_len, n, sum);
	ns[BH_MAP_JHASH] = time_hash(BH_MAP_JHASH, key_len, n, sum);
	ns[BH_MAP_HSIPHASH] = time_hash(BH_MAP_HSIPHASH, key_len, n, sum);
	ns[BH_RHT] = time_hash(BH_RHT, key_len, n, sum);
	ns[BH_HASH_64] = time_hash(BH_HASH_64, key_len, n, sum);
	ns[BH_SIPHASH] = time_hash(BH_SIPHASH, key_len, n, sum);
}

/*
 * The best of 5 rounds, the hashes interleaved in each: a round of 10,000
 * calls is shorter than the host's time slice, so the best round is the
 * one no other job interrupted.
 */
static noinline void bench_hash_len(const u32 key_len)
{
	const unsigned int n = 10000, rounds = 5;
	u64 ns[BH_NR], round[BH_NR], sum = 0;
	unsigned int h, r;

	for (h = 0; h < BH_NR; h++)
		ns[h] = U64_MAX;
	for (r = 0; r < rounds; r++) {
		if (key_len == 8)
			time_hashes(8, n, round, &sum);
		else if (key_len == 16)
			time_hashes(16, n, round, &sum);
		else
			time_hashes(64, n, round, &sum);
		for (h = 0; h < BH_NR; h++)
			ns[h] = min(ns[h], round[h]);
		cond_resched();
	}
	/* ns per 1000 calls, key building included (base alone). */
	pr_info("hash key_len=%u %s_ns=%llu %s_ns=%llu %s_ns=%llu %s_ns=%llu %s_ns=%llu %s_ns=%llu per=1000 sum=%llu\n",
		key_len,
		bench_hash_names[0], div_u64(ns[0], n / 1000),
		bench_hash_names[1], div_u64(ns[1], n / 1000),
		bench_hash_names[2], div_u64(ns[2], n / 1000),
		bench_hash_names[3], div_u64(ns[3], n / 1000),
		bench_hash_names[4], div_u64(ns[4], n / 1000),
		bench_hash_names[5], div_u64(ns[5], n / 1000), sum & 1);
}

/*
 * What each implementation pays to hash a key of 8, 16 and 64 bytes:
 * syncmap's jhash() and, after a flood, hsiphash(); rhashtable's jhash2();
 * the locked tables' hash_64() (8 bytes; their wide-key tables use
 * jhash2() too).  Each figure includes the building of the key, which the
 * "base" figure times alone.
 */
static void bench_hash_cost(void)
{
	bench_hash_len(8);
	bench_hash_len(16);
	bench_hash_len(64);
}

static int __init bench_init(void)
{
	unsigned int nr = threads ? threads : num_online_cpus();
	unsigned int k, s, r, t, counts[2] = { nr, 1 };
	ktime_t t0 = ktime_get();

	bench_policy.multiplier = policy_multiplier;
	bench_policy.adaptive = policy_adaptive;
	bench_policy.floor = policy_floor;
	bench_policy.ceiling = policy_ceiling;
	node_cache = KMEM_CACHE(bench_node, 0);
	if (!node_cache)
		return -ENOMEM;

	pr_info("start cpus=%u threads=%u duration_ms=%u policy=%u,%lu,%lu,%u\n",
		num_online_cpus(), nr, duration_ms, policy_multiplier,
		policy_floor, policy_ceiling, policy_adaptive);
	for (k = 0; k < ARRAY_SIZE(bench_workloads); k++) {
		const struct bench_workload *wl = &bench_workloads[k];

		if (!listed(workloads, wl->name))
			continue;
		for (s = 0; s < (wl->sized ? nr_sizes : 1); s++) {
			for (t = 0; t < (single && nr > 1 ? 2 : 1); t++) {
				bool mem = !k && !t;

				/*
				 * A reader and a writer need two CPUs: on
				 * one (UML) they would take turns, and the
				 * writer's lock would never meet a reader.
				 */
				if ((wl->key_len || wl->writer_step) &&
				    extra_max_size &&
				    sizes[s] > extra_max_size)
					continue;
				if (wl->writer_step && counts[t] < 2) {
					pr_info("skip wl=%s size=%u threads=%u reason=needs_2_threads\n",
						wl->name, sizes[s], counts[t]);
					continue;
				}

				if (!wl->sweep) {
					bench_one(wl, sizes[s], 0, counts[t],
						  mem);
					continue;
				}
				for (r = 0; r <= 10; r += max(sweep_step, 1U))
					bench_one(wl, sizes[s], r, counts[t],
						  false);
			}
		}
	}
	if (listed(workloads, "HashCost"))
		bench_hash_cost();
	if (listed(workloads, "PromotionTime"))
		for (s = 0; s < nr_sizes; s++)
			bench_promote_time(sizes[s]);
	pr_info("done in %lld ms\n", ktime_ms_delta(ktime_get(), t0));
	return 0;
}

static void __exit bench_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(node_cache);
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("syncmap benchmark: Go's sync.Map workloads against kernel peers");
MODULE_AUTHOR("syncmap developers");
