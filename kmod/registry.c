// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: named maps, their owners, modes and limits.
 *
 * Ownership follows BPF maps: the creator's fsuid and fsgid own a map and
 * syncmap_create(), called in the creator's context, charges all of the
 * map's memory to the creator's memory cgroup.
 *
 * Every permission check is made against the credentials the file the
 * request came through was opened with (file->f_cred), as open(2) decides
 * once what a file may do: a file passed to another process, privileged
 * or not, carries its opener's rights and no others.
 *
 * Names are scoped to IPC namespaces, as SysV IPC objects and POSIX
 * message queues are: a file belongs to the namespace of the task that
 * opened it, and creates, binds, finds and lists the names of that
 * namespace only; capabilities override a map's mode only in the user
 * namespace that owns the map's IPC namespace.  The default map lives in
 * the initial namespace.  A module has no hook where the kernel frees a
 * namespace, so the registry holds a reference on each namespace that has
 * maps: they outlive its last process, listed in debugfs under its inode
 * number, until they are destroyed (by a file opened in it, for example
 * from a process setns(2) into it through a bind mount of
 * /proc/PID/ns/ipc) or until the module is unloaded; the owner's
 * per-user limits bound how many can be left behind.  The module's caps on the
 * number of maps and on their total memory are reservations taken at
 * create and given back once the map's memory is freed, so no lock-free
 * update ever touches a shared counter for them.
 *
 * The last reference to a map queues it to be freed from a workqueue; it
 * counts against the caps, and its owner's share, until that free ends,
 * so a loop that creates and destroys maps cannot queue frees without
 * bound.  A create that only maps being freed stand in the way of waits
 * for them (killable) instead of failing.
 */
#include <linux/wait_bit.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "ipc_ns.h"
#include "debugfs.h"
#include "map.h"
#include "registry.h"

/**
 * struct syncmap_user - one user's share of the caps
 * @node: in the registry's list of users.
 * @uid: the owner's kuid.
 * @maps: maps the user owns, linked or not, until their memory is freed.
 * @bytes: the sum of their max_bytes.
 * @maps_freeing: of @maps, those whose last reference went.
 * @bytes_freeing: the sum of their max_bytes.
 *
 * Per-user limits as inotify's and mqueue's: the kernel's ucounts types
 * are fixed in-tree, so the registry keeps its own counts, under its
 * mutex.  An entry lives while its user owns a map; the default map is
 * nobody's share.
 */
struct syncmap_user {
	struct list_head node;
	kuid_t uid;
	unsigned int maps;
	u64 bytes;
	unsigned int maps_freeing;
	u64 bytes_freeing;
};

static struct {
	struct mutex mutex;		/* everything below */
	struct list_head names;		/* linked maps, sorted by name */
	struct list_head users;		/* struct syncmap_user */
	struct list_head nss;		/* struct syncmap_ns */
	unsigned int maps;		/* maps not freed, linked or not */
	u64 reserved_bytes;		/* sum of their max_bytes */
	unsigned int maps_freeing;	/* of them: last reference gone */
	u64 bytes_freeing;		/* sum of their max_bytes */
	u64 maps_freed;			/* since load; wait_var_event() */
} registry = {
	.mutex = __MUTEX_INITIALIZER(registry.mutex),
	.names = LIST_HEAD_INIT(registry.names),
	.users = LIST_HEAD_INIT(registry.users),
	.nss = LIST_HEAD_INIT(registry.nss),
};

/*
 * Maps are freed from here, as BPF maps are: syncmap_destroy() is O(n)
 * and may wait for the grace periods of tables the map retired, which the
 * close(2) or DESTROY that drops the last reference should not wait for.
 * Drained at module exit.
 */
static struct workqueue_struct *free_wq;

/* File modes as module parameters: octal in and out. */
static int mode_set(const char *val, const struct kernel_param *kp)
{
	unsigned int mode;
	int ret;

	ret = kstrtouint(val, 8, &mode);
	if (ret)
		return ret;
	if (mode & ~0777U)
		return -EINVAL;
	*(unsigned int *)kp->arg = mode;
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%04o\n", *(unsigned int *)kp->arg);
}

