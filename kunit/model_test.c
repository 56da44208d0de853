// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_differential_test: Go's quick-check (TestMapMatchesRWMutex) run
 * against a model of Go's own algorithm, so that not only the results
 * but the counters must match: random sequences of 0-49 calls over a tiny
 * key space that includes the empty key.
 *
 * syncmap_oom_test: the same sequences with an allocation made to fail in
 * each mutation in turn; a failed mutation must leave the map exactly as
 * it was.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "go_model.h"
#include "map.h"
#include "syncmap.h"
#include "test_map.h"

MODULE_IMPORT_NS(SYNCMAP_TESTING);

#define SEQUENCES	300
#define MAX_CALLS	50

enum op_kind {
	OP_LOAD,
	OP_STORE,
	OP_LOAD_OR_STORE,
	OP_LOAD_AND_DELETE,
	OP_DELETE,
	OP_SWAP,
	OP_COMPARE_AND_SWAP,
	OP_COMPARE_AND_DELETE,
	OP_CLEAR,
	OP_RANGE,
	OP_NR,
};

struct op {
	enum op_kind kind;
	struct go_str key, val, val2;
};

/* Strings of 0-2 letters from 'a'-'c': 13 keys, the empty one included. */
static void random_str(struct rnd_state *rnd, struct go_str *s)
{
	int i;

	/* Whole structures are compared: no stale bytes past the length. */
	memset(s, 0, sizeof(*s));
	s->len = prandom_u32_state(rnd) % 3;
	for (i = 0; i < s->len; i++)
		s->b[i] = 'a' + prandom_u32_state(rnd) % 3;
}

static void random_op(struct rnd_state *rnd, struct op *op)
{
	op->kind = prandom_u32_state(rnd) % OP_NR;
	random_str(rnd, &op->key);
	random_str(rnd, &op->val);
	random_str(rnd, &op->val2);
}

struct kv {
	struct go_str key, val;
};

/* Live keys at once: at most the 13 of the key space. */
#define COLLECT_MAX	16

struct collect {
	struct kv kv[COLLECT_MAX];
	int n;
};

static int collect_fn(void *arg, const void *key, u32 key_len,
		      const void *value, u32 value_len)
{
	struct collect *c = arg;

	if (c->n == COLLECT_MAX || key_len > GO_MODEL_STR ||
	    value_len > GO_MODEL_STR)
		return -EOVERFLOW;
	memset(&c->kv[c->n], 0, sizeof(c->kv[0]));
	c->kv[c->n].key.len = key_len;
	memcpy(c->kv[c->n].key.b, key, key_len);
	c->kv[c->n].val.len = value_len;
	memcpy(c->kv[c->n].val.b, value, value_len);
	c->n++;
	return 0;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	if (x->key.len != y->key.len)
		return x->key.len - y->key.len;
	return memcmp(x->key.b, y->key.b, x->key.len);
}

static void model_collect(struct go_map *m, struct collect *c)
{
	int i, e;

	c->n = 0;
	for (i = 0; i < m->nread; i++) {
		e = m->read[i];
		if (m->ents[e].state != GO_LIVE || c->n == COLLECT_MAX)
			continue;
		c->kv[c->n].key = m->ents[e].key;
		c->kv[c->n].val = m->ents[e].val;
		c->n++;
	}
}

static void expect_same_contents(struct kunit *test, struct collect *got,
				 struct collect *want, int seq, int call)
{
	KUNIT_EXPECT_EQ_MSG(test, got->n, want->n, "seq %d call %d", seq,
			    call);
	if (got->n != want->n)
		return;
	sort(got->kv, got->n, sizeof(got->kv[0]), kv_cmp, NULL);
	sort(want->kv, want->n, sizeof(want->kv[0]), kv_cmp, NULL);
	KUNIT_EXPECT_MEMEQ_MSG(test, got->kv, want->kv,
			       got->n * sizeof(got->kv[0]), "seq %d call %d",
			       seq, call);
}

/*
 * The counters Go's algorithm defines must be equal, field by field.  A
 * merge map counts its own way: its len must still be the model's.
 */
static void expect_counters(struct kunit *test, struct syncmap *map,
			    struct go_map *m, int seq, int call)
{
	struct syncmap_stats st;

