// SPDX-License-Identifier: GPL-2.0
/*
 * The native benchmark: Go's sync.Map workloads (map_bench_test.go) on
 * syncmap's core (its two engines: "syncmap", Go's, and "syncmap-merge"),
 * liburcu's cds_lfht and an rwlock hash table, with the
 * worker scheme of Go's testing.B.RunParallel:
 *
 *  - b.N grows as Go's launch() grows it (predict from the last run,
 *    1.2x more, at most 100x, at least +1) until a run lasts the bench
 *    time; each run has a fresh map and its own setup;
 *  - one worker per thread; the workers share b.N iterations, taking
 *    "grains" of about 100 us from an atomic counter (pb.Next());
 *  - worker id starts its loop variable at id * b.N;
 *  - ns/op is the run's wall time over b.N.
 *
 * Keys and values are 8-byte integers, as Go's are ints.  The Go
 * workloads that Go 1.19 lacks (Swap, CompareAndSwap, CompareAndDelete,
 * Clear) follow Go 1.20-1.23's definitions.
 *
 * Usage:
 *   bench [-t THREADS[,THREADS...]] [-T BENCHTIME_MS] [-w NAME[,NAME...]]
 *         [-i IMPL[,IMPL...]]
 *       prints "RESULT workload impl threads N ns/op" lines, and
 *       "COUNTERS ..." with syncmap's own counters after its runs (and
 *       on stderr "MERGE ..." with the merge engine's: merges, entries
 *       they copied, read_len, new keys waiting, new-keys hits);
 *   bench -C -w NAME -i IMPL -n N
 *       one thread runs exactly N iterations with callgrind collecting
 *       (valgrind --tool=callgrind --collect-atstart=no) and nothing else.
 *   bench -B [-n N]
 *       the instruction budget's workload (insn-budget.sh): N (default
 *       8192) read hits, read misses and stores of an existing key, each
 *       batch with callgrind collecting (valgrind --tool=callgrind
 *       --collect-atstart=no) and dumped under its name.
 *   bench -H KEYS [-i IMPL] [-n N]
 *       N (default 200000) read hits of random keys of a map of KEYS
 *       8-byte keys, all in the read table, with callgrind collecting:
 *       under --cache-sim=yes, the cache lines a hit misses on a map too
 *       big for the caches (docs/design.md, "Object layout").
 *   bench -l
 *       lists the workloads: name, in Go 1.19 (1/0), read-mostly (1/0).
 *   bench -P
 *       measures the machine itself: the same arithmetic loop on 1 and on
 *       2 threads, "PARALLEL speedup": the most any map can scale here.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <shim.h>

#include "bench_peers.h"
#include "map.h"
#include "syncmap.h"

/* ---- The hash every map uses ---- */

static siphash_key_t hash_key;

uint64_t bench_hash(uint64_t key)
{
	return siphash(&key, sizeof(key), &hash_key);
}

/* ---- syncmap's core behind the table of operations ---- */

static void *sm_create_engine(u32 engine)
{
	struct syncmap_params params = { .engine = engine };
	struct syncmap *m = syncmap_create(&params);

	if (IS_ERR(m))
		abort();
	return m;
}

static void *sm_create(void)
{
	return sm_create_engine(SYNCMAP_ENGINE_GO);
}

static void *sm_create_merge(void)
{
	return sm_create_engine(SYNCMAP_ENGINE_MERGE);
}

static void sm_destroy(void *m)
{
	syncmap_destroy(m);
}

static void sm_online(void)
{
	shim_thread_online();
	shim_this_cpu();	/* claim a fake CPU now, not in the timed loop */
}

static void sm_offline(void)
{
	shim_thread_offline();
}

static bool sm_load(void *m, uint64_t k, uint64_t *v)
{
	u32 len;

	return syncmap_load(m, &k, 8, v, 8, &len) == 1;
}

static void sm_store(void *m, uint64_t k, uint64_t v)
{
	syncmap_store(m, &k, 8, &v, 8);
}

static bool sm_load_or_store(void *m, uint64_t k, uint64_t v,
			     uint64_t *actual)
{
	u32 len;

	return syncmap_load_or_store(m, &k, 8, &v, 8, actual, 8, &len) == 1;
}

static bool sm_load_and_delete(void *m, uint64_t k, uint64_t *v)
{
	u32 len;

	return syncmap_load_and_delete(m, &k, 8, v, 8, &len) == 1;
}

static void sm_delete(void *m, uint64_t k)
{
	syncmap_delete(m, &k, 8);
}