const struct kernel_param_ops syncmap_param_ops_mode = {
	.set = mode_set,
	.get = mode_get,
};

static unsigned int default_uid;
module_param(default_uid, uint, 0444);
MODULE_PARM_DESC(default_uid, "Owner of the default map (initial user namespace; default 0)");

static unsigned int default_gid;
module_param(default_gid, uint, 0444);
MODULE_PARM_DESC(default_gid, "Group of the default map (initial user namespace; default 0)");

static unsigned int default_mode = 0600;
module_param_cb(default_mode, &syncmap_param_ops_mode, &default_mode, 0444);
MODULE_PARM_DESC(default_mode, "Permission bits of the default map, octal (default 0600)");

static unsigned long long default_max_entries;
module_param(default_max_entries, ullong, 0444);
MODULE_PARM_DESC(default_max_entries, "Entry limit of the default map (default 0: none)");

static unsigned long long default_max_bytes;
module_param(default_max_bytes, ullong, 0444);
MODULE_PARM_DESC(default_max_bytes, "Byte limit of the default map (default 0: none)");

static unsigned int max_maps = 1024;
module_param(max_maps, uint, 0644);
MODULE_PARM_DESC(max_maps, "Most maps alive at once, the default map and destroyed maps still bound included (default 1024)");

static unsigned long long max_total_bytes;
module_param(max_total_bytes, ullong, 0644);
MODULE_PARM_DESC(max_total_bytes, "Cap on the sum of all maps' max_bytes; while set, every map needs a byte limit (default 0: no cap)");

static unsigned int max_maps_per_user = 128;
module_param(max_maps_per_user, uint, 0644);
MODULE_PARM_DESC(max_maps_per_user, "Most maps one owner has alive at once, destroyed maps still bound included; more get EDQUOT (default 128, 0: no limit)");

static unsigned long long max_bytes_per_user;
module_param(max_bytes_per_user, ullong, 0644);
MODULE_PARM_DESC(max_bytes_per_user, "Cap on the sum of one owner's maps' max_bytes; while set, every map needs a byte limit; more get EDQUOT (default 0: no cap)");

/**
 * syncmap_name_check() - check a map name held in a fixed-size field
 * @name: the field.
 * @size: its size.
 *
 * Context: Any context.
 * Return: 0 if @name is 1 to @size - 1 bytes of [A-Za-z0-9_.-], not
 * starting with '.', NUL-terminated and zero after the NUL; -ENAMETOOLONG
 * if there is no NUL; -EINVAL otherwise.
 */
int syncmap_name_check(const char *name, size_t size)
{
	size_t len = strnlen(name, size);
	size_t i;

	if (len == size)
		return -ENAMETOOLONG;
	if (!len || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return -EINVAL;
	}
	if (memchr_inv(name + len, 0, size - len))
		return -EINVAL;
	return 0;
}

static struct syncmap_named *find_linked(struct ipc_namespace *ipc,
					 const char *name)
{
	struct syncmap_named *nm;

	lockdep_assert_held(&registry.mutex);
	list_for_each_entry(nm, &registry.names, node)
		if (nm->ns->ipc == ipc && !strcmp(nm->name, name))
			return nm;
	return NULL;
}

static struct syncmap_ns *ns_find(struct ipc_namespace *ipc)
{
	struct syncmap_ns *ns;

	lockdep_assert_held(&registry.mutex);
	list_for_each_entry(ns, &registry.nss, node)
		if (ns->ipc == ipc)
			return ns;
	return NULL;
}

/*
 * One map of @nm's namespace less: returns the namespace's entry if that
 * was its last map, unlisted, for ns_free() once the mutex is dropped.
 */
static struct syncmap_ns *ns_release(struct syncmap_named *nm)
{
	struct syncmap_ns *ns = nm->ns;

	lockdep_assert_held(&registry.mutex);
	if (--ns->maps)
		return NULL;
	list_del(&ns->node);
	syncmap_debugfs_ns_remove(ns);
	return ns;
}

