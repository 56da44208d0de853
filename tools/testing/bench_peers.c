// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's peers (bench_peers.h): liburcu's cds_lfht and a hash
 * table under a pthread rwlock.
 */
#define _LGPL_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <urcu/urcu-memb.h>
#include <urcu/rculfhash.h>

#include "bench_peers.h"

static void *xmalloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		abort();
	return p;
}

/* ---- cds_lfht ------------------------------------------------------------ */

struct lfht_node {
	struct cds_lfht_node node;
	uint64_t key;
	uint64_t value;
	struct rcu_head rcu;
};

static struct lfht_node *lfht_node_new(uint64_t k, uint64_t v)
{
	struct lfht_node *n = xmalloc(sizeof(*n));

	cds_lfht_node_init(&n->node);
	n->key = k;
	n->value = v;
	return n;
}

static void lfht_node_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct lfht_node, rcu));
}

static void lfht_node_retire(struct lfht_node *n)
{
	urcu_memb_call_rcu(&n->rcu, lfht_node_free_rcu);
}

static int lfht_match(struct cds_lfht_node *node, const void *key)
{
	return caa_container_of(node, struct lfht_node, node)->key ==
	       *(const uint64_t *)key;
}

static void *lfht_create(void)
{
	struct cds_lfht *ht;

	ht = cds_lfht_new_flavor(1024, 1024, 0,
				 CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
				 &urcu_memb_flavor, NULL);
	if (!ht)
		abort();
	return ht;
}

static void lfht_clear(void *m);

static void lfht_destroy(void *m)
{
	lfht_clear(m);
	if (cds_lfht_destroy(m, NULL))
		abort();
}

static void lfht_online(void)
{
	urcu_memb_register_thread();
}

static void lfht_offline(void)
{
	urcu_memb_unregister_thread();
}

/* Under rcu_read_lock(): the node of @k, or NULL, and its iterator. */
static struct lfht_node *lfht_find(struct cds_lfht *ht, uint64_t k,
				   struct cds_lfht_iter *iter)
{
	struct cds_lfht_node *node;

	cds_lfht_lookup(ht, bench_hash(k), lfht_match, &k, iter);
	node = cds_lfht_iter_get_node(iter);
	return node ? caa_container_of(node, struct lfht_node, node) : NULL;
}

static bool lfht_load(void *m, uint64_t k, uint64_t *v)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;

	urcu_memb_read_lock();
	n = lfht_find(m, k, &iter);
	if (n)
		*v = n->value;
	urcu_memb_read_unlock();
	return n;
}

static bool lfht_swap(void *m, uint64_t k, uint64_t v, uint64_t *prev)
{
	struct lfht_node *n = lfht_node_new(k, v), *old;
	struct cds_lfht_node *o;

	urcu_memb_read_lock();
	o = cds_lfht_add_replace(m, bench_hash(k), lfht_match, &k, &n->node);
	urcu_memb_read_unlock();
	if (!o)
		return false;
	old = caa_container_of(o, struct lfht_node, node);
	*prev = old->value;
	lfht_node_retire(old);
	return true;
}

static void lfht_store(void *m, uint64_t k, uint64_t v)
{
	uint64_t prev;

	lfht_swap(m, k, v, &prev);
}

static bool lfht_load_or_store(void *m, uint64_t k, uint64_t v,
			       uint64_t *actual)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n, *mine;
	struct cds_lfht_node *got;

	/* A hit allocates nothing, as in the other maps. */
	urcu_memb_read_lock();
	n = lfht_find(m, k, &iter);
	if (n) {
		*actual = n->value;
		urcu_memb_read_unlock();
		return true;
	}
	mine = lfht_node_new(k, v);
	got = cds_lfht_add_unique(m, bench_hash(k), lfht_match, &k,
				  &mine->node);
	if (got != &mine->node) {
		*actual = caa_container_of(got, struct lfht_node, node)->value;
		urcu_memb_read_unlock();
		free(mine);
		return true;
	}
	urcu_memb_read_unlock();
	*actual = v;
	return false;
}

static bool lfht_load_and_delete(void *m, uint64_t k, uint64_t *v)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;
	bool deleted = false;

	urcu_memb_read_lock();
	n = lfht_find(m, k, &iter);
	if (n && !cds_lfht_del(m, &n->node)) {
		*v = n->value;
		lfht_node_retire(n);
		deleted = true;
	}
	urcu_memb_read_unlock();
	return deleted;
}

static void lfht_delete(void *m, uint64_t k)
{
	uint64_t v;

	lfht_load_and_delete(m, k, &v);
}

