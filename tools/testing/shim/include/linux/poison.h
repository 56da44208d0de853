/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/poison.h>: the byte the slab allocator frees with. */
#ifndef _SHIM_LINUX_POISON_H
#define _SHIM_LINUX_POISON_H

#define POISON_FREE	0x6b

#endif
