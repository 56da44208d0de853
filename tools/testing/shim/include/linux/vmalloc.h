/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/vmalloc.h>: malloc, as kvmalloc() is here. */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <linux/slab.h>

#define vmalloc_huge(size, gfp)	kmalloc(size, gfp)

#endif
