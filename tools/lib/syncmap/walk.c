// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libsyncmap: the walk of the bound map as an iterator.
 *
 * SYNCMAP_IOC_WALK fills a buffer with records, a chunk at a time; the
 * iterator hands them out one by one and asks for the next chunk when
 * the buffer is used up.  The walk has Go's Range semantics (docs/abi.md).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "internal.h"

/* The kernel stages at most this much of a walk per call. */
#define WALK_BUF_DEFAULT	(256 * 1024)

/**
 * struct syncmap_walk - a walk in progress
 * @fd: the bound file.
 * @cursor: the cursor the last call returned; 0 before the first call and
 *          once the walk is complete.
 * @started: the first call was made.
 * @buf: the records of the last call.
 * @size: the size of @buf.
 * @len: bytes of records in @buf.
 * @off: where the next record starts.
 */
struct syncmap_walk {
	int fd;
	__u64 cursor;
	bool started;
	unsigned char *buf;
	size_t size;
	size_t len;
	size_t off;
};

/**
 * syncmap_walk_new() - prepare a walk of the bound map
 * @fd: a file bound to the map, opened for reading.
 * @buf_size: bytes of records fetched per call; 0 for 256 KiB.  The
 *            buffer grows when a record does not fit.
 * @walk: set to the walk, which syncmap_walk_free() frees.
 *
 * The walk starts at the first syncmap_walk_next(), and starting it ends
 * any other walk through @fd: one walk at a time per file.
 *
 * Context: Any thread.  No system call.
 * Return: 0; -ENOMEM; -EINVAL @walk NULL.
 */
int syncmap_walk_new(int fd, size_t buf_size, struct syncmap_walk **walk)
{
	struct syncmap_walk *w;

	if (!walk)
		return -EINVAL;
	*walk = NULL;
	if (!buf_size)
		buf_size = WALK_BUF_DEFAULT;
	buf_size = sm_u32(buf_size);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->buf = malloc(buf_size);
	if (!w->buf) {
		free(w);
		return -ENOMEM;
	}
	w->fd = fd;
	w->size = buf_size;
	*walk = w;
	return 0;
}

/* Fetch the next chunk of records: 1, 0 at the end of the walk, -errno. */
static int walk_fetch(struct syncmap_walk *w)
{
	struct syncmap_ioc_walk arg;
	unsigned char *p;
	int ret;

	for (;;) {
		if (w->started && !w->cursor)
			return 0;
		memset(&arg, 0, sizeof(arg));
		arg.cursor = w->cursor;
		arg.buf = sm_ptr(w->buf);
		arg.buf_size = sm_u32(w->size);
		ret = sm_ioctl(w->fd, SYNCMAP_IOC_WALK, &arg);
		if (ret == -ERANGE && arg.bytes > w->size) {
			/* The next record needs more room; the walk waits. */
			p = realloc(w->buf, arg.bytes);
			if (!p)
				return -ENOMEM;
			w->buf = p;
			w->size = arg.bytes;
			continue;
		}
		if (ret)
			return ret;
		w->started = true;
		w->cursor = arg.cursor;
		w->len = arg.bytes;
		w->off = 0;
		if (w->len)
			return 1;
	}
}

/**
 * syncmap_walk_next() - the next entry of the walk
 * @walk: the walk.
 * @key: if not NULL, set to the key's bytes.
 * @key_len: if not NULL, set to the key's length.
 * @value: if not NULL, set to the value's bytes.
 * @value_len: if not NULL, set to the value's length.
 *
 * The bytes are the walk's and stay valid until the next call on @walk.
 * Every key present and unchanged for the whole walk comes exactly once;
 * keys stored meanwhile may or may not.  After an error the walk stays
 * where it was and the call may be repeated.
 *
 * Context: Any thread, one at a time per walk.  An ioctl(2) when the
 * records fetched are used up.
 * Return: 1 an entry, 0 the walk is complete; -EINVAL the walk was ended
 * by another one started through the same file; -EBUSY too many walks of
 * the map by other users (max_walks); -EBADFD; -EBADF; -EFAULT; -ENOMEM;
 * -EIO a record that overruns the bytes the kernel returned (a bug).
 */
