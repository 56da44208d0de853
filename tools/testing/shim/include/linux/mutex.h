/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/mutex.h>: a pthread mutex with an owner. */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <pthread.h>

#include <linux/lockdep.h>

struct mutex {
	pthread_mutex_t m;
	struct shim_thread *owner;
};

#define DEFINE_MUTEX(x)	struct mutex x = { .m = PTHREAD_MUTEX_INITIALIZER }

static inline void mutex_init(struct mutex *l)
{
	pthread_mutex_init(&l->m, NULL);
	l->owner = NULL;
}

static inline void mutex_destroy(struct mutex *l)
{
	pthread_mutex_destroy(&l->m);
}

static inline void mutex_lock(struct mutex *l)
{
	might_sleep();
	pthread_mutex_lock(&l->m);
	__atomic_store_n(&l->owner, &shim_thread, __ATOMIC_RELAXED);
}

static inline void mutex_unlock(struct mutex *l)
{
#if SHIM_DEBUG
	WARN_ON_ONCE(!lockdep_is_held(l));
#endif
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->m);
}

static inline bool mutex_is_locked(struct mutex *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) != NULL;
}

#endif
