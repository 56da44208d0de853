/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for the parts of lockdep the core uses: whether the calling
 * thread holds a lock.  Every shim lock records its owner.
 */
#ifndef _SHIM_LINUX_LOCKDEP_H
#define _SHIM_LINUX_LOCKDEP_H

#include <linux/kernel.h>
#include <shim.h>

#define lockdep_is_held(l) \
	(__atomic_load_n(&(l)->owner, __ATOMIC_RELAXED) == &shim_thread)
#define lockdep_assert_held(l)	WARN_ON_ONCE(SHIM_DEBUG && !lockdep_is_held(l))

#endif
