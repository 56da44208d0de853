/* SPDX-License-Identifier: GPL-2.0 */
/* HZ=1000: a jiffy is a millisecond of CLOCK_MONOTONIC. */
#ifndef _SHIM_LINUX_JIFFIES_H
#define _SHIM_LINUX_JIFFIES_H

#include <linux/sched/clock.h>

#define HZ	1000
#define jiffies	((unsigned long)(local_clock() / 1000000))
#define msecs_to_jiffies(ms)	((unsigned long)(ms))
#define jiffies_to_msecs(j)	((unsigned int)(j))
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)

#endif
