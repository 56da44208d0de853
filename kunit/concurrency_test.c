// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_concurrency_test: Go's concurrent Range and concurrent Clear
 * tests with kthreads, loads whose slow path runs in softirq (from a
 * timer) while process context takes the same lock, and a check that
 * everything a map allocated is returned.  Run under lockdep and KASAN,
 * each case on a map of each engine.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/timer.h>

#include "map.h"
#include "syncmap.h"
#include "table.h"
#include "test_map.h"

MODULE_IMPORT_NS(SYNCMAP_TESTING);

#define NKEYS	1024
#define WRITERS	2

static int store_u64(struct syncmap *map, u64 key, u64 value)
{
	return syncmap_store(map, &key, sizeof(key), &value, sizeof(value));
}

struct writer {
	struct syncmap *map;
	struct task_struct *task;
	struct rnd_state rnd;
	bool clearing;
	bool must_find;		/* every key 1..NKEYS stays stored */
	unsigned long ops;
	int errors;
};

/*
 * Go's TestConcurrentRange writer: store a multiple of a key with
 * probability 1/1024, load it otherwise.
 */
static int writer_fn(void *arg)
{
	struct writer *w = arg;
	u64 key, value;
	u32 len;
	int ret;

	while (!kthread_should_stop()) {
		key = 1 + prandom_u32_state(&w->rnd) % NKEYS;
		if (w->clearing || prandom_u32_state(&w->rnd) % NKEYS == 0) {
			ret = store_u64(w->map, key,
					key * (1 + prandom_u32_state(&w->rnd) % 64));
		} else {
			ret = syncmap_load(w->map, &key, sizeof(key), &value,
					   sizeof(value), &len);
			if (ret == 1 && (len != sizeof(value) || value % key))
				ret = -EBADMSG;
			if (!ret && w->must_find)
				ret = -ENOENT;
		}
		if (ret < 0)
			w->errors++;
		WRITE_ONCE(w->ops, w->ops + 1);
		cond_resched();
	}
	return 0;
}

static void start_writers(struct kunit *test, struct writer *w,
			  struct syncmap *map, bool clearing)
{
	int i;

	for (i = 0; i < WRITERS; i++) {
		w[i].map = map;
		w[i].clearing = clearing;
		prandom_seed_state(&w[i].rnd, i + 1);
		w[i].task = kthread_run(writer_fn, &w[i], "syncmap-w%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(w[i].task));
	}
}

/* Let every writer run before the test goes on: they must overlap it. */
static void wait_writers_running(struct writer *w)
{
	int i, tries;

	for (i = 0; i < WRITERS; i++)
		for (tries = 0; !READ_ONCE(w[i].ops) && tries < 1000; tries++)
			usleep_range(100, 200);
}

static void stop_writers(struct kunit *test, struct writer *w)
{
	int i;

	for (i = 0; i < WRITERS; i++) {
		kthread_stop(w[i].task);
		KUNIT_EXPECT_EQ(test, 0, w[i].errors);
		KUNIT_EXPECT_GT(test, w[i].ops, 0UL);
	}
}

struct seen {
	unsigned long *bits;
	int dups;
	int bad;
};

static int check_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	struct seen *s = arg;
	u64 k, v;

	if (key_len != sizeof(k) || value_len != sizeof(v)) {
		s->bad++;
		return 0;
	}
	memcpy(&k, key, sizeof(k));
	memcpy(&v, value, sizeof(v));
	if (!k || k > NKEYS || v % k)
		s->bad++;
	else if (__test_and_set_bit(k - 1, s->bits))
		s->dups++;
	return 0;
}

SYNCMAP_TEST_ENGINE_PARAMS();

/* Go's TestConcurrentRange. */
static void concurrent_range(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	struct writer w[WRITERS] = {};
	struct seen s = {};
	int i, round;

	s.bits = kunit_kzalloc(test, BITS_TO_LONGS(NKEYS) * sizeof(long),
			       GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s.bits);
	for (i = 1; i <= NKEYS; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i));

	start_writers(test, w, map, false);
	wait_writers_running(w);
	for (round = 0; round < 16; round++) {
		bitmap_zero(s.bits, NKEYS);
		KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, check_fn, &s));
		KUNIT_EXPECT_EQ(test, NKEYS, bitmap_weight(s.bits, NKEYS));
	}
	stop_writers(test, w);
	KUNIT_EXPECT_EQ(test, 0, s.dups);
	KUNIT_EXPECT_EQ(test, 0, s.bad);
	KUNIT_EXPECT_EQ(test, (u64)NKEYS, syncmap_len(map));
}

static int count_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	++*(int *)arg;
	return 0;
}

