// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace shim's runtime: warnings and context checks, allocation
 * (with the failure switch and leak counts), fake CPUs and per-CPU
 * counters, workqueues, SipHash and random bytes.  RCU itself is in
 * rcu-urcu.c or rcu-c11.c.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <linux/kernel.h>
#include <linux/percpu_counter.h>
#include <linux/rcupdate.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <shim.h>

__thread struct shim_thread shim_thread = { .cpu = -1 };
__thread struct mem_cgroup *shim_active_memcg;
struct task_struct shim_current_task;

/* ---- Warnings ---------------------------------------------------------- */

#define SHIM_WARN_PRINT_MAX	20

static unsigned long warnings;

static void report(const char *kind, const char *file, int line,
		   const char *what)
{
	unsigned long n = __atomic_add_fetch(&warnings, 1, __ATOMIC_RELAXED);

	if (n <= SHIM_WARN_PRINT_MAX)
		fprintf(stderr, "%s: %s:%d: %s\n", kind, file, line, what);
	if (n == SHIM_WARN_PRINT_MAX)
		fprintf(stderr, "shim: further warnings are only counted\n");
}

void shim_warn(const char *file, int line, const char *what)
{
	report("WARNING", file, line, what);
}

void shim_rcu_warn(const char *file, int line, const char *what)
{
	report("WARNING: suspicious RCU usage", file, line, what);
}

void shim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, what);
	abort();
}

void shim_might_sleep(const char *file, int line)
{
	if (shim_thread.atomic_depth > 0)
		report("BUG: sleeping function called from invalid context",
		       file, line, "a spinlock is held (or in an RCU callback)");
	else if (shim_thread.rcu_nesting > 0)
		report("BUG: sleeping function called from invalid context",
		       file, line, "inside rcu_read_lock()");
}

unsigned long shim_warnings(void)
{
	return __atomic_load_n(&warnings, __ATOMIC_RELAXED);
}

/* ---- Allocation -------------------------------------------------------- */

static int fail_nth;
static long live, live_bytes;

void shim_fail_alloc_nth(int nth)
{
	__atomic_store_n(&fail_nth, nth, __ATOMIC_RELAXED);
}