static bool sm_swap(void *m, uint64_t k, uint64_t v, uint64_t *prev)
{
	u32 len;

	return syncmap_swap(m, &k, 8, &v, 8, prev, 8, &len) == 1;
}

static bool sm_compare_and_swap(void *m, uint64_t k, uint64_t old,
				uint64_t new)
{
	return syncmap_compare_and_swap(m, &k, 8, &old, 8, &new, 8) == 1;
}

static bool sm_compare_and_delete(void *m, uint64_t k, uint64_t old)
{
	return syncmap_compare_and_delete(m, &k, 8, &old, 8) == 1;
}

struct sm_range_arg {
	bench_range_fn fn;
	void *arg;
};

static int sm_range_fn(void *arg, const void *key, u32 key_len,
		       const void *value, u32 value_len)
{
	struct sm_range_arg *a = arg;
	uint64_t k, v;

	memcpy(&k, key, 8);
	memcpy(&v, value, 8);
	return !a->fn(a->arg, k, v);
}

static void sm_range(void *m, bench_range_fn fn, void *arg)
{
	struct sm_range_arg a = { fn, arg };

	syncmap_range(m, sm_range_fn, &a);
}

static void sm_clear(void *m)
{
	syncmap_clear(m);
}

static void sm_quiesce(void)
{
	syncmap_flush_frees();
	shim_rcu_barrier();
}

static const struct bench_impl bench_syncmap = {
	.name = "syncmap",
	.create = sm_create,
	.destroy = sm_destroy,
	.thread_online = sm_online,
	.thread_offline = sm_offline,
	.load = sm_load,
	.store = sm_store,
	.load_or_store = sm_load_or_store,
	.load_and_delete = sm_load_and_delete,
	.delete = sm_delete,
	.swap = sm_swap,
	.compare_and_swap = sm_compare_and_swap,
	.compare_and_delete = sm_compare_and_delete,
	.range = sm_range,
	.clear = sm_clear,
	.quiesce = sm_quiesce,
};

/* The same operations on a map of the merge engine. */
static const struct bench_impl bench_syncmap_merge = {
	.name = "syncmap-merge",
	.create = sm_create_merge,
	.destroy = sm_destroy,
	.thread_online = sm_online,
	.thread_offline = sm_offline,
	.load = sm_load,
	.store = sm_store,
	.load_or_store = sm_load_or_store,
	.load_and_delete = sm_load_and_delete,
	.delete = sm_delete,
	.swap = sm_swap,
	.compare_and_swap = sm_compare_and_swap,
	.compare_and_delete = sm_compare_and_delete,
	.range = sm_range,
	.clear = sm_clear,
	.quiesce = sm_quiesce,
};

static const struct bench_impl *const impls[] = {
	&bench_syncmap, &bench_syncmap_merge, &bench_cds_lfht, &bench_rwlock,
};

/* ---- RunParallel's pb.Next() ---- */

struct pb {
	uint64_t *global;	/* shared iteration counter */
	uint64_t grain, cache, n;
};

static inline bool pb_next(struct pb *pb)
{
	uint64_t got;

	if (!pb->cache) {
		got = __atomic_add_fetch(pb->global, pb->grain,
					 __ATOMIC_RELAXED);
		if (got <= pb->n)
			pb->cache = pb->grain;
		else if (got < pb->n + pb->grain)
			pb->cache = pb->n + pb->grain - got;
		else
			return false;
	}
	pb->cache--;
	return true;
}

/* ---- The workloads ---- */

struct run {
	const struct bench_impl *im;
	void *m;
	unsigned long errors;	/* results Go's benchmarks would b.Fatal on */
};

typedef void (*setup_fn)(struct run *r);
typedef void (*per_g_fn)(struct run *r, struct pb *pb, uint64_t i);

struct workload {
	const char *name;
	bool go119;		/* Go 1.19 has it: there is a Go figure */
	bool read_mostly;	/* held to the read-side targets */
	setup_fn setup;
	per_g_fn per_g;
};

static void prime(struct run *r, uint64_t hits)
{
	uint64_t i, v;

	for (i = 0; i < hits; i++)
		r->im->load_or_store(r->m, i, i, &v);
	/* Go: prime the map to get it into a steady state. */
	for (i = 0; i < hits * 2; i++)
		r->im->load(r->m, i % hits, &v);
}

static void setup_1023(struct run *r)
{
	prime(r, 1023);
}

static void setup_1(struct run *r)
{
	prime(r, 1);
}

static void setup_128(struct run *r)
{
	prime(r, 128);
}

static void setup_key0(struct run *r)
{
	uint64_t v;

	r->im->load_or_store(r->m, 0, 0, &v);
}

