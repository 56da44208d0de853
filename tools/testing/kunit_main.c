// SPDX-License-Identifier: GPL-2.0
/*
 * The runner of the KUnit suites in userspace: the test files of kunit/,
 * compiled unchanged against shim/include/kunit/test.h and linked with the core.
 *
 * Beyond KUnit, each case fails if it left a warning (the shim's WARN_ON,
 * refcount and context checks: a splat) or, in debug builds, if any
 * allocation it made is still live once its maps are destroyed and every
 * deferred free has run: a leak check as exact as the allocator.
 *
 * Usage: kunit [SUITE-GLOB...]; prints KTAP, then "N passed, N failed".
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kunit/test.h>
#include <shim.h>

#include "map.h"

#define MAX_SUITES	64

static struct kunit_suite *suites[MAX_SUITES];
static int nr_suites;
static __thread struct kunit *running;

void kunit_shim_register(struct kunit_suite **s, int n)
{
	int i;

	for (i = 0; i < n && nr_suites < MAX_SUITES; i++)
		suites[nr_suites++] = s[i];
}

struct kunit_resource_node {
	kunit_action_t *action;
	void *ctx;
	struct kunit_resource_node *next;
};

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_resource_node *r = malloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->action = action;
	r->ctx = ctx;
	r->next = test->resources;
	test->resources = r;
	return 0;
}

int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx)
{
	int ret = kunit_add_action(test, action, ctx);

	if (ret)
		action(ctx);
	return ret;
}

static void free_action(void *p)
{
	kfree(p);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  gfp_t gfp)
{
	void *p = kmalloc(size_mul(n, size), gfp);

	if (p && kunit_add_action_or_reset(test, free_action, p))
		return NULL;
	return p;
}

void kunit_shim_fail(struct kunit *test, bool assertion, const char *file,
		     int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("    # %s: %s FAILED at %s:%d\n    %s\n", test->name,
	       assertion ? "ASSERTION" : "EXPECTATION", file, line, what);
	if (fmt) {
		printf("    ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	test->status = KUNIT_FAILURE;
	/* An assertion ends the case, if it fired in the case's own thread. */
	if (assertion && running == test)
		longjmp(test->abort, 1);
}

/* Every deferred free of the core, and the ones those free in turn. */
static void quiesce(void)
{
	syncmap_flush_frees();
	shim_rcu_barrier();
	shim_rcu_barrier();
}

/* One run of a case (one parameter); the result as a KTAP status. */
static enum kunit_status run_one(struct kunit_suite *suite,
				 struct kunit_case *c, const void *param,
				 const char *desc)
{
	struct kunit test = { .name = desc ? desc : c->name,
			      .param_value = param };
	unsigned long warnings = shim_warnings();
	long live = shim_alloc_live();
	struct kunit_resource_node *r;

	running = &test;
	if (!suite->init || !suite->init(&test)) {
		if (!setjmp(test.abort))
			c->run_case(&test);
		if (suite->exit)
			suite->exit(&test);
	}
	running = NULL;
	while ((r = test.resources)) {
		test.resources = r->next;
		r->action(r->ctx);
		free(r);
	}
	quiesce();
	if (shim_warnings() != warnings) {
		printf("    # %s: %lu warning(s) (see above)\n", test.name,
		       shim_warnings() - warnings);
		test.status = KUNIT_FAILURE;
	}
	if (SHIM_DEBUG && shim_alloc_live() != live) {
		printf("    # %s: %ld allocation(s) leaked\n", test.name,
		       shim_alloc_live() - live);
		test.status = KUNIT_FAILURE;
	}
	return test.status;
}

static const char *status_word(enum kunit_status s)
{
	return s == KUNIT_FAILURE ? "not ok" : "ok";
}

/* Returns the number of failed cases. */
static int run_suite(struct kunit_suite *suite, int index, int *cases)
{
	int n = 0, failed = 0, i, p;
	struct kunit_case *c;

	for (c = suite->test_cases; c->run_case; c++)
		n++;
	printf("    # Subtest: %s\n    1..%d\n", suite->name, n);
	if (suite->suite_init && suite->suite_init(suite)) {
		printf("not ok %d %s # suite_init failed\n", index, suite->name);
		*cases += n;
		return n;
	}
	for (i = 1, c = suite->test_cases; c->run_case; c++, i++) {
		enum kunit_status status = KUNIT_SUCCESS, s;

		if (c->generate_params) {
			char desc[KUNIT_PARAM_DESC_SIZE];
			const void *param = NULL;

			printf("        # Subtest: %s\n", c->name);
			for (p = 1;; p++) {
				desc[0] = '\0';
				param = c->generate_params(param, desc);
				if (!param)
					break;
				s = run_one(suite, c, param, desc[0] ? desc : NULL);
				printf("        %s %d %s\n", status_word(s), p,
				       desc[0] ? desc : "param");
				if (s == KUNIT_FAILURE)
					status = KUNIT_FAILURE;
			}
		} else {
			status = run_one(suite, c, NULL, NULL);
		}
		printf("    %s %d %s%s\n", status_word(status), i, c->name,
		       status == KUNIT_SKIPPED ? " # SKIP" : "");
		failed += status == KUNIT_FAILURE;
		fflush(stdout);
	}
	if (suite->suite_exit)
		suite->suite_exit(suite);
	printf("%s %d %s\n", failed ? "not ok" : "ok", index, suite->name);
	*cases += n;
	return failed;
}

static bool wanted(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!fnmatch(argv[i], name, 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int i, n = 0, cases = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (syncmap_core_init()) {
		fprintf(stderr, "syncmap_core_init() failed\n");
		return 1;
	}
	for (i = 0; i < nr_suites; i++)
		n += wanted(suites[i]->name, argc, argv);
	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0, n = 0; i < nr_suites; i++)
		if (wanted(suites[i]->name, argc, argv))
			failed += run_suite(suites[i], ++n, &cases);
	syncmap_core_exit();
	printf("kunit: %d passed, %d failed\n", cases - failed, failed);
	return failed ? 1 : 0;
}
