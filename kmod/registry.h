/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: named maps, their owners, modes and limits.
 *
 * The registry maps names to maps.  A name is linked while the map can be
 * found by it; destroy unlinks it at once, like unlink(2), and the map
 * lives on while references remain: one for the registry while linked,
 * one per bound file, one per syncmap_get().  The last put frees it.
 *
 * Locking: syncmap_registry.mutex (in registry.c) guards the list of
 * names, the counts against the module's caps and each map's mode.  It is
 * never held across a copy to or from userspace.
 */
#ifndef _SYNCMAP_REGISTRY_H
#define _SYNCMAP_REGISTRY_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>

#include "syncmap.h"

struct file;
struct ipc_namespace;
struct syncmap_user;

/**
 * struct syncmap_ns - the maps of one IPC namespace
 * @node: in the registry's list of namespaces.
 * @ipc: the namespace, with a reference held while @maps is not 0; NULL
 *       on a kernel without IPC namespaces (one namespace then).
 * @maps: maps alive in it, linked or not.
 * @debugfs: its directory of maps (syncmap/maps/ for the initial
 *           namespace, syncmap/ns/<inode number>/ for others), or NULL.
 *
 * Names are scoped to the IPC namespace of the file that creates, binds,
 * finds or lists them, as SysV IPC objects and message queues are.  The
 * registry holds a namespace while it has maps: they outlive its last
 * process until destroyed, or until the module is unloaded.
 */
struct syncmap_ns {
	struct list_head node;
	struct ipc_namespace *ipc;
	unsigned int maps;
	struct dentry *debugfs;
};

/**
 * struct syncmap_named - a map with a name, an owner and a mode
 * @ref: references, see above.
 * @node: in the registry's list, sorted by name, while linked.
 * @map: the map.
 * @ns: the IPC namespace its name lives in.
 * @linked: the name still finds this map (under the registry mutex).
 * @is_default: the default map, which cannot be destroyed.
 * @uid: owner: the fsuid the creating file was opened with.
 * @gid: group: the fsgid the creating file was opened with.
 * @mode: permission bits; written under the registry mutex, read with
 *        READ_ONCE() by permission checks.
 * @max_entries: limit passed to syncmap_create().
 * @max_bytes: limit passed to syncmap_create(), and reserved against the
 *             module's total memory cap and the owner's share of it.
 * @user: the owner's share of the caps (registry.c), NULL for the
 *        default map; under the registry mutex.
 * @debugfs: its directory under syncmap/maps/ while linked, or NULL.
 * @walk_lock: guards @walks and @walks_others.
 * @walks: the files walking the map (struct syncmap_file, in dev.c).
 * @walks_others: how many of them were opened by someone else than the
 *                owner; the module parameter max_walks bounds it.
 * @free_work: frees the map after the last reference.
 * @name: NUL-terminated.
 */
struct syncmap_named {
	struct kref ref;
	struct list_head node;
	struct syncmap *map;
	struct syncmap_ns *ns;
	bool linked;
	bool is_default;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u64 max_entries;
	u64 max_bytes;
	struct syncmap_user *user;
	struct dentry *debugfs;
	spinlock_t walk_lock;		/* @walks, @walks_others */
	struct list_head walks;
	unsigned int walks_others;
	struct work_struct free_work;
	char name[SYNCMAP_NAME_MAX];
};

/* Access wanted from a map, the bits of a file mode's "other" triple. */
#define SYNCMAP_MAY_READ	4
#define SYNCMAP_MAY_WRITE	2

int syncmap_registry_init(void);
void syncmap_registry_exit(void);

int syncmap_name_check(const char *name, size_t size);

int syncmap_registry_create(const struct file *file, struct ipc_namespace *ipc,
			    const char *name, umode_t mode,
			    const struct syncmap_params *params,
			    struct syncmap_named **bind);
int syncmap_registry_destroy(const struct file *file,
			     struct ipc_namespace *ipc, const char *name);
int syncmap_registry_chmod(const struct file *file, struct ipc_namespace *ipc,
			   const char *name, umode_t mode);
struct syncmap_named *syncmap_registry_lookup(struct ipc_namespace *ipc,
					      const char *name);
int syncmap_registry_list(const struct file *file, struct ipc_namespace *ipc,
			  const char *after, struct syncmap_map_info *out,
			  u32 room, u32 *count, u32 *total);

void syncmap_named_get(struct syncmap_named *nm);
void syncmap_named_put(struct syncmap_named *nm);
bool syncmap_named_permitted(const struct syncmap_named *nm,
			     const struct file *file, int want);
void syncmap_named_info(struct syncmap_named *nm,
			struct syncmap_map_info *info);

/**
 * struct syncmap_registry_counts - the registry's counts, for debugfs
 * @maps: maps counted against max_maps.
 * @reserved_bytes: the sum of their max_bytes.
 * @maps_freeing: maps whose last reference went and whose memory is not
 *                freed yet.
 * @bytes_freeing: the sum of their max_bytes.
 * @maps_freed: maps freed since the module was loaded.
 */
struct syncmap_registry_counts {
	u64 maps;
	u64 reserved_bytes;
	u64 maps_freeing;
	u64 bytes_freeing;
	u64 maps_freed;
};

void syncmap_registry_counts(struct syncmap_registry_counts *counts);

void syncmap_registry_for_each(void (*fn)(struct syncmap_named *nm,
					  void *arg), void *arg);

extern const struct kernel_param_ops syncmap_param_ops_mode;

#endif /* _SYNCMAP_REGISTRY_H */
