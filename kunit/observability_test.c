// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_observability_test: the promotion policy, compaction, the health
 * checks and the counters reset (issue 5, docs/observability.md).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/sched/clock.h>
#include <linux/string.h>

#include "syncmap.h"
#include "test_map.h"
#include "map.h"

MODULE_IMPORT_NS(SYNCMAP_TESTING);

static struct syncmap_stats stats_of(struct syncmap *map)
{
	struct syncmap_stats st;

	syncmap_get_stats(map, &st);
	return st;
}

static struct syncmap_health health_of(struct syncmap *map)
{
	struct syncmap_health h;

	syncmap_get_health(map, &h);
	return h;
}

static void set_policy(struct kunit *test, struct syncmap *map, u32 mult,
		       u64 floor, u64 ceiling, u32 adaptive)
{
	struct syncmap_policy p = {
		.multiplier = mult, .floor = floor, .ceiling = ceiling,
		.adaptive = adaptive,
	};

	KUNIT_ASSERT_EQ(test, 0, syncmap_set_policy(map, &p));
}

static void store_n(struct kunit *test, struct syncmap *map, int first,
		    int n)
{
	char key[16];
	int i;

	for (i = first; i < first + n; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, key, strlen(key),
						       "v", 1));
	}
}

static void delete_n(struct kunit *test, struct syncmap *map, int first,
		     int n)
{
	char key[16];
	int i;

	for (i = first; i < first + n; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		KUNIT_ASSERT_EQ(test, 1, syncmap_delete(map, key,
							strlen(key)));
	}
}

static int load_key(struct syncmap *map, int i)
{
	char key[16], buf[4];
	u32 len;

	snprintf(key, sizeof(key), "key%d", i);
	return syncmap_load(map, key, strlen(key), buf, sizeof(buf), &len);
}

static int load_missing(struct syncmap *map)
{
	char buf[4];
	u32 len;

	return syncmap_load(map, "missing", 7, buf, sizeof(buf), &len);
}

/* Misses until the next promotion; -1 if none within @max. */
static int misses_to_promote(struct syncmap *map, int max)
{
	u64 before = stats_of(map).promotions;
	int i;

	for (i = 1; i <= max; i++) {
		load_missing(map);
		if (stats_of(map).promotions != before)
			return i;
	}
	return -1;
}

static int range_nop(void *arg, const void *key, u32 key_len,
		     const void *value, u32 value_len)
{
	return 0;
}

static void policy_default_is_go(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_policy p;

	syncmap_get_policy(map, &p);
	KUNIT_EXPECT_EQ(test, 1U, p.multiplier);
	KUNIT_EXPECT_EQ(test, 0U, p.adaptive);
	KUNIT_EXPECT_EQ(test, 0ULL, p.floor);
	KUNIT_EXPECT_EQ(test, 0ULL, p.ceiling);
	store_n(test, map, 0, 10);
	KUNIT_EXPECT_EQ(test, 10, misses_to_promote(map, 100));
	/* All zero is Go's rule too. */
	set_policy(test, map, 0, 0, 0, 0);
	store_n(test, map, 10, 1);
	KUNIT_EXPECT_EQ(test, 11, misses_to_promote(map, 100));
}

static void policy_multiplier_floor_ceiling(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_policy bad = { .multiplier = SYNCMAP_POLICY_MULT_MAX + 1 };

	KUNIT_EXPECT_EQ(test, -EINVAL, syncmap_set_policy(map, &bad));
	bad.multiplier = 1;
	bad.adaptive = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL, syncmap_set_policy(map, &bad));

	set_policy(test, map, 3, 0, 0, 0);
	store_n(test, map, 0, 10);
	KUNIT_EXPECT_EQ(test, 30, misses_to_promote(map, 100));

	set_policy(test, map, 1, 0, 4, 0);
	store_n(test, map, 10, 1);
	KUNIT_EXPECT_EQ(test, 4, misses_to_promote(map, 100));

	set_policy(test, map, 1, 25, 0, 0);
	store_n(test, map, 11, 1);
	KUNIT_EXPECT_EQ(test, 25, misses_to_promote(map, 100));

	/* The ceiling wins over the floor. */
	set_policy(test, map, 1, 25, 7, 0);
	store_n(test, map, 12, 1);
	KUNIT_EXPECT_EQ(test, 7, misses_to_promote(map, 100));
	KUNIT_EXPECT_EQ(test, 4ULL, stats_of(map).promotions_misses);
}

