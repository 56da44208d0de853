// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libsyncmap: the operations on the bound map, one key at a time or in
 * batches.  Each returns what the in-kernel operation returns (1 or 0:
 * found or not, happened or not), or a negative errno.
 */
#include "internal.h"

/* The fields of one struct syncmap_ioc_op; unused ones stay zero. */
struct op_args {
	const void *key;
	size_t key_len;
	const void *value;
	size_t value_len;
	const void *old;
	size_t old_len;
	void *buf;
	size_t buf_size;
	size_t *out_len;
};

/*
 * Run one operation.  *@a->out_len gets the value's length on success and
 * the size needed on -ERANGE (the kernel copies the structure back then).
 */
static int op_run(int fd, unsigned long cmd, const struct op_args *a)
{
	struct syncmap_ioc_op op;
	int ret;

	memset(&op, 0, sizeof(op));
	op.key = sm_ptr(a->key);
	op.key_len = sm_u32(a->key_len);
	op.value = sm_ptr(a->value);
	op.value_len = sm_u32(a->value_len);
	op.old = sm_ptr(a->old);
	op.old_len = sm_u32(a->old_len);
	op.buf = sm_ptr(a->buf);
	op.buf_size = sm_u32(a->buf_size);
	ret = sm_ioctl(fd, cmd, &op);
	if ((!ret || ret == -ERANGE) && a->out_len)
		*a->out_len = op.out_len;
	return ret ? ret : (int)op.result;
}

/**
 * syncmap_load() - the value of a key
 * @fd: a file bound to the map, opened for reading.
 * @key: the key, @key_len bytes (at most SYNCMAP_KEY_MAX).
 * @key_len: its length.
 * @buf: receives the value; may be NULL when @buf_size is 0.
 * @buf_size: size of @buf (SYNCMAP_VALUE_MAX always suffices).
 * @value_len: if not NULL, set to the value's length; with -ERANGE, to
 *             the size @buf needs.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 found, 0 absent; -ERANGE the value does not fit in @buf
 * (nothing changed); -E2BIG key too long; -EBADFD unbound file; -EBADF
 * not opened for reading; -EFAULT; -ENOMEM.
 */
int syncmap_load(int fd, const void *key, size_t key_len, void *buf,
		 size_t buf_size, size_t *value_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.buf = buf, .buf_size = buf_size, .out_len = value_len,
	};

	return op_run(fd, SYNCMAP_IOC_LOAD, &a);
}

/**
 * syncmap_store() - set a key's value
 * @fd: a file bound to the map, opened for writing.
 * @key: the key.
 * @key_len: its length, at most SYNCMAP_KEY_MAX.
 * @value: the value; may be NULL when @value_len is 0.
 * @value_len: its length, at most SYNCMAP_VALUE_MAX.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -ENOSPC the map's max_entries or max_bytes would be
 * exceeded; -E2BIG key or value too long; -EBADFD; -EBADF; -EFAULT;
 * -ENOMEM.
 */
int syncmap_store(int fd, const void *key, size_t key_len, const void *value,
		  size_t value_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.value = value, .value_len = value_len,
	};

	return op_run(fd, SYNCMAP_IOC_STORE, &a);
}

/**
 * syncmap_load_or_store() - the value of a key, storing one if absent
 * @fd: a file bound to the map, opened for reading and writing.
 * @key: the key.
 * @key_len: its length.
 * @value: the value to store if the key is absent.
 * @value_len: its length.
 * @buf: receives the value now in the map (loaded or stored).
 * @buf_size: size of @buf.
 * @out_len: if not NULL, set to that value's length (-ERANGE: the size
 *           needed).
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 loaded, 0 stored; -ERANGE @buf is too small, and the
 * operation took effect; errnos as for syncmap_store().
 */
int syncmap_load_or_store(int fd, const void *key, size_t key_len,
			  const void *value, size_t value_len, void *buf,
			  size_t buf_size, size_t *out_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.value = value, .value_len = value_len,
		.buf = buf, .buf_size = buf_size, .out_len = out_len,
	};

	return op_run(fd, SYNCMAP_IOC_LOAD_OR_STORE, &a);
}