static void ns_free(struct syncmap_ns *ns)
{
	if (!ns)
		return;
	syncmap_put_ipc_ns(ns->ipc);
	kfree(ns);
}

static void link_sorted(struct syncmap_named *nm)
{
	struct syncmap_named *pos;

	lockdep_assert_held(&registry.mutex);
	list_for_each_entry(pos, &registry.names, node) {
		if (strcmp(pos->name, nm->name) > 0) {
			list_add_tail(&nm->node, &pos->node);
			goto linked;
		}
	}
	list_add_tail(&nm->node, &registry.names);
linked:
	nm->linked = true;
}

static struct syncmap_user *user_find(kuid_t uid)
{
	struct syncmap_user *u;

	lockdep_assert_held(&registry.mutex);
	list_for_each_entry(u, &registry.users, node)
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/*
 * May @u (NULL: a user with no map yet) own one more map of @max_bytes?
 * With @settled, once the maps being freed are gone.
 */
static bool user_has_room(const struct syncmap_user *u, u64 max_bytes,
			  bool settled)
{
	unsigned int maps_cap = READ_ONCE(max_maps_per_user);
	u64 cap = READ_ONCE(max_bytes_per_user);
	unsigned int maps = u ? u->maps : 0;
	u64 bytes = u ? u->bytes : 0;

	if (u && settled) {
		maps -= u->maps_freeing;
		bytes -= u->bytes_freeing;
	}

	if (maps_cap && maps >= maps_cap)
		return false;
	/* The sum cannot wrap: the registry's total of them did not. */
	return !cap || (max_bytes && bytes <= cap && max_bytes <= cap - bytes);
}

static void user_release(struct syncmap_named *nm)
{
	struct syncmap_user *u = nm->user;

	lockdep_assert_held(&registry.mutex);
	if (!u)
		return;
	u->maps--;
	u->bytes -= nm->max_bytes;
	u->maps_freeing--;
	u->bytes_freeing -= nm->max_bytes;
	if (!u->maps) {
		list_del(&u->node);
		kfree(u);
	}
}

static void named_free(struct work_struct *work)
{
	struct syncmap_named *nm = container_of(work, struct syncmap_named,
						free_work);

	syncmap_destroy(nm->map);
	/* The memory is back: so is the map's share of the caps. */
	mutex_lock(&registry.mutex);
	registry.maps--;
	registry.reserved_bytes -= nm->max_bytes;
	registry.maps_freeing--;
	registry.bytes_freeing -= nm->max_bytes;
	registry.maps_freed++;
	user_release(nm);
	mutex_unlock(&registry.mutex);
	/* Creates waiting for room (named_add()). */
	wake_up_var(&registry.maps_freed);
	kfree(nm);
}

static void named_release(struct kref *ref)
{
	struct syncmap_named *nm = container_of(ref, struct syncmap_named, ref);
	struct syncmap_ns *ns;

	/* The caps count the map until named_free() has freed it. */
	mutex_lock(&registry.mutex);
	registry.maps_freeing++;
	registry.bytes_freeing += nm->max_bytes;
	if (nm->user) {
		nm->user->maps_freeing++;
		nm->user->bytes_freeing += nm->max_bytes;
	}
	ns = ns_release(nm);
	mutex_unlock(&registry.mutex);
	ns_free(ns);
	INIT_WORK(&nm->free_work, named_free);
	queue_work(free_wq, &nm->free_work);
}

/**
 * syncmap_named_get() - take a reference on a named map
 * @nm: the map; the caller already holds a reference or the registry mutex.
 *
 * Context: Any context.
 */
void syncmap_named_get(struct syncmap_named *nm)
{
	kref_get(&nm->ref);
}

/**
 * syncmap_named_put() - drop a reference on a named map
 * @nm: the map.
 *
 * The last reference queues the map to be destroyed and its memory freed,
 * from a workqueue, which then gives the map's share of the module's caps
 * back.
 *
 * Context: Process context; may sleep.  Must not hold the registry mutex.
 */
void syncmap_named_put(struct syncmap_named *nm)
{
	kref_put(&nm->ref, named_release);
}

/*
 * Is there room under the caps for one more map of @max_bytes owned by
 * @u?  With @settled, as if the maps being freed were gone already.
 * Under the registry mutex.  0, -ENOSPC or -EDQUOT.
 */
static int caps_room(const struct syncmap_user *u, u64 max_bytes,
		     bool is_default, bool settled)
{
	unsigned int maps = registry.maps;
	u64 reserved = registry.reserved_bytes;
	u64 cap = READ_ONCE(max_total_bytes);
	u64 sum;

	lockdep_assert_held(&registry.mutex);
	if (settled) {
		maps -= registry.maps_freeing;
		reserved -= registry.bytes_freeing;
	}
	if (maps >= READ_ONCE(max_maps))
		return -ENOSPC;
	if (cap && (!max_bytes || reserved > cap || max_bytes > cap - reserved))
		return -ENOSPC;
	/* The sum must stay exact for a cap set later to hold. */
	if (check_add_overflow(reserved, max_bytes, &sum))
		return -ENOSPC;
	if (!is_default && !user_has_room(u, max_bytes, settled))
		return -EDQUOT;
	return 0;
}

static int named_add(struct ipc_namespace *ipc, const char *name,
		     umode_t mode, kuid_t uid, kgid_t gid,
		     const struct syncmap_params *params, bool is_default,
		     struct syncmap_named **bind)
{
	u64 max_bytes = params->max_bytes;
	struct syncmap_user *spare = NULL, *u = NULL;
	struct syncmap_ns *spare_ns, *ns;
	struct syncmap_named *nm;
	struct syncmap *map;
	u64 freed;
	int ret;

