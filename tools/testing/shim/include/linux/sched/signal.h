/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/sched/signal.h>: no signals reach the core's
 * threads in userspace.
 */
#ifndef _SHIM_LINUX_SCHED_SIGNAL_H
#define _SHIM_LINUX_SCHED_SIGNAL_H

#include <linux/sched.h>

static inline bool fatal_signal_pending(struct task_struct *p)
{
	(void)p;
	return false;
}

#endif
