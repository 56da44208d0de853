/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/rcupdate.h>.
 *
 * Grace periods and callbacks come from liburcu (urcu-memb) or, for the
 * ThreadSanitizer build, from a small RCU written with C11 atomics that
 * TSan understands (see shim/rcu-c11.c).  Publication and dereference are
 * C11 release stores and acquire loads in every build: on x86 they compile
 * to the same plain moves as the kernel's, and TSan sees the ordering.
 *
 * As in the kernel since v4.20, holding a spinlock also holds off grace
 * periods (spin_lock() enters an RCU read-side section); but, as lockdep
 * with PREEMPT_RCU says, it does not make rcu_read_lock_held() true.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <shim.h>

/* Exactly liburcu's struct rcu_head, so liburcu's call_rcu() can take it. */
struct cds_wfcq_node {
	struct cds_wfcq_node *next;
};

struct rcu_head {
	struct cds_wfcq_node next;
	void (*func)(struct rcu_head *head);
};

#define callback_head rcu_head
typedef void (*rcu_callback_t)(struct rcu_head *head);

void shim_rcu_warn(const char *file, int line, const char *what);

static inline void rcu_read_lock(void)
{
#if SHIM_DEBUG
	shim_thread.rcu_nesting++;
#endif
	shim_rcu_read_lock();
}

static inline void rcu_read_unlock(void)
{
#if SHIM_DEBUG
	if (shim_thread.rcu_nesting-- <= 0)
		shim_rcu_warn(__FILE__, __LINE__, "rcu_read_unlock() without lock");
#endif
	shim_rcu_read_unlock();
}

static inline int rcu_read_lock_held(void)
{
	return !SHIM_DEBUG || shim_thread.rcu_nesting > 0;
}

#if SHIM_DEBUG
#define RCU_LOCKDEP_WARN(c, s) do {					\
	if (unlikely(c))						\
		shim_rcu_warn(__FILE__, __LINE__, s);			\
} while (0)
#else
#define RCU_LOCKDEP_WARN(c, s) do { } while (0)
#endif

#define RCU_INITIALIZER(v)	(v)
#define unrcu_pointer(p)	(p)

#define rcu_dereference_raw(p)	__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_check(p, c) ({					\
	RCU_LOCKDEP_WARN(!(c), "suspicious rcu_dereference_check() usage"); \
	rcu_dereference_raw(p);						\
})
#define rcu_dereference(p)	rcu_dereference_check(p, rcu_read_lock_held())
#define rcu_dereference_protected(p, c) ({				\
	RCU_LOCKDEP_WARN(!(c), "suspicious rcu_dereference_protected() usage"); \
	__atomic_load_n(&(p), __ATOMIC_RELAXED);			\
})
#define rcu_access_pointer(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

static inline void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	shim_call_rcu(head, func);
}

/*
 * Polled grace periods, as the kernel's: a cookie is the number of
 * synchronize_rcu() calls begun; a call begun after it that has ended
 * (its number above the cookie, in shim_gp_done) is a full grace period.
 */
extern unsigned long shim_gp_begun, shim_gp_done;

static inline void synchronize_rcu(void)
{
	unsigned long me, done;

	might_sleep();
	me = __atomic_add_fetch(&shim_gp_begun, 1, __ATOMIC_SEQ_CST);
	shim_synchronize_rcu();
	done = __atomic_load_n(&shim_gp_done, __ATOMIC_SEQ_CST);
	while (done < me &&
	       !__atomic_compare_exchange_n(&shim_gp_done, &done, me, false,
					    __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST))
		;
}

static inline unsigned long get_state_synchronize_rcu(void)
{
	return __atomic_load_n(&shim_gp_begun, __ATOMIC_SEQ_CST);
}

static inline bool poll_state_synchronize_rcu(unsigned long cookie)
{
	return __atomic_load_n(&shim_gp_done, __ATOMIC_SEQ_CST) > cookie;
}

static inline void cond_synchronize_rcu(unsigned long cookie)
{
	if (!poll_state_synchronize_rcu(cookie))
		synchronize_rcu();
}

static inline void rcu_barrier(void)
{
	might_sleep();
	shim_rcu_barrier();
}

/*
 * kvfree_rcu(ptr, field): free @ptr after a grace period through its
 * rcu_head @field.  The callback must find the start of the object from
 * the head alone, so there is one callback per offset (in words).
 */
#define SHIM_KVFREE_RCU_OFFSETS	64
extern const rcu_callback_t shim_kvfree_rcu_fn[SHIM_KVFREE_RCU_OFFSETS];

#define kvfree_rcu(ptr, field) do {					\
	_Static_assert(offsetof(__typeof__(*(ptr)), field) % sizeof(long) == 0 && \
		       offsetof(__typeof__(*(ptr)), field) <		\
		       SHIM_KVFREE_RCU_OFFSETS * sizeof(long),		\
		       "kvfree_rcu(): rcu_head too far into the object"); \
	call_rcu(&(ptr)->field, shim_kvfree_rcu_fn[			\
		 offsetof(__typeof__(*(ptr)), field) / sizeof(long)]);	\
} while (0)
#define kfree_rcu(ptr, field)	kvfree_rcu(ptr, field)

/* The one-argument kvfree_rcu(): the rcu_head is in the shim's header. */
void shim_kvfree_rcu_headless(const void *ptr);
#define kvfree_rcu_mightsleep(ptr) do {					\
	might_sleep();							\
	shim_kvfree_rcu_headless(ptr);					\
} while (0)

#endif