static void setup_store0(struct run *r)
{
	r->im->store(r->m, 0, 0);
}

static void setup_1024_stored(struct run *r)
{
	uint64_t i;

	for (i = 0; i < 1024; i++)
		r->im->store(r->m, i, i);
}

static void load_1024(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t v;

	for (; pb_next(pb); i++)
		r->im->load(r->m, i % 1024, &v);
}

static void load_or_store_balanced(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t j, v;

	for (; pb_next(pb); i++) {
		j = i % 256;
		if (j < 128) {
			if (!r->im->load_or_store(r->m, j, i, &v))
				r->errors++;
		} else if (r->im->load_or_store(r->m, i, i, &v)) {
			r->errors++;
		}
	}
}

static void load_or_store_unique(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t v;

	for (; pb_next(pb); i++)
		r->im->load_or_store(r->m, i, i, &v);
}

static void load_or_store_collision(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t v;

	while (pb_next(pb))
		r->im->load_or_store(r->m, 0, 0, &v);
}

static void load_and_delete_balanced(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t j, v;

	for (; pb_next(pb); i++) {
		j = i % 256;
		r->im->load_and_delete(r->m, j < 128 ? j : i, &v);
	}
}

static void load_and_delete_unique(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t v;

	for (; pb_next(pb); i++)
		r->im->load_and_delete(r->m, i, &v);
}

static void load_and_delete_collision(struct run *r, struct pb *pb,
				      uint64_t i)
{
	uint64_t v;

	while (pb_next(pb))
		r->im->load_and_delete(r->m, 0, &v);
}

static bool keep_going(void *arg, uint64_t k, uint64_t v)
{
	return true;
}

static void range_all(struct run *r, struct pb *pb, uint64_t i)
{
	while (pb_next(pb))
		r->im->range(r->m, keep_going, NULL);
}

static void adversarial_alloc(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t stores = 0, loads_since_store = 0, v;

	for (; pb_next(pb); i++) {
		r->im->load(r->m, i, &v);
		if (++loads_since_store > stores) {
			r->im->load_or_store(r->m, i, stores, &v);
			loads_since_store = 0;
			stores++;
		}
	}
}

static bool delete_first(void *arg, uint64_t k, uint64_t v)
{
	struct run *r = arg;

	r->im->delete(r->m, k);
	return false;
}

static void adversarial_delete(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t v;

	for (; pb_next(pb); i++) {
		r->im->load(r->m, i, &v);
		if (i % 1024 == 0) {
			r->im->range(r->m, delete_first, r);
			r->im->store(r->m, i, i);
		}
	}
}

static void delete_collision(struct run *r, struct pb *pb, uint64_t i)
{
	while (pb_next(pb))
		r->im->delete(r->m, 0);
}

static void swap_collision(struct run *r, struct pb *pb, uint64_t i)
{
	uint64_t v;

	while (pb_next(pb))
		r->im->swap(r->m, 0, 0, &v);
}

/* SwapMostlyHits/Misses: the hits key space is set by the setup. */
static void swap_mostly(struct run *r, struct pb *pb, uint64_t i,
			uint64_t hits)
{
	uint64_t v, p;

	for (; pb_next(pb); i++) {
		if (i % 1024 < hits) {
			v = i % 1024;
			r->im->swap(r->m, v, v, &p);
		} else {
			r->im->swap(r->m, i, i, &p);
			r->im->delete(r->m, i);
		}
	}
}

static void swap_mostly_hits(struct run *r, struct pb *pb, uint64_t i)
{
	swap_mostly(r, pb, i, 1023);
}

static void swap_mostly_misses(struct run *r, struct pb *pb, uint64_t i)
{
	swap_mostly(r, pb, i, 1);
}

static void cas_collision(struct run *r, struct pb *pb, uint64_t i)
{
	while (pb_next(pb))
		if (r->im->compare_and_swap(r->m, 0, 0, 42))
			r->im->compare_and_swap(r->m, 0, 42, 0);
}

static void cas_no_existing_key(struct run *r, struct pb *pb, uint64_t i)
{
	for (; pb_next(pb); i++)
		if (r->im->compare_and_swap(r->m, i, 0, 0))
			r->im->delete(r->m, i);
}

static void cas_value_not_equal(struct run *r, struct pb *pb, uint64_t i)
{
	while (pb_next(pb))
		r->im->compare_and_swap(r->m, 0, 1, 2);
}

static void cas_mostly(struct run *r, struct pb *pb, uint64_t i,
		       uint64_t hits)
{
	uint64_t v;

	for (; pb_next(pb); i++) {
		v = i % 1024 < hits ? i % 1024 : i;
		r->im->compare_and_swap(r->m, v, v, v);
	}
}

