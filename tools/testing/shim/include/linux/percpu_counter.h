/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/percpu_counter.h>, the kernel's algorithm: per-CPU
 * deltas folded into a shared count under a lock once they reach @batch.
 */
#ifndef _SHIM_LINUX_PERCPU_COUNTER_H
#define _SHIM_LINUX_PERCPU_COUNTER_H

#include <pthread.h>

#include <linux/percpu.h>

struct percpu_counter {
	pthread_mutex_t lock;
	s64 count;
	s32 *counters;
};

int percpu_counter_init(struct percpu_counter *fbc, s64 amount, gfp_t gfp);
void percpu_counter_destroy(struct percpu_counter *fbc);
void percpu_counter_add_batch(struct percpu_counter *fbc, s64 amount,
			      s32 batch);
s64 __percpu_counter_sum(struct percpu_counter *fbc);
int __percpu_counter_compare(struct percpu_counter *fbc, s64 rhs, s32 batch);

static inline s64 percpu_counter_read(struct percpu_counter *fbc)
{
	return __atomic_load_n(&fbc->count, __ATOMIC_RELAXED);
}

static inline s64 percpu_counter_sum(struct percpu_counter *fbc)
{
	return __percpu_counter_sum(fbc);
}

static inline s64 percpu_counter_sum_positive(struct percpu_counter *fbc)
{
	s64 ret = __percpu_counter_sum(fbc);

	return ret < 0 ? 0 : ret;
}

#define PERCPU_COUNTER_BATCH	32

static inline void percpu_counter_add(struct percpu_counter *fbc, s64 amount)
{
	percpu_counter_add_batch(fbc, amount, PERCPU_COUNTER_BATCH);
}

#endif
