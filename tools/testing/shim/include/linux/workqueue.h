/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/workqueue.h>: each workqueue is one worker thread
 * running its items in order, in process context (they may sleep).
 */
#ifndef _SHIM_LINUX_WORKQUEUE_H
#define _SHIM_LINUX_WORKQUEUE_H

#include <linux/kernel.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

/* As the kernel's: queue_work() of a pending item does nothing. */
struct workqueue_struct;

struct work_struct {
	struct work_struct *next;
	work_func_t func;
	struct workqueue_struct *wq;	/* where last queued */
	bool pending;			/* written under its workqueue's lock */
	bool canceling;			/* likewise: queue_work() refuses */
};

#define INIT_WORK(w, f) do {						\
	(w)->next = NULL;						\
	(w)->func = (f);						\
	(w)->wq = NULL;							\
	(w)->pending = false;						\
	(w)->canceling = false;						\
} while (0)

#define WQ_UNBOUND	(1u << 1)
#define WQ_FREEZABLE	(1u << 2)
#define WQ_MEM_RECLAIM	(1u << 3)
#define WQ_HIGHPRI	(1u << 4)

struct workqueue_struct;

struct workqueue_struct *shim_alloc_workqueue(const char *name);
#define alloc_workqueue(fmt, flags, max_active, ...) shim_alloc_workqueue(fmt)
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);

/* As the kernel's: whether queued and not started yet, without the lock. */
static inline bool work_pending(const struct work_struct *work)
{
	return __atomic_load_n(&work->pending, __ATOMIC_ACQUIRE);
}

void flush_workqueue(struct workqueue_struct *wq);
void destroy_workqueue(struct workqueue_struct *wq);
/* As the kernel's: dequeue if pending, wait if running; true if pending. */
bool cancel_work_sync(struct work_struct *work);

#endif
