// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_ops_test: every operation's results, ported from Go's
 * sync.Map tests (map_test.go), plus the kernel API's own contracts:
 * sizes, buffers too small, the zero-copy load, nested Range.
 */
#include <kunit/test.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "entry.h"
#include "map.h"
#include "syncmap.h"
#include "table.h"
#include "test_map.h"

static void expect_value(struct kunit *test, struct syncmap *map,
			 const void *key, u32 key_len, const char *want)
{
	char buf[64];
	u32 len = 0;

	KUNIT_ASSERT_EQ(test, 1, syncmap_load(map, key, key_len, buf,
					      sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, (u32)strlen(want), len);
	KUNIT_EXPECT_MEMEQ(test, buf, want, len);
}

static void expect_absent(struct kunit *test, struct syncmap *map,
			  const void *key, u32 key_len)
{
	char buf[8];
	u32 len = 0;

	KUNIT_EXPECT_EQ(test, 0, syncmap_load(map, key, key_len, buf,
					      sizeof(buf), &len));
}

SYNCMAP_TEST_ENGINE_PARAMS();

static void store_load_delete(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);

	expect_absent(test, map, "k", 1);
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "k", 1, "v1", 2));
	expect_value(test, map, "k", 1, "v1");
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "k", 1, "v2", 2));
	expect_value(test, map, "k", 1, "v2");
	KUNIT_EXPECT_EQ(test, 1ULL, syncmap_len(map));
	KUNIT_EXPECT_EQ(test, 1, syncmap_delete(map, "k", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_delete(map, "k", 1));
	expect_absent(test, map, "k", 1);
	KUNIT_EXPECT_EQ(test, 0ULL, syncmap_len(map));
}

static void empty_key_and_value(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	char buf[4];
	u32 len = 99;

	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, NULL, 0, NULL, 0));
	KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, NULL, 0, buf, sizeof(buf),
					      &len));
	KUNIT_EXPECT_EQ(test, 0U, len);
	expect_absent(test, map, "a", 1);
	KUNIT_EXPECT_EQ(test, 1ULL, syncmap_len(map));
	KUNIT_EXPECT_EQ(test, 1, syncmap_compare_and_delete(map, NULL, 0,
							    NULL, 0));
	expect_absent(test, map, NULL, 0);
}

