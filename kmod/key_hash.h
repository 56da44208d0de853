/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: jhash2() of a 16-byte key, written out, shared by the map's
 * key_hash() and the benchmark that times it (bench/syncmap_bench.c).
 */
#ifndef _SYNCMAP_KEY_HASH_H
#define _SYNCMAP_KEY_HASH_H

#include <linux/jhash.h>
#include <linux/types.h>

#include "compat.h"	/* get_unaligned() on 6.1 and 6.12 */

/*
 * jhash2() of four words, written out: jhash2() is only inline, which the
 * compiler may decline, and its loop is for any length.  The same value
 * as jhash2(k, 4, seed), and on little-endian machines as jhash() of the
 * 16 bytes.
 */
static __always_inline u32 syncmap_jhash_4words(const u32 *k, u32 seed)
{
	u32 a, b, c;

	a = JHASH_INITVAL + (4 << 2) + seed;
	b = a;
	c = a;
	a += get_unaligned(k);
	b += get_unaligned(k + 1);
	c += get_unaligned(k + 2);
	__jhash_mix(a, b, c);
	a += get_unaligned(k + 3);
	__jhash_final(a, b, c);
	return c;
}

#endif /* _SYNCMAP_KEY_HASH_H */
