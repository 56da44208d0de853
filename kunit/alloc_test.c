// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_alloc_test: the flags a map's allocations reach the slab
 * allocator with, seen through the kmalloc tracepoint.  Over a page (a
 * value over 4 KiB, a table over 255 slots) the physically contiguous try
 * must be a cheap one: __GFP_NORETRY, not __GFP_RETRY_MAYFAIL, which
 * makes kvmalloc() loop in reclaim and compaction for high-order pages
 * before it falls back to vmalloc().  Kernel only: the userspace shim has
 * no tracepoints.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <trace/events/kmem.h>

#include "test_map.h"

struct syncmap_alloc_seen {
	struct task_struct *task;
	atomic_t big;		/* kmalloc() tries over a page */
	atomic_t retrying;	/* of which with __GFP_RETRY_MAYFAIL */
	atomic_t noretry;	/* of which with __GFP_NORETRY */
	atomic_t unaccounted;	/* of which without __GFP_ACCOUNT */
};

static void syncmap_alloc_probe(void *data, unsigned long call_site,
				const void *ptr, size_t bytes_req,
				size_t bytes_alloc, gfp_t gfp_flags, int node)
{
	struct syncmap_alloc_seen *seen = data;

	if (current != seen->task || bytes_req <= PAGE_SIZE)
		return;
	atomic_inc(&seen->big);
	if (gfp_flags & __GFP_RETRY_MAYFAIL)
		atomic_inc(&seen->retrying);
	if (gfp_flags & __GFP_NORETRY)
		atomic_inc(&seen->noretry);
	if (!(gfp_flags & __GFP_ACCOUNT))
		atomic_inc(&seen->unaccounted);
}

static void syncmap_alloc_probe_off(void *data)
{
	unregister_trace_kmalloc(syncmap_alloc_probe, data);
	tracepoint_synchronize_unregister();
}

static struct syncmap_alloc_seen *syncmap_alloc_watch(struct kunit *test)
{
	struct syncmap_alloc_seen *seen;
	int ret;

	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	seen->task = current;
	KUNIT_ASSERT_EQ(test, 0, register_trace_kmalloc(syncmap_alloc_probe,
							seen));
	ret = kunit_add_action_or_reset(test, syncmap_alloc_probe_off, seen);
	KUNIT_ASSERT_EQ(test, 0, ret);
	return seen;
}

static void syncmap_alloc_expect_cheap(struct kunit *test,
				       struct syncmap_alloc_seen *seen)
{
	int big = atomic_read(&seen->big);

	KUNIT_EXPECT_GT(test, big, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&seen->retrying), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&seen->noretry), big);
	/* Still charged to the map's memory cgroup. */
	KUNIT_EXPECT_EQ(test, atomic_read(&seen->unaccounted), 0);
}

/* A 16 KiB value: one order-3 try, then vmalloc() if that fails. */
static void syncmap_alloc_big_value_test(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_alloc_seen *seen;
	size_t len = 16 << 10;
	void *value;

	value = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, value);
	seen = syncmap_alloc_watch(test);
	KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, "big", 3, value, len));
	kunit_release_action(test, syncmap_alloc_probe_off, seen);
	syncmap_alloc_expect_cheap(test, seen);
}

/* Tables grow past a page as keys come in. */
static void syncmap_alloc_big_table_test(struct kunit *test)
{
	struct syncmap *map = syncmap_test_map(test, NULL);
	struct syncmap_alloc_seen *seen;
	u32 i;

	seen = syncmap_alloc_watch(test);
	for (i = 0; i < 2048; i++)
		KUNIT_ASSERT_EQ(test, 0, syncmap_store(map, &i, sizeof(i),
						       "v", 1));
	kunit_release_action(test, syncmap_alloc_probe_off, seen);
	syncmap_alloc_expect_cheap(test, seen);
}

static struct kunit_case syncmap_alloc_test_cases[] = {
	KUNIT_CASE(syncmap_alloc_big_value_test),
	KUNIT_CASE(syncmap_alloc_big_table_test),
	{}
};

static struct kunit_suite syncmap_alloc_test_suite = {
	.name = "syncmap_alloc_test",
	.test_cases = syncmap_alloc_test_cases,
};

kunit_test_suite(syncmap_alloc_test_suite);