/**
 * syncmap_load_and_delete() - remove a key, returning its value
 * @fd: a file bound to the map, opened for reading and writing.
 * @key: the key.
 * @key_len: its length.
 * @buf: receives the removed value.
 * @buf_size: size of @buf.
 * @value_len: if not NULL, set to its length (-ERANGE: the size needed).
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 deleted, 0 absent; -ERANGE @buf is too small, and the key
 * was deleted; errnos as for syncmap_load().
 */
int syncmap_load_and_delete(int fd, const void *key, size_t key_len,
			    void *buf, size_t buf_size, size_t *value_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.buf = buf, .buf_size = buf_size, .out_len = value_len,
	};

	return op_run(fd, SYNCMAP_IOC_LOAD_AND_DELETE, &a);
}

/**
 * syncmap_delete() - remove a key
 * @fd: a file bound to the map, opened for writing.
 * @key: the key.
 * @key_len: its length.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 deleted, 0 absent; -E2BIG; -EBADFD; -EBADF; -EFAULT; -ENOMEM.
 */
int syncmap_delete(int fd, const void *key, size_t key_len)
{
	struct op_args a = { .key = key, .key_len = key_len };

	return op_run(fd, SYNCMAP_IOC_DELETE, &a);
}

/**
 * syncmap_swap() - set a key's value, returning the previous one
 * @fd: a file bound to the map, opened for reading and writing.
 * @key: the key.
 * @key_len: its length.
 * @value: the new value.
 * @value_len: its length.
 * @buf: receives the previous value.
 * @buf_size: size of @buf.
 * @prev_len: if not NULL, set to its length (-ERANGE: the size needed).
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 there was a previous value, 0 not; -ERANGE @buf is too small,
 * and the new value is stored; errnos as for syncmap_store().
 */
int syncmap_swap(int fd, const void *key, size_t key_len, const void *value,
		 size_t value_len, void *buf, size_t buf_size,
		 size_t *prev_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.value = value, .value_len = value_len,
		.buf = buf, .buf_size = buf_size, .out_len = prev_len,
	};

	return op_run(fd, SYNCMAP_IOC_SWAP, &a);
}

/**
 * syncmap_compare_and_swap() - set a key's value if it is the one expected
 * @fd: a file bound to the map, opened for reading and writing.
 * @key: the key.
 * @key_len: its length.
 * @old: the value expected.
 * @old_len: its length.
 * @new_value: the value to set.
 * @new_len: its length.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 swapped, 0 not (absent or another value); errnos as for
 * syncmap_store().
 */
int syncmap_compare_and_swap(int fd, const void *key, size_t key_len,
			     const void *old, size_t old_len,
			     const void *new_value, size_t new_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.value = new_value, .value_len = new_len,
		.old = old, .old_len = old_len,
	};

	return op_run(fd, SYNCMAP_IOC_CAS, &a);
}

/**
 * syncmap_compare_and_delete() - remove a key if its value is the one
 *	expected
 * @fd: a file bound to the map, opened for reading and writing.
 * @key: the key.
 * @key_len: its length.
 * @old: the value expected.
 * @old_len: its length.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 1 deleted, 0 not; errnos as for syncmap_delete().
 */
int syncmap_compare_and_delete(int fd, const void *key, size_t key_len,
			       const void *old, size_t old_len)
{
	struct op_args a = {
		.key = key, .key_len = key_len,
		.old = old, .old_len = old_len,
	};

	return op_run(fd, SYNCMAP_IOC_CAD, &a);
}

/**
 * syncmap_clear() - remove every key
 * @fd: a file bound to the map, opened for writing.
 *
 * Ends every walk of the map.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -ENOMEM.
 */
int syncmap_clear(int fd)
{
	struct syncmap_ioc_clear c = { 0 };

	return sm_ioctl(fd, SYNCMAP_IOC_CLEAR, &c);
}