/* The rule of docs/observability.md, step by step. */
static void policy_adaptive(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_policy p;

	set_policy(test, map, 4, 0, 0, 1);
	/* Nothing copied, 40 misses: misses dominate, the factor halves. */
	store_n(test, map, 0, 10);
	KUNIT_EXPECT_EQ(test, 40, misses_to_promote(map, 100));
	syncmap_get_policy(map, &p);
	KUNIT_EXPECT_EQ(test, 2U, p.scale);
	/* 10 copied against 11 * 4 * 0.5 = 22 misses: halves again. */
	store_n(test, map, 10, 1);
	KUNIT_EXPECT_EQ(test, 22, misses_to_promote(map, 100));
	syncmap_get_policy(map, &p);
	KUNIT_EXPECT_EQ(test, 1U, p.scale);
	/* 11 copied against 12 misses: balanced, unchanged. */
	store_n(test, map, 11, 1);
	KUNIT_EXPECT_EQ(test, 12, misses_to_promote(map, 100));
	syncmap_get_policy(map, &p);
	KUNIT_EXPECT_EQ(test, 1U, p.scale);

	/* Copies dominating (a ceiling keeps misses few): it doubles. */
	set_policy(test, map, 1, 0, 3, 1);
	store_n(test, map, 12, 1);
	KUNIT_EXPECT_EQ(test, 3, misses_to_promote(map, 100));
	syncmap_get_policy(map, &p);
	KUNIT_EXPECT_EQ(test, 8U, p.scale);
}

/*
 * Whatever the policy, every result is the same: run one random sequence
 * on a map with Go's policy and on maps with others.
 */
static void policy_changes_no_result(struct kunit *test)
{
	static const struct syncmap_policy policies[] = {
		{ .multiplier = 3 },
		{ .multiplier = 1, .ceiling = 1 },
		{ .multiplier = 2, .floor = 50, .adaptive = 1 },
	};
	struct syncmap *go = syncmap_test_map(test, NULL);
	struct syncmap *other[ARRAY_SIZE(policies)];
	struct rnd_state rnd;
	char key[8], val[8], buf[8];
	unsigned int i, j;
	u32 len;
	int r0 = 0, r;

	for (j = 0; j < ARRAY_SIZE(policies); j++) {
		other[j] = syncmap_test_map(test, NULL);
		KUNIT_ASSERT_EQ(test, 0,
				syncmap_set_policy(other[j], &policies[j]));
	}
	prandom_seed_state(&rnd, 5);
	for (i = 0; i < 3000; i++) {
		u32 op = prandom_u32_state(&rnd) % 6;
		u32 k = prandom_u32_state(&rnd) % 40;
		u32 v = prandom_u32_state(&rnd) % 4;

		snprintf(key, sizeof(key), "k%u", k);
		snprintf(val, sizeof(val), "v%u", v);
		for (j = 0; j <= ARRAY_SIZE(policies); j++) {
			struct syncmap *m = j ? other[j - 1] : go;

			memset(buf, 0, sizeof(buf));
			switch (op) {
			case 0:
				r = syncmap_store(m, key, strlen(key), val, 2);
				break;
			case 1:
			case 2:
				r = syncmap_load(m, key, strlen(key), buf,
						 sizeof(buf), &len);
				break;
			case 3:
				r = syncmap_delete(m, key, strlen(key));
				break;
			case 4:
				r = syncmap_compare_and_swap(m, key,
							     strlen(key), "v1",
							     2, val, 2);
				break;
			default:
				r = syncmap_load_or_store(m, key, strlen(key),
							  val, 2, buf,
							  sizeof(buf), &len);
				break;
			}
			r = r * 256 + buf[1];
			if (!j)
				r0 = r;
			else
				KUNIT_ASSERT_EQ_MSG(test, r0, r,
						    "op %u policy %u", i, j - 1);
		}
	}
	for (j = 0; j < ARRAY_SIZE(policies); j++)
		KUNIT_EXPECT_EQ(test, syncmap_len(go), syncmap_len(other[j]));
	KUNIT_EXPECT_NE(test, stats_of(go).promotions,
			stats_of(other[0]).promotions);
}