static bool should_fail(void)
{
	int nth = __atomic_load_n(&fail_nth, __ATOMIC_RELAXED);

	while (nth > 0) {
		if (__atomic_compare_exchange_n(&fail_nth, &nth, nth - 1, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return nth == 1;
	}
	return false;
}

long shim_alloc_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

long shim_alloc_live_bytes(void)
{
	return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

/*
 * Each allocation has a header in front of it: debug builds keep its size
 * there, for the counts, and its last 16 bytes are the rcu_head of the
 * headless kvfree_rcu_mightsleep() (the kernel keeps such pointers in
 * pages of its own).  Allocations of ALIGN_FROM bytes and more are aligned to a cache line, as
 * the kernel's kmalloc() caches of those sizes and vmalloc() align them,
 * so that ____cacheline_aligned members (the map's, a table's) are
 * aligned here too (UBSan checks it).  Smaller ones come from malloc(),
 * which posix_memalign() would slow down several times.
 *
 * The benchmark's build (no SHIM_DEBUG) aligns by hand instead: glibc's
 * posix_memalign() splits a chunk and frees its head, about 1,000
 * instructions for a 128-byte table, where the kernel's kmalloc-128 is a
 * slab allocation like any other; so an over-allocation, aligned, with
 * malloc()'s address kept in the header (word 1) for the free.  The
 * debug builds keep posix_memalign(), whose bounds ASan checks exactly.
 */
#define ALIGN_TO	64
#define ALIGN_FROM	128
#define HDR	ALIGN_TO

static char *shim_alloc_aligned(size_t size, gfp_t gfp)
{
	char *base, *p;

	if (SHIM_DEBUG) {
		if (posix_memalign((void **)&p, ALIGN_TO, size))
			return NULL;
		if (gfp & __GFP_ZERO)
			memset(p, 0, size);
		return p;
	}
	base = malloc(size + ALIGN_TO - 1);
	if (!base)
		return NULL;
	p = base + (-(uintptr_t)base & (ALIGN_TO - 1));
	if (gfp & __GFP_ZERO)
		memset(p, 0, size);
	((char **)p)[1] = base;
	return p;
}

void *shim_alloc(size_t size, gfp_t gfp, const char *file, int line)
{
	char *p;

	if (gfp & __GFP_DIRECT_RECLAIM)
		shim_might_sleep(file, line);
	if (should_fail() || size > SIZE_MAX - 128)
		return NULL;
	if (size < ALIGN_FROM) {
		p = gfp & __GFP_ZERO ? calloc(1, size + HDR) :
				       malloc(size + HDR);
		if (!SHIM_DEBUG && p)
			((char **)p)[1] = p;
	} else {
		p = shim_alloc_aligned(size + HDR, gfp);
	}
	if (!p)
		return NULL;
	if (SHIM_DEBUG) {
		*(size_t *)p = size;
		__atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&live_bytes, size, __ATOMIC_RELAXED);
	}
	return p + HDR;
}

void shim_free(const void *ptr)
{
	char *p = (char *)ptr;

	if (!p)
		return;
	p -= HDR;
	if (SHIM_DEBUG) {
		__atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&live_bytes, *(size_t *)p, __ATOMIC_RELAXED);
	}
	free(SHIM_DEBUG ? p : ((char **)p)[1]);
}

static void kvfree_rcu_headless(struct rcu_head *head)
{
	shim_free(head + 1);
}

void shim_kvfree_rcu_headless(const void *ptr)
{
	struct rcu_head *head = (struct rcu_head *)ptr - 1;

	static_assert(HDR >= 2 * sizeof(size_t) + sizeof(struct rcu_head),
		      "no room for a headless kvfree_rcu()'s rcu_head");
	if (ptr)
		call_rcu(head, kvfree_rcu_headless);
}

/* kvfree_rcu(): one callback per offset of the rcu_head, in words. */
#define KVFREE_FN(n)							\
static void kvfree_rcu_##n(struct rcu_head *head)			\
{									\
	shim_free((char *)head - (n) * sizeof(long));			\
}
#define KVFREE_FN8(n)							\
	KVFREE_FN(n##0) KVFREE_FN(n##1) KVFREE_FN(n##2) KVFREE_FN(n##3)	\
	KVFREE_FN(n##4) KVFREE_FN(n##5) KVFREE_FN(n##6) KVFREE_FN(n##7)
KVFREE_FN8(0) KVFREE_FN8(1) KVFREE_FN8(2) KVFREE_FN8(3)
KVFREE_FN8(4) KVFREE_FN8(5) KVFREE_FN8(6) KVFREE_FN8(7)

#define KVFREE_REF8(n)							\
	kvfree_rcu_##n##0, kvfree_rcu_##n##1, kvfree_rcu_##n##2,	\
	kvfree_rcu_##n##3, kvfree_rcu_##n##4, kvfree_rcu_##n##5,	\
	kvfree_rcu_##n##6, kvfree_rcu_##n##7
/* Octal names: kvfree_rcu_NM frees at word offset 8 * N + M. */
const rcu_callback_t shim_kvfree_rcu_fn[SHIM_KVFREE_RCU_OFFSETS] = {
	KVFREE_REF8(0), KVFREE_REF8(1), KVFREE_REF8(2), KVFREE_REF8(3),
	KVFREE_REF8(4), KVFREE_REF8(5), KVFREE_REF8(6), KVFREE_REF8(7),
};

/* ---- Fake CPUs and per-CPU data ---------------------------------------- */

static pthread_mutex_t cpu_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static pthread_key_t cpu_key;
static bool cpu_taken[SHIM_NR_CPUS];
static int nr_cpu_ids;

static void cpu_release(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cpu_lock);
	cpu_taken[shim_thread.cpu] = false;
	pthread_mutex_unlock(&cpu_lock);
	shim_thread.cpu = -1;
}

static void cpu_key_create(void)
{
	pthread_key_create(&cpu_key, cpu_release);
}

int shim_cpu_claim(void)
{
	int cpu;

	pthread_once(&cpu_once, cpu_key_create);
	pthread_mutex_lock(&cpu_lock);
	for (cpu = 0; cpu < SHIM_NR_CPUS && cpu_taken[cpu]; cpu++)
		;
	if (cpu == SHIM_NR_CPUS)
		shim_bug(__FILE__, __LINE__, "more live threads than SHIM_NR_CPUS");
	cpu_taken[cpu] = true;
	if (cpu >= nr_cpu_ids)
		__atomic_store_n(&nr_cpu_ids, cpu + 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&cpu_lock);
	shim_thread.cpu = cpu;
	/* Released when the thread exits; the copies keep their counts. */
	pthread_setspecific(cpu_key, &shim_thread);
	return cpu;
}

int shim_nr_cpu_ids(void)
{
	return __atomic_load_n(&nr_cpu_ids, __ATOMIC_RELAXED);
}

void *shim_alloc_percpu(size_t size, gfp_t gfp)
{
	(void)size;
	return shim_alloc((size_t)SHIM_NR_CPUS * SHIM_PCPU_STRIDE,
			  gfp | __GFP_ZERO, __FILE__, __LINE__);
}

void shim_free_percpu(void *p)
{
	shim_free(p);
}

int percpu_counter_init(struct percpu_counter *fbc, s64 amount, gfp_t gfp)
{
	fbc->counters = alloc_percpu_gfp(s32, gfp);
	if (!fbc->counters)
		return -ENOMEM;
	pthread_mutex_init(&fbc->lock, NULL);
	fbc->count = amount;
	return 0;
}

void percpu_counter_destroy(struct percpu_counter *fbc)
{
	free_percpu(fbc->counters);
	fbc->counters = NULL;
	pthread_mutex_destroy(&fbc->lock);
}

void percpu_counter_add_batch(struct percpu_counter *fbc, s64 amount,
			      s32 batch)
{
	s32 *mine = this_cpu_ptr(fbc->counters);
	s64 count = __atomic_load_n(mine, __ATOMIC_RELAXED) + amount;

	if (count >= batch || count <= -batch) {
		pthread_mutex_lock(&fbc->lock);
		__atomic_store_n(&fbc->count, fbc->count + count,
				 __ATOMIC_RELAXED);
		__atomic_store_n(mine, 0, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&fbc->lock);
	} else {
		__atomic_store_n(mine, (s32)count, __ATOMIC_RELAXED);
	}
}

s64 __percpu_counter_sum(struct percpu_counter *fbc)
{
	s64 ret;
	int cpu;

	pthread_mutex_lock(&fbc->lock);
	ret = fbc->count;
	for_each_possible_cpu(cpu)
		ret += __atomic_load_n(per_cpu_ptr(fbc->counters, cpu),
				       __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fbc->lock);
	return ret;
}

int __percpu_counter_compare(struct percpu_counter *fbc, s64 rhs, s32 batch)
{
	s64 count = percpu_counter_read(fbc);

	/* Far enough from @rhs that the per-CPU deltas cannot matter? */
	if (count - rhs > (s64)batch * num_online_cpus())
		return 1;
	if (rhs - count > (s64)batch * num_online_cpus())
		return -1;
	count = __percpu_counter_sum(fbc);
	return count > rhs ? 1 : count < rhs ? -1 : 0;
}

/* ---- Polled grace periods (rcupdate.h) -------------------------------- */

unsigned long shim_gp_begun, shim_gp_done;

/* ---- Workqueues -------------------------------------------------------- */

struct workqueue_struct {
	pthread_mutex_t lock;
	pthread_cond_t more, done_cond;
	struct work_struct *head, **tail;
	struct work_struct *running;
	unsigned long queued, done;
	bool stop;
	pthread_t thread;
};

static void *worker(void *arg)
{
	struct workqueue_struct *wq = arg;
	struct work_struct *w;

	pthread_mutex_lock(&wq->lock);
	for (;;) {
		while (!wq->head && !wq->stop)
			pthread_cond_wait(&wq->more, &wq->lock);
		w = wq->head;
		if (!w)
			break;
		wq->head = w->next;
		if (!wq->head)
			wq->tail = &wq->head;
		/* It may be queued again as it runs; work_pending() reads it. */
		__atomic_store_n(&w->pending, false, __ATOMIC_RELEASE);
		wq->running = w;
		pthread_mutex_unlock(&wq->lock);
		w->func(w);
		pthread_mutex_lock(&wq->lock);
		wq->running = NULL;
		wq->done++;
		pthread_cond_broadcast(&wq->done_cond);
	}
	pthread_mutex_unlock(&wq->lock);
	shim_thread_offline();
	return NULL;
}

struct workqueue_struct *shim_alloc_workqueue(const char *name)
{
	struct workqueue_struct *wq = calloc(1, sizeof(*wq));

	(void)name;
	if (!wq)
		return NULL;
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->more, NULL);
	pthread_cond_init(&wq->done_cond, NULL);
	wq->tail = &wq->head;
	if (pthread_create(&wq->thread, NULL, worker, wq)) {
		free(wq);
		return NULL;
	}
	return wq;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	pthread_mutex_lock(&wq->lock);
	if (work->pending || work->canceling) {
		pthread_mutex_unlock(&wq->lock);
		return false;
	}
	__atomic_store_n(&work->pending, true, __ATOMIC_RELEASE);
	/* Read without the lock by cancel_work_sync(). */
	__atomic_store_n(&work->wq, wq, __ATOMIC_RELEASE);
	work->next = NULL;
	*wq->tail = work;
	wq->tail = &work->next;
	wq->queued++;
	pthread_cond_signal(&wq->more);
	pthread_mutex_unlock(&wq->lock);
	return true;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	unsigned long target;

	might_sleep();
	pthread_mutex_lock(&wq->lock);
	target = wq->queued;
	while (wq->done < target)
		pthread_cond_wait(&wq->done_cond, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
}

bool cancel_work_sync(struct work_struct *work)
{
	struct workqueue_struct *wq = __atomic_load_n(&work->wq,
						      __ATOMIC_ACQUIRE);
	struct work_struct **pp;
	bool was = false;

	might_sleep();
	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	/* As the kernel's: a work that queues itself again stays cancelled. */
	work->canceling = true;
	if (work->pending) {
		for (pp = &wq->head; *pp != work; pp = &(*pp)->next)
			;
		*pp = work->next;
		if (wq->tail == &work->next)
			wq->tail = pp;
		__atomic_store_n(&work->pending, false, __ATOMIC_RELEASE);
		/* Counted as done, for flush_workqueue()'s arithmetic. */
		wq->done++;
		pthread_cond_broadcast(&wq->done_cond);
		was = true;
	}
	while (wq->running == work)
		pthread_cond_wait(&wq->done_cond, &wq->lock);
	work->canceling = false;
	pthread_mutex_unlock(&wq->lock);
	return was;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	flush_workqueue(wq);
	pthread_mutex_lock(&wq->lock);
	wq->stop = true;
	pthread_cond_signal(&wq->more);
	pthread_mutex_unlock(&wq->lock);
	pthread_join(wq->thread, NULL);
	pthread_cond_destroy(&wq->more);
	pthread_cond_destroy(&wq->done_cond);
	pthread_mutex_destroy(&wq->lock);
	free(wq);
}

/* ---- SipHash-2-4 ------------------------------------------------------- */

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

u64 siphash(const void *data, size_t len, const siphash_key_t *key)
{
	u64 v0 = 0x736f6d6570736575ULL ^ key->key[0];
	u64 v1 = 0x646f72616e646f6dULL ^ key->key[1];
	u64 v2 = 0x6c7967656e657261ULL ^ key->key[0];
	u64 v3 = 0x7465646279746573ULL ^ key->key[1];
	const u8 *p = data, *end = p + (len & ~(size_t)7);
	u64 b = (u64)len << 56, m;
	unsigned int left = len & 7;

	for (; p != end; p += 8) {
		memcpy(&m, p, 8);	/* little-endian hosts only, as here */
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	switch (left) {
	case 7: b |= (u64)p[6] << 48; /* fall through */
	case 6: b |= (u64)p[5] << 40; /* fall through */
	case 5: b |= (u64)p[4] << 32; /* fall through */
	case 4: b |= (u64)p[3] << 24; /* fall through */
	case 3: b |= (u64)p[2] << 16; /* fall through */
	case 2: b |= (u64)p[1] << 8;  /* fall through */
	case 1: b |= (u64)p[0];
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return (v0 ^ v1) ^ (v2 ^ v3);
}

/* ---- hsiphash: SipHash-1-3 on 64-bit, as lib/siphash.c ---------------- */

#define HPREAMBLE(len)							\
	u64 v0 = 0x736f6d6570736575ULL ^ key->key[0];			\
	u64 v1 = 0x646f72616e646f6dULL ^ key->key[1];			\
	u64 v2 = 0x6c7967656e657261ULL ^ key->key[0];			\
	u64 v3 = 0x7465646279746573ULL ^ key->key[1];			\
	u64 b = ((u64)(len)) << 56

#define HPOSTAMBLE							\
	v3 ^= b;							\
	SIPROUND;							\
	v0 ^= b;							\
	v2 ^= 0xff;							\
	SIPROUND;							\
	SIPROUND;							\
	SIPROUND;							\
	return (v0 ^ v1) ^ (v2 ^ v3)

u32 __hsiphash_unaligned(const void *data, size_t len,
			 const hsiphash_key_t *key)
{
	const u8 *p = data, *end = p + (len & ~(size_t)7);
	unsigned int left = len & 7;
	u64 m;
	HPREAMBLE(len);

	for (; p != end; p += 8) {
		memcpy(&m, p, 8);	/* little-endian hosts only, as here */
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	switch (left) {
	case 7: b |= (u64)p[6] << 48; /* fall through */
	case 6: b |= (u64)p[5] << 40; /* fall through */
	case 5: b |= (u64)p[4] << 32; /* fall through */
	case 4: b |= (u64)p[3] << 24; /* fall through */
	case 3: b |= (u64)p[2] << 16; /* fall through */
	case 2: b |= (u64)p[1] << 8;  /* fall through */
	case 1: b |= (u64)p[0];
	}
	HPOSTAMBLE;
}

u32 hsiphash_1u32(const u32 first, const hsiphash_key_t *key)
{
	HPREAMBLE(4);
	b |= first;
	HPOSTAMBLE;
}

u32 hsiphash_2u32(const u32 first, const u32 second,
		  const hsiphash_key_t *key)
{
	u64 combined = (u64)second << 32 | first;
	HPREAMBLE(8);
	v3 ^= combined;
	SIPROUND;
	v0 ^= combined;
	HPOSTAMBLE;
}

u32 hsiphash_3u32(const u32 first, const u32 second, const u32 third,
		  const hsiphash_key_t *key)
{
	u64 combined = (u64)second << 32 | first;
	HPREAMBLE(12);
	v3 ^= combined;
	SIPROUND;
	v0 ^= combined;
	b |= third;
	HPOSTAMBLE;
}

u32 hsiphash_4u32(const u32 first, const u32 second, const u32 third,
		  const u32 forth, const hsiphash_key_t *key)
{
	u64 combined = (u64)second << 32 | first;
	HPREAMBLE(16);
	v3 ^= combined;
	SIPROUND;
	v0 ^= combined;
	combined = (u64)forth << 32 | third;
	v3 ^= combined;
	SIPROUND;
	v0 ^= combined;
	HPOSTAMBLE;
}

/* ---- Random bytes: splitmix64, seeded from the system unless told ------ */

static u64 rnd_state;
static pthread_once_t rnd_once = PTHREAD_ONCE_INIT;

static void rnd_init(void)
{
	u64 seed;

	if (!__atomic_load_n(&rnd_state, __ATOMIC_RELAXED) &&
	    getrandom(&seed, sizeof(seed), 0) == sizeof(seed))
		__atomic_store_n(&rnd_state, seed, __ATOMIC_RELAXED);
}

void shim_random_seed(u64 seed)
{
	__atomic_store_n(&rnd_state, seed ? seed : 1, __ATOMIC_RELAXED);
}

u64 get_random_u64(void)
{
	u64 z;

	pthread_once(&rnd_once, rnd_init);
	z = __atomic_add_fetch(&rnd_state, 0x9e3779b97f4a7c15ULL,
			       __ATOMIC_RELAXED);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u32 get_random_u32(void)
{
	return (u32)get_random_u64();
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;
	u64 r;

	while (len) {
		size_t n = len < 8 ? len : 8;

		r = get_random_u64();
		memcpy(p, &r, n);
		p += n;
		len -= n;
	}
}