static void cas_mostly_hits(struct run *r, struct pb *pb, uint64_t i)
{
	cas_mostly(r, pb, i, 1023);
}

static void cas_mostly_misses(struct run *r, struct pb *pb, uint64_t i)
{
	cas_mostly(r, pb, i, 1);
}

static void cad_collision(struct run *r, struct pb *pb, uint64_t i)
{
	while (pb_next(pb))
		if (r->im->compare_and_delete(r->m, 0, 0))
			r->im->store(r->m, 0, 0);
}

static void cad_mostly(struct run *r, struct pb *pb, uint64_t i,
		       uint64_t hits)
{
	uint64_t v;

	for (; pb_next(pb); i++) {
		v = i % 1024 < hits ? i % 1024 : i;
		if (r->im->compare_and_delete(r->m, v, v))
			r->im->store(r->m, v, v);
	}
}

static void cad_mostly_hits(struct run *r, struct pb *pb, uint64_t i)
{
	cad_mostly(r, pb, i, 1023);
}

static void cad_mostly_misses(struct run *r, struct pb *pb, uint64_t i)
{
	cad_mostly(r, pb, i, 1);
}

static void clear_store(struct run *r, struct pb *pb, uint64_t i)
{
	for (; pb_next(pb); i++) {
		r->im->clear(r->m);
		r->im->store(r->m, i % 256, i % 256);
	}
}

static const struct workload workloads[] = {
	{ "LoadMostlyHits", true, true, setup_1023, load_1024 },
	{ "LoadMostlyMisses", true, true, setup_1, load_1024 },
	{ "LoadOrStoreBalanced", true, false, setup_128,
	  load_or_store_balanced },
	{ "LoadOrStoreUnique", true, false, NULL, load_or_store_unique },
	{ "LoadOrStoreCollision", true, true, setup_key0,
	  load_or_store_collision },
	{ "LoadAndDeleteBalanced", true, false, setup_128,
	  load_and_delete_balanced },
	{ "LoadAndDeleteUnique", true, false, NULL, load_and_delete_unique },
	{ "LoadAndDeleteCollision", true, false, setup_key0,
	  load_and_delete_collision },
	{ "Range", true, true, setup_1024_stored, range_all },
	{ "AdversarialAlloc", true, false, NULL, adversarial_alloc },
	{ "AdversarialDelete", true, false, setup_1024_stored,
	  adversarial_delete },
	{ "DeleteCollision", true, false, setup_key0, delete_collision },
	{ "SwapCollision", false, false, setup_key0, swap_collision },
	{ "SwapMostlyHits", false, false, setup_1023, swap_mostly_hits },
	{ "SwapMostlyMisses", false, false, setup_1, swap_mostly_misses },
	{ "CompareAndSwapCollision", false, false, setup_key0, cas_collision },
	{ "CompareAndSwapNoExistingKey", false, false, NULL,
	  cas_no_existing_key },
	{ "CompareAndSwapValueNotEqual", false, true, setup_store0,
	  cas_value_not_equal },
	{ "CompareAndSwapMostlyHits", false, false, setup_1023,
	  cas_mostly_hits },
	{ "CompareAndSwapMostlyMisses", false, false, setup_1,
	  cas_mostly_misses },
	{ "CompareAndDeleteCollision", false, false, setup_key0,
	  cad_collision },
	{ "CompareAndDeleteMostlyHits", false, false, setup_1023,
	  cad_mostly_hits },
	{ "CompareAndDeleteMostlyMisses", false, false, setup_1,
	  cad_mostly_misses },
	{ "Clear", false, false, NULL, clear_store },
};

/* ---- RunParallel ---- */

struct worker {
	pthread_t thread;
	struct run *run;
	const struct workload *w;
	struct pb pb;
	uint64_t start;
	pthread_barrier_t *ready, *go;
	char pad[64];		/* its own cache lines */
} __attribute__((aligned(64)));

