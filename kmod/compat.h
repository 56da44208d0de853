/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the one place for differences between the kernels the module
 * builds against (Debian's 6.1 and 6.12).  Namespaces differ too: those
 * are in ipc_ns.h, which the userspace build of the core does without.
 */
#ifndef _SYNCMAP_COMPAT_H
#define _SYNCMAP_COMPAT_H

#include <linux/version.h>

/* <asm/unaligned.h> moved to <linux/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * __assign_str() lost its source argument in 6.10: the source is now the
 * one given to __string() in TP_STRUCT__entry.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define syncmap_assign_str(dst, src)	__assign_str(dst)
#else
#define syncmap_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _SYNCMAP_COMPAT_H */
