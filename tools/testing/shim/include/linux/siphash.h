/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/siphash.h>: SipHash-2-4, as the kernel's siphash(),
 * and the hsiphash() family as the kernel builds it on 64-bit machines
 * (SipHash-1-3, truncated to 32 bits).  Out of line, as in the kernel.
 */
#ifndef _SHIM_LINUX_SIPHASH_H
#define _SHIM_LINUX_SIPHASH_H

#include <linux/types.h>

typedef struct {
	u64 key[2];
} siphash_key_t;

u64 siphash(const void *data, size_t len, const siphash_key_t *key);

typedef struct {
	unsigned long key[2];
} hsiphash_key_t;

u32 __hsiphash_unaligned(const void *data, size_t len,
			 const hsiphash_key_t *key);
u32 hsiphash_1u32(const u32 a, const hsiphash_key_t *key);
u32 hsiphash_2u32(const u32 a, const u32 b, const hsiphash_key_t *key);
u32 hsiphash_3u32(const u32 a, const u32 b, const u32 c,
		  const hsiphash_key_t *key);
u32 hsiphash_4u32(const u32 a, const u32 b, const u32 c, const u32 d,
		  const hsiphash_key_t *key);

/* x86 has efficient unaligned access: the kernel always takes this. */
static inline u32 hsiphash(const void *data, size_t len,
			   const hsiphash_key_t *key)
{
	return __hsiphash_unaligned(data, len, key);
}

#endif