static void *worker_main(void *arg)
{
	struct worker *wk = arg;

	wk->run->im->thread_online();
	pthread_barrier_wait(wk->ready);
	pthread_barrier_wait(wk->go);
	wk->w->per_g(wk->run, &wk->pb, wk->start);
	wk->run->im->thread_offline();
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct result {
	uint64_t n, ns;
	unsigned long errors;
	struct syncmap_stats stats;	/* syncmap only */
};

/* b.runN(n): a fresh map, the setup, then n iterations over the threads. */
static void run_n(const struct bench_impl *im, const struct workload *w,
		  int threads, uint64_t n, uint64_t grain, struct result *res)
{
	struct worker *wk = aligned_alloc(64, threads * sizeof(*wk));
	pthread_barrier_t ready, go;
	struct run r = { .im = im };
	uint64_t global = 0, t0;
	int i;

	if (!wk)
		abort();
	r.m = im->create();
	if (w->setup)
		w->setup(&r);
	pthread_barrier_init(&ready, NULL, threads + 1);
	pthread_barrier_init(&go, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		wk[i].run = &r;
		wk[i].w = w;
		wk[i].pb = (struct pb){ .global = &global, .grain = grain,
					.n = n };
		wk[i].start = i * n;
		wk[i].ready = &ready;
		wk[i].go = &go;
		if (pthread_create(&wk[i].thread, NULL, worker_main, &wk[i]))
			abort();
	}
	pthread_barrier_wait(&ready);
	t0 = now_ns();
	pthread_barrier_wait(&go);
	for (i = 0; i < threads; i++)
		pthread_join(wk[i].thread, NULL);
	res->ns = now_ns() - t0;
	res->n = n;
	res->errors = r.errors;
	if (im == &bench_syncmap || im == &bench_syncmap_merge)
		syncmap_get_stats(r.m, &res->stats);
	im->destroy(r.m);
	im->quiesce();
	/*
	 * The freed map's chunks sit in glibc's fast bins until a large
	 * request consolidates them: a worker of the next run that got this
	 * arena would pay for walking a million of them inside its timed
	 * loop (a single LoadOrStore of a fresh map was once timed at 454
	 * ms).  Consolidate here, untimed.
	 */
	malloc_trim(0);
	pthread_barrier_destroy(&ready);
	pthread_barrier_destroy(&go);
	free(wk);
}

/* Go's launch(): grow b.N until a run lasts the bench time. */
static void bench_one(const struct bench_impl *im, const struct workload *w,
		      int threads, uint64_t benchtime_ns, struct result *res)
{
	uint64_t n = 1, last, grain, prev_n = 0, prev_ns = 0;

	res->ns = 0;
	for (;;) {
		/* About 100 us of iterations per grain, 1 to 1e4. */
		grain = prev_n && prev_ns ? 100000 * prev_n / prev_ns : 1;
		grain = grain < 1 ? 1 : grain > 10000 ? 10000 : grain;
		run_n(im, w, threads, n, grain, res);
		if (res->ns >= benchtime_ns || n >= 1000000000)
			break;
		prev_n = n;
		prev_ns = res->ns ? res->ns : 1;
		last = n;
		n = benchtime_ns * prev_n / prev_ns;
		n += n / 5;
		n = min(n, 100 * last);
		n = max(n, last + 1);
		n = min(n, (uint64_t)1000000000);
	}
}

static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (!list)
		return true;
	for (p = list; (p = strstr(p, name)); p += len)
		if ((p == list || p[-1] == ',') && (!p[len] || p[len] == ','))
			return true;
	return false;
}

/* One thread, exactly @n iterations, callgrind collecting only those. */
static int callgrind_one(const struct bench_impl *im,
			 const struct workload *w, uint64_t n)
{
	uint64_t global = 0;
	struct pb pb = { .global = &global, .grain = n, .n = n };
	struct run r = { .im = im };

	im->thread_online();
	r.m = im->create();
	if (w->setup)
		w->setup(&r);
	CALLGRIND_TOGGLE_COLLECT;
	w->per_g(&r, &pb, 0);
	im->quiesce();		/* the deferred frees are part of the cost */
	CALLGRIND_TOGGLE_COLLECT;
	im->destroy(r.m);
	im->quiesce();
	im->thread_offline();
	printf("CALLGRIND\t%s\t%s\t%llu\n", w->name, im->name,
	       (unsigned long long)n);
	return 0;
}

/*
 * bench -H: @n read hits of random keys of a map of @keys keys, filled
 * with LoadOrStore and promoted (every key loaded twice), with callgrind
 * collecting only the hits.  The keys are spread by a multiplication, the
 * order of the hits by xorshift64, so that every run touches the same
 * lines in the same order.
 */
static int big_hits(const struct bench_impl *im, uint64_t keys, uint64_t n)
{
	uint64_t i, k, v, x = 88172645463325252ULL, hits = 0;
	struct run r = { .im = im };
	int pass;

	if (!keys || !im->load)
		return 2;
	im->thread_online();
	r.m = im->create();
	for (i = 0; i < keys; i++)
		im->load_or_store(r.m, i * 0x9E3779B97F4A7C15ULL, i, &v);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < keys; i++)
			im->load(r.m, i * 0x9E3779B97F4A7C15ULL, &v);
	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (x % keys) * 0x9E3779B97F4A7C15ULL;
		hits += im->load(r.m, k, &v);
	}
	CALLGRIND_TOGGLE_COLLECT;
	im->destroy(r.m);
	im->quiesce();
	im->thread_offline();
	printf("HITS\t%s\t%llu\t%llu\t%llu\n", im->name,
	       (unsigned long long)keys, (unsigned long long)n,
	       (unsigned long long)hits);
	return hits == n ? 0 : 1;
}

