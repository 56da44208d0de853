/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace shim under syncmap's core: what the stand-in kernel
 * headers share, and what the tests may ask of it.
 *
 * Contexts are tracked per thread so that the checks of a debug kernel
 * (CONFIG_DEBUG_ATOMIC_SLEEP, CONFIG_PROVE_RCU, lockdep_is_held()) run
 * here too; SHIM_DEBUG=0 (the benchmark) compiles them out.
 */
#ifndef _SHIM_H
#define _SHIM_H

#include <linux/types.h>

#ifndef SHIM_DEBUG
#define SHIM_DEBUG 1
#endif

/* Fake CPUs: per-CPU data has this many copies; threads claim one each. */
#define SHIM_NR_CPUS	64

struct shim_thread {
	int cpu;		/* fake CPU claimed, -1 before the first use */
	int rcu_nesting;	/* explicit rcu_read_lock() depth */
	int atomic_depth;	/* spinlocks held, or in an RCU callback */
};

extern __thread struct shim_thread shim_thread;

int shim_cpu_claim(void);

static inline int shim_this_cpu(void)
{
	int cpu = shim_thread.cpu;

	return likely(cpu >= 0) ? cpu : shim_cpu_claim();
}

/* The RCU implementation: liburcu (rcu-urcu.c) or C11 atomics (rcu-c11.c). */
struct rcu_head;
void shim_rcu_read_lock(void);
void shim_rcu_read_unlock(void);
void shim_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *));
void shim_synchronize_rcu(void);
void shim_rcu_barrier(void);

/* ---- For the tests ---- */

/* Register the calling thread with RCU now (it is done lazily otherwise). */
void shim_thread_online(void);
/* Every thread that used the map should call this before it exits. */
void shim_thread_offline(void);

/* Warnings (WARN_ON, refcount checks, context checks) so far. */
unsigned long shim_warnings(void);

/*
 * Fail the nth next allocation of any kind (1: the next one); 0 disarms.
 * Global: for single-threaded tests.
 */
void shim_fail_alloc_nth(int nth);

/* Live allocations and their bytes (SHIM_DEBUG builds only, else 0). */
long shim_alloc_live(void);
long shim_alloc_live_bytes(void);

/* Seed get_random_bytes(): the same seed gives the same hash keys. */
void shim_random_seed(u64 seed);

/*
 * Hold RCU callbacks (true): call_rcu() still queues them, but none runs
 * until released (false), so no other thread works beside the caller.
 * Callbacks of a batch already taken may still run: hold before the first
 * call_rcu() to hold them all.  rcu_barrier() would wait for ever.
 */
void shim_rcu_callbacks_hold(bool hold);

#endif
