// SPDX-License-Identifier: GPL-2.0
/*
 * kthreads and timers for the shim, for tests that need them: a kthread
 * is a pthread; timers run on one "softirq" thread, in atomic context as
 * far as the shim's context checks go.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <linux/kthread.h>
#include <linux/timer.h>
#include <shim.h>

struct shim_kthread {
	pthread_t thread;
	int (*fn)(void *data);
	void *data;
	int ret;
	bool started;
	bool should_stop;
};

static __thread struct shim_kthread *self;

static void *kthread_main(void *arg)
{
	struct shim_kthread *k = arg;

	self = k;
	__atomic_store_n(&k->started, true, __ATOMIC_RELEASE);
	k->ret = k->fn(k->data);
	shim_thread_offline();
	return NULL;
}

struct task_struct *kthread_run(int (*fn)(void *data), void *data,
				const char *namefmt, ...)
{
	struct task_struct *task = calloc(1, sizeof(*task));
	struct shim_kthread *k = calloc(1, sizeof(*k));

	(void)namefmt;
	if (!task || !k)
		goto fail;
	k->fn = fn;
	k->data = data;
	task->kthread = k;
	if (pthread_create(&k->thread, NULL, kthread_main, k))
		goto fail;
	/*
	 * kthread_create() returns once the new task exists and has run up
	 * to its first wait; the wake-up then makes it runnable at once.
	 * Waiting for the thread to start is the closest equivalent.
	 */
	while (!__atomic_load_n(&k->started, __ATOMIC_ACQUIRE))
		sched_yield();
	return task;
fail:
	free(task);
	free(k);
	return ERR_PTR(-ENOMEM);
}

bool kthread_should_stop(void)
{
	return self && __atomic_load_n(&self->should_stop, __ATOMIC_ACQUIRE);
}

int kthread_stop(struct task_struct *task)
{
	struct shim_kthread *k = task->kthread;
	int ret;

	might_sleep();
	__atomic_store_n(&k->should_stop, true, __ATOMIC_RELEASE);
	pthread_join(k->thread, NULL);
	ret = k->ret;
	free(k);
	free(task);
	return ret;
}

/* ---- Timers ---- */

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond = PTHREAD_COND_INITIALIZER;
static struct timer_list *timers;	/* pending, unsorted */
static struct timer_list *running;
static bool timer_thread_started;

static void *softirq_main(void *arg)
{
	struct timer_list **pp, *t;
	unsigned long now;

	(void)arg;
	pthread_mutex_lock(&timer_lock);
	for (;;) {
		now = jiffies;
		for (pp = &timers; *pp; pp = &(*pp)->next)
			if (!time_before(now, (*pp)->expires))
				break;
		t = *pp;
		if (!t) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 1000000;	/* a jiffy */
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&timer_cond, &timer_lock, &ts);
			continue;
		}
		*pp = t->next;
		t->pending = false;
		running = t;
		pthread_mutex_unlock(&timer_lock);
		shim_thread.atomic_depth++;
		t->function(t);
		shim_thread.atomic_depth--;
		pthread_mutex_lock(&timer_lock);
		running = NULL;
		pthread_cond_broadcast(&timer_cond);
	}
	return NULL;
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags)
{
	(void)flags;
	t->function = fn;
	t->next = NULL;
	t->pending = false;
}

static bool unlink_locked(struct timer_list *t)
{
	struct timer_list **pp;

	for (pp = &timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			t->pending = false;
			return true;
		}
	}
	return false;
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
	pthread_t thread;
	bool was;

	pthread_mutex_lock(&timer_lock);
	if (!timer_thread_started) {
		if (pthread_create(&thread, NULL, softirq_main, NULL))
			abort();
		pthread_detach(thread);
		timer_thread_started = true;
	}
	was = unlink_locked(t);
	t->expires = expires;
	t->pending = true;
	t->next = timers;
	timers = t;
	pthread_cond_broadcast(&timer_cond);
	pthread_mutex_unlock(&timer_lock);
	return was;
}

int del_timer_sync(struct timer_list *t)
{
	bool was;

	pthread_mutex_lock(&timer_lock);
	was = unlink_locked(t);
	while (running == t)
		pthread_cond_wait(&timer_cond, &timer_lock);
	/* A handler that re-armed itself while we waited. */
	was |= unlink_locked(t);
	pthread_mutex_unlock(&timer_lock);
	return was;
}
