/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/slab.h>: malloc, with the context check of a
 * sleeping allocation, the shim's allocation-failure switch and, in debug
 * builds, a count of live allocations for leak checks.
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

/* malloc()'s alignment, at the least, behind shim_alloc()'s header. */
#define ARCH_KMALLOC_MINALIGN	16

void *shim_alloc(size_t size, gfp_t gfp, const char *file, int line);
void shim_free(const void *p);

#define kmalloc(size, gfp)	shim_alloc(size, gfp, __FILE__, __LINE__)
#define kzalloc(size, gfp)	kmalloc(size, (gfp) | __GFP_ZERO)
#define kcalloc(n, size, gfp)	kzalloc(size_mul(n, size), gfp)
#define kmalloc_array(n, size, gfp) kmalloc(size_mul(n, size), gfp)
#define kvmalloc(size, gfp)	kmalloc(size, gfp)
#define kvzalloc(size, gfp)	kzalloc(size, gfp)
#define kvcalloc(n, size, gfp)	kcalloc(n, size, gfp)

static inline void kfree(const void *p)
{
	shim_free(p);
}

static inline void kvfree(const void *p)
{
	shim_free(p);
}

#endif
