/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_DELAY_H
#define _SHIM_LINUX_DELAY_H

#include <unistd.h>

#include <linux/kernel.h>

static inline void usleep_range(unsigned long min, unsigned long max)
{
	(void)max;
	might_sleep();
	usleep(min);
}

static inline void msleep(unsigned int ms)
{
	might_sleep();
	usleep(ms * 1000u);
}

static inline void udelay(unsigned long us)
{
	usleep(us);
}

#endif
