// SPDX-License-Identifier: GPL-2.0
/*
 * RCU callbacks for the shim, over whichever grace periods the flavour
 * (rcu-urcu.c, rcu-c11.c) provides: call_rcu() queues to one thread that
 * takes the callbacks in batches, waits for a grace period and runs them
 * in atomic context, as the kernel's softirq does (the shim's
 * might_sleep() checks that).  rcu_barrier() waits until every callback
 * queued before it has run.
 *
 * liburcu has its own call_rcu() thread, but it naps 10 ms between
 * batches, which made every rcu_barrier() (two per syncmap_destroy())
 * cost 10-20 ms: too slow for a fuzzer that makes a map per input.
 */
#include <pthread.h>
#include <stdlib.h>

#include <linux/rcupdate.h>
#include <shim.h>

/* The callback queue. */
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_more = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cb_done = PTHREAD_COND_INITIALIZER;
static struct cds_wfcq_node *cb_head, **cb_tail = &cb_head;
static unsigned long cb_queued, cb_ran;
static bool cb_thread_started;

static void *cb_thread(void *arg)
{
	struct cds_wfcq_node *batch, *next;
	unsigned long n;

	(void)arg;
	pthread_mutex_lock(&cb_lock);
	for (;;) {
		while (!cb_head)
			pthread_cond_wait(&cb_more, &cb_lock);
		batch = cb_head;
		cb_head = NULL;
		cb_tail = &cb_head;
		pthread_mutex_unlock(&cb_lock);

		shim_synchronize_rcu();
		shim_thread.atomic_depth++;	/* callbacks run in softirq */
		for (n = 0; batch; batch = next, n++) {
			struct rcu_head *head = container_of(batch,
							     struct rcu_head, next);

			next = batch->next;
			head->func(head);
		}
		shim_thread.atomic_depth--;

		pthread_mutex_lock(&cb_lock);
		cb_ran += n;
		pthread_cond_broadcast(&cb_done);
	}
	return NULL;
}

void shim_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *))
{
	pthread_t t;

	head->func = func;
	head->next.next = NULL;
	pthread_mutex_lock(&cb_lock);
	if (!cb_thread_started) {
		if (pthread_create(&t, NULL, cb_thread, NULL))
			abort();
		pthread_detach(t);
		cb_thread_started = true;
	}
	*cb_tail = &head->next;
	cb_tail = &head->next.next;
	cb_queued++;
	pthread_cond_signal(&cb_more);
	pthread_mutex_unlock(&cb_lock);
}

void shim_rcu_barrier(void)
{
	unsigned long target;

	pthread_mutex_lock(&cb_lock);
	target = cb_queued;
	while (cb_ran < target)
		pthread_cond_wait(&cb_done, &cb_lock);
	pthread_mutex_unlock(&cb_lock);
}
