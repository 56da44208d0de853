/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/random.h>: a seedable generator (shim_random_seed()). */
#ifndef _SHIM_LINUX_RANDOM_H
#define _SHIM_LINUX_RANDOM_H

#include <linux/types.h>

void get_random_bytes(void *buf, size_t len);
u32 get_random_u32(void);
u64 get_random_u64(void);

static inline u32 get_random_u32_below(u32 ceil)
{
	return (u32)(((u64)get_random_u32() * ceil) >> 32);
}

/* As the kernel's <linux/random.h> does, for now. */
#include <linux/prandom.h>

#endif