	nm = kzalloc(sizeof(*nm), GFP_KERNEL_ACCOUNT);
	if (!nm)
		return -ENOMEM;
	/* In case the owner or the namespace has no map yet. */
	spare_ns = kzalloc(sizeof(*spare_ns), GFP_KERNEL_ACCOUNT);
	if (!is_default)
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (!spare_ns || (!is_default && !spare)) {
		kfree(spare_ns);
		kfree(spare);
		kfree(nm);
		return -ENOMEM;
	}
	kref_init(&nm->ref);
	INIT_LIST_HEAD(&nm->node);
	spin_lock_init(&nm->walk_lock);
	INIT_LIST_HEAD(&nm->walks);
	strscpy(nm->name, name, sizeof(nm->name));
	nm->mode = mode;
	nm->uid = uid;
	nm->gid = gid;
	nm->max_entries = params->max_entries;
	nm->max_bytes = max_bytes;
	nm->is_default = is_default;

	mutex_lock(&registry.mutex);
	for (;;) {
		u = is_default ? NULL : user_find(uid);
		if (find_linked(ipc, name)) {
			ret = -EEXIST;
			break;
		}
		ret = caps_room(u, max_bytes, is_default, false);
		/* Full of maps alive, or room: no free would change it. */
		if (!ret || caps_room(u, max_bytes, is_default, true))
			break;
		/*
		 * Only maps being freed hold the room: wait for a free to
		 * end and look again (another create may take the room
		 * first).  Each free ends by itself, soon; at most the caps'
		 * worth of them are queued.
		 */
		freed = registry.maps_freed;
		mutex_unlock(&registry.mutex);
		if (wait_var_event_killable(&registry.maps_freed,
					    READ_ONCE(registry.maps_freed) !=
					    freed)) {
			ret = -EINTR;
			goto out;
		}
		mutex_lock(&registry.mutex);
	}
	ns = ns_find(ipc);
	if (!ret) {
		/* In the caller's context: the map charges its memcg. */
		map = syncmap_create(params);
		ret = PTR_ERR_OR_ZERO(map);
		if (!ret) {
			nm->map = map;
			map->owner = nm;
			syncmap_set_name(map, nm->name);
			registry.maps++;
			registry.reserved_bytes += max_bytes;
			if (!is_default && !u) {
				u = spare;
				spare = NULL;
				u->uid = uid;
				list_add(&u->node, &registry.users);
			}
			if (u) {
				u->maps++;
				u->bytes += max_bytes;
				nm->user = u;
			}
			if (!ns) {
				/* The caller holds @ipc: it cannot be dying. */
				ns = spare_ns;
				spare_ns = NULL;
				ns->ipc = get_ipc_ns(ipc);
				list_add(&ns->node, &registry.nss);
				syncmap_debugfs_ns_add(ns);
			}
			ns->maps++;
			nm->ns = ns;
			link_sorted(nm);
			syncmap_debugfs_add(nm);
			if (bind) {
				syncmap_named_get(nm);
				*bind = nm;
			}
		}
	}
	mutex_unlock(&registry.mutex);
out:
	kfree(spare_ns);
	kfree(spare);
	if (ret)
		kfree(nm);
	return ret;
}

/**
 * syncmap_registry_create() - create a named map owned by a file's opener
 * @file: the file the request came through.
 * @ipc: the IPC namespace @file was opened in, held by the caller.
 * @name: a valid name (see syncmap_name_check()).
 * @mode: permission bits, 0 to 0777.
 * @params: the map's limits and engine, as for syncmap_create().
 * @bind: if not NULL, set to the new map with a reference taken for the
 *        caller, under the same mutex as the name is linked: nobody can
 *        have destroyed it and created another under the name meanwhile.
 *
 * The fsuid and fsgid @file was opened with own the map; its memory is
 * charged to the memory cgroup of the calling task.  Maps being freed
 * count against the caps: if only they stand in the way, waits for their
 * frees to end.
 *
 * Context: Process context; may sleep, killable, until maps being freed
 * are.  Takes the registry mutex.
 * Return: 0; -EEXIST if the name is taken in @ipc; -ENOSPC if the
 * module's cap on maps or on their total memory would be exceeded by maps
 * alive; -EDQUOT if the owner's share of them (max_maps_per_user,
 * max_bytes_per_user) would be; -EINTR if a fatal signal ended the wait;
 * -EINVAL for an unknown engine; -ENOMEM.
 */
int syncmap_registry_create(const struct file *file, struct ipc_namespace *ipc,
			    const char *name, umode_t mode,
			    const struct syncmap_params *params,
			    struct syncmap_named **bind)
{
	return named_add(ipc, name, mode, file->f_cred->fsuid,
			 file->f_cred->fsgid, params, false, bind);
}

/*
 * Capabilities count in the user namespace that owns the map's IPC
 * namespace, as ipcperms() has it for SysV objects: root of a child user
 * namespace is nobody special to the initial namespace's maps.
 */
static bool ns_capable_for(const struct syncmap_ns *ns,
			   const struct file *file, int cap)
{
	return file_ns_capable(file, syncmap_ipc_user_ns(ns->ipc), cap);
}

static bool owner_or_admin(const struct syncmap_named *nm,
			   const struct file *file)
{
	return uid_eq(file->f_cred->fsuid, nm->uid) ||
	       ns_capable_for(nm->ns, file, CAP_SYS_ADMIN);
}

/**
 * syncmap_registry_destroy() - unlink a map's name
 * @file: the file the request came through.
 * @ipc: the IPC namespace @file was opened in.
 * @name: the name.
 *
 * Like unlink(2): the name is free at once, files bound to the map and
 * syncmap_get() users keep it until they let go.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 * Return: 0; -ENOENT if no map has the name; -EBUSY for the default map;
 * -EPERM if @file's opener neither owns the map nor had CAP_SYS_ADMIN in
 * the user namespace owning @ipc.
 */
int syncmap_registry_destroy(const struct file *file,
			     struct ipc_namespace *ipc, const char *name)
{
	struct syncmap_named *nm;
	int ret = 0;

