// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_example: a module that uses syncmap's exported API from
 * another module.
 *
 * It memoises an expensive function of a name -- here, an iterated
 * SipHash standing in for any costly computation -- in a syncmap: the
 * first caller computes and publishes the result with load-or-store, so
 * racing callers agree on one result; every later caller finds it with a
 * lock-free load.  At load time it checks that this works and prints the
 * map's counters.
 */
#include <linux/module.h>
#include <linux/siphash.h>

#include "syncmap.h"

static struct syncmap *cache;

static const siphash_key_t example_key = {{ 0x0706050403020100ULL,
					    0x0f0e0d0c0b0a0908ULL }};

static u64 expensive(const char *name)
{
	u64 h = siphash(name, strlen(name), &example_key);
	int i;

	for (i = 0; i < 1000; i++)
		h = siphash_1u64(h, &example_key);
	return h;
}

/* Return the cached result for @name, computing it on the first call. */
static int example_lookup(const char *name, u64 *result)
{
	u32 len;
	u64 h;
	int ret;

	ret = syncmap_load(cache, name, strlen(name), result, sizeof(*result),
			   &len);
	if (ret)
		return ret < 0 ? ret : 0;
	h = expensive(name);
	ret = syncmap_load_or_store(cache, name, strlen(name), &h, sizeof(h),
				    result, sizeof(*result), &len);
	return ret < 0 ? ret : 0;
}

static const char *const names[] = {
	"eth0", "lo", "wlan0", "br0", "veth1", "", "docker0", "tun0",
};

static int __init example_init(void)
{
	struct syncmap_stats st;
	u64 first, again;
	int i, round, ret;

	cache = syncmap_create(NULL);
	if (IS_ERR(cache))
		return PTR_ERR(cache);

	for (round = 0; round < 3; round++) {
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			ret = example_lookup(names[i], &first);
			if (!ret)
				ret = example_lookup(names[i], &again);
			if (ret)
				goto fail;
			if (first != again || first != expensive(names[i])) {
				pr_err("cached result for \"%s\" is wrong\n",
				       names[i]);
				ret = -EINVAL;
				goto fail;
			}
		}
	}
	syncmap_get_stats(cache, &st);
	if (st.len != ARRAY_SIZE(names) || st.new_keys != ARRAY_SIZE(names)) {
		pr_err("expected %zu cached names, found %llu\n",
		       ARRAY_SIZE(names), st.len);
		ret = -EINVAL;
		goto fail;
	}
	pr_info("cached %llu names: %llu loads, %llu read hits, %llu promotions\n",
		st.len, st.loads, st.read_hits, st.promotions);
	return 0;

fail:
	syncmap_destroy(cache);
	return ret;
}

static void __exit example_exit(void)
{
	syncmap_destroy(cache);
}

module_init(example_init);
module_exit(example_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Example consumer of the syncmap API: a memoising cache");
MODULE_AUTHOR("syncmap developers");
