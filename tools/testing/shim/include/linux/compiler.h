/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for the kernel's compiler annotations, for the userspace build. */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* sparse annotations: nothing to check here. */
#define __rcu
#define __percpu
#define __force
#define __user
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
#define __acquire(x)	((void)0)
#define __release(x)	((void)0)
#define __init
#define __exit
#define __cold		__attribute__((cold))
#define __must_check	__attribute__((warn_unused_result))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#define noinline	__attribute__((noinline))
#define __maybe_unused	__attribute__((unused))

#define barrier()	__asm__ __volatile__("" : : : "memory")

/*
 * The kernel's READ_ONCE()/WRITE_ONCE() are volatile accesses, which
 * ThreadSanitizer counts as plain ones: relaxed atomics compile to the
 * same instructions and are what the kernel's memory model means by them.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

/* Only KCSAN reads it; the shim's percpu_counter is made of atomics. */
#define data_race(expr)		(expr)

#endif