/*
 * ---- The instruction budget: bench -B, under insn-budget.sh ----
 *
 * One thread, one map of BUDGET_KEYS 8-byte keys with 8-byte values, all
 * in the read table (promoted, not amended), and for read-hit-16 another
 * of as many 16-byte keys.  Each operation is a noipa
 * function called BUDGET_KEYS times to warm up, then N times, in rounds
 * of BUDGET_KEYS (one per key) with callgrind collecting, then dumped
 * under its name.  "none" is the same loop calling a function that does
 * nothing, which insn-budget.sh subtracts: the figures are what each
 * operation's function executes (the API call, its arguments and the
 * check of its result), without the loop and the indirect call.
 *
 * Deterministic: the hash keys come from a fixed seed, and RCU callbacks
 * are held (shim_rcu_callbacks_hold()) while callgrind collects, so that
 * no other thread runs then: a free in the callback thread would change
 * the path of this one's next malloc().  Between rounds, not collected,
 * the callbacks queued so far run to completion, so that the stores'
 * allocations reuse the values the previous round freed, as they would
 * in a steady state.  One operation, also not collected, follows: the
 * first call_rcu() after that wakes the callback thread, which the
 * collected ones then never do.  The map's counters, before and after,
 * check that each batch took the path it names.
 */
#define BUDGET_KEYS	1024u
#define BUDGET_SEED	0x73796e636d6170ull
/* Absent keys: none of them was ever stored. */
#define BUDGET_ABSENT	0x100000000ull

static unsigned long budget_errors;

typedef void (*budget_fn)(struct syncmap *m, uint64_t key, uint64_t value);

static __attribute__((noipa)) void op_none(struct syncmap *m, uint64_t key,
					   uint64_t value)
{
}

/* A read hit: the key is in the read table; no lock. */
static __attribute__((noipa)) void op_read_hit(struct syncmap *m,
					       uint64_t key, uint64_t value)
{
	uint64_t v;
	u32 len;

	if (syncmap_load(m, &key, 8, &v, 8, &len) != 1)
		budget_errors++;
}

/*
 * A read miss, the lock-free one: the key is in neither table and the
 * read table is not amended (there is no dirty table), so the lookup
 * ends in the read table, without the lock and without counting a miss.
 */
static __attribute__((noipa)) void op_read_miss(struct syncmap *m,
						uint64_t key, uint64_t value)
{
	uint64_t v;
	u32 len;

	if (syncmap_load(m, &key, 8, &v, 8, &len) != 0)
		budget_errors++;
}

/* The second word of a 16-byte key, after the key's number. */
#define BUDGET_WIDE	0x9e3779b97f4a7c15ull

/* A read hit of a 16-byte key, in the map of 16-byte keys. */
static __attribute__((noipa)) void op_read_hit_16(struct syncmap *m,
						  uint64_t key, uint64_t value)
{
	uint64_t k[2] = { key, key ^ BUDGET_WIDE }, v;
	u32 len;

	if (syncmap_load(m, k, 16, &v, 8, &len) != 1)
		budget_errors++;
}

/*
 * A store of an existing key: found in the read table, its value
 * swapped in with a compare-and-exchange, no mutex, no lock; the old
 * value goes to kvfree_rcu().  The new value's allocation is counted.
 */
static __attribute__((noipa)) void op_store_existing(struct syncmap *m,
						     uint64_t key,
						     uint64_t value)
{
	if (syncmap_store(m, &key, 8, &value, 8))
		budget_errors++;
}

static __attribute__((noipa)) void budget_loop(budget_fn fn,
					       struct syncmap *m,
					       uint64_t base, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		fn(m, base + i % BUDGET_KEYS, i);
}

struct budget_op {
	const char *name;
	budget_fn fn;
	uint64_t base;		/* first key */
	bool wide;		/* on the map of 16-byte keys */
};

static const struct budget_op budget_ops[] = {
	{ "none", op_none, 0 },
	{ "read-hit", op_read_hit, 0 },
	{ "read-miss", op_read_miss, BUDGET_ABSENT },
	{ "store-existing", op_store_existing, 0 },
	{ "read-hit-16", op_read_hit_16, 0, true },
};

