// SPDX-License-Identifier: GPL-2.0
/*
 * RCU callbacks for the shim, over whichever grace periods the flavour
 * (rcu-urcu.c, rcu-c11.c) provides.
 *
 * As in the kernel, queueing a callback is cheap and the work is batched:
 * call_rcu() pushes onto a lock-free stack (one compare-and-exchange; a
 * wake-up only when the stack was empty), and one thread takes the whole
 * stack, waits for a grace period, runs the callbacks in the order they
 * were queued, in atomic context as the kernel's softirq does (the shim's
 * might_sleep() checks that), then lets about a millisecond of callbacks
 * gather before the next batch, as a kernel grace period would.
 *
 * rcu_barrier() cuts that short, queues a callback of its own and waits
 * for it to run: every callback queued before it is in the same batch or
 * an earlier one, and runs first.
 *
 * shim_rcu_callbacks_hold() stops the thread from taking batches, so that
 * nothing runs beside the caller: the instruction budget (bench -B) needs
 * the frees of a store to stay out of the next store's malloc().
 *
 * liburcu has its own call_rcu() thread, but it naps 10 ms between
 * batches, which made every rcu_barrier() (two per syncmap_destroy())
 * cost 10-20 ms: too slow for a fuzzer that makes a map per input.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <linux/rcupdate.h>
#include <shim.h>

static struct cds_wfcq_node *pending;		/* a stack, newest first */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER;	/* not empty */
static pthread_cond_t hurry = PTHREAD_COND_INITIALIZER;	/* a barrier */
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;	/* a barrier ran */
static int barriers_waiting;			/* under lock */
static bool held;				/* under lock */
static pthread_once_t once = PTHREAD_ONCE_INIT;

struct barrier {
	struct rcu_head head;
	bool done;				/* under lock */
};

/* The batch, oldest first. */
static struct cds_wfcq_node *take_batch(void)
{
	struct cds_wfcq_node *n, *next, *fifo = NULL;

	n = __atomic_exchange_n(&pending, NULL, __ATOMIC_ACQUIRE);
	for (; n; n = next) {
		next = n->next;
		n->next = fifo;
		fifo = n;
	}
	return fifo;
}

static void *cb_thread(void *arg)
{
	struct cds_wfcq_node *batch, *next;
	struct timespec nap;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (held || !__atomic_load_n(&pending, __ATOMIC_RELAXED))
			pthread_cond_wait(&more, &lock);
		batch = take_batch();
		pthread_mutex_unlock(&lock);

		shim_synchronize_rcu();
		shim_thread.atomic_depth++;	/* callbacks run in softirq */
		for (; batch; batch = next) {
			struct rcu_head *head = container_of(batch,
							     struct rcu_head, next);

			next = batch->next;
			head->func(head);
		}
		shim_thread.atomic_depth--;

		/* Let a grace period's worth gather, unless a barrier waits. */
		clock_gettime(CLOCK_REALTIME, &nap);
		nap.tv_nsec += 1000000;
		if (nap.tv_nsec >= 1000000000) {
			nap.tv_sec++;
			nap.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&lock);
		if (!barriers_waiting)
			pthread_cond_timedwait(&hurry, &lock, &nap);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void start(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, cb_thread, NULL))
		abort();
	pthread_detach(t);
}

void shim_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *))
{
	struct cds_wfcq_node *old = __atomic_load_n(&pending, __ATOMIC_RELAXED);

	pthread_once(&once, start);
	head->func = func;
	do {
		head->next.next = old;
	} while (!__atomic_compare_exchange_n(&pending, &old, &head->next, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	if (!old) {
		/* The thread may be waiting for this first one. */
		pthread_mutex_lock(&lock);
		pthread_cond_signal(&more);
		pthread_mutex_unlock(&lock);
	}
}

void shim_rcu_callbacks_hold(bool hold)
{
	pthread_mutex_lock(&lock);
	held = hold;
	pthread_cond_signal(&more);
	pthread_mutex_unlock(&lock);
}

static void barrier_done(struct rcu_head *head)
{
	struct barrier *b = container_of(head, struct barrier, head);

	pthread_mutex_lock(&lock);
	b->done = true;
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&lock);
}

void shim_rcu_barrier(void)
{
	struct barrier b = { .done = false };

	pthread_mutex_lock(&lock);
	barriers_waiting++;
	pthread_cond_signal(&hurry);
	pthread_mutex_unlock(&lock);
	shim_call_rcu(&b.head, barrier_done);
	pthread_mutex_lock(&lock);
	while (!b.done)
		pthread_cond_wait(&done, &lock);
	barriers_waiting--;
	pthread_mutex_unlock(&lock);
}
