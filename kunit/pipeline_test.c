// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_pipeline_test: proves the test VM's plumbing, that syncmap.ko is
 * loaded before the KUnit modules and that a suite's KTAP reaches the host.
 * The real suites replace it.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/path.h>

static void syncmap_pipeline_loaded_test(struct kunit *test)
{
	struct path path;
	int err;

	/* KUnit runs a module's suites once the module has gone live. */
	KUNIT_EXPECT_EQ(test, THIS_MODULE->state, MODULE_STATE_LIVE);

	/* The runner loads syncmap.ko first; its sysfs directory says so. */
	err = kern_path("/sys/module/syncmap", LOOKUP_FOLLOW, &path);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "syncmap.ko is not loaded");
	path_put(&path);
}

static struct kunit_case syncmap_pipeline_test_cases[] = {
	KUNIT_CASE(syncmap_pipeline_loaded_test),
	{}
};

static struct kunit_suite syncmap_pipeline_test_suite = {
	.name = "syncmap_pipeline_test",
	.test_cases = syncmap_pipeline_test_cases,
};

kunit_test_suite(syncmap_pipeline_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit check of syncmap's test pipeline");
