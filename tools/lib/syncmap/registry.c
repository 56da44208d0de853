// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libsyncmap: the device and the named maps: open, bind, create, destroy,
 * chmod, info, list.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/* Maps asked for per LIST call by syncmap_list_all(). */
#define LIST_PAGE	64

/**
 * syncmap_open_path() - open a syncmap device, unbound
 * @path: the device node.
 * @flags: O_RDONLY, O_WRONLY or O_RDWR, as for open(2): the access the
 *         file is given (a map's operations check it); O_CLOEXEC is added.
 *
 * Context: Any thread.  One open(2).
 * Return: the file descriptor, or -errno of open(2).
 */
int syncmap_open_path(const char *path, int flags)
{
	int fd;

	if (!path)
		return -EINVAL;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * syncmap_open() - open /dev/syncmap, unbound
 * @flags: as for syncmap_open_path().
 *
 * Context: Any thread.  One open(2).
 * Return: the file descriptor, or -errno of open(2).
 */
int syncmap_open(int flags)
{
	return syncmap_open_path(SYNCMAP_DEVICE_PATH, flags);
}

/**
 * syncmap_bind() - bind an open file to a map, once
 * @fd: an unbound file of the device.
 * @name: the map's name.
 *
 * The map's mode is checked against the file's access and its opener's
 * credentials now, as open(2) does.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -ENOENT no such map; -EACCES the map's mode refuses the
 * file's access; -EBUSY the file is bound already; -EINVAL a bad name;
 * -ENAMETOOLONG a name of SYNCMAP_NAME_MAX bytes or more; other errnos of
 * docs/abi.md.
 */
int syncmap_bind(int fd, const char *name)
{
	struct syncmap_ioc_name a;
	int ret;

	ret = sm_name_set(a.name, name);
	if (ret)
		return ret;
	a.flags = 0;
	a.reserved = 0;
	return sm_ioctl(fd, SYNCMAP_IOC_BIND, &a);
}

/**
 * syncmap_open_map() - open /dev/syncmap and bind it to a map
 * @name: the map's name.
 * @flags: as for syncmap_open_path().
 *
 * Context: Any thread.  One open(2) and one ioctl(2).
 * Return: the bound file descriptor, or -errno of syncmap_open() or
 * syncmap_bind() (the file is closed then).
 */
int syncmap_open_map(const char *name, int flags)
{
	int fd, ret;

	fd = syncmap_open(flags);
	if (fd < 0)
		return fd;
	ret = syncmap_bind(fd, name);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/**
 * syncmap_create_flags() - create a named map, with SYNCMAP_CREATE_* flags
 * @fd: a file of the device opened for writing; unbound with
 *      SYNCMAP_CREATE_BIND.
 * @name: the new map's name: 1 to 63 bytes of [A-Za-z0-9_.-], not starting
 *        with '.'.
 * @mode: its permission bits, 0 to 0777, as a file's.
 * @max_entries: most entries it may hold, whatever their state; 0 for none.
 * @max_bytes: most bytes it may hold; 0 for none.
 * @flags: SYNCMAP_CREATE_BIND binds @fd to the new map atomically (see
 *         syncmap_create_bind()); SYNCMAP_CREATE_MERGE gives it the engine
 *         that never copies on the caller's path rather than Go's.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EINVAL a bad name, mode or flag (a kernel that predates the
 * flag); the other errnos of syncmap_create() and syncmap_create_bind().
 */
int syncmap_create_flags(int fd, const char *name, unsigned int mode,
			 __u64 max_entries, __u64 max_bytes, __u32 flags)
{
	struct syncmap_ioc_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	ret = sm_name_set(c.name, name);
	if (ret)
		return ret;
	c.mode = mode;
	c.flags = flags;
	c.max_entries = max_entries;
	c.max_bytes = max_bytes;
	return sm_ioctl(fd, SYNCMAP_IOC_CREATE, &c);
}

/**
 * syncmap_create() - create a named map
 * @fd: a file of the device opened for writing, bound or not.
 * @name: the new map's name: 1 to 63 bytes of [A-Za-z0-9_.-], not starting
 *        with '.'.
 * @mode: its permission bits, 0 to 0777, as a file's.
 * @max_entries: most entries it may hold, whatever their state; 0 for none.
 * @max_bytes: most bytes it may hold; 0 for none.
 *
 * The map is owned by the fsuid and fsgid the file was opened with, and
 * runs Go's engine.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EEXIST the name is taken; -EINVAL a bad name or mode;
 * -ENAMETOOLONG; -ENOSPC a module cap would be exceeded; -EBADF the file
 * is not open for writing; -ENOMEM.
 */
int syncmap_create(int fd, const char *name, unsigned int mode,
		   __u64 max_entries, __u64 max_bytes)
{
	return syncmap_create_flags(fd, name, mode, max_entries, max_bytes, 0);
}

/**
 * syncmap_create_bind() - create a named map and bind the file to it
 * @fd: an unbound file of the device opened for writing.
 * @name: the new map's name, as for syncmap_create().
 * @mode: its permission bits, 0 to 0777.
 * @max_entries: most entries it may hold; 0 for none.
 * @max_bytes: most bytes it may hold; 0 for none.
 *
 * Atomically, as open(2) with O_CREAT|O_EXCL: @fd is bound to the map it
 * created or to nothing, never to a map someone else created under the
 * name in between.  @fd keeps the access it was opened with whatever
 * @mode says.  There is no fallback to syncmap_create() then
 * syncmap_bind() on a kernel without the flag: that would lose the point.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EEXIST the name is taken; -EBUSY the file is bound already
 * (nothing is created); -EINVAL a bad name or mode, or a kernel that
 * predates SYNCMAP_CREATE_BIND; the other errnos of syncmap_create().
 */
int syncmap_create_bind(int fd, const char *name, unsigned int mode,
			__u64 max_entries, __u64 max_bytes)
{
	return syncmap_create_flags(fd, name, mode, max_entries, max_bytes,
				    SYNCMAP_CREATE_BIND);
}

/**
 * syncmap_destroy() - remove a map's name
 * @fd: a file of the device opened for writing.
 * @name: the map's name.
 *
 * Like unlink(2): files bound to the map keep it until they are closed.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -ENOENT; -EBUSY for the default map; -EPERM the file's
 * opener neither owns the map nor had CAP_SYS_ADMIN; -EBADF; -EINVAL;
 * -ENAMETOOLONG.
 */
int syncmap_destroy(int fd, const char *name)
{
	struct syncmap_ioc_name a;
	int ret;

	ret = sm_name_set(a.name, name);
	if (ret)
		return ret;
	a.flags = 0;
	a.reserved = 0;
	return sm_ioctl(fd, SYNCMAP_IOC_DESTROY, &a);
}

/**
 * syncmap_chmod() - change a map's permission bits
 * @fd: a file of the device opened for writing.
 * @name: the map's name.
 * @mode: the new bits, 0 to 0777.  Bound files keep the access they have.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -ENOENT; -EPERM as for syncmap_destroy(); -EINVAL a mode
 * above 0777 or a bad name; -EBADF; -ENAMETOOLONG.
 */
int syncmap_chmod(int fd, const char *name, unsigned int mode)
{
	struct syncmap_ioc_chmod c;
	int ret;

	memset(&c, 0, sizeof(c));
	ret = sm_name_set(c.name, name);
	if (ret)
		return ret;
	c.mode = mode;
	return sm_ioctl(fd, SYNCMAP_IOC_CHMOD, &c);
}

/**
 * syncmap_info() - one map's owner, mode, limits and size
 * @fd: a file of the device opened for reading.
 * @name: the map's name; NULL or "" for the map @fd is bound to (which
 *        works after its name was destroyed).
 * @info: filled in.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -ENOENT; -EACCES the file's opener may not read the map;
 * -EBADFD NULL or "" on an unbound file; -EBADF; -EINVAL; -ENAMETOOLONG.
 */
int syncmap_info(int fd, const char *name, struct syncmap_map_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	ret = sm_name_set(info->name, name ? name : "");
	if (ret)
		return ret;
	return sm_ioctl(fd, SYNCMAP_IOC_INFO, info);
}

/**
 * syncmap_list() - one page of the maps the file's opener may read
 * @fd: a file of the device opened for reading.
 * @after: the maps whose names sort after this one (strcmp) are listed;
 *         NULL or "" from the first.  Pass the last name of a page to get
 *         the next.
 * @maps: an array of @count elements, filled in name order.
 * @count: room in @maps; the kernel writes at most 256 a call.
 * @total: if not NULL, set to the number of maps the opener may read.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: the number of elements written (0 past the last), or -errno:
 * -EINVAL, -ENAMETOOLONG (@after too long), -EBADF, -EFAULT.
 */
int syncmap_list(int fd, const char *after, struct syncmap_map_info *maps,
		 unsigned int count, unsigned int *total)
{
	struct syncmap_ioc_list l;
	int ret;

	memset(&l, 0, sizeof(l));
	ret = sm_name_set(l.after, after ? after : "");
	if (ret)
		return ret;
	l.maps = sm_ptr(maps);
	l.count = count;
	l.info_size = sizeof(*maps);
	ret = sm_ioctl(fd, SYNCMAP_IOC_LIST, &l);
	if (ret)
		return ret;
	if (total)
		*total = l.total;
	return l.count;
}

/**
 * syncmap_list_all() - every map the file's opener may read
 * @fd: a file of the device opened for reading.
 * @maps: set to a malloc()ed array, in name order, that the caller frees;
 *        NULL when there are none.
 * @count: set to its length.
 *
 * Pages through syncmap_list().  Maps created or destroyed meanwhile may
 * or may not appear; none appears twice.
 *
 * Context: Any thread.  One ioctl(2) per 64 maps.
 * Return: 0, -ENOMEM, or an errno of syncmap_list() (nothing is returned
 * in *@maps then).
 */
int syncmap_list_all(int fd, struct syncmap_map_info **maps, size_t *count)
{
	struct syncmap_map_info *all = NULL, *p;
	char after[SYNCMAP_NAME_MAX] = "";
	size_t n = 0;
	int got;

	if (!maps || !count)
		return -EINVAL;
	*maps = NULL;
	*count = 0;
	do {
		p = realloc(all, (n + LIST_PAGE) * sizeof(*all));
		if (!p) {
			free(all);
			return -ENOMEM;
		}
		all = p;
		got = syncmap_list(fd, after, all + n, LIST_PAGE, NULL);
		if (got < 0) {
			free(all);
			return got;
		}
		n += got;
		/* The next page starts after the last name (realloc moves it). */
		if (got)
			memcpy(after, all[n - 1].name, sizeof(after));
	} while (got == LIST_PAGE);
	if (!n) {
		free(all);
		all = NULL;
	}
	*maps = all;
	*count = n;
	return 0;
}
