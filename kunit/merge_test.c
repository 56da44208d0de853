// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_merge_test: the merge engine's own behaviour (kmod/engine_merge.c)
 * beyond the results every engine shares (ops_test, model_test and
 * concurrency_test run on both): new keys wait in the new-keys tables and
 * are merged off the callers' path; walks merge first; merges drop deleted
 * entries; its counters (docs/counters.md); linearizable loads while
 * merges run under them.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "map.h"
#include "syncmap.h"
#include "table.h"
#include "test_map.h"

MODULE_IMPORT_NS(SYNCMAP_TESTING);

static struct syncmap *merge_map(struct kunit *test)
{
	struct syncmap_params params = { .engine = SYNCMAP_ENGINE_MERGE };

	return syncmap_test_map(test, &params);
}

static int store_u64(struct syncmap *map, u64 key, u64 value)
{
	return syncmap_store(map, &key, sizeof(key), &value, sizeof(value));
}

static int load_u64(struct syncmap *map, u64 key, u64 *value)
{
	u32 len;

	return syncmap_load(map, &key, sizeof(key), value, sizeof(*value),
			    &len);
}

static void create_checks_engine(struct kunit *test)
{
	struct syncmap_params params = { .engine = SYNCMAP_ENGINE_NR };
	struct syncmap *map;

	map = syncmap_create(&params);
	KUNIT_EXPECT_TRUE(test, IS_ERR(map));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(map));
	map = merge_map(test);
	KUNIT_EXPECT_STREQ(test, "merge", syncmap_engine_name(map));
	KUNIT_EXPECT_EQ(test, (u32)SYNCMAP_ENGINE_MERGE, map->engine);
}

/* A few new keys stay in the new-keys tables, found without a merge. */
static void new_keys_wait(struct kunit *test)
{
	struct syncmap *map = merge_map(test);
	struct syncmap_stats st;
	u64 i, v;

	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i * 10));
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 0ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 5ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 1ULL, st.amended);
	KUNIT_EXPECT_EQ(test, 5ULL, st.new_keys);
	KUNIT_EXPECT_EQ(test, 0ULL, st.promotions);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, 1, load_u64(map, i, &v));
		KUNIT_EXPECT_EQ(test, i * 10, v);
	}
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 5ULL, st.dirty_hits);
	KUNIT_EXPECT_EQ(test, 5ULL, st.len);
}

/* Many new keys: merges run in the workqueue, and every key stays. */
static void merges_off_path(struct kunit *test)
{
	struct syncmap *map = merge_map(test);
	struct syncmap_stats st;
	u64 i, v, due;

	for (i = 0; i < 4000; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, ~i));
	/* Flushes the core's workqueue, where merges run. */
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_GE(test, st.promotions_misses, 1ULL);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_rebuilds);
	KUNIT_EXPECT_EQ(test, 4000ULL, st.new_keys);
	KUNIT_EXPECT_GE(test, st.rebuild_copied, 4000ULL - st.dirty_len);
	/* Merged as due: the new-keys tables hold at most half of read (256). */
	due = max_t(u64, st.read_len / 2, 256);
	KUNIT_EXPECT_LE(test, st.dirty_len, due);
	KUNIT_EXPECT_EQ(test, 4000ULL, st.read_len + st.dirty_len);
	for (i = 0; i < 4000; i++) {
		KUNIT_EXPECT_EQ(test, 1, load_u64(map, i, &v));
		KUNIT_EXPECT_EQ(test, ~i, v);
	}
	KUNIT_EXPECT_EQ(test, 4000ULL, syncmap_len(map));
}

static int count_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	++*(int *)arg;
	return 0;
}

/*
 * Range walks the new-keys tables beside the read table, without a
 * merge; a resumable walk merges first.  Both offer every key once.
 */