	mutex_lock(&registry.mutex);
	nm = find_linked(ipc, name);
	if (!nm) {
		ret = -ENOENT;
	} else if (nm->is_default) {
		ret = -EBUSY;
	} else if (!owner_or_admin(nm, file)) {
		ret = -EPERM;
	} else {
		list_del_init(&nm->node);
		WRITE_ONCE(nm->linked, false);
		/* Before the name is free again, and while @nm surely lives. */
		syncmap_debugfs_remove(nm);
	}
	mutex_unlock(&registry.mutex);
	if (!ret)
		syncmap_named_put(nm);
	return ret;
}

/**
 * syncmap_registry_chmod() - change a map's permission bits
 * @file: the file the request came through.
 * @ipc: the IPC namespace @file was opened in.
 * @name: the name.
 * @mode: the new bits, 0 to 0777.
 *
 * Files already bound keep the access they were granted, as open files do.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 * Return: 0; -ENOENT if no map has the name in @ipc; -EPERM if @file's
 * opener neither owns the map nor had CAP_SYS_ADMIN in the user namespace
 * owning @ipc.
 */
int syncmap_registry_chmod(const struct file *file, struct ipc_namespace *ipc,
			   const char *name, umode_t mode)
{
	struct syncmap_named *nm;
	int ret = 0;

	mutex_lock(&registry.mutex);
	nm = find_linked(ipc, name);
	if (!nm)
		ret = -ENOENT;
	else if (!owner_or_admin(nm, file))
		ret = -EPERM;
	else
		WRITE_ONCE(nm->mode, mode);
	mutex_unlock(&registry.mutex);
	return ret;
}

/**
 * syncmap_registry_lookup() - find a map by name and take a reference
 * @ipc: the IPC namespace the name lives in.
 * @name: the name.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 * Return: the map, to be released with syncmap_named_put(), or NULL.
 */
struct syncmap_named *syncmap_registry_lookup(struct ipc_namespace *ipc,
					      const char *name)
{
	struct syncmap_named *nm;

	mutex_lock(&registry.mutex);
	nm = find_linked(ipc, name);
	if (nm)
		syncmap_named_get(nm);
	mutex_unlock(&registry.mutex);
	return nm;
}

/*
 * in_group_p() for any credentials: the fsgid or a supplementary group.
 * The kernel's groups_search() is not exported; the groups are sorted
 * (groups_sort()) and never change once the credentials are committed.
 */
static bool cred_in_group(const struct cred *cred, kgid_t gid)
{
	const struct group_info *gi = cred->group_info;
	unsigned int lo = 0, hi = gi->ngroups;

	if (gid_eq(cred->fsgid, gid))
		return true;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (gid_gt(gid, gi->gid[mid]))
			lo = mid + 1;
		else if (gid_lt(gid, gi->gid[mid]))
			hi = mid;
		else
			return true;
	}
	return false;
}

