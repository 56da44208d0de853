/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/timer.h>: one "softirq" thread runs the expired
 * timers, in atomic context as far as the shim's checks go.  It runs
 * beside process context rather than interrupting it, which exercises
 * the same locking (the _bh lock) from both sides.
 */
#ifndef _SHIM_LINUX_TIMER_H
#define _SHIM_LINUX_TIMER_H

#include <linux/jiffies.h>
#include <linux/kernel.h>

struct timer_list {
	void (*function)(struct timer_list *t);
	unsigned long expires;
	/* The shim's. */
	struct timer_list *next;
	bool pending;
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags);
#define timer_setup_on_stack	timer_setup
#define destroy_timer_on_stack(t)	do { } while (0)
int mod_timer(struct timer_list *t, unsigned long expires);
static inline void add_timer(struct timer_list *t)
{
	mod_timer(t, t->expires);
}
int del_timer_sync(struct timer_list *t);
#define timer_delete_sync	del_timer_sync
#define from_timer(var, t, field) container_of(t, __typeof__(*var), field)

#endif