static void walks(struct kunit *test)
{
	struct syncmap *map = merge_map(test);
	struct syncmap_iter iter;
	struct syncmap_stats st;
	int n = 0;
	u64 i;

	for (i = 0; i < 7; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i));
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, count_fn, &n));
	KUNIT_EXPECT_EQ(test, 7, n);
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 0ULL, st.promotions);
	KUNIT_EXPECT_EQ(test, 7ULL, st.dirty_len);

	n = 0;
	syncmap_iter_start(map, &iter);
	KUNIT_EXPECT_EQ(test, 0, syncmap_iter_next(&iter, count_fn, &n));
	syncmap_iter_stop(&iter);
	KUNIT_EXPECT_EQ(test, 7, n);
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions_range);
	KUNIT_EXPECT_EQ(test, 7ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.amended);

	/* Merged but not cut yet, and a new key: still each key once. */
	KUNIT_ASSERT_EQ(test, 0, store_u64(map, 7, 7));
	n = 0;
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, count_fn, &n));
	KUNIT_EXPECT_EQ(test, 8, n);
	/*
	 * Nothing new to merge but the one key: the next walk sees it in
	 * the read table, merged by the walk itself or, if the workqueue
	 * came first, by the worker (counted as a promotion by misses).
	 */
	n = 0;
	syncmap_iter_start(map, &iter);
	KUNIT_EXPECT_EQ(test, 0, syncmap_iter_next(&iter, count_fn, &n));
	syncmap_iter_stop(&iter);
	KUNIT_EXPECT_EQ(test, 8, n);
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 8ULL, st.read_len);
	KUNIT_EXPECT_GE(test, st.promotions_range, 1ULL);
	KUNIT_EXPECT_EQ(test, 2ULL, st.promotions);
}

/*
 * Deletes leave tombstones; a merge drops them (expunges), and a key
 * stored again after that gets a new entry in the new-keys tables.
 */
static void merge_drops_tombstones(struct kunit *test)
{
	struct syncmap *map = merge_map(test);
	struct syncmap_health h;
	struct syncmap_stats st;
	u64 i, v;

	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_EQ(test, 0, store_u64(map, i, i));
	KUNIT_ASSERT_EQ(test, 0, syncmap_compact(map));
	for (i = 0; i < 100; i += 2)
		KUNIT_ASSERT_EQ(test, 1, syncmap_delete(map, &i, sizeof(i)));
	syncmap_get_health(map, &h);
	KUNIT_EXPECT_EQ(test, 50ULL, h.live);
	KUNIT_EXPECT_EQ(test, 50ULL, h.read_stale);
	KUNIT_EXPECT_EQ(test, 100ULL, h.read_len);

	KUNIT_ASSERT_EQ(test, 0, syncmap_compact(map));
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 50ULL, st.entries);
	KUNIT_EXPECT_EQ(test, 50ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 50ULL, st.rebuild_expunged);
	KUNIT_EXPECT_EQ(test, 2ULL, st.compactions);
	KUNIT_EXPECT_EQ(test, 0, load_u64(map, 0, &v));

	/* Stored again: a new key as far as the engine is concerned. */
	KUNIT_ASSERT_EQ(test, 0, store_u64(map, 0, 42));
	KUNIT_EXPECT_EQ(test, 1, load_u64(map, 0, &v));
	KUNIT_EXPECT_EQ(test, 42ULL, v);
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 101ULL, st.new_keys);
	KUNIT_EXPECT_EQ(test, 51ULL, syncmap_len(map));
}

/* max_entries counts entries alive, tombstones too, until merged away. */
static void merge_limits(struct kunit *test)
{
	struct syncmap_params params = {
		.engine = SYNCMAP_ENGINE_MERGE,
		.max_entries = 2,
	};
	struct syncmap *map = syncmap_test_map(test, &params);
	struct syncmap_stats before, after;
	u64 v;

	KUNIT_ASSERT_EQ(test, 0, store_u64(map, 1, 1));
	KUNIT_ASSERT_EQ(test, 0, store_u64(map, 2, 2));
	syncmap_get_stats(map, &before);
	KUNIT_EXPECT_EQ(test, -ENOSPC, store_u64(map, 3, 3));
	syncmap_get_stats(map, &after);
	KUNIT_EXPECT_EQ(test, before.entries, after.entries);
	KUNIT_EXPECT_EQ(test, before.bytes, after.bytes);
	KUNIT_EXPECT_EQ(test, before.new_keys, after.new_keys);
	KUNIT_EXPECT_EQ(test, 0, load_u64(map, 3, &v));
	KUNIT_EXPECT_EQ(test, 1, syncmap_delete(map, &(u64){ 2 }, 8));
	/* The tombstone still counts... */
	KUNIT_EXPECT_EQ(test, -ENOSPC, store_u64(map, 3, 3));
	/* ...until a merge drops it. */
	KUNIT_ASSERT_EQ(test, 0, syncmap_compact(map));
	syncmap_flush_frees();
	KUNIT_EXPECT_EQ(test, 0, store_u64(map, 3, 3));
	KUNIT_EXPECT_EQ(test, 1, load_u64(map, 3, &v));
	KUNIT_EXPECT_EQ(test, 2ULL, syncmap_len(map));
}