static bool mode_allows(const struct syncmap_named *nm,
			const struct cred *cred, int want)
{
	unsigned int mode = READ_ONCE(nm->mode);

	if (uid_eq(cred->fsuid, nm->uid))
		mode >>= 6;
	else if (cred_in_group(cred, nm->gid))
		mode >>= 3;
	return (mode & want) == want;
}

/**
 * syncmap_named_permitted() - may a file's opener access a map?
 * @nm: the map.
 * @file: the file the request came through.
 * @want: SYNCMAP_MAY_READ and/or SYNCMAP_MAY_WRITE.
 *
 * As for a file, with the credentials @file was opened with: the owner's
 * bits if their fsuid owns the map, else the group's if their fsgid or a
 * supplementary group is the map's group, else the others'.
 * CAP_DAC_OVERRIDE in the user namespace owning the map's IPC namespace
 * grants everything.
 *
 * Context: Process context.
 * Return: true if permitted.
 */
bool syncmap_named_permitted(const struct syncmap_named *nm,
			     const struct file *file, int want)
{
	return mode_allows(nm, file->f_cred, want) ||
	       ns_capable_for(nm->ns, file, CAP_DAC_OVERRIDE);
}

/**
 * syncmap_named_info() - describe a map
 * @nm: the map.
 * @info: filled in (zeroed first); ids in the caller's user namespace.
 *
 * Counts no miss and changes nothing.
 *
 * Context: Process context.  Takes the map's spinlock for O(1) work.
 */
void syncmap_named_info(struct syncmap_named *nm,
			struct syncmap_map_info *info)
{
	struct syncmap_stats stats;