static bool lfht_compare_and_swap(void *m, uint64_t k, uint64_t old,
				  uint64_t new)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n, *fresh = NULL;
	bool swapped = false;

	urcu_memb_read_lock();
	for (;;) {
		n = lfht_find(m, k, &iter);
		if (!n || n->value != old)
			break;
		if (!fresh)
			fresh = lfht_node_new(k, new);
		/* Fails only if the node went away meanwhile: look again. */
		if (!cds_lfht_replace(m, &iter, bench_hash(k), lfht_match, &k,
				      &fresh->node)) {
			lfht_node_retire(n);
			fresh = NULL;
			swapped = true;
			break;
		}
	}
	urcu_memb_read_unlock();
	free(fresh);
	return swapped;
}

static bool lfht_compare_and_delete(void *m, uint64_t k, uint64_t old)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;
	bool deleted = false;

	urcu_memb_read_lock();
	for (;;) {
		n = lfht_find(m, k, &iter);
		if (!n || n->value != old)
			break;
		if (!cds_lfht_del(m, &n->node)) {
			lfht_node_retire(n);
			deleted = true;
			break;
		}
	}
	urcu_memb_read_unlock();
	return deleted;
}

static void lfht_range(void *m, bench_range_fn fn, void *arg)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;

	urcu_memb_read_lock();
	cds_lfht_for_each_entry(m, &iter, n, node)
		if (!fn(arg, n->key, n->value))
			break;
	urcu_memb_read_unlock();
}

static void lfht_clear(void *m)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;

	urcu_memb_read_lock();
	cds_lfht_for_each_entry(m, &iter, n, node)
		if (!cds_lfht_del(m, &n->node))
			lfht_node_retire(n);
	urcu_memb_read_unlock();
}

static void lfht_quiesce(void)
{
	urcu_memb_barrier();
}

const struct bench_impl bench_cds_lfht = {
	.name = "cds_lfht",
	.create = lfht_create,
	.destroy = lfht_destroy,
	.thread_online = lfht_online,
	.thread_offline = lfht_offline,
	.load = lfht_load,
	.store = lfht_store,
	.load_or_store = lfht_load_or_store,
	.load_and_delete = lfht_load_and_delete,
	.delete = lfht_delete,
	.swap = lfht_swap,
	.compare_and_swap = lfht_compare_and_swap,
	.compare_and_delete = lfht_compare_and_delete,
	.range = lfht_range,
	.clear = lfht_clear,
	.quiesce = lfht_quiesce,
};

/* ---- A hash table under a pthread rwlock ---------------------------------- */

struct rw_node {
	struct rw_node *next;
	uint64_t key;
	uint64_t value;
};

struct rw_map {
	pthread_rwlock_t lock;
	struct rw_node **buckets;
	size_t mask;
	size_t count;
};

static void *rw_create(void)
{
	struct rw_map *m = xmalloc(sizeof(*m));

	pthread_rwlock_init(&m->lock, NULL);
	m->mask = 63;
	m->count = 0;
	m->buckets = calloc(m->mask + 1, sizeof(*m->buckets));
	if (!m->buckets)
		abort();
	return m;
}

static void rw_clear(void *p);

static void rw_destroy(void *p)
{
	struct rw_map *m = p;

	rw_clear(m);
	free(m->buckets);
	pthread_rwlock_destroy(&m->lock);
	free(m);
}

static void rw_nothing(void)
{
}

/* Under the lock: where the pointer to @k's node is, or would be. */
static struct rw_node **rw_slot(struct rw_map *m, uint64_t k)
{
	struct rw_node **pp = &m->buckets[bench_hash(k) & m->mask];

	while (*pp && (*pp)->key != k)
		pp = &(*pp)->next;
	return pp;
}

