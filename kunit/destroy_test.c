// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_destroy_test: a map counts its deferred frees, and destroy
 * waits for them, its own only.
 *
 * Tables a map retires (promotion, clear) are freed after a grace period
 * by a work shared by all maps, which puts their entries and gives their
 * bytes back to the map.  The map counts them in @frees (one more for
 * itself), and syncmap_destroy() waits for that count instead of for
 * every RCU callback in the system: if it did not wait, the work would
 * touch a freed map (KASAN, or ASan in userspace) and destroy would find
 * entries still alive (its WARN).
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "test_map.h"

#define SYNCMAP_DESTROY_KEYS	1024

static void syncmap_destroy_fill(struct kunit *test, struct syncmap *map,
				 u64 first)
{
	u64 k;

	for (k = first; k < first + SYNCMAP_DESTROY_KEYS; k++)
		KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &k, sizeof(k),
						       &k, sizeof(k)));
}

/* Loads that miss the read table promote the dirty one: a retired table. */
static void syncmap_destroy_promote(struct kunit *test, struct syncmap *map,
				    u64 first)
{
	u64 k, v;
	u32 len;

	for (k = first; k < first + SYNCMAP_DESTROY_KEYS; k++)
		KUNIT_ASSERT_EQ(test, 1, syncmap_load(map, &k, sizeof(k), &v,
						      sizeof(v), &len));
}

static void syncmap_destroy_counts_frees_test(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);

	/* The map's own count, until destroy. */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&map->frees), 1L);
	syncmap_destroy_fill(test, map, 0);
	syncmap_destroy_promote(test, map, 0);
	KUNIT_ASSERT_EQ(test, 0, syncmap_clear(map));
	/* The tables retired, unless their grace period already ended. */
	kunit_info(test, "tables pending after clear: %ld\n",
		   atomic_long_read(&map->frees) - 1);
	syncmap_flush_frees();
	KUNIT_EXPECT_EQ(test, atomic_long_read(&map->frees), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&map->entries), 0L);
}

/* Destroy right after retiring full tables: it must wait for their work. */
static void syncmap_destroy_waits_for_retired_test(struct kunit *test)
{
	struct syncmap *map;
	long pending = 0;
	int round;

	for (round = 0; round < 8; round++) {
		map = syncmap_create(NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(map));
		syncmap_destroy_fill(test, map, 0);
		syncmap_destroy_promote(test, map, 0);
		/* Entries shared by the retired tables and the live ones. */
		syncmap_destroy_fill(test, map, SYNCMAP_DESTROY_KEYS / 2);
		KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
		syncmap_destroy_fill(test, map, 0);
		syncmap_destroy_promote(test, map, 0);
		pending += atomic_long_read(&map->frees) - 1;
		syncmap_destroy(map);
	}
	kunit_info(test, "tables pending at destroy: %ld in 8 rounds\n",
		   pending);
}

static struct kunit_case syncmap_destroy_test_cases[] = {
	KUNIT_CASE(syncmap_destroy_counts_frees_test),
	KUNIT_CASE(syncmap_destroy_waits_for_retired_test),
	{}
};

static struct kunit_suite syncmap_destroy_test_suite = {
	.name = "syncmap_destroy_test",
	.test_cases = syncmap_destroy_test_cases,
};

kunit_test_suite(syncmap_destroy_test_suite);
