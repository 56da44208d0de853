/* SPDX-License-Identifier: GPL-2.0 */
/* No memory cgroups here: the active memcg is only remembered. */
#ifndef _SHIM_LINUX_SCHED_MM_H
#define _SHIM_LINUX_SCHED_MM_H

#include <linux/sched.h>

struct mem_cgroup;

extern __thread struct mem_cgroup *shim_active_memcg;

static inline struct mem_cgroup *set_active_memcg(struct mem_cgroup *memcg)
{
	struct mem_cgroup *old = shim_active_memcg;

	shim_active_memcg = memcg;
	return old;
}

#endif