	memset(info, 0, sizeof(*info));
	syncmap_get_stats(nm->map, &stats);
	strscpy(info->name, nm->name, sizeof(info->name));
	info->uid = from_kuid_munged(current_user_ns(), nm->uid);
	info->gid = from_kgid_munged(current_user_ns(), nm->gid);
	info->mode = READ_ONCE(nm->mode);
	info->len = stats.len;
	info->max_entries = nm->max_entries;
	info->max_bytes = nm->max_bytes;
	info->bytes = stats.bytes;
	info->engine = stats.engine;
	if (nm->is_default)
		info->state |= SYNCMAP_STATE_DEFAULT;
	if (!READ_ONCE(nm->linked))
		info->state |= SYNCMAP_STATE_DESTROYED;
}

/**
 * syncmap_registry_list() - describe the maps a file's opener may read
 * @file: the file the request came through.
 * @ipc: the IPC namespace @file was opened in: only its maps are listed.
 * @after: only maps whose names sort after this one ("" for all).
 * @out: room for @room descriptions.
 * @room: how many @out holds.
 * @count: set to how many were written.
 * @total: set to how many maps @file's opener may read in all.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 * Return: 0.
 */
int syncmap_registry_list(const struct file *file, struct ipc_namespace *ipc,
			  const char *after, struct syncmap_map_info *out,
			  u32 room, u32 *count, u32 *total)
{
	bool override = file_ns_capable(file, syncmap_ipc_user_ns(ipc),
					CAP_DAC_OVERRIDE);
	struct syncmap_named *nm;
	u32 n = 0, all = 0;

	mutex_lock(&registry.mutex);
	list_for_each_entry(nm, &registry.names, node) {
		if (nm->ns->ipc != ipc)
			continue;
		if (!override && !mode_allows(nm, file->f_cred,
					      SYNCMAP_MAY_READ))
			continue;
		all++;
		if (strcmp(nm->name, after) <= 0 || n >= room)
			continue;
		syncmap_named_info(nm, &out[n++]);
	}
	mutex_unlock(&registry.mutex);
	*count = n;
	*total = all;
	return 0;
}

/**
 * syncmap_registry_for_each() - call a function for every linked map
 * @fn: called with each map, in name order, under the registry mutex;
 *      it may sleep but must not take the registry mutex.
 * @arg: passed to @fn.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 */
void syncmap_registry_for_each(void (*fn)(struct syncmap_named *nm,
					  void *arg), void *arg)
{
	struct syncmap_named *nm;

	mutex_lock(&registry.mutex);
	list_for_each_entry(nm, &registry.names, node)
		fn(nm, arg);
	mutex_unlock(&registry.mutex);
}

/**
 * syncmap_registry_counts() - read the registry's counts
 * @counts: filled in, all under one hold of the registry mutex.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 */
void syncmap_registry_counts(struct syncmap_registry_counts *counts)
{
	mutex_lock(&registry.mutex);
	counts->maps = registry.maps;
	counts->reserved_bytes = registry.reserved_bytes;
	counts->maps_freeing = registry.maps_freeing;
	counts->bytes_freeing = registry.bytes_freeing;
	counts->maps_freed = registry.maps_freed;
	mutex_unlock(&registry.mutex);
}

/**
 * syncmap_get() - find a named map and take a reference on it
 * @name: the map's name, NUL-terminated (for example "default"), in the
 *        initial IPC namespace.
 *
 * In-kernel users share maps with userspace through their names.  The map
 * stays usable until syncmap_put(), even if userspace destroys its name
 * meanwhile.  No permission check: the caller is the kernel.
 *
 * Context: Process context; may sleep.  Takes the registry mutex.
 * Return: the map, or NULL if no map has that name.
 */
struct syncmap *syncmap_get(const char *name)
{
	struct syncmap_named *nm;

	nm = syncmap_registry_lookup(syncmap_init_ipc_ns(), name);

	return nm ? nm->map : NULL;
}
EXPORT_SYMBOL_GPL(syncmap_get);

