/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for <linux/bug.h>.  A warning prints where it fired and is
 * counted: the tests fail when shim_warnings() is not zero at their end,
 * as a KUnit run fails on a splat.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <linux/compiler.h>

void shim_warn(const char *file, int line, const char *what);
void shim_bug(const char *file, int line, const char *what)
	__attribute__((noreturn));

#define WARN_ON(cond) ({						\
	int __c = !!(cond);						\
	if (unlikely(__c))						\
		shim_warn(__FILE__, __LINE__, "WARN_ON(" #cond ")");	\
	unlikely(__c);							\
})

/* Counted every time; shim_warn() stops printing after the first few. */
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define WARN(cond, ...) WARN_ON(cond)

#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		shim_bug(__FILE__, __LINE__, "BUG_ON(" #cond ")");	\
} while (0)
#define BUG() shim_bug(__FILE__, __LINE__, "BUG()")

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#endif
