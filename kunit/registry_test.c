// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_registry_test: named maps from another module, through the
 * exported syncmap_get() and syncmap_put() only, as an in-kernel consumer
 * sharing a map with userspace would use them.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "syncmap.h"

static void syncmap_registry_get_default_test(struct kunit *test)
{
	struct syncmap *map = syncmap_get(SYNCMAP_DEFAULT_NAME);
	char buf[16];
	u32 len = 0;

	KUNIT_ASSERT_NOT_NULL(test, map);
	/* The same map for every caller, userspace's included. */
	KUNIT_EXPECT_PTR_EQ(test, map, syncmap_get(SYNCMAP_DEFAULT_NAME));
	syncmap_put(map);

	KUNIT_EXPECT_EQ(test, syncmap_store(map, "kunit-registry", 14, "v", 1),
			0);
	KUNIT_EXPECT_EQ(test, syncmap_load(map, "kunit-registry", 14, buf,
					   sizeof(buf), &len), 1);
	KUNIT_EXPECT_EQ(test, len, 1U);
	KUNIT_EXPECT_EQ(test, syncmap_delete(map, "kunit-registry", 14), 1);
	syncmap_put(map);
}

static const char *const syncmap_registry_missing_names[] = {
	"no-such-map", "", ".default", "default/", "DEFAULT",
};

static void syncmap_registry_missing_name_desc(const char *const *name,
					       char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", *name);
}

KUNIT_ARRAY_PARAM(syncmap_registry_missing, syncmap_registry_missing_names,
		  syncmap_registry_missing_name_desc);

static void syncmap_registry_get_missing_test(struct kunit *test)
{
	const char *const *name = test->param_value;

	KUNIT_EXPECT_NULL(test, syncmap_get(*name));
}

static void syncmap_registry_put_null_test(struct kunit *test)
{
	/* Nothing happens, as for kfree(NULL). */
	syncmap_put(NULL);
}

static struct kunit_case syncmap_registry_test_cases[] = {
	KUNIT_CASE(syncmap_registry_get_default_test),
	KUNIT_CASE_PARAM(syncmap_registry_get_missing_test,
			 syncmap_registry_missing_gen_params),
	KUNIT_CASE(syncmap_registry_put_null_test),
	{}
};

static struct kunit_suite syncmap_registry_test_suite = {
	.name = "syncmap_registry_test",
	.test_cases = syncmap_registry_test_cases,
};

kunit_test_suite(syncmap_registry_test_suite);