/**
 * syncmap_put() - drop a reference taken by syncmap_get()
 * @map: the map, or NULL (nothing happens).
 *
 * When the map's name was destroyed and this was the last reference, the
 * map is destroyed and its memory freed.
 *
 * Context: Process context; may sleep.  Must not be called from a
 * syncmap_range() callback on the same map.
 */
void syncmap_put(struct syncmap *map)
{
	if (!map || WARN_ON_ONCE(!map->owner))
		return;
	syncmap_named_put(map->owner);
}
EXPORT_SYMBOL_GPL(syncmap_put);

/*
 * The default map lives as long as the module: charging it to the memory
 * cgroup of whoever ran insmod would bill that cgroup (and pin it, offline
 * or not) for the module's life.  It belongs to the root memory cgroup.
 * set_active_memcg() is inline, but root_mem_cgroup is not exported, and
 * syncmap_create() takes the memcg of current->mm anyway.  A kernel worker
 * has no mm and belongs to the root cgroup: get_mem_cgroup_from_mm() gives
 * it root_mem_cgroup (a CSS_NO_REF css) and its __GFP_ACCOUNT allocations
 * are charged to no cgroup (current_obj_cgroup() is NULL for kthreads and
 * for the root), on 6.1 as on 6.12.  So the default map is created from
 * one: the map, its name and everything it stores later are the root's.
 */
struct default_add {
	struct work_struct work;
	kuid_t uid;
	kgid_t gid;
	int ret;
};

static void default_add_work(struct work_struct *work)
{
	struct default_add *da = container_of(work, struct default_add, work);

	struct syncmap_params params = {
		.max_entries = default_max_entries,
		.max_bytes = default_max_bytes,
	};

	da->ret = named_add(syncmap_init_ipc_ns(), SYNCMAP_DEFAULT_NAME,
			    default_mode, da->uid, da->gid, &params, true,
			    NULL);
}

/**
 * syncmap_registry_init() - create the default map
 *
 * Context: Process context (module load); may sleep.
 * Return: 0, or the error of creating the default map.
 */
int syncmap_registry_init(void)
{
	struct default_add da = {
		.uid = make_kuid(&init_user_ns, default_uid),
		.gid = make_kgid(&init_user_ns, default_gid),
	};
	int ret;

	if (!uid_valid(da.uid) || !gid_valid(da.gid)) {
		pr_err("default_uid or default_gid is not a valid id\n");
		return -EINVAL;
	}
	free_wq = alloc_workqueue("syncmap_free", WQ_UNBOUND, 0);
	if (!free_wq)
		return -ENOMEM;
	/* In the root memory cgroup: see default_add. */
	INIT_WORK_ONSTACK(&da.work, default_add_work);
	queue_work(free_wq, &da.work);
	flush_work(&da.work);
	destroy_work_on_stack(&da.work);
	ret = da.ret;
	if (ret) {
		pr_err("cannot create the default map: %d%s\n", ret,
		       ret == -ENOSPC && max_total_bytes && !default_max_bytes ?
		       " (max_total_bytes needs default_max_bytes)" : "");
		destroy_workqueue(free_wq);
	}
	return ret;
}

/**
 * syncmap_registry_exit() - destroy every map
 *
 * No file is open (they hold the module) and no in-kernel user is left
 * (their symbol references hold the module), so the registry holds the
 * last reference of each map.  Returns once all of them are freed.
 *
 * Context: Process context (module unload); may sleep.
 */
void syncmap_registry_exit(void)
{
	struct syncmap_named *nm;

	for (;;) {
		mutex_lock(&registry.mutex);
		nm = list_first_entry_or_null(&registry.names,
					      struct syncmap_named, node);
		if (nm) {
			list_del_init(&nm->node);
			WRITE_ONCE(nm->linked, false);
			syncmap_debugfs_remove(nm);
		}
		mutex_unlock(&registry.mutex);
		if (!nm)
			break;
		WARN_ON(kref_read(&nm->ref) != 1);
		syncmap_named_put(nm);
	}
	/* Waits for every map queued to be freed. */
	destroy_workqueue(free_wq);
	WARN_ON(registry.maps);
	WARN_ON(!list_empty(&registry.users));
	WARN_ON(!list_empty(&registry.nss));
}