static int budget_fail(const char *what)
{
	fprintf(stderr, "bench -B: FAIL: %s\n", what);
	return 1;
}

/*
 * The path a batch of @n operations took, from the map's counters before
 * and after.
 */
static int budget_check(const struct budget_op *op, uint64_t n,
			const struct syncmap_stats *a,
			const struct syncmap_stats *b)
{
	if (budget_errors)
		return budget_fail("an operation returned what it should not");
	if (b->amended || b->dirty_present || b->misses ||
	    b->promotions != a->promotions || b->new_keys != a->new_keys ||
	    b->dirty_hits != a->dirty_hits || b->read_len != BUDGET_KEYS)
		return budget_fail("the map left its steady state (amended, promoted or grew)");
	if ((op->fn == op_read_hit || op->fn == op_read_hit_16) &&
	    (b->loads - a->loads != n || b->read_hits - a->read_hits != n))
		return budget_fail("read-hit: a load missed the read table");
	if (op->fn == op_read_miss &&
	    (b->loads - a->loads != n || b->read_misses - a->read_misses != n))
		return budget_fail("read-miss: a load hit the read table");
	if (op->fn == op_store_existing &&
	    (b->stores - a->stores != n || b->read_hits - a->read_hits != n))
		return budget_fail("store-existing: a key not in the read table");
	return 0;
}

/* Run the RCU callbacks queued so far, then hold them again. */
static void budget_flush(void)
{
	shim_rcu_callbacks_hold(false);
	sm_quiesce();
	shim_rcu_callbacks_hold(true);
}

/*
 * A map of BUDGET_KEYS keys, 8-byte or 16-byte (@wide), with 8-byte
 * values, all in the read table; NULL if it is not so.
 */
static struct syncmap *budget_map(bool wide)
{
	struct syncmap_stats a;
	struct syncmap *m = sm_create();
	u32 key_len = wide ? 16 : 8, len;
	uint64_t k[2], v, i;

	for (i = 0; i < BUDGET_KEYS; i++) {
		k[0] = i;
		k[1] = i ^ BUDGET_WIDE;
		if (syncmap_load_or_store(m, k, key_len, &i, 8, &v, 8,
					  &len) != 0)
			budget_errors++;
	}
	/* Misses on the dirty table promote it to the read table. */
	for (i = 0; i < BUDGET_KEYS; i++) {
		k[0] = i;
		k[1] = i ^ BUDGET_WIDE;
		if (syncmap_load(m, k, key_len, &v, 8, &len) != 1 || v != i)
			budget_errors++;
	}
	syncmap_get_stats(m, &a);
	if (budget_errors || a.amended || a.dirty_present ||
	    a.read_len != BUDGET_KEYS) {
		sm_destroy(m);
		return NULL;
	}
	return m;
}

static int budget_run(uint64_t n)
{
	struct syncmap_stats a, b;
	struct syncmap *maps[2] = { NULL, NULL }, *m;
	uint64_t done;
	size_t i;
	int ret = 0;

	n = (n + BUDGET_KEYS - 1) / BUDGET_KEYS * BUDGET_KEYS;

	shim_rcu_callbacks_hold(true);
	sm_online();
	for (i = 0; i < ARRAY_SIZE(budget_ops) && !ret; i++) {
		const struct budget_op *op = &budget_ops[i];

		/* Each map made when first needed: the same heap as before. */
		if (!maps[op->wide])
			maps[op->wide] = budget_map(op->wide);
		m = maps[op->wide];
		if (!m) {
			ret = budget_fail("setup: the keys are not all in the read table");
			break;
		}
		syncmap_get_stats(m, &a);
		budget_loop(op->fn, m, op->base, BUDGET_KEYS);	/* warm up */
		for (done = 0; done < n; done += BUDGET_KEYS) {
			budget_flush();
			op->fn(m, op->base, 0);
			CALLGRIND_TOGGLE_COLLECT;
			budget_loop(op->fn, m, op->base, BUDGET_KEYS);
			CALLGRIND_TOGGLE_COLLECT;
		}
		CALLGRIND_DUMP_STATS_AT(op->name);
		syncmap_get_stats(m, &b);
		ret = budget_check(op, BUDGET_KEYS + n / BUDGET_KEYS + n,
				   &a, &b);
		printf("BUDGET\t%s\t%llu\n", op->name, (unsigned long long)n);
	}

	shim_rcu_callbacks_hold(false);	/* before any rcu_barrier() */
	for (i = 0; i < ARRAY_SIZE(maps); i++)
		if (maps[i])
			sm_destroy(maps[i]);
	sm_quiesce();
	sm_offline();
	return ret;
}

