/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/kthread.h>: a kthread is a pthread. */
#ifndef _SHIM_LINUX_KTHREAD_H
#define _SHIM_LINUX_KTHREAD_H

#include <linux/sched.h>

struct task_struct *kthread_run(int (*fn)(void *data), void *data,
				const char *namefmt, ...);
bool kthread_should_stop(void);
int kthread_stop(struct task_struct *k);

#endif
