/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/refcount.h>, with its checks: an increment from
 * zero (a use after free) and a decrement below zero warn, as in the
 * kernel, instead of wrapping silently.
 */
#ifndef _SHIM_LINUX_REFCOUNT_H
#define _SHIM_LINUX_REFCOUNT_H

#include <linux/atomic.h>
#include <linux/bug.h>

typedef struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline void refcount_inc(refcount_t *r)
{
	int old = __atomic_fetch_add(&r->refs.counter, 1, __ATOMIC_RELAXED);

	WARN_ON_ONCE(old <= 0);		/* "addition on 0; use-after-free" */
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			return false;
	} while (!atomic_try_cmpxchg(&r->refs, &old, old + 1));
	WARN_ON_ONCE(old < 0);
	return true;
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	int old = __atomic_fetch_sub(&r->refs.counter, 1, __ATOMIC_SEQ_CST);

	WARN_ON_ONCE(old <= 0);		/* "underflow; use-after-free" */
	return old == 1;
}

static inline void refcount_dec(refcount_t *r)
{
	WARN_ON_ONCE(refcount_dec_and_test(r));	/* "decrement hit 0; leaking memory" */
}

#endif
