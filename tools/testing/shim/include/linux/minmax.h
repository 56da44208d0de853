/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#include <linux/kernel.h>

#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi)	clamp((t)(v), (t)(lo), (t)(hi))
#define clamp_val(v, lo, hi)	clamp(v, lo, hi)
#define swap(a, b) do {							\
	__typeof__(a) __tmp = (a);					\
	(a) = (b);							\
	(b) = __tmp;							\
} while (0)

#endif
