// SPDX-License-Identifier: GPL-2.0
/*
 * RCU for the shim from liburcu's memb flavour (sys_membarrier: the read
 * side is a per-thread counter and compiler barriers, as cheap as the
 * kernel's): read-side sections and grace periods.  Callbacks are
 * rcu-callbacks.c's.  Threads are registered with liburcu on first use
 * and unregistered when they exit.
 *
 * This file sees liburcu's headers and none of the shim's: both define
 * rcu_dereference(), struct rcu_head and more.  The benchmark builds with
 * -flto so that the read side is inlined into the core.
 */
#define _LGPL_SOURCE
#include <pthread.h>
#include <urcu/urcu-memb.h>

void shim_rcu_read_lock(void);
void shim_rcu_read_unlock(void);
void shim_synchronize_rcu(void);
void shim_thread_online(void);
void shim_thread_offline(void);

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
	/* liburcu's own threads (call_rcu's) registered themselves. */
	if (URCU_TLS(urcu_memb_reader).registered)
		return;
	pthread_once(&once, key_create);
	urcu_memb_register_thread();
	pthread_setspecific(key, &key);
}

void shim_thread_offline(void)
{
	if (!URCU_TLS(urcu_memb_reader).registered)
		return;
	pthread_setspecific(key, NULL);
	urcu_memb_unregister_thread();
}

static inline void online(void)
{
	if (caa_unlikely(!URCU_TLS(urcu_memb_reader).registered))
		shim_thread_online();
}

void shim_rcu_read_lock(void)
{
	online();
	urcu_memb_read_lock();
}

void shim_rcu_read_unlock(void)
{
	urcu_memb_read_unlock();
}

void shim_synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
}