static void load_or_store(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	char buf[16];
	u32 len;

	KUNIT_EXPECT_EQ(test, 0, syncmap_load_or_store(map, "k", 1, "a", 1,
						       buf, sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 1U, len);
	KUNIT_EXPECT_MEMEQ(test, buf, "a", 1);
	KUNIT_EXPECT_EQ(test, 1, syncmap_load_or_store(map, "k", 1, "bb", 2,
						       buf, sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 1U, len);
	KUNIT_EXPECT_MEMEQ(test, buf, "a", 1);
	/* After a delete the key takes a new value. */
	KUNIT_EXPECT_EQ(test, 1, syncmap_delete(map, "k", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_load_or_store(map, "k", 1, "cc", 2,
						       NULL, 0, NULL));
	expect_value(test, map, "k", 1, "cc");
}

static void swap_and_load_and_delete(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	char buf[16];
	u32 len;

	KUNIT_EXPECT_EQ(test, 0, syncmap_swap(map, "k", 1, "one", 3, buf,
					      sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 1, syncmap_swap(map, "k", 1, "two", 3, buf,
					      sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 3U, len);
	KUNIT_EXPECT_MEMEQ(test, buf, "one", 3);
	KUNIT_EXPECT_EQ(test, 1, syncmap_load_and_delete(map, "k", 1, buf,
							 sizeof(buf), &len));
	KUNIT_EXPECT_MEMEQ(test, buf, "two", 3);
	KUNIT_EXPECT_EQ(test, 0, syncmap_load_and_delete(map, "k", 1, buf,
							 sizeof(buf), &len));
}

static void compare_and_swap(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);

	/* Go: CompareAndSwap on an absent key with a nil old is false. */
	KUNIT_EXPECT_EQ(test, 0, syncmap_compare_and_swap(map, "k", 1, NULL, 0,
							  "x", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_compare_and_swap(map, "k", 1, "x", 1,
							  "y", 1));
	expect_absent(test, map, "k", 1);
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "k", 1, "x", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_compare_and_swap(map, "k", 1, "xx", 2,
							  "y", 1));
	KUNIT_EXPECT_EQ(test, 1, syncmap_compare_and_swap(map, "k", 1, "x", 1,
							  "y", 1));
	expect_value(test, map, "k", 1, "y");
	KUNIT_EXPECT_EQ(test, 0, syncmap_compare_and_delete(map, "k", 1,
							    "x", 1));
	KUNIT_EXPECT_EQ(test, 1, syncmap_compare_and_delete(map, "k", 1,
							    "y", 1));
	expect_absent(test, map, "k", 1);
	KUNIT_EXPECT_EQ(test, 0, syncmap_compare_and_delete(map, "k", 1,
							    "y", 1));
}

static void sizes_and_buffers(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	u8 *big = kunit_kzalloc(test, SYNCMAP_VALUE_MAX + 1, GFP_KERNEL);
	struct syncmap_stats before, after;
	char buf[2];
	u32 len = 0;

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, -E2BIG, syncmap_store(map, big,
						    SYNCMAP_KEY_MAX + 1,
						    "v", 1));
	KUNIT_EXPECT_EQ(test, -E2BIG, syncmap_store(map, "k", 1, big,
						    SYNCMAP_VALUE_MAX + 1));
	KUNIT_EXPECT_EQ(test, 0ULL, syncmap_len(map));
	/* The largest key and value are accepted. */
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, big, SYNCMAP_KEY_MAX, big,
					       SYNCMAP_VALUE_MAX));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "k", 1, "abc", 3));

	/* Too small: the size comes back after a single lookup. */
	syncmap_get_stats(map, &before);
	KUNIT_EXPECT_EQ(test, -ERANGE, syncmap_load(map, "k", 1, buf,
						    sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 3U, len);
	syncmap_get_stats(map, &after);
	KUNIT_EXPECT_EQ(test, before.loads + 1, after.loads);
	KUNIT_EXPECT_EQ(test, before.misses + 1, after.misses);
	/* The swap stands even when the old value does not fit. */
	KUNIT_EXPECT_EQ(test, -ERANGE, syncmap_swap(map, "k", 1, "z", 1, buf,
						    sizeof(buf), &len));
	expect_value(test, map, "k", 1, "z");
}

static void load_rcu(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	const void *value;
	u32 len;
	int ret;

	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "key", 3, "value", 5));
	rcu_read_lock();
	ret = syncmap_load_rcu(map, "key", 3, &value, &len);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, 1, ret);
	KUNIT_EXPECT_EQ(test, 5U, len);
	rcu_read_lock();
	ret = syncmap_load_rcu(map, "nope", 4, &value, &len);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, 0, ret);
}

struct nested {
	struct kunit *test;
	struct syncmap *map;
	int visited;
};

/* Go's TestRangeNestedCall: every operation works inside Range. */
static int nested_fn(void *arg, const void *key, u32 key_len,
		     const void *value, u32 value_len)
{
	struct nested *n = arg;
	struct kunit *test = n->test;
	char buf[16];
	u32 len;

	n->visited++;
	KUNIT_EXPECT_EQ(test, 1, syncmap_load(n->map, key, key_len, buf,
					      sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 1, syncmap_load_or_store(n->map, key, key_len,
						       "x", 1, buf,
						       sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(n->map, "new", 3, "n", 1));
	KUNIT_EXPECT_EQ(test, 1, syncmap_load_and_delete(n->map, "new", 3,
							 buf, sizeof(buf),
							 &len));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(n->map, key, key_len, "w", 1));
	KUNIT_EXPECT_EQ(test, 1, syncmap_delete(n->map, key, key_len));
	return 0;
}

static void range_nested(struct kunit *test)
{
	struct nested n = { .test = test, .map = syncmap_test_engine_map(test, NULL) };

	KUNIT_EXPECT_EQ(test, 0, syncmap_store(n.map, "a", 1, "1", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(n.map, "b", 1, "2", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(n.map, "c", 1, "3", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(n.map, nested_fn, &n));
	KUNIT_EXPECT_EQ(test, 3, n.visited);
	KUNIT_EXPECT_EQ(test, 0ULL, syncmap_len(n.map));
	n.visited = 0;
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(n.map, nested_fn, &n));
	KUNIT_EXPECT_EQ(test, 0, n.visited);
}

static int stop_fn(void *arg, const void *key, u32 key_len,
		   const void *value, u32 value_len)
{
	return ++*(int *)arg == 2 ? -EINTR : 0;
}

static void range_stops(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	int calls = 0;

	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "a", 1, "1", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "b", 1, "2", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "c", 1, "3", 1));
	KUNIT_EXPECT_EQ(test, -EINTR, syncmap_range(map, stop_fn, &calls));
	KUNIT_EXPECT_EQ(test, 2, calls);
}

static void clear(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	int calls = 0;

	KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "a", 1, "1", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "b", 1, "2", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_clear(map));
	KUNIT_EXPECT_EQ(test, 0ULL, syncmap_len(map));
	expect_absent(test, map, "a", 1);
	KUNIT_EXPECT_EQ(test, 0, syncmap_range(map, stop_fn, &calls));
	KUNIT_EXPECT_EQ(test, 0, calls);
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "a", 1, "3", 1));
	expect_value(test, map, "a", 1, "3");
}

