/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps the benchmark compares syncmap's core with, behind one small
 * table of operations over 8-byte integer keys and values (as Go's
 * benchmarks use ints):
 *
 *   cds_lfht   liburcu's lock-free resizable RCU hash table (urcu-memb),
 *              nodes freed with call_rcu();
 *   rwlock     a chained hash table under one pthread rwlock, the C
 *              counterpart of Go's RWMutexMap (its Range copies the keys
 *              under the read lock, then loads each one, as Go's does).
 *
 * Every map hashes with the same SipHash-2-4 and a random key as the core
 * (bench_hash()), so the comparison is of the maps, not of hash functions.
 * This header sees neither liburcu's nor the shim's headers: both define
 * rcu_dereference() and more.
 */
#ifndef _SYNCMAP_BENCH_PEERS_H
#define _SYNCMAP_BENCH_PEERS_H

#include <stdbool.h>
#include <stdint.h>

/* Return false to stop a walk, as Go's Range callbacks do. */
typedef bool (*bench_range_fn)(void *arg, uint64_t key, uint64_t value);

struct bench_impl {
	const char *name;
	void *(*create)(void);
	void (*destroy)(void *m);
	/* Each worker thread, before and after its work. */
	void (*thread_online)(void);
	void (*thread_offline)(void);
	bool (*load)(void *m, uint64_t k, uint64_t *v);
	void (*store)(void *m, uint64_t k, uint64_t v);
	/* True if loaded (*actual set), false if @v was stored. */
	bool (*load_or_store)(void *m, uint64_t k, uint64_t v,
			      uint64_t *actual);
	bool (*load_and_delete)(void *m, uint64_t k, uint64_t *v);
	void (*delete)(void *m, uint64_t k);
	bool (*swap)(void *m, uint64_t k, uint64_t v, uint64_t *prev);
	bool (*compare_and_swap)(void *m, uint64_t k, uint64_t old,
				 uint64_t new);
	bool (*compare_and_delete)(void *m, uint64_t k, uint64_t old);
	void (*range)(void *m, bench_range_fn fn, void *arg);
	void (*clear)(void *m);
	/* Wait until every deferred free has run (between runs). */
	void (*quiesce)(void);
};

extern const struct bench_impl bench_cds_lfht;
extern const struct bench_impl bench_rwlock;

/* The hash every map uses: SipHash-2-4 of the key's 8 bytes. */
uint64_t bench_hash(uint64_t key);

#endif /* _SYNCMAP_BENCH_PEERS_H */
