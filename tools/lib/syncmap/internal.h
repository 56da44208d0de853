/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libsyncmap: what the library's files share and do not export.
 */
#ifndef __LIBSYNCMAP_INTERNAL_H
#define __LIBSYNCMAP_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "syncmap.h"

/* An address, as the uapi passes it. */
static inline __u64 sm_ptr(const void *p)
{
	return (uintptr_t)p;
}

/*
 * A length or a size into a __u32 field: one too large for it is clamped,
 * so that the kernel refuses a key or value (E2BIG) instead of seeing a
 * truncated length, and a buffer is never said to be larger than it is.
 */
static inline __u32 sm_u32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (__u32)n;
}

/* One ioctl: 0 or -errno. */
static inline int sm_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/*
 * A map's name into a uapi name field, NUL-padded: -EINVAL for NULL,
 * -ENAMETOOLONG when it does not fit with its NUL.  The kernel judges
 * its characters.
 */
static inline int sm_name_set(char dst[SYNCMAP_NAME_MAX], const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strlen(name);
	if (len >= SYNCMAP_NAME_MAX)
		return -ENAMETOOLONG;
	memset(dst, 0, SYNCMAP_NAME_MAX);
	memcpy(dst, name, len);
	return 0;
}

#endif /* __LIBSYNCMAP_INTERNAL_H */