static void limits(struct kunit *test)
{
	struct syncmap_params params = { .max_entries = 2 };
	struct syncmap *map = syncmap_test_engine_map(test, &params);

	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "a", 1, "1", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "b", 1, "2", 1));
	KUNIT_EXPECT_EQ(test, -ENOSPC, syncmap_store(map, "c", 1, "3", 1));
	expect_absent(test, map, "c", 1);
	/* Existing keys still take new values. */
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "a", 1, "4", 1));
	KUNIT_EXPECT_EQ(test, 2ULL, syncmap_len(map));

	params = (struct syncmap_params){ .max_bytes = 4096 };
	map = syncmap_test_engine_map(test, &params);
	KUNIT_EXPECT_EQ(test, -ENOSPC, syncmap_store(map, "k", 1, NULL, 8192));
	KUNIT_EXPECT_EQ(test, 0ULL, syncmap_len(map));
}

static u64 map_bytes(struct syncmap *map)
{
	struct syncmap_stats st;

	syncmap_get_stats(map, &st);
	return st.bytes;
}

/*
 * A new key's entry holds its first value in the same object, made once
 * and counted once (a Store's value allocated before its look-up is
 * freed); a later value is an object of its own, while the entry keeps
 * the first one's bytes until it goes.
 */
static void first_value_in_entry(struct kunit *test)
{
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	const size_t valued = syncmap_entry_valued_size(8, 8);
	u64 k1 = 1, k2 = 2, k3 = 3, v = 7, got = 0, before;
	u32 len = 0;

	/* The tables first, so that what follows allocates no table. */
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &k1, 8, &v, 8));
	before = map_bytes(map);
	KUNIT_ASSERT_EQ(test, 0, syncmap_load_or_store(map, &k2, 8, &v, 8,
						       NULL, 0, NULL));
	KUNIT_EXPECT_EQ(test, before + valued, map_bytes(map));

	before = map_bytes(map);
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &k3, 8, &v, 8));
	KUNIT_EXPECT_EQ(test, before + valued, map_bytes(map));

	/* Loaded through the entry: the first value, then a later one. */
	KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, &k3, 8, &got, 8, &len));
	KUNIT_EXPECT_EQ(test, v, got);
	v = 8;
	before = map_bytes(map);
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &k1, 8, &v, 8));
	KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, &k1, 8, &got, 8, &len));
	KUNIT_EXPECT_EQ(test, v, got);
	/*
	 * k1 is only in Go's dirty table or the merge engine's chain, which
	 * the Swap looks in before it makes an entry: just the value, which
	 * the next Swap frees.
	 */
	KUNIT_EXPECT_EQ(test, before + syncmap_value_size(8), map_bytes(map));
	before = map_bytes(map);
	v = 9;
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &k1, 8, &v, 8));
	KUNIT_EXPECT_EQ(test, before, map_bytes(map));
	KUNIT_EXPECT_EQ(test, 3ULL, syncmap_len(map));
}

/*
 * A map too full for the new value still gives Go's answer when that
 * answer stores nothing, with Go's miss; only a call that would store
 * fails, and changes nothing.
 */
