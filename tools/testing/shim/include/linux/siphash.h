/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/siphash.h>: SipHash-2-4, as the kernel's siphash(). */
#ifndef _SHIM_LINUX_SIPHASH_H
#define _SHIM_LINUX_SIPHASH_H

#include <linux/types.h>

typedef struct {
	u64 key[2];
} siphash_key_t;

u64 siphash(const void *data, size_t len, const siphash_key_t *key);

#endif
