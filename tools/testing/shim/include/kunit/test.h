/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <kunit/test.h>: enough of KUnit to run the project's KUnit
 * suites (the test files of kunit/) unchanged in userspace, at native
 * speed and under the sanitizers.  The runner is tools/testing/kunit_main.c.
 *
 * As in KUnit, an EXPECT that fails marks the case failed and goes on; an
 * ASSERT that fails also ends the case (here with longjmp()), and the
 * case's deferred actions and allocations are released either way.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define KUNIT_PARAM_DESC_SIZE	128

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

struct kunit_resource_node;

struct kunit {
	const char *name;
	const void *param_value;
	enum kunit_status status;
	/* The runner's. */
	jmp_buf abort;
	struct kunit_resource_node *resources;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	bool slow;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn)	{ .run_case = fn, .name = #fn, .slow = true }
#define KUNIT_CASE_PARAM(fn, gen) \
	{ .run_case = fn, .name = #fn, .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__typeof__((array)[0]) *__next =			\
			prev ? ((__typeof__(__next))prev) + 1 : (array); \
		if (__next - (array) < (long)ARRAY_SIZE((array))) {	\
			void (*__get_desc)(__typeof__(__next), char *) = get_desc; \
			if (__get_desc)					\
				__get_desc(__next, desc);		\
			return __next;					\
		}							\
		return NULL;						\
	}

void kunit_shim_register(struct kunit_suite **suites, int n);

#define __KUNIT_REGISTER(id, ...)					\
	static struct kunit_suite *__kunit_suites_##id[] = { __VA_ARGS__ }; \
	static void __attribute__((constructor)) __kunit_register_##id(void) \
	{								\
		kunit_shim_register(__kunit_suites_##id,		\
				    ARRAY_SIZE(__kunit_suites_##id));	\
	}
#define _KUNIT_REGISTER(id, ...)	__KUNIT_REGISTER(id, __VA_ARGS__)
#define kunit_test_suites(...)	_KUNIT_REGISTER(__COUNTER__, __VA_ARGS__)
#define kunit_test_suite(suite)	kunit_test_suites(&suite)

/* ---- Resources ---- */

typedef void (kunit_action_t)(void *);

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);
int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx);
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  gfp_t gfp);

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

/* ---- Messages and assertions ---- */