static void full_map_still_answers(struct kunit *test)
{
	struct syncmap_params params = { .max_bytes = 4096 };
	struct syncmap *map = syncmap_test_map(test, &params);
	struct syncmap_stats st;
	u8 buf[8];
	u32 len = 0;

	/* "a" is in the dirty table only; an 8 KiB value never fits. */
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, "a", 1, "1", 1));
	KUNIT_EXPECT_EQ(test, 1,
			syncmap_load_or_store(map, "a", 1, NULL, 8192, buf,
					      sizeof(buf), &len));
	KUNIT_EXPECT_EQ(test, 1U, len);
	KUNIT_EXPECT_EQ(test, '1', buf[0]);
	/* Go's miss, which promoted the one-key dirty table. */
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions_misses);
	KUNIT_EXPECT_EQ(test, 0ULL, st.dirty_present);

	/* A key in neither table would be stored: that fails. */
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			syncmap_load_or_store(map, "z", 1, NULL, 8192, buf,
					      sizeof(buf), &len));
	expect_absent(test, map, "z", 1);

	/* "b" in the dirty table: a failed compare, with its miss. */
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, "b", 1, "2", 1));
	KUNIT_EXPECT_EQ(test, 0, syncmap_compare_and_swap(map, "b", 1, "x", 1,
							  NULL, 8192));
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.misses);
	/* An equal value would be swapped: -ENOSPC, and no miss. */
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			syncmap_compare_and_swap(map, "b", 1, "2", 1, NULL,
						 8192));
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.misses);
	expect_value(test, map, "b", 1, "2");

	/* A limit beyond any real size limits nothing. */
	params = (struct syncmap_params){ .max_bytes = U64_MAX };
	map = syncmap_test_map(test, &params);
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, "k", 1, "v", 1));
	KUNIT_EXPECT_EQ(test, 1ULL, syncmap_len(map));
}

/* The longest probe of a table: how far an entry sits from its slot. */
static unsigned int max_probe(const struct syncmap_table *t)
{
	unsigned int i, d, longest = 0;

	if (!t)
		return 0;
	for (i = 0; i <= t->mask; i++) {
		if (!syncmap_table_entry(t, i))
			continue;
		d = (i - (syncmap_entry_hash(t, syncmap_table_entry(t, i)) &
			  t->mask)) & t->mask;
		longest = max(longest, d);
	}
	return longest;
}

/* Slots whose tag is not their key's, under the table's own hash. */
static unsigned int bad_tags(const struct syncmap_table *t)
{
	struct syncmap_entry *e;
	unsigned int i, bad = 0;

	for (i = 0; t && i <= t->mask; i++) {
		e = syncmap_table_entry(t, i);
		if (e && (t->slots[i].word & SYNCMAP_TAG_MASK) !=
			 syncmap_hash_tag(syncmap_entry_hash(t, e)))
			bad++;
	}
	return bad;
}

/* Key i of slot_tags(): 8, 16 or 5 bytes (the generic look-up). */
static u32 tag_key(u8 *key, unsigned int i)
{
	static const u32 lens[] = { 8, 16, 5 };

	memset(key, 0xa5, 16);
	memcpy(key, &i, sizeof(i));
	return lens[i % ARRAY_SIZE(lens)];
}

/*
 * The slots' hash tags: every slot carries its key's, through inserts,
 * growth, removals' back-shifts, a promotion and a rebuild of the dirty
 * table, and every look-up (the three key lengths' copies of it) still
 * finds what it should.
 */
static void slot_tags(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	const unsigned int n = 600;
	struct syncmap_table *read;
	struct syncmap_stats st;
	unsigned int i;
	u8 key[16];
	u32 len;
	u64 v;

	for (i = 0; i < n; i++) {
		v = i;
		KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, key, tag_key(key, i),
						       &v, sizeof(v)));
	}
	KUNIT_EXPECT_EQ(test, 0U, bad_tags(map->dirty));

	/* Removals from the dirty table: fewer misses than keys left. */
	for (i = 0; i < n / 2; i += 2)
		KUNIT_EXPECT_EQ(test, 1, syncmap_delete(map, key,
							tag_key(key, i)));
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 0ULL, st.promotions);
	KUNIT_EXPECT_EQ(test, 0U, bad_tags(map->dirty));

	/* The loads' misses promote the dirty table. */
	for (i = 0; i < n; i++) {
		v = 0;
		if (i < n / 2 && !(i % 2)) {
			expect_absent(test, map, key, tag_key(key, i));
			continue;
		}
		KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, key, tag_key(key, i),
						      &v, sizeof(v), &len));
		KUNIT_EXPECT_EQ(test, (u64)i, v);
	}
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions);
	read = rcu_dereference_protected(map->read, true);
	KUNIT_EXPECT_EQ(test, (u64)(n - n / 4), (u64)read->count);
	KUNIT_EXPECT_EQ(test, 0U, bad_tags(read));
	for (i = 0; i < n; i++) {
		if (i < n / 2 && !(i % 2))
			expect_absent(test, map, key, tag_key(key, i));
		else
			KUNIT_EXPECT_EQ(test, 1,
					syncmap_load(map, key, tag_key(key, i),
						     &v, sizeof(v), &len));
	}

	/* A new key rebuilds the dirty table from the read one, in place. */
	v = n;
	KUNIT_EXPECT_EQ(test, 0, syncmap_store(map, key, tag_key(key, n),
					       &v, sizeof(v)));
	KUNIT_EXPECT_EQ(test, 0U, bad_tags(map->dirty));
	KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, key, tag_key(key, n), &v,
					      sizeof(v), &len));
}