/**
 * syncmap_len() - the number of live entries
 * @fd: a file bound to the map, opened for reading.
 * @len: set to it.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -EINVAL @len NULL.
 */
int syncmap_len(int fd, __u64 *len)
{
	struct syncmap_ioc_len l = { 0 };
	int ret;

	if (!len)
		return -EINVAL;
	ret = sm_ioctl(fd, SYNCMAP_IOC_LEN, &l);
	if (!ret)
		*len = l.len;
	return ret;
}

/**
 * syncmap_batch_item_set() - fill one item of a batch
 * @item: the item; every field is set.
 * @key: the key.
 * @key_len: its length.
 * @value: syncmap_batch_store(): the value.  syncmap_batch_load(): the
 *         buffer receiving the value.  syncmap_batch_delete(): NULL.
 * @value_len: the value's length, or the buffer's size; 0 for a delete.
 */
void syncmap_batch_item_set(struct syncmap_batch_item *item, const void *key,
			    size_t key_len, const void *value,
			    size_t value_len)
{
	memset(item, 0, sizeof(*item));
	item->key = sm_ptr(key);
	item->key_len = sm_u32(key_len);
	item->value = sm_ptr(value);
	item->value_len = sm_u32(value_len);
}

static int batch_run(int fd, unsigned long cmd,
		     struct syncmap_batch_item *items, unsigned int count,
		     unsigned int flags)
{
	struct syncmap_ioc_batch b;
	int ret;

	memset(&b, 0, sizeof(b));
	b.items = sm_ptr(items);
	b.count = count;
	b.item_size = sizeof(*items);
	b.flags = flags;
	ret = sm_ioctl(fd, cmd, &b);
	return ret ? ret : (int)b.done;
}

/**
 * syncmap_batch_load() - load many keys in one call
 * @fd: a file bound to the map, opened for reading.
 * @items: @count items (syncmap_batch_item_set()): each item's value is
 *         the buffer and value_len its size; out, value_len is the value's
 *         length (the size needed with -ERANGE, 0 when absent) and result
 *         1 found, 0 absent, or a negative errno for this item.
 * @count: at most SYNCMAP_BATCH_MAX.
 * @flags: 0, or SYNCMAP_BATCH_STOP to stop after the first failing item.
 *
 * Items run in order, each as syncmap_load() would.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: the number of items processed, or -errno for the whole call:
 * -E2BIG @count too large; -EINVAL unknown flags; -EFAULT @items
 * unreadable (before any item ran) or unwritable (after every processed
 * item took effect); -EBADFD; -EBADF; -ENOMEM.
 */
int syncmap_batch_load(int fd, struct syncmap_batch_item *items,
		       unsigned int count, unsigned int flags)
{
	return batch_run(fd, SYNCMAP_IOC_BATCH_LOAD, items, count, flags);
}

/**
 * syncmap_batch_store() - store many keys in one call
 * @fd: a file bound to the map, opened for writing.
 * @items: @count items with their keys and values; out, result 0 or a
 *         negative errno for this item (-ENOSPC, -E2BIG, ...).
 * @count: at most SYNCMAP_BATCH_MAX.
 * @flags: 0 or SYNCMAP_BATCH_STOP.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: as for syncmap_batch_load().
 */
int syncmap_batch_store(int fd, struct syncmap_batch_item *items,
			unsigned int count, unsigned int flags)
{
	return batch_run(fd, SYNCMAP_IOC_BATCH_STORE, items, count, flags);
}

/**
 * syncmap_batch_delete() - delete many keys in one call
 * @fd: a file bound to the map, opened for writing.
 * @items: @count items with their keys, values NULL and 0; out, result 1
 *         deleted, 0 absent, or a negative errno for this item.
 * @count: at most SYNCMAP_BATCH_MAX.
 * @flags: 0 or SYNCMAP_BATCH_STOP.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: as for syncmap_batch_load().
 */
int syncmap_batch_delete(int fd, struct syncmap_batch_item *items,
			 unsigned int count, unsigned int flags)
{
	return batch_run(fd, SYNCMAP_IOC_BATCH_DELETE, items, count, flags);
}