static void compact_drops_deleted(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_health h;
	struct syncmap_stats st;
	u64 bytes;
	int i;

	store_n(test, map, 0, 100);
	syncmap_range(map, range_nop, NULL);	/* promote */
	delete_n(test, map, 0, 90);
	h = health_of(map);
	KUNIT_EXPECT_EQ(test, 10ULL, h.live);
	KUNIT_EXPECT_EQ(test, 100ULL, h.keys);
	KUNIT_EXPECT_EQ(test, 90ULL, h.read_stale);
	KUNIT_EXPECT_EQ(test, 100U, h.leak_ratio);
	KUNIT_EXPECT_EQ(test, 900U, h.staleness);
	KUNIT_EXPECT_EQ(test, (u32)(SYNCMAP_HEALTH_LEAK | SYNCMAP_HEALTH_STALE),
			h.warn);
	bytes = h.read_bytes;

	KUNIT_ASSERT_EQ(test, 0, syncmap_compact(map));
	h = health_of(map);
	KUNIT_EXPECT_EQ(test, 10ULL, h.read_len);
	KUNIT_EXPECT_EQ(test, 0ULL, h.read_stale);
	KUNIT_EXPECT_EQ(test, 1000U, h.leak_ratio);
	KUNIT_EXPECT_EQ(test, 0U, h.staleness);
	KUNIT_EXPECT_EQ(test, 0U, h.warn);
	KUNIT_EXPECT_LT(test, h.read_bytes, bytes);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 1ULL, st.compactions);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions_compact);
	KUNIT_EXPECT_EQ(test, 10ULL, st.len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_present);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, i >= 90, load_key(map, i));
	/* Deleted keys come back as new keys, as after Go's expunge. */
	store_n(test, map, 0, 1);
	KUNIT_EXPECT_EQ(test, 1ULL, stats_of(map).new_keys - st.new_keys);
	KUNIT_EXPECT_EQ(test, 1, load_key(map, 0));

	/* With a dirty table: it is promoted first, then compacted. */
	st = stats_of(map);
	KUNIT_ASSERT_EQ(test, 0, syncmap_compact(map));
	KUNIT_EXPECT_EQ(test, st.promotions_compact + 2,
			stats_of(map).promotions_compact);
	KUNIT_EXPECT_EQ(test, 11ULL, stats_of(map).read_len);
	KUNIT_EXPECT_EQ(test, 11ULL, syncmap_len(map));
}

static void compact_fixes_bloat(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_health h;

	store_n(test, map, 0, 5);
	h = health_of(map);
	KUNIT_EXPECT_EQ(test, 5000U, h.bloat);
	KUNIT_EXPECT_EQ(test, (u32)SYNCMAP_HEALTH_BLOAT, h.warn);
	KUNIT_ASSERT_EQ(test, 0, syncmap_compact(map));
	h = health_of(map);
	KUNIT_EXPECT_EQ(test, 0U, h.bloat);
	KUNIT_EXPECT_EQ(test, 0U, h.warn);
	KUNIT_EXPECT_EQ(test, 5ULL, h.read_len);
	/* An empty map is healthy. */
	KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
	h = health_of(map);
	KUNIT_EXPECT_EQ(test, 1000U, h.leak_ratio);
	KUNIT_EXPECT_EQ(test, 0U, h.warn);
}

