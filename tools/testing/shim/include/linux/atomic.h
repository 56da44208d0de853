/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/atomic.h> over the compiler's __atomic builtins.
 * Value-returning read-modify-writes are fully ordered, the others
 * relaxed, as in the kernel's memory model.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

/* On any scalar or pointer lvalue: return the old value. */
#define xchg(ptr, v)	__atomic_exchange_n(ptr, v, __ATOMIC_SEQ_CST)
#define cmpxchg(ptr, o, n) ({						\
	__typeof__(*(ptr)) __old = (o);					\
	__atomic_compare_exchange_n(ptr, &__old, n, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	__old;								\
})
/* On failure *oldp is updated to the current value. */
#define try_cmpxchg(ptr, oldp, n)					\
	__atomic_compare_exchange_n(ptr, oldp, n, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i)	{ (i) }

#define SHIM_ATOMIC_OPS(pfx, type, t)					\
static inline t pfx##_read(const type *v)				\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(type *v, t i)				\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_add(t i, type *v)				\
{									\
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_sub(t i, type *v)				\
{									\
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_inc(type *v)					\
{									\
	pfx##_add(1, v);						\
}									\
static inline void pfx##_dec(type *v)					\
{									\
	pfx##_sub(1, v);						\
}									\
static inline t pfx##_add_return(t i, type *v)				\
{									\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline t pfx##_sub_return(t i, type *v)				\
{									\
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline t pfx##_inc_return(type *v)				\
{									\
	return pfx##_add_return(1, v);					\
}									\
static inline t pfx##_dec_return(type *v)				\
{									\
	return pfx##_sub_return(1, v);					\
}									\
static inline bool pfx##_dec_and_test(type *v)				\
{									\
	return pfx##_sub_return(1, v) == 0;				\
}									\
static inline t pfx##_xchg(type *v, t n)				\
{									\
	return xchg(&v->counter, n);					\
}									\
static inline t pfx##_cmpxchg(type *v, t o, t n)			\
{									\
	return cmpxchg(&v->counter, o, n);				\
}									\
static inline bool pfx##_try_cmpxchg(type *v, t *o, t n)		\
{									\
	return try_cmpxchg(&v->counter, o, n);				\
}

SHIM_ATOMIC_OPS(atomic, atomic_t, int)
SHIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#undef SHIM_ATOMIC_OPS

#endif