/*
 * Hash flooding: keys chosen to collide under the map's jhash(), found
 * with the map's own seed as an attacker who learnt it could.  Their
 * inserts probe past SYNCMAP_PROBE_MAX, the map switches to hsiphash(),
 * and then no probe is long; every key loads, and Go's state is what it
 * would have been (all keys new in the dirty table, nothing promoted).
 */
static void hash_flooding(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	const unsigned int n = SYNCMAP_PROBE_MAX + 64;
	struct syncmap_table *read;
	struct syncmap_stats st;
	unsigned int i;
	u64 *keys, v;
	u32 len;

	keys = kunit_kcalloc(test, n, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	/* n keys grow the dirty table to 2048 slots at the most. */
	syncmap_test_colliding_keys(map, keys, n, 0);
	KUNIT_EXPECT_FALSE(test, map->secure);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &keys[i], 8,
						       &keys[i], 8));

	KUNIT_EXPECT_TRUE(test, map->secure);
	KUNIT_EXPECT_TRUE(test, map->dirty->secure);
	KUNIT_EXPECT_LT(test, max_probe(map->dirty), SYNCMAP_PROBE_MAX / 4);
	/* The switch's copies tag the slots with the new hash. */
	KUNIT_EXPECT_EQ(test, 0U, bad_tags(map->dirty));
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, (u64)n, st.len);
	KUNIT_EXPECT_EQ(test, (u64)n, st.new_keys);
	KUNIT_EXPECT_EQ(test, (u64)n, st.dirty_len);
	KUNIT_EXPECT_EQ(test, 0ULL, st.read_len);
	KUNIT_EXPECT_EQ(test, 1ULL, st.amended);
	KUNIT_EXPECT_EQ(test, 0ULL, st.misses);
	KUNIT_EXPECT_EQ(test, 0ULL, st.promotions);

	/* The misses promote the dirty table, as Go's would. */
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, 1, syncmap_load(map, &keys[i], 8, &v,
						      sizeof(v), &len));
		KUNIT_EXPECT_EQ(test, keys[i], v);
	}
	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ(test, 1ULL, st.promotions);
	KUNIT_EXPECT_EQ(test, (u64)n, st.read_len);
	read = rcu_dereference_protected(map->read, true);
	KUNIT_EXPECT_TRUE(test, read->secure);
	KUNIT_EXPECT_LT(test, max_probe(read), SYNCMAP_PROBE_MAX / 4);
	KUNIT_EXPECT_EQ(test, 0U, bad_tags(read));
}

static struct kunit_case syncmap_ops_cases[] = {
	KUNIT_CASE_PARAM(store_load_delete, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(empty_key_and_value, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(load_or_store, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(swap_and_load_and_delete, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(compare_and_swap, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(sizes_and_buffers, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(load_rcu, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(range_nested, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(range_stops, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(clear, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(limits, syncmap_engine_gen_params),
	KUNIT_CASE_PARAM(first_value_in_entry, syncmap_engine_gen_params),
	KUNIT_CASE(full_map_still_answers),
	KUNIT_CASE(slot_tags),
	KUNIT_CASE(hash_flooding),
	{}
};

static struct kunit_suite syncmap_ops_suite = {
	.name = "syncmap_ops_test",
	.test_cases = syncmap_ops_cases,
};

kunit_test_suite(syncmap_ops_suite);
