/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by syncmap's kselftests: the device, named maps and
 * single operations, each returning what the call did (0 or a result on
 * success, -errno on failure) so that tests can EXPECT_EQ() on it.
 *
 * They go through libsyncmap (<syncmap.h>, tools/lib/syncmap), as every
 * program of the tree does: the Makefile builds the tests with the
 * library's include directory first and links its static build.
 *
 * Exception: a test whose purpose is the raw ABI itself (syncmap_abi_test,
 * also built as a 32-bit program, and syncmap_fuzz_test) defines
 * SM_RAW_ABI before including this header.  It is built without the
 * library, "syncmap.h" is then the uapi header, and the same helpers fill
 * the ioctl structures by hand, beside sm_op() and sm_resize() for the
 * ioctls the test makes itself.
 */
#ifndef SYNCMAP_TEST_H
#define SYNCMAP_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef SM_RAW_ABI
#include <sys/ioctl.h>

#include "syncmap.h"		/* include/uapi/syncmap.h */
#else
#include <syncmap.h>		/* libsyncmap's; it includes the uapi header */
#endif

#define SM_DEVICE	"/dev/syncmap"

/* Every structure has the same layout for 32-bit and 64-bit callers. */
_Static_assert(sizeof(struct syncmap_stats) == SYNCMAP_STATS_SIZE_VER1, "stats");
_Static_assert(sizeof(struct syncmap_ioc_name) == SYNCMAP_IOC_NAME_SIZE_VER0, "name");
_Static_assert(sizeof(struct syncmap_ioc_create) == SYNCMAP_IOC_CREATE_SIZE_VER0, "create");
_Static_assert(sizeof(struct syncmap_ioc_chmod) == SYNCMAP_IOC_CHMOD_SIZE_VER0, "chmod");
_Static_assert(sizeof(struct syncmap_map_info) == SYNCMAP_MAP_INFO_SIZE_VER0, "info");
_Static_assert(sizeof(struct syncmap_ioc_list) == SYNCMAP_IOC_LIST_SIZE_VER0, "list");
_Static_assert(sizeof(struct syncmap_ioc_op) == SYNCMAP_IOC_OP_SIZE_VER0, "op");
_Static_assert(sizeof(struct syncmap_ioc_clear) == SYNCMAP_IOC_CLEAR_SIZE_VER0, "clear");
_Static_assert(sizeof(struct syncmap_ioc_len) == SYNCMAP_IOC_LEN_SIZE_VER0, "len");
_Static_assert(sizeof(struct syncmap_batch_item) == SYNCMAP_BATCH_ITEM_SIZE_VER0, "item");
_Static_assert(sizeof(struct syncmap_ioc_batch) == SYNCMAP_IOC_BATCH_SIZE_VER0, "batch");
_Static_assert(sizeof(struct syncmap_ioc_walk) == SYNCMAP_IOC_WALK_SIZE_VER0, "walk");
_Static_assert(__builtin_offsetof(struct syncmap_ioc_create, max_entries) == 72, "create");
_Static_assert(__builtin_offsetof(struct syncmap_map_info, len) == 80, "info");
_Static_assert(__builtin_offsetof(struct syncmap_ioc_op, key_len) == 32, "op");

static inline int sm_ret(int ret)
{
	return ret < 0 ? -errno : ret;
}

/* xorshift64*: a cheap generator for test choices; *@s must not be 0. */
static inline uint64_t sm_rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A number below @n. */
static inline uint32_t sm_rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((sm_rng_next(s) >> 32) * n) >> 32);
}

/* Write @text to the file @path (sysfs, debugfs, cgroupfs): 0 or -errno. */
static inline int sm_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Read the file @path into @buf, NUL-terminated: 0 or -errno. */
static inline int sm_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/*
 * Sleep @ms milliseconds.  poll() takes them as an int: a 32-bit build
 * sleeps even on kernels without CONFIG_COMPAT_32BIT_TIME, where its
 * libc's nanosleep() fails at once.
 */
static inline void sm_sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}

/* A map name no other test uses. */
static inline void sm_unique(char *buf, const char *prefix)
{
	static unsigned int n;

	snprintf(buf, SYNCMAP_NAME_MAX, "%s-%d-%u", prefix, getpid(), n++);
}

#ifdef SM_RAW_ABI

static inline uint64_t sm_ptr(const void *p)
{
	return (uintptr_t)p;
}

static inline int sm_open(int flags)
{
	return open(SM_DEVICE, flags | O_CLOEXEC);
}

