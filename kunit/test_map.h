/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A map for one KUnit case, destroyed when the case ends, pass or fail.
 * Shared by the suites in kunit/.
 */
#ifndef _SYNCMAP_TEST_MAP_H
#define _SYNCMAP_TEST_MAP_H

#include <kunit/test.h>
#include <linux/err.h>

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

#endif /* _SYNCMAP_TEST_MAP_H */
