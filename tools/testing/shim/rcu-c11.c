// SPDX-License-Identifier: GPL-2.0
/*
 * A small RCU built only from C11 atomics and pthreads, for the
 * ThreadSanitizer build: TSan cannot see the ordering liburcu gets from
 * sys_membarrier and compiler barriers, and would report every reader of
 * a freed object as racing with the free.  Here every ordering is an
 * atomic TSan understands:
 *
 *  - a reader publishes the grace-period counter it started under in its
 *    own slot (a seq_cst store, which is also a release), and stores 0
 *    (release) when it leaves its outermost critical section;
 *  - synchronize_rcu() advances the counter (seq_cst) and waits, with
 *    acquire loads, until each reader's slot is 0 or at least the new
 *    value: so each critical section that could have seen the old state
 *    happens-before the return, and hence before the free that follows.
 *
 * Callbacks are rcu-callbacks.c's.  Slow, simple and sufficient.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <linux/rcupdate.h>
#include <shim.h>

struct reader {
	unsigned long ctr;		/* 0: not reading */
	int nesting;
	struct reader *next;
};

static unsigned long gp_ctr = 1;
static pthread_mutex_t gp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reader *readers;
static __thread struct reader *me;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;

static void thread_exit(void *arg)
{
	(void)arg;
	shim_thread_offline();
}

static void key_create(void)
{
	pthread_key_create(&key, thread_exit);
}

void shim_thread_online(void)
{
	struct reader *r;

	if (me)
		return;
	pthread_once(&once, key_create);
	r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	pthread_mutex_lock(&readers_lock);
	r->next = readers;
	readers = r;
	pthread_mutex_unlock(&readers_lock);
	me = r;
	pthread_setspecific(key, r);
}

void shim_thread_offline(void)
{
	struct reader **pp;

	if (!me)
		return;
	pthread_mutex_lock(&readers_lock);
	for (pp = &readers; *pp != me; pp = &(*pp)->next)
		;
	*pp = me->next;
	pthread_mutex_unlock(&readers_lock);
	pthread_setspecific(key, NULL);
	free(me);
	me = NULL;
}

void shim_rcu_read_lock(void)
{
	if (!me)
		shim_thread_online();
	if (me->nesting++ == 0)
		__atomic_store_n(&me->ctr,
				 __atomic_load_n(&gp_ctr, __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
}

void shim_rcu_read_unlock(void)
{
	if (--me->nesting == 0)
		__atomic_store_n(&me->ctr, 0, __ATOMIC_RELEASE);
}

void shim_synchronize_rcu(void)
{
	unsigned long target, c;
	struct reader *r;

	pthread_mutex_lock(&gp_lock);
	target = __atomic_add_fetch(&gp_ctr, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&readers_lock);
	for (r = readers; r; r = r->next) {
		for (;;) {
			c = __atomic_load_n(&r->ctr, __ATOMIC_ACQUIRE);
			if (c == 0 || c >= target)
				break;
			/* Readers do not take readers_lock: no deadlock. */
			sched_yield();
		}
	}
	pthread_mutex_unlock(&readers_lock);
	pthread_mutex_unlock(&gp_lock);
}

