// SPDX-License-Identifier: GPL-2.0
/*
 * The differential test at native speed: random operation sequences run on
 * syncmap's core and on the model of Go's sync.Map (diff.h), many more of
 * them than the KUnit suite can afford in a VM.
 *
 * Profiles:
 *   go      Go's own quick-check (TestMapMatchesRWMutex): sequences of
 *           0-49 calls, keys and values random strings of 0-3 letters
 *           a-z (so the empty key is common); every operation.
 *   dense   13 keys (0-2 letters a-c) and as few values, so that CAS and
 *           CAD compare equal, keys are deleted and come back, and the
 *           dirty table is rebuilt and promoted over and over; 0-199
 *           calls, and small or absent buffers (-ERANGE, NULL).
 *   faults  dense, plus oversize arguments (-E2BIG) and an allocation
 *           made to fail in one call in five (-ENOMEM: nothing changes).
 *
 * And syncmap_create() with each of its allocations failing in turn (the
 * shim's switch, as the core's own hook needs a map): it must fail with
 * -ENOMEM and free everything it had allocated.
 *
 * Usage: difftest [-n SEQUENCES] [-s SEED]; prints a line per profile,
 * then "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/prandom.h>
#include <shim.h>

#include "diff.h"
#include "map.h"

struct profile {
	const char *name;
	int max_calls;		/* calls per sequence: 0 .. max_calls - 1 */
	int max_len;		/* strings of 0 .. max_len - 1 letters */
	int letters;
	bool buffers;		/* small and NULL buffers */
	bool faults;		/* oversize arguments, failing allocations */
};

static const struct profile profiles[] = {
	{ "go", 50, 4, 26, false, false },
	{ "dense", 200, 3, 3, true, false },
	{ "faults", 200, 3, 3, true, true },
};

static u32 rnd(struct rnd_state *r, u32 n)
{
	return prandom_u32_state(r) % n;
}

static void random_str(struct rnd_state *r, const struct profile *p,
		       struct go_str *s)
{
	int i;

	s->len = rnd(r, p->max_len);
	for (i = 0; i < s->len; i++)
		s->b[i] = 'a' + rnd(r, p->letters);
}

static void random_op(struct rnd_state *r, const struct profile *p,
		      struct diff_op *op)
{
	memset(op, 0, sizeof(*op));
	op->code = rnd(r, DIFF_OP_NR);
	random_str(r, p, &op->key);
	random_str(r, p, &op->val);
	random_str(r, p, &op->old);
	op->buf_size = GO_MODEL_STR;
	op->chunk = 1 + rnd(r, 4);
	if (p->buffers && rnd(r, 4) == 0)
		op->buf_size = rnd(r, 3);	/* 0 is no buffer at all */
	if (p->faults) {
		if (rnd(r, 20) == 0)
			op->oversize = 1 + rnd(r, 3);
		if (rnd(r, 5) == 0)
			op->fail_nth = 1 + rnd(r, 4);
	}
}

static int run_profile(const struct profile *p, u32 engine, int sequences,
		       u64 seed, unsigned long *calls,
		       unsigned long *failed_allocs)
{
	struct rnd_state r;
	struct diff d;
	struct diff_op op;
	int seq, call, n;

	prandom_seed_state(&r, seed);
	for (seq = 0; seq < sequences; seq++) {
		if (diff_init(&d, engine)) {
			printf("# %s: %s\n", p->name, d.why);
			return -1;
		}
		n = rnd(&r, p->max_calls);
		for (call = 0; call < n; call++) {
			random_op(&r, p, &op);
			if (diff_model_room(&d) < 2)
				break;
			if (diff_step(&d, &op)) {
				printf("# %s: seed %llu sequence %d call %d: %s\n#   %s\n",
				       p->name, (unsigned long long)seed, seq,
				       call, d.op, d.why);
				return -1;
			}
		}
		*calls += d.steps;
		*failed_allocs += d.failed_allocs;
		if (diff_finish(&d)) {
			printf("# %s: seed %llu sequence %d, at the end: %s %s\n",
			       p->name, (unsigned long long)seed, seq, d.op,
			       d.why);
			return -1;
		}
	}
	return 0;
}

/* Returns how many allocations syncmap_create() makes, or -1. */
static int create_failures(void)
{
	long live = shim_alloc_live();
	struct syncmap *map;
	int nth;

	for (nth = 1; nth < 64; nth++) {
		shim_fail_alloc_nth(nth);
		map = syncmap_create(NULL);
		shim_fail_alloc_nth(0);
		if (!IS_ERR(map)) {
			syncmap_destroy(map);
			shim_rcu_barrier();
			return nth - 1;
		}
		if (PTR_ERR(map) != -ENOMEM) {
			printf("# create: allocation %d failing gave %ld\n", nth,
			       PTR_ERR(map));
			return -1;
		}
		shim_rcu_barrier();
		if (SHIM_DEBUG && shim_alloc_live() != live) {
			printf("# create: allocation %d failing leaked %ld\n",
			       nth, shim_alloc_live() - live);
			return -1;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	int sequences = 5000, opt, i, passed = 0, failed = 0;
	u64 seed = 20261122;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			sequences = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n SEQUENCES] [-s SEED]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (syncmap_core_init())
		return 1;
	for (i = 0; i < (int)ARRAY_SIZE(profiles) * SYNCMAP_ENGINE_NR; i++) {
		const struct profile *p = &profiles[i / SYNCMAP_ENGINE_NR];
		u32 engine = i % SYNCMAP_ENGINE_NR;
		unsigned long calls = 0, failed_allocs = 0;
		unsigned long warnings = shim_warnings();
		int ret;

		/* The same sequences on each engine. */
		ret = run_profile(p, engine, sequences,
				  seed + i / SYNCMAP_ENGINE_NR, &calls,
				  &failed_allocs);
		if (!ret && shim_warnings() != warnings) {
			printf("# %s: %lu warning(s), see above\n",
			       p->name, shim_warnings() - warnings);
			ret = -1;
		}
		printf("%s %d %s, engine %s: %d sequences, %lu calls, %lu failed allocations\n",
		       ret ? "not ok" : "ok", i + 1, p->name,
		       engine ? "merge" : "go", sequences, calls,
		       failed_allocs);
		if (ret)
			failed++;
		else
			passed++;
	}
	opt = create_failures();
	printf("%s %d create: each of its %d allocations failing in turn\n",
	       opt < 1 ? "not ok" : "ok", i + 1, opt);
	if (opt < 1)
		failed++;
	else
		passed++;
	syncmap_core_exit();
	printf("difftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
