/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <linux/kernel.h>

struct mm_struct;
struct shim_kthread;

/*
 * current is one task for the whole process: only current->mm is ever
 * looked at.  A kthread's task_struct also carries its pthread.
 */
struct task_struct {
	struct mm_struct *mm;
	struct shim_kthread *kthread;
};

extern struct task_struct shim_current_task;
#define current	(&shim_current_task)

/* A preemption point: userspace is preempted anyway; keep the check. */
#define cond_resched()	({ might_sleep(); 0; })

#endif