int syncmap_walk_next(struct syncmap_walk *walk, const void **key,
		      size_t *key_len, const void **value, size_t *value_len)
{
	struct syncmap_walk_entry e;
	size_t size;
	int ret;

	if (!walk)
		return -EINVAL;
	if (walk->off >= walk->len) {
		ret = walk_fetch(walk);
		if (ret <= 0)
			return ret;
	}
	if (walk->len - walk->off < sizeof(e))
		return -EIO;
	memcpy(&e, walk->buf + walk->off, sizeof(e));
	size = SYNCMAP_WALK_ENTRY_SIZE((size_t)e.key_len, (size_t)e.value_len);
	if (size > walk->len - walk->off)
		return -EIO;
	if (key)
		*key = walk->buf + walk->off + sizeof(e);
	if (key_len)
		*key_len = e.key_len;
	if (value)
		*value = walk->buf + walk->off + sizeof(e) + e.key_len;
	if (value_len)
		*value_len = e.value_len;
	walk->off += size;
	return 1;
}

/**
 * syncmap_walk_free() - end a walk and free it
 * @walk: the walk, or NULL.
 *
 * A walk not yet complete is ended in the kernel (SYNCMAP_WALK_END), which
 * lets go of the tables it pinned; a walk ended early never promotes.
 *
 * Context: Any thread.  An ioctl(2) if the walk was not complete.
 */
void syncmap_walk_free(struct syncmap_walk *walk)
{
	struct syncmap_ioc_walk arg;

	if (!walk)
		return;
	if (walk->started && walk->cursor) {
		memset(&arg, 0, sizeof(arg));
		arg.cursor = walk->cursor;
		arg.flags = SYNCMAP_WALK_END;
		/* Nothing to do if it fails: the walk ends with its file. */
		sm_ioctl(walk->fd, SYNCMAP_IOC_WALK, &arg);
	}
	free(walk->buf);
	free(walk);
}

/**
 * syncmap_walk_chunk() - one call of a walk: the next records, into a
 *	buffer of the caller's
 * @fd: a file bound to the map, opened for reading.
 * @cursor: in, 0 to start a walk (which ends any other walk through @fd),
 *          else the cursor the previous call of this walk returned; out,
 *          the cursor for the next call, or 0 when the walk is complete.
 *          Unchanged on error.
 * @buf: receives struct syncmap_walk_entry records, each followed by its
 *       key and value, SYNCMAP_WALK_ENTRY_SIZE() bytes apart; may be NULL
 *       when @buf_size is 0.
 * @buf_size: size of @buf; SYNCMAP_WALK_BUF_MIN always holds a record.
 * @bytes: if not NULL, set to the bytes of records written; with -ERANGE,
 *         to the size the next record needs.
 *
 * The walk under syncmap_walk_next(), for a program that keeps its own
 * buffer and cursor: nothing is allocated.  Same semantics (docs/abi.md).
 *
 * Context: Any thread.  One ioctl(2).
 * Return: the number of records written (0 only at the end of a walk), or
 * -errno: -ERANGE the next record does not fit in @buf (the walk waits
 * where it was); -EINVAL @cursor NULL, or the cursor of a walk that was
 * ended (by another one started through @fd, syncmap_walk_end(), or a
 * clear of the map); -EBUSY too many walks of the map by other users
 * (max_walks); -EBADFD; -EBADF; -EFAULT; -ENOMEM.
 */
int syncmap_walk_chunk(int fd, __u64 *cursor, void *buf, size_t buf_size,
		       size_t *bytes)
{
	struct syncmap_ioc_walk arg;
	int ret;

	if (!cursor)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.cursor = *cursor;
	arg.buf = sm_ptr(buf);
	arg.buf_size = sm_u32(buf_size);
	ret = sm_ioctl(fd, SYNCMAP_IOC_WALK, &arg);
	if ((!ret || ret == -ERANGE) && bytes)
		*bytes = arg.bytes;
	if (ret)
		return ret;
	*cursor = arg.cursor;
	return (int)arg.count;
}

/**
 * syncmap_walk_end() - end the walk in progress through a file
 * @fd: a file bound to the map, opened for reading.
 *
 * Lets go of the tables the walk pinned; a walk ended early never
 * promotes.  Its cursor is refused afterwards (-EINVAL).  Ending a file
 * that has no walk in progress succeeds.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -ENOMEM.
 */
int syncmap_walk_end(int fd)
{
	struct syncmap_ioc_walk arg;

	memset(&arg, 0, sizeof(arg));
	arg.flags = SYNCMAP_WALK_END;
	return sm_ioctl(fd, SYNCMAP_IOC_WALK, &arg);
}
