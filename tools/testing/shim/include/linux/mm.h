/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/mm.h>: the page size allocations are sized by. */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

#define PAGE_SIZE	4096UL

#endif
