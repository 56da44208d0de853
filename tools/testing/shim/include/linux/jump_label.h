/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/jump_label.h>: a static key is a counter. */
#ifndef _SHIM_LINUX_JUMP_LABEL_H
#define _SHIM_LINUX_JUMP_LABEL_H

#include <linux/atomic.h>

struct static_key_false {
	atomic_t enabled;
};

#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name = {}
#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name
#define static_branch_unlikely(key)	(atomic_read(&(key)->enabled) > 0)
#define static_branch_inc(key)		atomic_inc(&(key)->enabled)
#define static_branch_dec(key)		atomic_dec(&(key)->enabled)

#endif