static void *spin(void *arg)
{
	uint64_t x = 1, i;

	for (i = 0; i < 200000000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ volatile("" : "+r"(x));
	}
	return NULL;
}

/* Throughput of 2 threads over 1 on a loop that shares nothing. */
static void parallel_probe(void)
{
	pthread_t a, b;
	uint64_t t0, one, two;

	t0 = now_ns();
	spin(NULL);
	one = now_ns() - t0;
	t0 = now_ns();
	if (pthread_create(&a, NULL, spin, NULL) ||
	    pthread_create(&b, NULL, spin, NULL))
		abort();
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	two = now_ns() - t0;
	printf("PARALLEL\t%.2f\n", 2.0 * one / two);
}

int main(int argc, char **argv)
{
	const char *wlist = NULL, *ilist = NULL, *tlist = "1,2";
	uint64_t benchtime_ms = 500, n = 0, big_keys = 0;
	bool callgrind = false, budget = false;
	struct result res;
	size_t wi, ii;
	int opt;

	while ((opt = getopt(argc, argv, "t:T:w:i:n:H:BClP")) != -1) {
		switch (opt) {
		case 't':
			tlist = optarg;
			break;
		case 'T':
			benchtime_ms = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			wlist = optarg;
			break;
		case 'i':
			ilist = optarg;
			break;
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'H':
			big_keys = strtoull(optarg, NULL, 0);
			break;
		case 'B':
			budget = true;
			break;
		case 'C':
			callgrind = true;
			break;
		case 'P':
			parallel_probe();
			return 0;
		case 'l':
			for (wi = 0; wi < ARRAY_SIZE(workloads); wi++)
				printf("%s\t%d\t%d\n", workloads[wi].name,
				       workloads[wi].go119,
				       workloads[wi].read_mostly);
			return 0;
		default:
			fprintf(stderr, "usage: see the top of bench.c\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (budget)
		shim_random_seed(BUDGET_SEED);
	get_random_bytes(&hash_key, sizeof(hash_key));
	if (syncmap_core_init())
		return 1;
	if (budget) {
		int ret = budget_run(n ? n : 8192);

		syncmap_core_exit();
		return ret;
	}
	if (big_keys) {
		int ret = 2;

		for (ii = 0; ii < ARRAY_SIZE(impls); ii++)
			if (listed(ilist ? ilist : "syncmap", impls[ii]->name))
				ret = big_hits(impls[ii], big_keys,
					       n ? n : 200000);
		syncmap_core_exit();
		return ret;
	}

	for (wi = 0; wi < ARRAY_SIZE(workloads); wi++) {
		const struct workload *w = &workloads[wi];

		if (!listed(wlist, w->name))
			continue;
		for (ii = 0; ii < ARRAY_SIZE(impls); ii++) {
			const struct bench_impl *im = impls[ii];
			const char *t;

			if (!listed(ilist, im->name))
				continue;
			if (callgrind) {
				callgrind_one(im, w, n ? n : 100000);
				continue;
			}
			for (t = tlist; t && *t; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL) {
				int threads = atoi(t);

				bench_one(im, w, threads,
					  benchtime_ms * 1000000, &res);
				printf("RESULT\t%s\t%s\t%d\t%llu\t%.2f\t%lu\n",
				       w->name, im->name, threads,
				       (unsigned long long)res.n,
				       (double)res.ns / res.n, res.errors);
				if (im == &bench_syncmap_merge)
					fprintf(stderr, "MERGE\t%s\t%d\tmerges=%llu\tcopied=%llu\tread_len=%llu\tnew_keys_len=%llu\tnew_key_hits=%llu\tread_misses=%llu\n",
						w->name, threads,
						(unsigned long long)res.stats.promotions,
						(unsigned long long)res.stats.rebuild_copied,
						(unsigned long long)res.stats.read_len,
						(unsigned long long)res.stats.dirty_len,
						(unsigned long long)res.stats.dirty_hits,
						(unsigned long long)res.stats.read_misses);
				if (im == &bench_syncmap)
					printf("COUNTERS\t%s\t%d\tpromotions=%llu\trebuilds=%llu\tcopied=%llu\tlock_hold_max_ns=%llu\n",
					       w->name, threads,
					       (unsigned long long)res.stats.promotions,
					       (unsigned long long)res.stats.dirty_rebuilds,
					       (unsigned long long)res.stats.rebuild_copied,
					       (unsigned long long)res.stats.lock_hold_max_ns);
			}
		}
	}
	syncmap_core_exit();
	return 0;
}