/*
 * A failed allocation of a new value, entry or new-keys table changes
 * nothing.  Fewer keys than ask for a merge, whose allocations would take
 * the injected failures: the first key's store allocates the first
 * new-keys table too.
 */
static void chain_growth_nomem(struct kunit *test)
{
	struct syncmap *map = merge_map(test);
	struct syncmap_stats before, after;
	int failures = 0, ret, nth;
	u64 i, v;

	for (i = 0; i < 10; i++) {
		for (nth = 1;; nth++) {
			syncmap_get_stats(map, &before);
			syncmap_inject_alloc_failure(map, nth);
			ret = store_u64(map, i, i);
			syncmap_inject_alloc_failure(map, 0);
			if (ret != -ENOMEM)
				break;
			failures++;
			syncmap_get_stats(map, &after);
			KUNIT_EXPECT_EQ(test, before.len, after.len);
			KUNIT_EXPECT_EQ(test, before.entries, after.entries);
			KUNIT_EXPECT_EQ(test, before.new_keys, after.new_keys);
			KUNIT_EXPECT_EQ(test, 0, load_u64(map, i, &v));
		}
		KUNIT_ASSERT_EQ(test, 0, ret);
	}
	/* An entry holding its value each, and the first table. */
	KUNIT_EXPECT_EQ(test, 10 + 1, failures);
	KUNIT_EXPECT_EQ(test, 10ULL, syncmap_len(map));
}

#define READER_KEYS	20000

struct progress {
	struct syncmap *map;
	long stored;		/* keys 0 .. stored - 1 are in the map */
	long errors;
	unsigned long loads;
};

static int reader_fn(void *arg)
{
	struct progress *p = arg;
	long n, k;
	u64 v;

	while (!kthread_should_stop()) {
		/* Pairs with the storer's release: its keys are stored. */
		n = smp_load_acquire(&p->stored);
		if (!n) {
			cond_resched();
			continue;
		}
		/* The newest keys, which merges move, and an old one. */
		for (k = n - 1; k >= 0 && k > n - 64; k--) {
			if (load_u64(p->map, k, &v) != 1 || v != (u64)k * 3)
				p->errors++;
			p->loads++;
		}
		k = (n * 7919) % n;
		if (load_u64(p->map, k, &v) != 1 || v != (u64)k * 3)
			p->errors++;
		cond_resched();
	}
	return 0;
}

/*
 * Linearizable loads while merges run: a key whose store returned before
 * a load began is always found, whether it is in the new-keys tables, in
 * a read table being published or in one whose chain is being cut.
 */
static void loads_during_merges(struct kunit *test)
{
	struct progress p = { .map = merge_map(test) };
	struct task_struct *reader;
	struct syncmap_stats st;
	long k;

	reader = kthread_run(reader_fn, &p, "syncmap-merge-r");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	for (k = 0; k < READER_KEYS; k++) {
		KUNIT_ASSERT_EQ(test, 0, store_u64(p.map, k, k * 3));
		/* Key k's store returned: the reader may look for it. */
		smp_store_release(&p.stored, k + 1);
		if (!(k & 255))
			cond_resched();
	}
	kthread_stop(reader);
	KUNIT_EXPECT_EQ(test, 0L, p.errors);
	KUNIT_EXPECT_GT(test, p.loads, 0UL);
	syncmap_flush_frees();
	syncmap_get_stats(p.map, &st);
	KUNIT_EXPECT_GE(test, st.promotions_misses, 1ULL);
	KUNIT_EXPECT_EQ(test, (u64)READER_KEYS, syncmap_len(p.map));
}

static struct kunit_case syncmap_merge_cases[] = {
	KUNIT_CASE(create_checks_engine),
	KUNIT_CASE(new_keys_wait),
	KUNIT_CASE(merges_off_path),
	KUNIT_CASE(walks),
	KUNIT_CASE(merge_drops_tombstones),
	KUNIT_CASE(merge_limits),
	KUNIT_CASE(chain_growth_nomem),
	KUNIT_CASE_SLOW(loads_during_merges),
	{}
};

static struct kunit_suite syncmap_merge_suite = {
	.name = "syncmap_merge_test",
	.test_cases = syncmap_merge_cases,
};

kunit_test_suite(syncmap_merge_suite);