	syncmap_get_stats(map, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.engine, (u64)map->engine,
			    "seq %d call %d", seq, call);
	if (map->engine == SYNCMAP_ENGINE_MERGE) {
		KUNIT_EXPECT_EQ_MSG(test, st.len, go_len(m), "seq %d call %d",
				    seq, call);
		KUNIT_EXPECT_EQ_MSG(test, syncmap_len(map), go_len(m),
				    "seq %d call %d", seq, call);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, st.misses, m->misses, "seq %d call %d",
			    seq, call);
	KUNIT_EXPECT_EQ_MSG(test, st.promotions, m->promotions,
			    "seq %d call %d", seq, call);
	KUNIT_EXPECT_EQ_MSG(test, st.read_len, (u64)m->nread,
			    "seq %d call %d", seq, call);
	KUNIT_EXPECT_EQ_MSG(test, st.dirty_len, (u64)m->ndirty,
			    "seq %d call %d", seq, call);
	KUNIT_EXPECT_EQ_MSG(test, st.dirty_present, (u64)m->dirty_present,
			    "seq %d call %d", seq, call);
	KUNIT_EXPECT_EQ_MSG(test, st.amended, (u64)m->amended,
			    "seq %d call %d", seq, call);
	KUNIT_EXPECT_EQ_MSG(test, st.len, go_len(m), "seq %d call %d", seq,
			    call);
}

static void expect_result(struct kunit *test, int ret, bool ok,
			  const u8 *buf, u32 len, const struct go_str *want,
			  int seq, int call)
{
	KUNIT_EXPECT_EQ_MSG(test, ret, (int)ok, "seq %d call %d", seq, call);
	if (ret != 1 || !ok || !want)
		return;
	KUNIT_EXPECT_EQ_MSG(test, len, (u32)want->len, "seq %d call %d", seq,
			    call);
	KUNIT_EXPECT_MEMEQ_MSG(test, buf, want->b, want->len,
			       "seq %d call %d", seq, call);
}

/*
 * Run one call on the map; when it succeeds, run it on the model too and
 * compare.  Returns the map's return value.
 */
static int run_op(struct kunit *test, struct syncmap *map, struct go_map *m,
		  const struct op *op, int seq, int call)
{
	const struct go_str *k = &op->key, *v = &op->val, *v2 = &op->val2;
	struct collect *got, *want;
	struct go_result r;
	u8 buf[GO_MODEL_STR];
	u32 len = 0;
	int ret;

	switch (op->kind) {
	case OP_LOAD:
		ret = syncmap_load(map, k->b, k->len, buf, sizeof(buf), &len);
		r = go_load(m, k);
		expect_result(test, ret, r.ok, buf, len, &r.val, seq, call);
		return ret;
	case OP_STORE:
		ret = syncmap_store(map, k->b, k->len, v->b, v->len);
		if (ret == 0)
			go_swap(m, k, v);
		return ret;
	case OP_SWAP:
		ret = syncmap_swap(map, k->b, k->len, v->b, v->len, buf,
				   sizeof(buf), &len);
		if (ret < 0)
			return ret;
		r = go_swap(m, k, v);
		expect_result(test, ret, r.ok, buf, len, &r.val, seq, call);
		return ret;
	case OP_LOAD_OR_STORE:
		ret = syncmap_load_or_store(map, k->b, k->len, v->b, v->len,
					    buf, sizeof(buf), &len);
		if (ret < 0)
			return ret;
		r = go_load_or_store(m, k, v);
		expect_result(test, ret, r.ok, buf, len, &r.val, seq, call);
		KUNIT_EXPECT_MEMEQ(test, buf, r.val.b, r.val.len);
		return ret;
	case OP_LOAD_AND_DELETE:
		ret = syncmap_load_and_delete(map, k->b, k->len, buf,
					      sizeof(buf), &len);
		r = go_load_and_delete(m, k);
		expect_result(test, ret, r.ok, buf, len, &r.val, seq, call);
		return ret;
	case OP_DELETE:
		ret = syncmap_delete(map, k->b, k->len);
		r = go_load_and_delete(m, k);
		expect_result(test, ret, r.ok, NULL, 0, NULL, seq, call);
		return ret;
	case OP_COMPARE_AND_SWAP:
		ret = syncmap_compare_and_swap(map, k->b, k->len, v->b, v->len,
					       v2->b, v2->len);
		if (ret < 0)
			return ret;
		expect_result(test, ret, go_compare_and_swap(m, k, v, v2),
			      NULL, 0, NULL, seq, call);
		return ret;
	case OP_COMPARE_AND_DELETE:
		ret = syncmap_compare_and_delete(map, k->b, k->len, v->b,
						 v->len);
		expect_result(test, ret, go_compare_and_delete(m, k, v),
			      NULL, 0, NULL, seq, call);
		return ret;
	case OP_CLEAR:
		ret = syncmap_clear(map);
		if (ret == 0)
			go_clear(m);
		return ret;
	case OP_RANGE:
		/* Off the stack: two of these would not fit a kernel frame. */
		got = kzalloc(sizeof(*got), GFP_KERNEL);
		want = kzalloc(sizeof(*want), GFP_KERNEL);
		ret = got && want ? syncmap_range(map, collect_fn, got) : -ENOMEM;
		KUNIT_EXPECT_EQ(test, 0, ret);
		if (!ret) {
			go_range_promote(m);
			model_collect(m, want);
			expect_same_contents(test, got, want, seq, call);
		}
		kfree(got);
		kfree(want);
		return ret;
	default:
		return -EINVAL;
	}
}

