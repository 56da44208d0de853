/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/percpu.h>: SHIM_NR_CPUS fake CPUs.  A per-CPU object
 * is SHIM_NR_CPUS copies SHIM_PCPU_STRIDE bytes apart (so no two share a
 * cache line), and each thread claims a fake CPU of its own for its life,
 * as a task pinned to a CPU: this_cpu_*() then need no atomic
 * read-modify-write, as on a real CPU with preemption off.
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <shim.h>

#define SHIM_PCPU_STRIDE	256
#define NR_CPUS			SHIM_NR_CPUS

void *shim_alloc_percpu(size_t size, gfp_t gfp);
void shim_free_percpu(void *p);
/* One more than the highest fake CPU ever claimed. */
int shim_nr_cpu_ids(void);

#define alloc_percpu_gfp(type, gfp) ({					\
	_Static_assert(sizeof(type) <= SHIM_PCPU_STRIDE,		\
		       "per-CPU type larger than SHIM_PCPU_STRIDE");	\
	(type *)shim_alloc_percpu(sizeof(type), gfp);			\
})
#define alloc_percpu(type)	alloc_percpu_gfp(type, GFP_KERNEL)
#define free_percpu(p)		shim_free_percpu(p)

#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((char *)(ptr) + (size_t)(cpu) * SHIM_PCPU_STRIDE))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, shim_this_cpu())
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)

/* Only this thread writes its copy: a plain load and store will do. */
#define this_cpu_add(var, n) do {					\
	__typeof__(var) *__p = per_cpu_ptr(&(var), shim_this_cpu());	\
	__atomic_store_n(__p, __atomic_load_n(__p, __ATOMIC_RELAXED) + (n), \
			 __ATOMIC_RELAXED);				\
} while (0)
#define this_cpu_sub(var, n)	this_cpu_add(var, -(n))
#define this_cpu_inc(var)	this_cpu_add(var, 1)
#define this_cpu_dec(var)	this_cpu_add(var, -1)
#define this_cpu_read(var) \
	__atomic_load_n(per_cpu_ptr(&(var), shim_this_cpu()), __ATOMIC_RELAXED)
#define __this_cpu_add		this_cpu_add
#define __this_cpu_inc		this_cpu_inc

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < shim_nr_cpu_ids(); (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)
#define num_possible_cpus()		shim_nr_cpu_ids()
#define num_online_cpus()		shim_nr_cpu_ids()
#define smp_processor_id()		shim_this_cpu()

#endif