static inline void sm_set_name(char *dst, const char *name)
{
	memset(dst, 0, SYNCMAP_NAME_MAX);
	memcpy(dst, name, strnlen(name, SYNCMAP_NAME_MAX));
}

static inline int sm_bind(int fd, const char *name)
{
	struct syncmap_ioc_name a;

	memset(&a, 0, sizeof(a));
	sm_set_name(a.name, name);
	return sm_ret(ioctl(fd, SYNCMAP_IOC_BIND, &a));
}

/* Open and bind in one go: the file, or -errno. */
static inline int sm_open_bound(const char *name, int flags)
{
	int fd = sm_open(flags), ret;

	if (fd < 0)
		return -errno;
	ret = sm_bind(fd, name);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* CREATE with SYNCMAP_CREATE_* @flags (MERGE: the merge engine). */
static inline int sm_create_flags(const char *name, unsigned int mode,
				  uint64_t max_entries, uint64_t max_bytes,
				  uint32_t flags)
{
	struct syncmap_ioc_create c;
	int fd = sm_open(O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	memset(&c, 0, sizeof(c));
	sm_set_name(c.name, name);
	c.mode = mode;
	c.flags = flags;
	c.max_entries = max_entries;
	c.max_bytes = max_bytes;
	ret = sm_ret(ioctl(fd, SYNCMAP_IOC_CREATE, &c));
	close(fd);
	return ret;
}

static inline int sm_create(const char *name, unsigned int mode,
			    uint64_t max_entries, uint64_t max_bytes)
{
	return sm_create_flags(name, mode, max_entries, max_bytes, 0);
}

static inline int sm_destroy(const char *name)
{
	struct syncmap_ioc_name a;
	int fd = sm_open(O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	sm_set_name(a.name, name);
	ret = sm_ret(ioctl(fd, SYNCMAP_IOC_DESTROY, &a));
	close(fd);
	return ret;
}

static inline int sm_chmod(const char *name, unsigned int mode)
{
	struct syncmap_ioc_chmod c;
	int fd = sm_open(O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	memset(&c, 0, sizeof(c));
	sm_set_name(c.name, name);
	c.mode = mode;
	ret = sm_ret(ioctl(fd, SYNCMAP_IOC_CHMOD, &c));
	close(fd);
	return ret;
}

/* INFO by name through @fd ("" for the map @fd is bound to). */
static inline int sm_info(int fd, const char *name,
			  struct syncmap_map_info *info)
{
	memset(info, 0, sizeof(*info));
	sm_set_name(info->name, name);
	return sm_ret(ioctl(fd, SYNCMAP_IOC_INFO, info));
}

/* INFO by name through a fresh read-only file. */
static inline int sm_info_name(const char *name, struct syncmap_map_info *info)
{
	int fd = sm_open(O_RDONLY), ret;

	if (fd < 0)
		return -errno;
	ret = sm_info(fd, name, info);
	close(fd);
	return ret;
}

/*
 * One operation; byte strings as (pointer, length), NULL for none.  Fills
 * *@op and returns the ioctl's 0 or -errno.
 */
static inline int sm_op(int fd, unsigned long cmd, struct syncmap_ioc_op *op,
			const void *key, uint32_t key_len,
			const void *value, uint32_t value_len,
			const void *old, uint32_t old_len,
			void *buf, uint32_t buf_size)
{
	memset(op, 0, sizeof(*op));
	op->key = sm_ptr(key);
	op->key_len = key_len;
	op->value = sm_ptr(value);
	op->value_len = value_len;
	op->old = sm_ptr(old);
	op->old_len = old_len;
	op->buf = sm_ptr(buf);
	op->buf_size = buf_size;
	return sm_ret(ioctl(fd, cmd, op));
}

/* String conveniences: the result (0/1) or -errno. */
static inline int sm_store(int fd, const char *k, const char *v)
{
	struct syncmap_ioc_op op;
	int ret = sm_op(fd, SYNCMAP_IOC_STORE, &op, k, strlen(k), v, strlen(v),
			NULL, 0, NULL, 0);

	return ret ? ret : (int)op.result;
}

/* Load into @buf (NUL-terminated when it fits). */
static inline int sm_load(int fd, const char *k, char *buf, uint32_t size)
{
	struct syncmap_ioc_op op;
	int ret = sm_op(fd, SYNCMAP_IOC_LOAD, &op, k, strlen(k), NULL, 0,
			NULL, 0, buf, size);

	if (ret)
		return ret;
	if (op.out_len < size)
		buf[op.out_len] = '\0';
	return op.result;
}

static inline int sm_delete(int fd, const char *k)
{
	struct syncmap_ioc_op op;
	int ret = sm_op(fd, SYNCMAP_IOC_DELETE, &op, k, strlen(k), NULL, 0,
			NULL, 0, NULL, 0);

	return ret ? ret : (int)op.result;
}

/* The map's len, or -errno. */
static inline long long sm_len(int fd)
{
	struct syncmap_ioc_len l = { 0 };

	if (ioctl(fd, SYNCMAP_IOC_LEN, &l))
		return -errno;
	return l.len;
}

static inline int sm_stats(int fd, struct syncmap_stats *s)
{
	memset(s, 0, sizeof(*s));
	return sm_ret(ioctl(fd, SYNCMAP_IOC_STATS, s));
}

/* The command @cmd with its size field replaced by @size. */
static inline unsigned long sm_resize(unsigned long cmd, unsigned int size)
{
	return (cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
	       ((unsigned long)size << _IOC_SIZESHIFT);
}

#else /* !SM_RAW_ABI: the same helpers through libsyncmap */

/* open(2)'s result: the file, or -1 with errno set. */
static inline int sm_open(int flags)
{
	int fd = syncmap_open(flags);

	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

static inline int sm_bind(int fd, const char *name)
{
	return syncmap_bind(fd, name);
}

/* Open and bind in one go: the file, or -errno. */
static inline int sm_open_bound(const char *name, int flags)
{
	return syncmap_open_map(name, flags);
}

static inline int sm_create_flags(const char *name, unsigned int mode,
				  uint64_t max_entries, uint64_t max_bytes,
				  uint32_t flags)
{
	int fd = syncmap_open(O_WRONLY), ret;

	if (fd < 0)
		return fd;
	ret = syncmap_create_flags(fd, name, mode, max_entries, max_bytes,
				   flags);
	close(fd);
	return ret;
}

static inline int sm_create(const char *name, unsigned int mode,
			    uint64_t max_entries, uint64_t max_bytes)
{
	return sm_create_flags(name, mode, max_entries, max_bytes, 0);
}

static inline int sm_destroy(const char *name)
{
	int fd = syncmap_open(O_WRONLY), ret;

	if (fd < 0)
		return fd;
	ret = syncmap_destroy(fd, name);
	close(fd);
	return ret;
}

static inline int sm_chmod(const char *name, unsigned int mode)
{
	int fd = syncmap_open(O_WRONLY), ret;

	if (fd < 0)
		return fd;
	ret = syncmap_chmod(fd, name, mode);
	close(fd);
	return ret;
}

/* INFO by name through @fd ("" for the map @fd is bound to). */
static inline int sm_info(int fd, const char *name,
			  struct syncmap_map_info *info)
{
	return syncmap_info(fd, name, info);
}

/* INFO by name through a fresh read-only file. */
static inline int sm_info_name(const char *name, struct syncmap_map_info *info)
{
	int fd = syncmap_open(O_RDONLY), ret;

	if (fd < 0)
		return fd;
	ret = syncmap_info(fd, name, info);
	close(fd);
	return ret;
}

/* String conveniences: the result (0/1) or -errno. */
static inline int sm_store(int fd, const char *k, const char *v)
{
	return syncmap_store(fd, k, strlen(k), v, strlen(v));
}

/* Load into @buf (NUL-terminated when it fits). */
static inline int sm_load(int fd, const char *k, char *buf, uint32_t size)
{
	size_t len = 0;
	int ret = syncmap_load(fd, k, strlen(k), buf, size, &len);

	if (ret < 0)
		return ret;
	if (len < size)
		buf[len] = '\0';
	return ret;
}

static inline int sm_delete(int fd, const char *k)
{
	return syncmap_delete(fd, k, strlen(k));
}

/* The map's len, or -errno. */
static inline long long sm_len(int fd)
{
	__u64 len;
	int ret = syncmap_len(fd, &len);

	return ret ? ret : (long long)len;
}

static inline int sm_stats(int fd, struct syncmap_stats *s)
{
	return syncmap_stats(fd, s);
}
#endif /* SM_RAW_ABI */

/* A module parameter through sysfs, without its newline: 0 or -errno. */
static inline int sm_param_read(const char *name, char *buf, size_t size)
{
	char path[128];
	int ret;

	snprintf(path, sizeof(path), "/sys/module/syncmap/parameters/%s", name);
	ret = sm_read_file(path, buf, size);
	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

static inline int sm_param_write(const char *name, const char *value)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/syncmap/parameters/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -errno : 0;
}

#endif /* SYNCMAP_TEST_H */