SYNCMAP_TEST_ENGINE_PARAMS();

static void matches_go(struct kunit *test)
{
	struct go_map *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct rnd_state rnd;
	struct op op;
	int seq, call, calls;

	KUNIT_ASSERT_NOT_NULL(test, m);
	prandom_seed_state(&rnd, 20261122);
	for (seq = 0; seq < SEQUENCES; seq++) {
		struct syncmap_params params = {
			.engine = syncmap_test_engine(test),
		};
		struct syncmap *map = syncmap_create(&params);

		KUNIT_ASSERT_FALSE(test, IS_ERR(map));
		go_init(m);
		calls = prandom_u32_state(&rnd) % MAX_CALLS;
		for (call = 0; call < calls; call++) {
			random_op(&rnd, &op);
			KUNIT_EXPECT_GE(test, run_op(test, map, m, &op, seq,
						     call), 0);
			expect_counters(test, map, m, seq, call);
		}
		/* The final contents, through Range (which may promote). */
		op.kind = OP_RANGE;
		run_op(test, map, m, &op, seq, calls);
		expect_counters(test, map, m, seq, calls);
		syncmap_destroy(map);
		if (test->status == KUNIT_FAILURE)
			break;
	}
}

static struct kunit_case syncmap_differential_cases[] = {
	KUNIT_CASE_PARAM(matches_go, syncmap_engine_gen_params),
	{}
};

static struct kunit_suite syncmap_differential_suite = {
	.name = "syncmap_differential_test",
	.test_cases = syncmap_differential_cases,
};

static bool is_mutation(enum op_kind kind)
{
	return kind != OP_LOAD && kind != OP_RANGE;
}

/*
 * Every mutation, with each of its allocations failing in turn: a call
 * that fails must leave results and counters as the model (which did not
 * run it) says, and the sequence goes on.
 */
static void failed_mutations_change_nothing(struct kunit *test)
{
	struct go_map *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct syncmap *map = syncmap_test_engine_map(test, NULL);
	int call, nth, ret, failures = 0;
	struct rnd_state rnd;
	struct op op;

	KUNIT_ASSERT_NOT_NULL(test, m);
	go_init(m);
	prandom_seed_state(&rnd, 4242);
	for (call = 0; call < 200; call++) {
		random_op(&rnd, &op);
		if (op.kind == OP_RANGE || op.kind == OP_LOAD)
			continue;
		for (nth = 1; is_mutation(op.kind); nth++) {
			syncmap_inject_alloc_failure(map, nth);
			ret = run_op(test, map, m, &op, 0, call);
			syncmap_inject_alloc_failure(map, 0);
			expect_counters(test, map, m, 0, call);
			if (ret != -ENOMEM)
				break;
			failures++;
		}
	}
	/* The walk through all of it shows the same contents as the model. */
	op.kind = OP_RANGE;
	run_op(test, map, m, &op, 0, call);
	KUNIT_EXPECT_GT(test, failures, 50);
}

static struct kunit_case syncmap_oom_cases[] = {
	KUNIT_CASE_PARAM(failed_mutations_change_nothing,
			 syncmap_engine_gen_params),
	{}
};

static struct kunit_suite syncmap_oom_suite = {
	.name = "syncmap_oom_test",
	.test_cases = syncmap_oom_cases,
};

kunit_test_suites(&syncmap_differential_suite, &syncmap_oom_suite);
