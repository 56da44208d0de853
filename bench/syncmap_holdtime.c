// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_holdtime: how long syncmap holds its spinlock, against the
 * map's size.
 *
 * For each size N in the `sizes` parameter it fills a map with N keys,
 * then drives every path that takes the lock while the map is that big:
 * promotions of an N-entry dirty table, dirty rebuilds from an N-entry
 * read table (O(n), under the mutex only), growth of the dirty table,
 * load-and-delete of dirty-only keys, and a clear of N entries.  It prints
 * the longest lock hold (lock_hold_max_ns) beside the time of the O(n)
 * rebuild, which the lock does not cover.  A flat hold time across sizes
 * is the point.
 *
 *   insmod syncmap_holdtime.ko sizes=1000,100000,1000000
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "syncmap.h"

static unsigned int sizes[8] = { 1000 };
static int nr_sizes = 1;
module_param_array(sizes, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "map sizes to measure, comma-separated (default 1000)");

static int store_u64(struct syncmap *map, u64 key)
{
	return syncmap_store(map, &key, sizeof(key), &key, sizeof(key));
}

static void load_missing(struct syncmap *map, u64 n)
{
	u64 key = ~0ULL, v;
	u32 len;
	u64 i;

	for (i = 0; i < n; i++)
		syncmap_load(map, &key, sizeof(key), &v, sizeof(v), &len);
}

static int measure(unsigned int n, u64 *hold_ns)
{
	struct syncmap_stats st;
	struct syncmap *map;
	u64 i, key, rebuild_ns;
	ktime_t t0;
	int ret = 0;

	map = syncmap_create(NULL);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* N new keys: one rebuild, many dirty-table growths. */
	for (i = 0; i < n && !ret; i++)
		ret = store_u64(map, i);
	if (ret)
		goto out;
	/* Promote the N-entry dirty table. */
	load_missing(map, n);
	/* Delete a key, then a new key rebuilds dirty from N entries. */
	key = 0;
	syncmap_delete(map, &key, sizeof(key));
	t0 = ktime_get();
	ret = store_u64(map, n);
	rebuild_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	if (ret)
		goto out;
	/* Dirty-only keys deleted through the lock. */
	for (i = n + 1; i < n + 64 && !ret; i++)
		ret = store_u64(map, i);
	for (i = n + 1; i < n + 64; i++)
		syncmap_delete(map, &i, sizeof(i));
	load_missing(map, n);
	ret = syncmap_clear(map);
	if (ret)
		goto out;

	syncmap_get_stats(map, &st);
	*hold_ns = st.lock_hold_max_ns;
	pr_info("entries %u: lock_hold_max_ns %llu, rebuild (mutex only) %llu ns, promotions %llu, rebuilds %llu\n",
		n, st.lock_hold_max_ns, rebuild_ns, st.promotions,
		st.dirty_rebuilds);
out:
	syncmap_destroy(map);
	return ret;
}

static int __init holdtime_init(void)
{
	u64 hold, best;
	int i, rep, ret;

	/* Holds are timed only while someone asks: we do, while we measure. */
	syncmap_time_lock_holds(true);
	/* Warm up: under emulation, first runs of code pay for translation. */
	ret = measure(1000, &hold);
	if (ret)
		goto out;
	/*
	 * The host may preempt a virtual CPU inside any critical section:
	 * the least of a few maxima is the one that belongs to the code.
	 */
	for (i = 0; i < nr_sizes; i++) {
		best = U64_MAX;
		for (rep = 0; rep < 3; rep++) {
			ret = measure(sizes[i], &hold);
			if (ret) {
				pr_err("entries %u: error %d\n", sizes[i], ret);
				goto out;
			}
			best = min(best, hold);
		}
		pr_info("entries %u: least of 3 maximum lock holds: %llu ns\n",
			sizes[i], best);
	}
out:
	syncmap_time_lock_holds(false);
	return ret;
}

static void __exit holdtime_exit(void)
{
}

module_init(holdtime_init);
module_exit(holdtime_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("syncmap benchmark: spinlock hold time against map size");
MODULE_AUTHOR("syncmap developers");