/* Under the write lock: keep the load factor at most 1. */
static void rw_grow(struct rw_map *m)
{
	size_t i, mask = m->mask * 2 + 1;
	struct rw_node **b = calloc(mask + 1, sizeof(*b)), *n, *next;

	if (!b)
		abort();
	for (i = 0; i <= m->mask; i++) {
		for (n = m->buckets[i]; n; n = next) {
			next = n->next;
			n->next = b[bench_hash(n->key) & mask];
			b[bench_hash(n->key) & mask] = n;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->mask = mask;
}

/* Under the write lock. */
static void rw_insert(struct rw_map *m, struct rw_node **pp, uint64_t k,
		      uint64_t v)
{
	struct rw_node *n = xmalloc(sizeof(*n));

	n->next = NULL;
	n->key = k;
	n->value = v;
	*pp = n;
	if (++m->count > m->mask + 1)
		rw_grow(m);
}

static bool rw_load(void *p, uint64_t k, uint64_t *v)
{
	struct rw_map *m = p;
	struct rw_node *n;

	pthread_rwlock_rdlock(&m->lock);
	n = *rw_slot(m, k);
	if (n)
		*v = n->value;
	pthread_rwlock_unlock(&m->lock);
	return n;
}

static bool rw_swap(void *p, uint64_t k, uint64_t v, uint64_t *prev)
{
	struct rw_map *m = p;
	struct rw_node **pp;
	bool found;

	pthread_rwlock_wrlock(&m->lock);
	pp = rw_slot(m, k);
	found = *pp;
	if (found) {
		*prev = (*pp)->value;
		(*pp)->value = v;
	} else {
		rw_insert(m, pp, k, v);
	}
	pthread_rwlock_unlock(&m->lock);
	return found;
}

static void rw_store(void *p, uint64_t k, uint64_t v)
{
	uint64_t prev;

	rw_swap(p, k, v, &prev);
}

/* As Go's RWMutexMap: a read-locked look first, then the write lock. */
static bool rw_load_or_store(void *p, uint64_t k, uint64_t v,
			     uint64_t *actual)
{
	struct rw_map *m = p;
	struct rw_node **pp;

	if (rw_load(p, k, actual))
		return true;
	pthread_rwlock_wrlock(&m->lock);
	pp = rw_slot(m, k);
	if (*pp) {
		*actual = (*pp)->value;
		pthread_rwlock_unlock(&m->lock);
		return true;
	}
	rw_insert(m, pp, k, v);
	pthread_rwlock_unlock(&m->lock);
	*actual = v;
	return false;
}

static bool rw_load_and_delete(void *p, uint64_t k, uint64_t *v)
{
	struct rw_map *m = p;
	struct rw_node **pp, *n;

	pthread_rwlock_wrlock(&m->lock);
	pp = rw_slot(m, k);
	n = *pp;
	if (n) {
		*v = n->value;
		*pp = n->next;
		m->count--;
	}
	pthread_rwlock_unlock(&m->lock);
	free(n);
	return n;
}

static void rw_delete(void *p, uint64_t k)
{
	uint64_t v;

	rw_load_and_delete(p, k, &v);
}

static bool rw_compare_and_swap(void *p, uint64_t k, uint64_t old,
				uint64_t new)
{
	struct rw_map *m = p;
	struct rw_node *n;
	bool swapped = false;

	pthread_rwlock_wrlock(&m->lock);
	n = *rw_slot(m, k);
	if (n && n->value == old) {
		n->value = new;
		swapped = true;
	}
	pthread_rwlock_unlock(&m->lock);
	return swapped;
}

static bool rw_compare_and_delete(void *p, uint64_t k, uint64_t old)
{
	struct rw_map *m = p;
	struct rw_node **pp, *n;

	pthread_rwlock_wrlock(&m->lock);
	pp = rw_slot(m, k);
	n = *pp;
	if (n && n->value == old) {
		*pp = n->next;
		m->count--;
	} else {
		n = NULL;
	}
	pthread_rwlock_unlock(&m->lock);
	free(n);
	return n;
}

/* Go's RWMutexMap.Range: copy the keys, then load each outside the lock. */
static void rw_range(void *p, bench_range_fn fn, void *arg)
{
	struct rw_map *m = p;
	uint64_t *keys, v;
	size_t i, n = 0;
	struct rw_node *node;

	pthread_rwlock_rdlock(&m->lock);
	keys = xmalloc((m->count + 1) * sizeof(*keys));
	for (i = 0; i <= m->mask; i++)
		for (node = m->buckets[i]; node; node = node->next)
			keys[n++] = node->key;
	pthread_rwlock_unlock(&m->lock);
	for (i = 0; i < n; i++)
		if (rw_load(m, keys[i], &v) && !fn(arg, keys[i], v))
			break;
	free(keys);
}

static void rw_clear(void *p)
{
	struct rw_map *m = p;
	struct rw_node *n, *next;
	size_t i;

	pthread_rwlock_wrlock(&m->lock);
	for (i = 0; i <= m->mask; i++) {
		for (n = m->buckets[i]; n; n = next) {
			next = n->next;
			free(n);
		}
		m->buckets[i] = NULL;
	}
	m->count = 0;
	pthread_rwlock_unlock(&m->lock);
}

const struct bench_impl bench_rwlock = {
	.name = "rwlock",
	.create = rw_create,
	.destroy = rw_destroy,
	.thread_online = rw_nothing,
	.thread_offline = rw_nothing,
	.load = rw_load,
	.store = rw_store,
	.load_or_store = rw_load_or_store,
	.load_and_delete = rw_load_and_delete,
	.delete = rw_delete,
	.swap = rw_swap,
	.compare_and_swap = rw_compare_and_swap,
	.compare_and_delete = rw_compare_and_delete,
	.range = rw_range,
	.clear = rw_clear,
	.quiesce = rw_nothing,
};