/* Go's TestConcurrentClear: Clear racing with Store and Load. */
static void concurrent_clear(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	struct writer w[WRITERS] = {};
	struct syncmap_stats st;
	int round, n = 0;

	start_writers(test, w, map, true);
	wait_writers_running(w);
	for (round = 0; round < 50; round++) {
		KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
		usleep_range(100, 200);
	}
	stop_writers(test, w);
	KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, count_fn, &n));
	KUNIT_EXPECT_EQ(test, 0, n);
	KUNIT_EXPECT_EQ(test, 0ULL, syncmap_len(map));
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_GE(test, st.clears, 1ULL);
}

struct softirq_loader {
	struct timer_list timer;
	struct syncmap *map;
	struct completion done;
	int runs;
	int found;
};

static void softirq_load_fn(struct timer_list *t)
{
	struct softirq_loader *l = from_timer(l, t, timer);
	u64 key, value;
	u32 len;
	int i;

	/* A missing key with the read table amended: the locked slow path. */
	for (i = 0; i < 32; i++) {
		key = NKEYS + 1 + i;
		if (syncmap_load(l->map, &key, sizeof(key), &value,
				 sizeof(value), &len) == 1)
			l->found++;
		key = 1 + i;
		if (syncmap_load(l->map, &key, sizeof(key), &value,
				 sizeof(value), &len) == 1)
			l->found++;
	}
	if (--l->runs > 0)
		mod_timer(&l->timer, jiffies + 1);
	else
		complete(&l->done);
}

/* The slow path taken from softirq while process context holds the lock. */
static void softirq_loads(struct kunit *test)
{
	struct softirq_loader l = {
		.map = syncmap_test_engine_map(test, NULL),
		.runs = 20,
	};
	struct syncmap_stats st;
	u64 i = 1;

	init_completion(&l.done);
	timer_setup_on_stack(&l.timer, softirq_load_fn, 0);
	KUNIT_ASSERT_EQ(test, 0, store_u64(l.map, 1, 1));
	mod_timer(&l.timer, jiffies + 1);
	/* New keys keep the read table amended and take the lock too. */
	while (!completion_done(&l.done)) {
		KUNIT_EXPECT_EQ(test, 0, store_u64(l.map, 2 * NKEYS + i, i));
		i++;
		cond_resched();
	}
	wait_for_completion(&l.done);
	del_timer_sync(&l.timer);
	destroy_timer_on_stack(&l.timer);
	syncmap_get_stats(l.map, &st);
	KUNIT_EXPECT_GE(test, st.loads, 20ULL * 64);
	KUNIT_EXPECT_GE(test, st.misses + st.promotions, 1ULL);
}

/* Everything a map allocated comes back: counters and frees. */
static void frees_everything(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	struct syncmap_stats empty, st;
	u64 i;

	syncmap_get_stats(map, &empty);
	for (i = 0; i < 2000; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i));
	for (i = 0; i < 2000; i += 2)
		KUNIT_ASSERT_EQ(test, 1, syncmap_delete(map, &i, sizeof(i)));
	for (i = 2000; i < 2100; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i));
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1100ULL, st.len);
	KUNIT_EXPECT_GT(test, st.bytes, empty.bytes);

	KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 0ULL, st.len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.entries);
	/* Left: the empty read and dirty tables and the epoch. */
	KUNIT_EXPECT_LT(test, st.bytes, 1024ULL);
}

/*
 * A hash flood while loads and stores run: keys colliding under the map's
 * jhash() make it switch to hsiphash() under the writers, whose loads
 * must find every key all along.
 */
static void flood_under_load(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	const unsigned int n = SYNCMAP_PROBE_MAX + 64;
	struct writer w[WRITERS] = {};
	unsigned int i;
	u64 *keys, v;
	u32 len;

	keys = kunit_kcalloc(test, n, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	syncmap_test_colliding_keys(map, keys, n, NKEYS + 1);
	for (i = 1; i <= NKEYS; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i));
	for (i = 0; i < WRITERS; i++)
		w[i].must_find = true;

	start_writers(test, w, map, false);
	wait_writers_running(w);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, keys[i], keys[i]));
	stop_writers(test, w);

	/* A merge map switches when it next merges: make it merge now. */
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		KUNIT_EXPECT_EQ(test, 0, syncmap_compact(map));
	KUNIT_EXPECT_TRUE(test, map->secure);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, &keys[i], 8, &v,
						      sizeof(v), &len));
		KUNIT_EXPECT_EQ(test, keys[i], v);
	}
	KUNIT_EXPECT_EQ(test, (u64)(NKEYS + n), syncmap_len(map));
}

static struct kunit_case syncmap_concurrency_cases[] = {
	KUNIT_CASE_PARAM(concurrent_range, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(concurrent_clear, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(softirq_loads, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(frees_everything, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(flood_under_load, syncmap_engine_gen_params),
	{}
};

static struct kunit_suite syncmap_concurrency_suite = {
	.name = "syncmap_concurrency_test",
	.test_cases = syncmap_concurrency_cases,
};

kunit_test_suite(syncmap_concurrency_suite);