static void compact_out_of_memory(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;
	int i;

	store_n(test, map, 0, 20);
	syncmap_range(map, range_nop, NULL);
	delete_n(test, map, 0, 10);
	syncmap_inject_alloc_failure(map, 1);
	KUNIT_EXPECT_EQ(test, -ENOMEM, syncmap_compact(map));
	syncmap_inject_alloc_failure(map, 0);
	KUNIT_EXPECT_EQ(test, 0ULL, stats_of(map).compactions);
	KUNIT_EXPECT_EQ(test, 500U, health_of(map).staleness);
	/* The deleted entries are plain deleted again: stores revive them. */
	store_n(test, map, 0, 10);
	KUNIT_EXPECT_EQ(test, 0ULL, stats_of(map).new_keys - 20);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_EQ(test, 1, load_key(map, i));
	KUNIT_EXPECT_EQ(test, 20ULL, syncmap_len(map));

	/*
	 * With a dirty table present, compaction promotes it first, and
	 * that promotion stands when the rest fails: counted, as every
	 * promotion is, but no compaction.
	 */
	store_n(test, map, 100, 1);
	KUNIT_ASSERT_EQ(test, 1ULL, stats_of(map).dirty_present);
	syncmap_inject_alloc_failure(map, 1);
	KUNIT_EXPECT_EQ(test, -ENOMEM, syncmap_compact(map));
	syncmap_inject_alloc_failure(map, 0);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions_compact);
	KUNIT_EXPECT_EQ(test, 0ULL, st.compactions);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_present);
	KUNIT_EXPECT_EQ(test, 21ULL, st.len);
}

static void reset_keeps_the_algorithm(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;

	store_n(test, map, 0, 10);
	load_missing(map);
	load_missing(map);
	syncmap_reset_stats(map);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 0ULL, st.loads);
	KUNIT_EXPECT_EQ(test, 0ULL, st.stores);
	KUNIT_EXPECT_EQ(test, 0ULL, st.new_keys);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_rebuilds);
	/* lock_hold_max_ns restarts too, but reading the stats takes the lock. */
	KUNIT_EXPECT_EQ(test, 2ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 10ULL, st.len);
	KUNIT_EXPECT_EQ(test, 10ULL, st.dirty_len);
	/* Promotion still comes after 10 misses in all. */
	KUNIT_EXPECT_EQ(test, 8, misses_to_promote(map, 100));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions);
	KUNIT_EXPECT_EQ(test, 8ULL, st.loads);
}

/* Whether local_clock() can time a short hold (UML's ticks cannot). */
static bool clock_times_short_holds(void)
{
	u64 t0 = local_clock();
	int i;

	for (i = 0; i < 1000; i++)
		if (local_clock() != t0)
			return true;
	return false;
}

/* Holds are timed only while someone asks: syncmap_time_lock_holds(). */
static void lock_holds_timed_when_asked(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	int i;

	store_n(test, map, 0, 10);
	load_missing(map);
	KUNIT_EXPECT_EQ(test, 0ULL, stats_of(map).lock_hold_max_ns);

	syncmap_time_lock_holds(true);
	store_n(test, map, 10, 100);
	for (i = 0; i < 10; i++)
		load_missing(map);
	syncmap_time_lock_holds(false);
	if (clock_times_short_holds())
		KUNIT_EXPECT_GT(test, stats_of(map).lock_hold_max_ns, 0ULL);

	syncmap_reset_stats(map);
	store_n(test, map, 200, 100);
	load_missing(map);
	KUNIT_EXPECT_EQ(test, 0ULL, stats_of(map).lock_hold_max_ns);
}

static struct kunit_case syncmap_observability_cases[] = {
	KUNIT_CASE(policy_default_is_go),
	KUNIT_CASE(policy_multiplier_floor_ceiling),
	KUNIT_CASE(policy_adaptive),
	KUNIT_CASE(policy_changes_no_result),
	KUNIT_CASE(compact_drops_deleted),
	KUNIT_CASE(compact_fixes_bloat),
	KUNIT_CASE(compact_out_of_memory),
	KUNIT_CASE(reset_keeps_the_algorithm),
	KUNIT_CASE(lock_holds_timed_when_asked),
	{}
};

static struct kunit_suite syncmap_observability_suite = {
	.name = "syncmap_observability",
	.test_cases = syncmap_observability_cases,
};

kunit_test_suite(syncmap_observability_suite);
