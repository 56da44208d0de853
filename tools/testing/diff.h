/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential harness: one operation at a time on syncmap's core and
 * on the model of Go's sync.Map (kunit/go_model.c, the same model the KUnit
 * suites use), comparing after each one
 *
 *  - the result, and the value returned, byte for byte;
 *  - Go's counters: misses, promotions, read_len, dirty_len,
 *    dirty_present, amended, len;
 *  - the event counters of docs/counters.md (loads, read hits and misses,
 *    dirty hits, stores, new keys, deletes, clears, promotions by misses
 *    and by Range, dirty rebuilds and what they copied and expunged),
 *    predicted from the model's state before the operation;
 *
 * and, at the end, the contents through Range, the entries alive once
 * every deferred free has run, and that destroying the map returns every
 * allocation.
 *
 * A map of the merge engine (SYNCMAP_ENGINE_MERGE) gives Go's results but
 * counts its own way: on it the harness checks every result and value,
 * len, and the counts of loads, stores and deletes; and at the end, that
 * a compaction leaves exactly one entry per live key.  Used by difftest.c (random sequences) and fuzz.c
 * (libFuzzer's inputs).
 */
#ifndef _SYNCMAP_DIFF_H
#define _SYNCMAP_DIFF_H

#include <linux/types.h>

#include "go_model.h"
#include "syncmap.h"

enum diff_opcode {
	DIFF_LOAD,
	DIFF_STORE,
	DIFF_LOAD_OR_STORE,
	DIFF_LOAD_AND_DELETE,
	DIFF_DELETE,
	DIFF_SWAP,
	DIFF_COMPARE_AND_SWAP,
	DIFF_COMPARE_AND_DELETE,
	DIFF_CLEAR,
	DIFF_RANGE,
	DIFF_ITER,		/* a resumable walk, stopped every @chunk entries */
	DIFF_LEN,
	DIFF_OP_NR,
};

/* Which argument to make one byte longer than its maximum (-E2BIG). */
enum diff_oversize {
	DIFF_FIT,
	DIFF_BIG_KEY,
	DIFF_BIG_VALUE,
	DIFF_BIG_OLD,
};

struct diff_op {
	enum diff_opcode code;
	struct go_str key;
	struct go_str val;	/* the value stored; CAS: the new value */
	struct go_str old;	/* CAS, CAD: the value compared */
	/* Size of the buffer receiving a value; 0: no buffer (NULL). */
	u32 buf_size;
	enum diff_oversize oversize;
	/* Make the nth allocation of this call fail (0: none). */
	int fail_nth;
	/* DIFF_ITER: entries per syncmap_iter_next() call, at least 1. */
	int chunk;
};

struct diff {
	struct syncmap *map;
	u32 engine;		/* enum syncmap_engine */
	struct go_map *model;
	/* The event counters as predicted, in syncmap_stats' fields. */
	struct syncmap_stats want;
	long live_before;
	unsigned long steps;
	unsigned long failed_allocs;
	/* After a failed step: the operation, and what differed. */
	char op[256];
	char why[256];
};

int diff_init(struct diff *d, u32 engine);
int diff_step(struct diff *d, const struct diff_op *op);
int diff_finish(struct diff *d);
void diff_op_print(const struct diff_op *op, char *buf, size_t size);
const char *diff_op_name(enum diff_opcode code);

/* Room left in the model for new keys (it never frees an entry). */
static inline int diff_model_room(const struct diff *d)
{
	return GO_MODEL_MAX - d->model->nents;
}

#endif /* _SYNCMAP_DIFF_H */