#define kunit_info(test, fmt, ...) \
	printf("    # %s: " fmt "\n", (test)->name, ##__VA_ARGS__)
#define kunit_warn	kunit_info
#define kunit_err	kunit_info

void kunit_shim_fail(struct kunit *test, bool assertion, const char *file,
		     int line, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#define KUNIT_FAIL(test, fmt, ...) \
	kunit_shim_fail(test, false, __FILE__, __LINE__, "KUNIT_FAIL", \
			fmt, ##__VA_ARGS__)

#define KUNIT_SUCCEED(test)	do { } while (0)

#define kunit_skip(test, fmt, ...) do {					\
	(test)->status = KUNIT_SKIPPED;					\
	printf("    # %s: SKIP " fmt "\n", (test)->name, ##__VA_ARGS__); \
	longjmp((test)->abort, 1);					\
} while (0)

#define __KUNIT_UNARY(test, assertion, cond, want, fmt, ...) do {	\
	if (!!(cond) != (want))						\
		kunit_shim_fail(test, assertion, __FILE__, __LINE__,	\
				"expected " #cond " to be " #want, fmt, \
				##__VA_ARGS__);				\
} while (0)

#define __KUNIT_BINARY(test, assertion, left, op, right, fmt, ...) do {	\
	const __typeof__(left) __left = (left);				\
	const __typeof__(right) __right = (right);			\
	if (!(__left op __right)) {					\
		char __what[256];					\
		snprintf(__what, sizeof(__what),			\
			 "expected " #left " " #op " " #right ", but "	\
			 #left " == %lld (0x%llx), " #right " == %lld (0x%llx)", \
			 (long long)__left, (unsigned long long)__left,	\
			 (long long)__right, (unsigned long long)__right); \
		kunit_shim_fail(test, assertion, __FILE__, __LINE__, __what, \
				fmt, ##__VA_ARGS__);			\
	}								\
} while (0)

#define __KUNIT_PTR(test, assertion, left, op, right, fmt, ...) do {	\
	const void *__left = (left);					\
	const void *__right = (right);					\
	if (!(__left op __right)) {					\
		char __what[256];					\
		snprintf(__what, sizeof(__what),			\
			 "expected " #left " " #op " " #right ", but "	\
			 #left " == %p, " #right " == %p", __left, __right); \
		kunit_shim_fail(test, assertion, __FILE__, __LINE__, __what, \
				fmt, ##__VA_ARGS__);			\
	}								\
} while (0)

#define __KUNIT_STR(test, assertion, left, op, right, fmt, ...) do {	\
	const char *__left = (left), *__right = (right);		\
	if (!(strcmp(__left, __right) op 0)) {				\
		char __what[512];					\
		snprintf(__what, sizeof(__what),			\
			 "expected " #left " " #op " " #right ", but "	\
			 #left " == \"%s\", " #right " == \"%s\"",	\
			 __left, __right);				\
		kunit_shim_fail(test, assertion, __FILE__, __LINE__, __what, \
				fmt, ##__VA_ARGS__);			\
	}								\
} while (0)

#define __KUNIT_MEM(test, assertion, left, op, right, size, fmt, ...) do { \
	if (!(memcmp((left), (right), (size)) op 0))			\
		kunit_shim_fail(test, assertion, __FILE__, __LINE__,	\
				"expected " #left " " #op " " #right	\
				" over " #size " bytes", fmt, ##__VA_ARGS__); \
} while (0)

#define __KUNIT_ERR_OR_NULL(test, assertion, ptr, fmt, ...) do {	\
	const void *__ptr = (ptr);					\
	if (IS_ERR_OR_NULL(__ptr))					\
		kunit_shim_fail(test, assertion, __FILE__, __LINE__,	\
				"expected " #ptr " is not null or error", \
				fmt, ##__VA_ARGS__);			\
} while (0)

/* EXPECT (false) and ASSERT (true) flavours of every check. */
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...)	__KUNIT_UNARY(t, false, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...)	__KUNIT_UNARY(t, false, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...)	__KUNIT_UNARY(t, true, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, fmt, ...)	__KUNIT_UNARY(t, true, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_EXPECT_TRUE_MSG(t, c, NULL)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_EXPECT_FALSE_MSG(t, c, NULL)
#define KUNIT_ASSERT_TRUE(t, c)		KUNIT_ASSERT_TRUE_MSG(t, c, NULL)
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_ASSERT_FALSE_MSG(t, c, NULL)

#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, false, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, false, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, false, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, false, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, false, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, true, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, true, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, true, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, true, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(t, l, r, fmt, ...)	__KUNIT_BINARY(t, true, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ(t, l, r)	KUNIT_EXPECT_EQ_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_NE(t, l, r)	KUNIT_EXPECT_NE_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_LT(t, l, r)	KUNIT_EXPECT_LT_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_LE(t, l, r)	KUNIT_EXPECT_LE_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_GT(t, l, r)	KUNIT_EXPECT_GT_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_GE(t, l, r)	KUNIT_EXPECT_GE_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_EQ(t, l, r)	KUNIT_ASSERT_EQ_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_NE(t, l, r)	KUNIT_ASSERT_NE_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_LT(t, l, r)	KUNIT_ASSERT_LT_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_LE(t, l, r)	KUNIT_ASSERT_LE_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_GT(t, l, r)	KUNIT_ASSERT_GT_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_GE(t, l, r)	KUNIT_ASSERT_GE_MSG(t, l, r, NULL)

#define KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, fmt, ...) __KUNIT_PTR(t, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE_MSG(t, l, r, fmt, ...) __KUNIT_PTR(t, false, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, fmt, ...) __KUNIT_PTR(t, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE_MSG(t, l, r, fmt, ...) __KUNIT_PTR(t, true, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ(t, l, r)	KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_PTR_NE(t, l, r)	KUNIT_EXPECT_PTR_NE_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_PTR_EQ(t, l, r)	KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_PTR_NE(t, l, r)	KUNIT_ASSERT_PTR_NE_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_NULL(t, p)		KUNIT_EXPECT_PTR_EQ(t, p, NULL)
#define KUNIT_EXPECT_NOT_NULL(t, p)	KUNIT_EXPECT_PTR_NE(t, p, NULL)
#define KUNIT_ASSERT_NULL(t, p)		KUNIT_ASSERT_PTR_EQ(t, p, NULL)
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_ASSERT_PTR_NE(t, p, NULL)
#define KUNIT_EXPECT_NULL_MSG(t, p, fmt, ...)	 KUNIT_EXPECT_PTR_EQ_MSG(t, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(t, p, fmt, ...) KUNIT_EXPECT_PTR_NE_MSG(t, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(t, p, fmt, ...)	 KUNIT_ASSERT_PTR_EQ_MSG(t, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(t, p, fmt, ...) KUNIT_ASSERT_PTR_NE_MSG(t, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p) __KUNIT_ERR_OR_NULL(t, false, p, NULL)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) __KUNIT_ERR_OR_NULL(t, true, p, NULL)

#define KUNIT_EXPECT_STREQ_MSG(t, l, r, fmt, ...)  __KUNIT_STR(t, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ_MSG(t, l, r, fmt, ...) __KUNIT_STR(t, false, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STREQ_MSG(t, l, r, fmt, ...)  __KUNIT_STR(t, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ_MSG(t, l, r, fmt, ...) __KUNIT_STR(t, true, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ(t, l, r)	KUNIT_EXPECT_STREQ_MSG(t, l, r, NULL)
#define KUNIT_EXPECT_STRNEQ(t, l, r)	KUNIT_EXPECT_STRNEQ_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_STREQ(t, l, r)	KUNIT_ASSERT_STREQ_MSG(t, l, r, NULL)
#define KUNIT_ASSERT_STRNEQ(t, l, r)	KUNIT_ASSERT_STRNEQ_MSG(t, l, r, NULL)

#define KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, fmt, ...)  __KUNIT_MEM(t, false, l, ==, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMNEQ_MSG(t, l, r, n, fmt, ...) __KUNIT_MEM(t, false, l, !=, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMEQ_MSG(t, l, r, n, fmt, ...)  __KUNIT_MEM(t, true, l, ==, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMNEQ_MSG(t, l, r, n, fmt, ...) __KUNIT_MEM(t, true, l, !=, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ(t, l, r, n)	KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, NULL)
#define KUNIT_EXPECT_MEMNEQ(t, l, r, n)	KUNIT_EXPECT_MEMNEQ_MSG(t, l, r, n, NULL)
#define KUNIT_ASSERT_MEMEQ(t, l, r, n)	KUNIT_ASSERT_MEMEQ_MSG(t, l, r, n, NULL)
#define KUNIT_ASSERT_MEMNEQ(t, l, r, n)	KUNIT_ASSERT_MEMNEQ_MSG(t, l, r, n, NULL)

#endif
