/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <linux/kernel.h> and the odds and ends it pulls in. */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <linux/types.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <shim.h>

#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	min((t)(a), (t)(b))
#define max_t(t, a, b)	max((t)(a), (t)(b))
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { } while (0)

/*
 * The checks of CONFIG_DEBUG_ATOMIC_SLEEP: sleeping with a spinlock held
 * or inside rcu_read_lock() is a bug, even where it happens not to sleep.
 */
void shim_might_sleep(const char *file, int line);
#if SHIM_DEBUG
#define might_sleep()	shim_might_sleep(__FILE__, __LINE__)
#else
#define might_sleep()	do { } while (0)
#endif

#endif
