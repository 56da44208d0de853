/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/spinlock.h>: a pthread mutex (a holder may be
 * preempted in userspace, where spinning would burn the other core), an
 * owner for lockdep_is_held(), and an RCU read-side section while held,
 * because a kernel spinlock holds off grace periods.  There are no
 * softirqs here: the _bh variants are the plain ones.
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <pthread.h>

#include <linux/lockdep.h>
#include <linux/rcupdate.h>

typedef struct {
	pthread_mutex_t m;
	struct shim_thread *owner;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(x)	{ .m = PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

static inline void spin_lock_init(spinlock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
	l->owner = NULL;
}

static inline void spin_lock(spinlock_t *l)
{
	shim_rcu_read_lock();
	pthread_mutex_lock(&l->m);
	__atomic_store_n(&l->owner, &shim_thread, __ATOMIC_RELAXED);
#if SHIM_DEBUG
	shim_thread.atomic_depth++;
#endif
}

static inline void spin_unlock(spinlock_t *l)
{
#if SHIM_DEBUG
	WARN_ON_ONCE(!lockdep_is_held(l));
	shim_thread.atomic_depth--;
#endif
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->m);
	shim_rcu_read_unlock();
}

#define spin_lock_bh(l)		spin_lock(l)
#define spin_unlock_bh(l)	spin_unlock(l)
#define spin_lock_irq(l)	spin_lock(l)
#define spin_unlock_irq(l)	spin_unlock(l)
#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)

#endif
