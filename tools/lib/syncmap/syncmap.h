/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libsyncmap: the maps of the syncmap kernel module, from userspace.
 *
 * A thin layer over the ioctls of /dev/syncmap (the uapi header,
 * docs/abi.md): one function a request, plus an iterator over the walk
 * and a paging loop over the list.  A map is a file descriptor: open
 * /dev/syncmap with the access you need, then bind it to a map by name.
 *
 * Every function that can fail returns a negative errno (-ENOENT, ...),
 * and 0, a count or a result (1 or 0) otherwise; errno carries nothing
 * (the library may change it).  Absence is a result, not an error: a load
 * of an absent key returns 0.  syncmap(3) is the overview; each family has its page.
 */
#ifndef __LIBSYNCMAP_SYNCMAP_H
#define __LIBSYNCMAP_SYNCMAP_H

#include <linux/syncmap.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef LIBSYNCMAP_API
#define LIBSYNCMAP_API __attribute__((visibility("default")))
#endif

#define LIBSYNCMAP_MAJOR_VERSION	0
#define LIBSYNCMAP_MINOR_VERSION	3

/* The device, as the module creates it. */
#define SYNCMAP_DEVICE_PATH	"/dev/syncmap"

/* ----- The device and named maps: syncmap_open(3) ------------------- */

LIBSYNCMAP_API int syncmap_open(int flags);
LIBSYNCMAP_API int syncmap_open_path(const char *path, int flags);
LIBSYNCMAP_API int syncmap_bind(int fd, const char *name);
LIBSYNCMAP_API int syncmap_open_map(const char *name, int flags);
LIBSYNCMAP_API int syncmap_create(int fd, const char *name, unsigned int mode,
				  __u64 max_entries, __u64 max_bytes);
/* Create and bind at once, EEXIST if the name is taken (0.2). */
LIBSYNCMAP_API int syncmap_create_bind(int fd, const char *name,
				       unsigned int mode, __u64 max_entries,
				       __u64 max_bytes);
/* Either, with SYNCMAP_CREATE_* flags: BIND, MERGE (0.3). */
LIBSYNCMAP_API int syncmap_create_flags(int fd, const char *name,
					unsigned int mode, __u64 max_entries,
					__u64 max_bytes, __u32 flags);
LIBSYNCMAP_API int syncmap_destroy(int fd, const char *name);
LIBSYNCMAP_API int syncmap_chmod(int fd, const char *name, unsigned int mode);
LIBSYNCMAP_API int syncmap_info(int fd, const char *name,
				struct syncmap_map_info *info);
LIBSYNCMAP_API int syncmap_list(int fd, const char *after,
				struct syncmap_map_info *maps,
				unsigned int count, unsigned int *total);
LIBSYNCMAP_API int syncmap_list_all(int fd, struct syncmap_map_info **maps,
				    size_t *count);

/* ----- Operations on the bound map: syncmap_load(3) ----------------- */

LIBSYNCMAP_API int syncmap_load(int fd, const void *key, size_t key_len,
				void *buf, size_t buf_size, size_t *value_len);
LIBSYNCMAP_API int syncmap_store(int fd, const void *key, size_t key_len,
				 const void *value, size_t value_len);
LIBSYNCMAP_API int syncmap_load_or_store(int fd, const void *key,
					 size_t key_len, const void *value,
					 size_t value_len, void *buf,
					 size_t buf_size, size_t *out_len);
LIBSYNCMAP_API int syncmap_load_and_delete(int fd, const void *key,
					   size_t key_len, void *buf,
					   size_t buf_size, size_t *value_len);
LIBSYNCMAP_API int syncmap_delete(int fd, const void *key, size_t key_len);
LIBSYNCMAP_API int syncmap_swap(int fd, const void *key, size_t key_len,
				const void *value, size_t value_len,
				void *buf, size_t buf_size, size_t *prev_len);
LIBSYNCMAP_API int syncmap_compare_and_swap(int fd, const void *key,
					    size_t key_len, const void *old,
					    size_t old_len, const void *new_value,
					    size_t new_len);
LIBSYNCMAP_API int syncmap_compare_and_delete(int fd, const void *key,
					      size_t key_len, const void *old,
					      size_t old_len);
LIBSYNCMAP_API int syncmap_clear(int fd);
LIBSYNCMAP_API int syncmap_len(int fd, __u64 *len);

/* ----- Batches: syncmap_batch_load(3) -------------------------------- */

LIBSYNCMAP_API void syncmap_batch_item_set(struct syncmap_batch_item *item,
					   const void *key, size_t key_len,
					   const void *value, size_t value_len);
LIBSYNCMAP_API int syncmap_batch_load(int fd, struct syncmap_batch_item *items,
				      unsigned int count, unsigned int flags);
LIBSYNCMAP_API int syncmap_batch_store(int fd, struct syncmap_batch_item *items,
				       unsigned int count, unsigned int flags);
LIBSYNCMAP_API int syncmap_batch_delete(int fd, struct syncmap_batch_item *items,
					unsigned int count, unsigned int flags);

/* ----- The walk: syncmap_walk_new(3) --------------------------------- */

struct syncmap_walk;

LIBSYNCMAP_API int syncmap_walk_new(int fd, size_t buf_size,
				    struct syncmap_walk **walk);
LIBSYNCMAP_API int syncmap_walk_next(struct syncmap_walk *walk,
				     const void **key, size_t *key_len,
				     const void **value, size_t *value_len);
LIBSYNCMAP_API void syncmap_walk_free(struct syncmap_walk *walk);
/* The same walk, one ioctl at a time, in the caller's buffer (0.2). */
LIBSYNCMAP_API int syncmap_walk_chunk(int fd, __u64 *cursor, void *buf,
				      size_t buf_size, size_t *bytes);
LIBSYNCMAP_API int syncmap_walk_end(int fd);

/* ----- Counters, health and tuning: syncmap_stats(3) ----------------- */

LIBSYNCMAP_API int syncmap_stats(int fd, struct syncmap_stats *stats);
LIBSYNCMAP_API int syncmap_reset_stats(int fd);
LIBSYNCMAP_API int syncmap_health(int fd, struct syncmap_health *health);
LIBSYNCMAP_API int syncmap_policy_get(int fd, struct syncmap_policy *policy);
LIBSYNCMAP_API int syncmap_policy_set(int fd,
				      const struct syncmap_policy *policy);
LIBSYNCMAP_API int syncmap_compact(int fd);

#ifdef __cplusplus
}
#endif

#endif /* __LIBSYNCMAP_SYNCMAP_H */
