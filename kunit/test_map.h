/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A map for one KUnit case, destroyed when the case ends, pass or fail.
 * Shared by the suites in kunit/.
 */
#ifndef _SYNCMAP_TEST_MAP_H
#define _SYNCMAP_TEST_MAP_H

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/string.h>

#include "map.h"
#include "syncmap.h"

static inline void syncmap_test_map_exit(void *map)
{
	syncmap_destroy(map);
}

static inline struct syncmap *syncmap_test_map(struct kunit *test,
					       const struct syncmap_params *params)
{
	struct syncmap *map = syncmap_create(params);

	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   syncmap_test_map_exit,
							   map));
	return map;
}

/*
 * The engines a parameterised case runs on:
 * KUNIT_CASE_PARAM(f, syncmap_engine_gen_params).
 */
static const u32 syncmap_test_engines[] __maybe_unused = {
	SYNCMAP_ENGINE_GO,
	SYNCMAP_ENGINE_MERGE,
};

static inline void syncmap_test_engine_desc(const u32 *engine, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
		 *engine == SYNCMAP_ENGINE_MERGE ? "merge" : "go");
}

/* In each file whose cases run on every engine: syncmap_engine_gen_params. */
#define SYNCMAP_TEST_ENGINE_PARAMS()					\
	KUNIT_ARRAY_PARAM(syncmap_engine, syncmap_test_engines,		\
			  syncmap_test_engine_desc)

/* The engine of a parameterised case; Go's in a case without one. */
static inline u32 syncmap_test_engine(struct kunit *test)
{
	return test->param_value ? *(const u32 *)test->param_value :
				   SYNCMAP_ENGINE_GO;
}

/* A map of the case's engine, with @params' limits (or none). */
static inline struct syncmap *
syncmap_test_engine_map(struct kunit *test,
			const struct syncmap_params *params)
{
	struct syncmap_params p = {};

	if (params)
		p = *params;
	p.engine = syncmap_test_engine(test);
	return syncmap_test_map(test, &p);
}

/*
 * Fill @keys with @n 8-byte keys from @first up whose hashes under @map's
 * jhash() agree in their low 11 bits: they share a home slot in every
 * table of up to 2048 slots, which holds up to 1536 keys.  Found with the
 * map's own seed, as an attacker who learnt it could.
 */
static inline void syncmap_test_colliding_keys(const struct syncmap *map,
					       u64 *keys, unsigned int n,
					       u64 first)
{
	unsigned int found = 0;
	u64 k;
	u32 w[2];

	for (k = first; found < n; k++) {
		memcpy(w, &k, sizeof(w));
		if (!(jhash_2words(w[0], w[1], map->hash_seed) & 2047))
			keys[found++] = k;
	}
}

#endif /* _SYNCMAP_TEST_MAP_H */
