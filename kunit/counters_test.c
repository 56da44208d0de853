// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_counters_test: pins Go's algorithm counter by counter: when
 * misses grow, when the dirty table is promoted, rebuilt and expunged.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "syncmap.h"
#include "test_map.h"

static struct syncmap_stats stats_of(struct syncmap *map)
{
	struct syncmap_stats st;

	syncmap_get_stats(map, &st);
	return st;
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

static int load_missing(struct syncmap *map)
{
	char buf[4];
	u32 len;

	return syncmap_load(map, "missing", 7, buf, sizeof(buf), &len);
}

/* The example: 10 new keys, 9 misses, then the 10th promotes. */
static void promotion_after_len_dirty_misses(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;
	int i;

	store_n(test, map, 0, 10);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 10ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 1ULL, st.dirty_present);
	KUNIT_EXPECT_EQ(test, 1ULL, st.amended);
	KUNIT_EXPECT_EQ(test, 0ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 10ULL, st.new_keys);
	KUNIT_EXPECT_EQ(test, 1ULL, st.dirty_rebuilds);

	for (i = 0; i < 9; i++)
		KUNIT_EXPECT_EQ(test, 0, load_missing(map));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 9ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 0ULL, st.promotions);

	KUNIT_EXPECT_EQ(test, 0, load_missing(map));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 0ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions_misses);
	KUNIT_EXPECT_EQ(test, 10ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_present);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.amended);
	KUNIT_EXPECT_EQ(test, 10ULL, st.len);

	/* Not amended: a miss in read returns at once, counting nothing. */
	KUNIT_EXPECT_EQ(test, 0, load_missing(map));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 0ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 11ULL, st.loads);
}

/* A store after a promotion rebuilds dirty, expunging deleted entries. */
static void rebuild_expunges_deleted(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;
	int i;

	store_n(test, map, 0, 4);
	for (i = 0; i < 4; i++)
		load_missing(map);
	KUNIT_ASSERT_EQ(test, 4ULL, stats_of(map).read_len);
	KUNIT_EXPECT_EQ(test, 1, syncmap_delete(map, "key0", 4));
	KUNIT_EXPECT_EQ(test, 1, syncmap_delete(map, "key1", 4));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 4ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 2ULL, st.len);

	store_n(test, map, 4, 1);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 2ULL, st.dirty_rebuilds);
	KUNIT_EXPECT_EQ(test, 2ULL, st.rebuild_expunged);
	KUNIT_EXPECT_EQ(test, 3ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 1ULL, st.amended);

	/* Storing an expunged key puts its entry back into dirty. */
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "key0", 4, "x", 1));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 4ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 4ULL, st.len);

	/* The promotion after that drops the still-deleted key1. */
	for (i = 0; i < 4; i++)
		load_missing(map);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 4ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_present);
}

static int count_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	++*(int *)arg;
	return 0;
}

static void range_promotes_when_amended(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;
	int n = 0;

	store_n(test, map, 0, 3);
	load_missing(map);
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, count_fn, &n));
	KUNIT_EXPECT_EQ(test, 3, n);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions_range);
	KUNIT_EXPECT_EQ(test, 0ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 3ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.amended);
	/* Not amended: no second promotion. */
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, count_fn, &n));
	KUNIT_EXPECT_EQ(test, 1ULL, stats_of(map).promotions);
}

static void clear_resets_misses(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;

	store_n(test, map, 0, 5);
	load_missing(map);
	load_missing(map);
	KUNIT_EXPECT_EQ(test, 2ULL, stats_of(map).misses);
	KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, 0ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 0ULL, st.read_len);
	/* A present dirty table stays present, and empty. */
	KUNIT_EXPECT_EQ(test, 1ULL, st.dirty_present);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.amended);
	KUNIT_EXPECT_EQ(test, 0ULL, st.len);
	KUNIT_EXPECT_EQ(test, 1ULL, st.clears);
}

/*
 * Which operations count a miss when the key is in neither table and the
 * read table is amended (1 dirty key, so no promotion follows).
 */
struct miss_rule {
	const char *name;
	int (*op)(struct syncmap *map);
	u64 misses;
};

static int op_load(struct syncmap *map)
{
	return load_missing(map);
}

static int op_load_and_delete(struct syncmap *map)
{
	return syncmap_load_and_delete(map, "missing", 7, NULL, 0, NULL);
}

static int op_compare_and_delete(struct syncmap *map)
{
	return syncmap_compare_and_delete(map, "missing", 7, "v", 1);
}

static int op_compare_and_swap(struct syncmap *map)
{
	return syncmap_compare_and_swap(map, "missing", 7, "v", 1, "w", 1);
}

static int op_compare_and_swap_dirty(struct syncmap *map)
{
	return syncmap_compare_and_swap(map, "key0", 4, "v", 1, "w", 1);
}

static int op_load_or_store_dirty(struct syncmap *map)
{
	return syncmap_load_or_store(map, "key0", 4, "w", 1, NULL, 0, NULL);
}

static int op_load_or_store_new(struct syncmap *map)
{
	return syncmap_load_or_store(map, "missing", 7, "w", 1, NULL, 0,
				     NULL);
}

static int op_store_dirty(struct syncmap *map)
{
	return syncmap_store(map, "key0", 4, "w", 1);
}

static int op_swap_dirty(struct syncmap *map)
{
	return syncmap_swap(map, "key0", 4, "w", 1, NULL, 0, NULL);
}

static const struct miss_rule miss_rules[] = {
	{ "load", op_load, 1 },
	{ "load_and_delete", op_load_and_delete, 1 },
	{ "compare_and_delete", op_compare_and_delete, 1 },
	{ "compare_and_swap absent", op_compare_and_swap, 0 },
	{ "compare_and_swap in dirty", op_compare_and_swap_dirty, 1 },
	{ "load_or_store in dirty", op_load_or_store_dirty, 1 },
	{ "load_or_store new key", op_load_or_store_new, 0 },
	{ "store in dirty", op_store_dirty, 0 },
	{ "swap in dirty", op_swap_dirty, 0 },
};

static void miss_rule_desc(const struct miss_rule *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(miss_rule, miss_rules, miss_rule_desc);

static void miss_rule(struct kunit *test)
{
	const struct miss_rule *r = test->param_value;
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_stats st;

	/* Two keys in dirty, none in read: amended. */
	store_n(test, map, 0, 2);
	KUNIT_EXPECT_GE(test, r->op(map), 0);
	st = stats_of(map);
	KUNIT_EXPECT_EQ(test, r->misses, st.misses);
	KUNIT_EXPECT_EQ(test, 0ULL, st.promotions);
}

static struct kunit_case syncmap_counters_cases[] = {
	KUNIT_CASE(promotion_after_len_dirty_misses),
	KUNIT_CASE(rebuild_expunges_deleted),
	KUNIT_CASE(range_promotes_when_amended),
	KUNIT_CASE(clear_resets_misses),
	KUNIT_CASE_PARAM(miss_rule, miss_rule_gen_params),
	{}
};

static struct kunit_suite syncmap_counters_suite = {
	.name = "syncmap_counters_test",
	.test_cases = syncmap_counters_cases,
};

kunit_test_suite(syncmap_counters_suite);
