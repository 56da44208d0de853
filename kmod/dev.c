// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: the misc device /dev/syncmap and its ioctls.
 *
 * An open file binds to one named map (SYNCMAP_IOC_BIND); the map's owner
 * and mode are checked then, against the file's open mode and the
 * credentials it was opened with (never the caller's: a file passed to a
 * privileged process gains nothing), and the file keeps the map alive
 * until it is closed.  Operations on the bound map
 * need FMODE_READ, FMODE_WRITE or both (else -EBADF).
 *
 * A file also belongs to the IPC namespace of the task that opened it, for
 * good: it finds, creates, destroys and lists the names of that namespace
 * (registry.c), whoever it is passed to.
 *
 * Commands dispatch on _IOC_NR through one table.  The size of the
 * caller's structure comes from _IOC_SIZE and is reconciled with the
 * kernel's by copy_struct_from_user(), so binaries built against an older
 * or newer uapi header keep working.  docs/abi.md is the reference.
 *
 * No copy to or from userspace happens under RCU, a spinlock or the
 * registry mutex: keys and values are staged through kernel buffers.
 * Those are charged to the caller's memory cgroup (GFP_KERNEL_ACCOUNT): a
 * call can hold about 1.3 MiB of them across a slow copy from userspace.
 */
#include <linux/bitops.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ipc_ns.h"
#include "dev.h"
#include "map.h"
#include "registry.h"

static unsigned int dev_mode = 0600;
module_param_cb(dev_mode, &syncmap_param_ops_mode, &dev_mode, 0444);
MODULE_PARM_DESC(dev_mode, "Permission bits of /dev/syncmap, octal (default 0600)");

/* Keys and values this small are staged on the stack. */
#define STAGE_ON_STACK		128
/* The most one WALK call stages, so one call's work is bounded. */
#define WALK_STAGE_MAX		(256 * 1024)
/* The most maps one LIST call describes. */
#define LIST_MAX		256
/* The largest element sizes taken from callers (with zero tails). */
#define INFO_SIZE_MAX		4096
#define BATCH_ITEM_SIZE_MAX	256

static_assert(sizeof(struct syncmap_stats) == SYNCMAP_STATS_SIZE_VER1);
static_assert(sizeof(struct syncmap_ioc_name) == SYNCMAP_IOC_NAME_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_create) == SYNCMAP_IOC_CREATE_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_chmod) == SYNCMAP_IOC_CHMOD_SIZE_VER0);
static_assert(sizeof(struct syncmap_map_info) == SYNCMAP_MAP_INFO_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_list) == SYNCMAP_IOC_LIST_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_op) == SYNCMAP_IOC_OP_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_clear) == SYNCMAP_IOC_CLEAR_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_len) == SYNCMAP_IOC_LEN_SIZE_VER0);
static_assert(sizeof(struct syncmap_batch_item) == SYNCMAP_BATCH_ITEM_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_batch) == SYNCMAP_IOC_BATCH_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_walk) == SYNCMAP_IOC_WALK_SIZE_VER0);
static_assert(SYNCMAP_WALK_BUF_MIN <= WALK_STAGE_MAX);
static_assert(sizeof(struct syncmap_policy) == SYNCMAP_POLICY_SIZE_VER0);
static_assert(sizeof(struct syncmap_health) == SYNCMAP_HEALTH_SIZE_VER0);
static_assert(sizeof(struct syncmap_ioc_compact) == SYNCMAP_IOC_COMPACT_SIZE_VER0);

static unsigned int max_walks = 16;
module_param(max_walks, uint, 0644);
MODULE_PARM_DESC(max_walks, "Most walks at once on one map through files not opened by its owner; more get EBUSY (default 16, 0: no limit)");

/* sf->walk_flags: a CLEAR ended the walk while another call held @lock. */
#define WALK_REVOKE	0

/**
 * struct syncmap_file - an open /dev/syncmap
 * @named: the bound map, or NULL; set once under @lock, read with
 *         smp_load_acquire() by the operations.
 * @ipc: the IPC namespace of the opener, held until release.
 * @lock: serialises binding and the walk.
 * @iter: the walk in progress (under @lock).
 * @first: while @second, the walk of the read table that came first.
 * @walking: @iter holds a walk.
 * @amended: the first table was amended: a second walk follows it.
 * @second: @iter is the second walk (see ioc_walk()).
 * @other: the walk counts against max_walks.
 * @revoked: the walk with the current cursor was ended by a CLEAR.
 * @walk_id: numbers the walks of this file, never 0.
 * @walk_seq: numbers the calls of the current walk.
 * @walk_node: in the bound map's list of walks, while @walking.
 * @walk_flags: WALK_REVOKE.
 */
struct syncmap_file {
	struct syncmap_named *named;
	struct ipc_namespace *ipc;
	struct mutex lock;		/* binding and the walk */
	struct syncmap_iter iter;
	struct syncmap_iter first;
	bool walking;
	bool amended;
	bool second;
	bool other;
	bool revoked;
	u32 walk_id;
	u32 walk_seq;
	struct list_head walk_node;
	unsigned long walk_flags;
};

static void walks_revoke(struct syncmap_named *nm);

/* The bound map, if the file was opened with every mode in @need. */
static struct syncmap_named *bound(struct file *file, fmode_t need)
{
	struct syncmap_file *sf = file->private_data;
	/* Pairs with the release in ioc_bind(): the map is fully set up. */
	struct syncmap_named *nm = smp_load_acquire(&sf->named);

	if (!nm)
		return ERR_PTR(-EBADFD);
	if ((file->f_mode & need) != need)
		return ERR_PTR(-EBADF);
	return nm;
}

/* ----- Named maps ---------------------------------------------------- */

static int ioc_bind(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_ioc_name *a = arg;
	struct syncmap_named *nm;
	int want = 0, ret;

	if (a->flags || a->reserved)
		return -EINVAL;
	ret = syncmap_name_check(a->name, sizeof(a->name));
	if (ret)
		return ret;
	if (file->f_mode & FMODE_READ)
		want |= SYNCMAP_MAY_READ;
	if (file->f_mode & FMODE_WRITE)
		want |= SYNCMAP_MAY_WRITE;

	nm = syncmap_registry_lookup(sf->ipc, a->name);
	if (!nm)
		return -ENOENT;
	mutex_lock(&sf->lock);
	if (sf->named) {
		ret = -EBUSY;
	} else if (!syncmap_named_permitted(nm, file, want)) {
		ret = -EACCES;
	} else {
		/* Publishes the map to operations that run without @lock. */
		smp_store_release(&sf->named, nm);
		nm = NULL;
	}
	mutex_unlock(&sf->lock);
	if (nm)
		syncmap_named_put(nm);
	return ret;
}

/*
 * With SYNCMAP_CREATE_BIND, the file is bound to the map it creates, as
 * open(2) with O_CREAT|O_EXCL: never to a map someone else created under
 * the name, and with the access of its open mode whatever @mode says.
 * @lock is held across, so no BIND of the same file comes in between.
 */
static int ioc_create(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_ioc_create *c = arg;
	struct syncmap_params params = {};
	struct syncmap_named *nm;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (c->flags & ~(SYNCMAP_CREATE_BIND | SYNCMAP_CREATE_MERGE) ||
	    c->mode & ~0777U)
		return -EINVAL;
	ret = syncmap_name_check(c->name, sizeof(c->name));
	if (ret)
		return ret;
	params.max_entries = c->max_entries;
	params.max_bytes = c->max_bytes;
	params.engine = c->flags & SYNCMAP_CREATE_MERGE ?
			SYNCMAP_ENGINE_MERGE : SYNCMAP_ENGINE_GO;
	if (!(c->flags & SYNCMAP_CREATE_BIND))
		return syncmap_registry_create(file, sf->ipc, c->name, c->mode,
					       &params, NULL);
	mutex_lock(&sf->lock);
	if (sf->named) {
		ret = -EBUSY;
	} else {
		ret = syncmap_registry_create(file, sf->ipc, c->name, c->mode,
					      &params, &nm);
		if (!ret) {
			/* Publishes the map to operations without @lock. */
			smp_store_release(&sf->named, nm);
		}
	}
	mutex_unlock(&sf->lock);
	return ret;
}

static int ioc_destroy(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_ioc_name *a = arg;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (a->flags || a->reserved)
		return -EINVAL;
	ret = syncmap_name_check(a->name, sizeof(a->name));
	if (ret)
		return ret;
	return syncmap_registry_destroy(file, sf->ipc, a->name);
}

static int ioc_chmod(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_ioc_chmod *c = arg;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (c->flags || c->mode & ~0777U)
		return -EINVAL;
	ret = syncmap_name_check(c->name, sizeof(c->name));
	if (ret)
		return ret;
	return syncmap_registry_chmod(file, sf->ipc, c->name, c->mode);
}

static int ioc_info(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_map_info *info = arg;
	struct syncmap_named *nm;
	int ret;

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (info->flags)
		return -EINVAL;
	if (!info->name[0]) {
		/* The bound map, which the file keeps alive. */
		if (memchr_inv(info->name, 0, sizeof(info->name)))
			return -EINVAL;
		nm = bound(file, FMODE_READ);
		if (IS_ERR(nm))
			return PTR_ERR(nm);
		syncmap_named_info(nm, info);
		return 0;
	}
	ret = syncmap_name_check(info->name, sizeof(info->name));
	if (ret)
		return ret;
	nm = syncmap_registry_lookup(sf->ipc, info->name);
	if (!nm)
		return -ENOENT;
	if (syncmap_named_permitted(nm, file, SYNCMAP_MAY_READ))
		syncmap_named_info(nm, info);
	else
		ret = -EACCES;
	syncmap_named_put(nm);
	return ret;
}

static int ioc_list(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_ioc_list *l = arg;
	void __user *uout = u64_to_user_ptr(l->maps);
	size_t ksize = sizeof(struct syncmap_map_info);
	size_t usize = l->info_size;
	struct syncmap_map_info *out = NULL;
	u32 room, n, total, i;
	int ret = 0;

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (l->flags)
		return -EINVAL;
	if (usize < SYNCMAP_MAP_INFO_SIZE_VER0 || usize > INFO_SIZE_MAX)
		return -EINVAL;
	if (strnlen(l->after, sizeof(l->after)) == sizeof(l->after))
		return -EINVAL;
	room = min_t(u32, l->count, LIST_MAX);
	if (room && !uout)
		return -EFAULT;
	if (room) {
		out = kvcalloc(room, ksize, GFP_KERNEL_ACCOUNT);
		if (!out)
			return -ENOMEM;
	}
	syncmap_registry_list(file, sf->ipc, l->after, out, room, &n, &total);
	for (i = 0; i < n; i++) {
		void __user *dst = uout + i * usize;

		if (copy_to_user(dst, &out[i], min(usize, ksize)) ||
		    (usize > ksize && clear_user(dst + ksize, usize - ksize))) {
			ret = -EFAULT;
			break;
		}
	}
	kvfree(out);
	l->count = n;
	l->total = total;
	return ret;
}

/* ----- Operations on the bound map ------------------------------------ */

enum op_kind {
	OP_LOAD,
	OP_STORE,
	OP_LOAD_OR_STORE,
	OP_LOAD_AND_DELETE,
	OP_DELETE,
	OP_SWAP,
	OP_CAS,
	OP_CAD,
};

#define USES_VALUE	BIT(0)
#define USES_OLD	BIT(1)
#define USES_BUF	BIT(2)

/*
 * Which fields each operation uses, and the file modes it needs: those
 * that return a value or compare against one read the map as well.
 */
static const struct {
	u8 uses;
	fmode_t need;
} op_kinds[] = {
	[OP_LOAD]		= { USES_BUF, FMODE_READ },
	[OP_STORE]		= { USES_VALUE, FMODE_WRITE },
	[OP_LOAD_OR_STORE]	= { USES_VALUE | USES_BUF, FMODE_READ | FMODE_WRITE },
	[OP_LOAD_AND_DELETE]	= { USES_BUF, FMODE_READ | FMODE_WRITE },
	[OP_DELETE]		= { 0, FMODE_WRITE },
	[OP_SWAP]		= { USES_VALUE | USES_BUF, FMODE_READ | FMODE_WRITE },
	[OP_CAS]		= { USES_VALUE | USES_OLD, FMODE_READ | FMODE_WRITE },
	[OP_CAD]		= { USES_OLD, FMODE_READ | FMODE_WRITE },
};

static int op_check(const struct syncmap_ioc_op *op, unsigned int uses)
{
	if (op->flags || op->reserved)
		return -EINVAL;
	if (!(uses & USES_VALUE) && (op->value || op->value_len))
		return -EINVAL;
	if (!(uses & USES_OLD) && (op->old || op->old_len))
		return -EINVAL;
	if (!(uses & USES_BUF) && (op->buf || op->buf_size))
		return -EINVAL;
	if (op->key_len > SYNCMAP_KEY_MAX || op->value_len > SYNCMAP_VALUE_MAX ||
	    op->old_len > SYNCMAP_VALUE_MAX)
		return -E2BIG;
	if (!op->buf && op->buf_size)
		return -EFAULT;
	return 0;
}

static int do_op(struct file *file, struct syncmap_ioc_op *op,
		 enum op_kind kind)
{
	unsigned int uses = op_kinds[kind].uses;
	u8 small[STAGE_ON_STACK] __aligned(8);
	u8 *mem, *key, *value, *old, *out;
	u32 stage = 0, len = 0;
	struct syncmap_named *nm;
	struct syncmap *map;
	size_t total;
	int ret;

	nm = bound(file, op_kinds[kind].need);
	if (IS_ERR(nm))
		return PTR_ERR(nm);
	map = nm->map;
	ret = op_check(op, uses);
	if (ret)
		return ret;

	if (uses & USES_BUF) {
		stage = min_t(u32, op->buf_size, SYNCMAP_VALUE_MAX);
		/*
		 * Room for the value load-or-store may store: then -ERANGE
		 * from the core can only mean it loaded a larger value.
		 */
		if (kind == OP_LOAD_OR_STORE)
			stage = max(stage, op->value_len);
	}
	total = (size_t)op->key_len + op->value_len + op->old_len + stage;
	mem = small;
	if (total > sizeof(small))
		mem = kvmalloc(total, GFP_KERNEL_ACCOUNT);
	if (!mem)
		return -ENOMEM;
	key = mem;
	value = key + op->key_len;
	old = value + op->value_len;
	out = old + op->old_len;

	/* Every input is read before anything happens. */
	ret = -EFAULT;
	if (copy_from_user(key, u64_to_user_ptr(op->key), op->key_len) ||
	    copy_from_user(value, u64_to_user_ptr(op->value), op->value_len) ||
	    copy_from_user(old, u64_to_user_ptr(op->old), op->old_len))
		goto free;

	switch (kind) {
	case OP_LOAD:
		ret = syncmap_load(map, key, op->key_len, out, stage, &len);
		break;
	case OP_STORE:
		ret = syncmap_store(map, key, op->key_len, value,
				    op->value_len);
		break;
	case OP_LOAD_OR_STORE:
		ret = syncmap_load_or_store(map, key, op->key_len, value,
					    op->value_len, out, stage, &len);
		break;
	case OP_LOAD_AND_DELETE:
		ret = syncmap_load_and_delete(map, key, op->key_len, out,
					      stage, &len);
		break;
	case OP_DELETE:
		ret = syncmap_delete(map, key, op->key_len);
		break;
	case OP_SWAP:
		ret = syncmap_swap(map, key, op->key_len, value, op->value_len,
				   out, stage, &len);
		break;
	case OP_CAS:
		ret = syncmap_compare_and_swap(map, key, op->key_len, old,
					       op->old_len, value,
					       op->value_len);
		break;
	case OP_CAD:
		ret = syncmap_compare_and_delete(map, key, op->key_len, old,
						 op->old_len);
		break;
	}

	if (ret == -ERANGE) {
		/* A value was there (and any effect stands); it needs @len. */
		op->result = 1;
		op->out_len = len;
		goto free;
	}
	if (ret < 0)
		goto free;
	op->result = ret;
	op->out_len = 0;
	if ((uses & USES_BUF) && (ret == 1 || kind == OP_LOAD_OR_STORE)) {
		op->out_len = len;
		if (len > op->buf_size)
			ret = -ERANGE;
		else if (copy_to_user(u64_to_user_ptr(op->buf), out, len))
			ret = -EFAULT;
		else
			ret = 0;
	} else {
		ret = 0;
	}
free:
	if (mem != small)
		kvfree(mem);
	return ret;
}

static int ioc_load(struct file *file, void *arg)
{
	return do_op(file, arg, OP_LOAD);
}

static int ioc_store(struct file *file, void *arg)
{
	return do_op(file, arg, OP_STORE);
}

static int ioc_load_or_store(struct file *file, void *arg)
{
	return do_op(file, arg, OP_LOAD_OR_STORE);
}

static int ioc_load_and_delete(struct file *file, void *arg)
{
	return do_op(file, arg, OP_LOAD_AND_DELETE);
}

static int ioc_delete(struct file *file, void *arg)
{
	return do_op(file, arg, OP_DELETE);
}

static int ioc_swap(struct file *file, void *arg)
{
	return do_op(file, arg, OP_SWAP);
}

static int ioc_cas(struct file *file, void *arg)
{
	return do_op(file, arg, OP_CAS);
}

static int ioc_cad(struct file *file, void *arg)
{
	return do_op(file, arg, OP_CAD);
}

static int ioc_clear(struct file *file, void *arg)
{
	struct syncmap_ioc_clear *c = arg;
	struct syncmap_named *nm = bound(file, FMODE_WRITE);
	int ret;

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	if (c->flags || c->reserved)
		return -EINVAL;
	ret = syncmap_clear(nm->map);
	if (!ret)
		walks_revoke(nm);
	return ret;
}

static int ioc_len(struct file *file, void *arg)
{
	struct syncmap_ioc_len *l = arg;
	struct syncmap_named *nm = bound(file, FMODE_READ);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	l->len = syncmap_len(nm->map);
	return 0;
}

static int ioc_stats(struct file *file, void *arg)
{
	struct syncmap_named *nm = bound(file, FMODE_READ);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	syncmap_get_stats(nm->map, arg);
	return 0;
}

/* ----- Observability and tuning ------------------------------------- */

static int ioc_policy_get(struct file *file, void *arg)
{
	struct syncmap_named *nm = bound(file, FMODE_READ);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	syncmap_get_policy(nm->map, arg);
	return 0;
}

/* Tuning changes no result, but it is the owner's call: as a write. */
static int ioc_policy_set(struct file *file, void *arg)
{
	struct syncmap_named *nm = bound(file, FMODE_WRITE);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	return syncmap_set_policy(nm->map, arg);
}

static int ioc_compact(struct file *file, void *arg)
{
	struct syncmap_ioc_compact *c = arg;
	struct syncmap_named *nm = bound(file, FMODE_WRITE);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	if (c->flags || c->reserved)
		return -EINVAL;
	return syncmap_compact(nm->map);
}

static int ioc_health(struct file *file, void *arg)
{
	struct syncmap_named *nm = bound(file, FMODE_READ);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	syncmap_get_health(nm->map, arg);
	return 0;
}

static int ioc_reset_stats(struct file *file, void *arg)
{
	struct syncmap_ioc_compact *c = arg;
	struct syncmap_named *nm = bound(file, FMODE_WRITE);

	if (IS_ERR(nm))
		return PTR_ERR(nm);
	if (c->flags || c->reserved)
		return -EINVAL;
	syncmap_reset_stats(nm->map);
	return 0;
}

/* ----- Batches -------------------------------------------------------- */

static int batch_one(struct syncmap *map, enum op_kind kind,
		     struct syncmap_batch_item *it, const u8 *tail,
		     size_t tail_len, u8 *key, u8 *value)
{
	u32 len = 0;
	int ret;

	if (it->flags)
		return -EINVAL;
	if (tail_len && memchr_inv(tail, 0, tail_len))
		return -E2BIG;
	if (it->key_len > SYNCMAP_KEY_MAX)
		return -E2BIG;
	if (kind == OP_DELETE && (it->value || it->value_len))
		return -EINVAL;
	if (kind == OP_STORE && it->value_len > SYNCMAP_VALUE_MAX)
		return -E2BIG;
	if (kind == OP_LOAD && !it->value && it->value_len)
		return -EFAULT;
	if (copy_from_user(key, u64_to_user_ptr(it->key), it->key_len))
		return -EFAULT;

	switch (kind) {
	case OP_LOAD:
		ret = syncmap_load(map, key, it->key_len, value,
				   min_t(u32, it->value_len, SYNCMAP_VALUE_MAX),
				   &len);
		if (ret == 1 &&
		    copy_to_user(u64_to_user_ptr(it->value), value, len))
			ret = -EFAULT;
		it->value_len = ret ? len : 0;
		return ret;
	case OP_STORE:
		if (copy_from_user(value, u64_to_user_ptr(it->value),
				   it->value_len))
			return -EFAULT;
		return syncmap_store(map, key, it->key_len, value,
				     it->value_len);
	case OP_DELETE:
		return syncmap_delete(map, key, it->key_len);
	default:
		return -EINVAL;
	}
}

/*
 * The longest key and value the items of a batch ask to stage (each at
 * most its maximum: longer ones fail alone, before any copy), so that a
 * batch of small items stages on the stack and allocates nothing more.
 */
static void batch_stage_sizes(const u8 *items, u32 count, size_t usize,
			      u32 *key_max, u32 *value_max)
{
	size_t ksize = sizeof(struct syncmap_batch_item);
	struct syncmap_batch_item it = {};
	u32 i;

	*key_max = 0;
	*value_max = 0;
	for (i = 0; i < count; i++) {
		memcpy(&it, items + i * usize, min(usize, ksize));
		*key_max = max(*key_max, min_t(u32, it.key_len,
					       SYNCMAP_KEY_MAX));
		*value_max = max(*value_max, min_t(u32, it.value_len,
						   SYNCMAP_VALUE_MAX));
	}
}

static int do_batch(struct file *file, struct syncmap_ioc_batch *b,
		    enum op_kind kind)
{
	void __user *uitems = u64_to_user_ptr(b->items);
	size_t ksize = sizeof(struct syncmap_batch_item);
	size_t usize = b->item_size, bytes;
	u8 key_small[STAGE_ON_STACK], value_small[STAGE_ON_STACK];
	struct syncmap_batch_item it;
	u8 *items = NULL, *key = key_small, *value = value_small;
	u32 i, done = 0, key_max, value_max;
	struct syncmap_named *nm;
	int ret;

	nm = bound(file, kind == OP_LOAD ? FMODE_READ : FMODE_WRITE);
	if (IS_ERR(nm))
		return PTR_ERR(nm);
	if (b->flags & ~SYNCMAP_BATCH_STOP)
		return -EINVAL;
	if (usize < SYNCMAP_BATCH_ITEM_SIZE_VER0 || usize > BATCH_ITEM_SIZE_MAX)
		return -EINVAL;
	if (b->count > SYNCMAP_BATCH_MAX)
		return -E2BIG;
	b->done = 0;
	if (!b->count)
		return 0;

	bytes = b->count * usize;
	items = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!items)
		return -ENOMEM;
	/* The whole array is read before any item runs. */
	ret = -EFAULT;
	if (copy_from_user(items, uitems, bytes))
		goto free;
	batch_stage_sizes(items, b->count, usize, &key_max, &value_max);
	ret = -ENOMEM;
	if (key_max > sizeof(key_small)) {
		key = kmalloc(key_max, GFP_KERNEL_ACCOUNT);
		if (!key)
			goto free;
	}
	if (kind != OP_DELETE && value_max > sizeof(value_small)) {
		value = kvmalloc(value_max, GFP_KERNEL_ACCOUNT);
		if (!value)
			goto free;
	}

	for (i = 0; i < b->count; i++) {
		u8 *p = items + i * usize;

		memset(&it, 0, ksize);
		memcpy(&it, p, min(usize, ksize));
		it.result = batch_one(nm->map, kind, &it, p + ksize,
				      usize > ksize ? usize - ksize : 0,
				      key, value);
		memcpy(p, &it, min(usize, ksize));
		done = i + 1;
		if (it.result < 0 && (b->flags & SYNCMAP_BATCH_STOP))
			break;
		cond_resched();
	}
	/* After the items took effect: a fault here is reported, not undone. */
	ret = -EFAULT;
	if (copy_to_user(uitems, items, done * usize))
		goto free;
	b->done = done;
	ret = 0;
free:
	if (value != value_small)
		kvfree(value);
	if (key != key_small)
		kfree(key);
	kvfree(items);
	return ret;
}

static int ioc_batch_load(struct file *file, void *arg)
{
	return do_batch(file, arg, OP_LOAD);
}

static int ioc_batch_store(struct file *file, void *arg)
{
	return do_batch(file, arg, OP_STORE);
}

static int ioc_batch_delete(struct file *file, void *arg)
{
	return do_batch(file, arg, OP_DELETE);
}

/* ----- Iteration ------------------------------------------------------ */

struct walk_chunk {
	u8 *buf;
	u32 size;
	u32 used;
	u32 count;
	u32 need;
};

/* A syncmap_range_fn: append one record, or stop the chunk at it. */
static int walk_fill(void *arg, const void *key, u32 key_len,
		     const void *value, u32 value_len)
{
	struct walk_chunk *c = arg;
	u32 size = SYNCMAP_WALK_ENTRY_SIZE(key_len, value_len);
	struct syncmap_walk_entry *rec;
	u8 *p;

	if (size > c->size - c->used) {
		if (!c->count)
			c->need = size;
		return 1;
	}
	p = c->buf + c->used;
	rec = (struct syncmap_walk_entry *)p;
	rec->key_len = key_len;
	rec->value_len = value_len;
	p += sizeof(*rec);
	memcpy(p, key, key_len);
	memcpy(p + key_len, value, value_len);
	p += key_len + value_len;
	memset(p, 0, c->buf + c->used + size - p);
	c->used += size;
	c->count++;
	return 0;
}

static u64 walk_cursor(const struct syncmap_file *sf)
{
	return (u64)sf->walk_id << 32 | sf->walk_seq;
}

/* Unpin the walk's tables; the caller took it off the map's list. */
static void walk_unpin(struct syncmap_file *sf)
{
	if (sf->second)
		syncmap_iter_stop(&sf->first);
	syncmap_iter_stop(&sf->iter);
	sf->walking = false;
	sf->second = false;
}

static void walk_unlist_locked(struct syncmap_file *sf)
{
	struct syncmap_named *nm = sf->named;

	lockdep_assert_held(&nm->walk_lock);
	list_del_init(&sf->walk_node);
	if (sf->other)
		nm->walks_others--;
	sf->other = false;
}

static void walk_end(struct syncmap_file *sf)
{
	struct syncmap_named *nm = sf->named;

	lockdep_assert_held(&sf->lock);
	if (!sf->walking)
		return;
	spin_lock(&nm->walk_lock);
	walk_unlist_locked(sf);
	spin_unlock(&nm->walk_lock);
	walk_unpin(sf);
}

/*
 * Start a walk of the read table as it is, without promoting: the
 * promotion Go's Range makes comes only when this walk is complete (see
 * walk_next()), so a reader that starts walks and ends them early costs
 * the owner nothing.  Files opened by others than the owner share
 * max_walks walks per map.
 */
static int walk_start(struct file *file, struct syncmap_file *sf)
{
	struct syncmap_named *nm = sf->named;
	bool other = !uid_eq(file->f_cred->fsuid, nm->uid);
	unsigned int limit = READ_ONCE(max_walks);

	lockdep_assert_held(&sf->lock);
	spin_lock(&nm->walk_lock);
	if (other && limit && nm->walks_others >= limit) {
		spin_unlock(&nm->walk_lock);
		return -EBUSY;
	}
	if (other)
		nm->walks_others++;
	sf->other = other;
	list_add_tail(&sf->walk_node, &nm->walks);
	spin_unlock(&nm->walk_lock);

	sf->amended = syncmap_iter_start_unpromoted(nm->map, &sf->iter);
	sf->second = false;
	sf->walking = true;
	sf->revoked = false;
	if (!++sf->walk_id)
		sf->walk_id = 1;
	sf->walk_seq = 1;
	return 0;
}

/*
 * Fill @c from the walk.  The first walk covers the read table as it was
 * at the start; if that was amended, the second starts when the first is
 * complete, promoting the dirty table as Go's Range does at its start,
 * and offers the keys the first table did not hold.  Together they give
 * Range's guarantees: each key present and unchanged for the whole walk
 * exactly once, no key twice.
 */
static int walk_next(struct syncmap_file *sf, struct walk_chunk *c)
{
	int ret;

	if (sf->second)
		return syncmap_iter_next_unseen(&sf->iter, &sf->first,
						walk_fill, c);
	ret = syncmap_iter_next(&sf->iter, walk_fill, c);
	if (ret || !sf->amended)
		return ret;
	sf->first = sf->iter;
	syncmap_iter_start(sf->named->map, &sf->iter);
	sf->second = true;
	return syncmap_iter_next_unseen(&sf->iter, &sf->first, walk_fill, c);
}

/* Undo what walk_next() did to a walk that was at @saved (second: @second). */
static void walk_restore(struct syncmap_file *sf,
			 const struct syncmap_iter *saved, bool second)
{
	if (sf->second && !second) {
		/* The second walk began in this call: it starts again later. */
		syncmap_iter_stop(&sf->iter);
		sf->second = false;
	}
	sf->iter = *saved;
}

/* A CLEAR ended the walk: drop its pins; its cursor now completes it. */
static void walk_revoked(struct syncmap_file *sf)
{
	lockdep_assert_held(&sf->lock);
	if (!test_and_clear_bit(WALK_REVOKE, &sf->walk_flags))
		return;
	if (sf->walking) {
		walk_end(sf);
		sf->revoked = true;
	}
}

/*
 * After a CLEAR of @nm (through any file): end every walk of the map.
 * No key was present for the whole of such a walk, so Go's Range allows
 * it to be complete; and the tables it pinned, which held the entries
 * the CLEAR dropped, must not go on counting against the owner's
 * max_entries and max_bytes.  A walk whose file is in a WALK call (its
 * mutex held) is ended by that call, when it sees WALK_REVOKE.
 */
static void walks_revoke(struct syncmap_named *nm)
{
	struct syncmap_file *sf, *tmp;

	spin_lock(&nm->walk_lock);
	list_for_each_entry_safe(sf, tmp, &nm->walks, walk_node) {
		set_bit(WALK_REVOKE, &sf->walk_flags);
		/* Pairs with the barrier after mutex_unlock() in ioc_walk(). */
		smp_mb__after_atomic();
		if (!mutex_trylock(&sf->lock))
			continue;
		if (test_and_clear_bit(WALK_REVOKE, &sf->walk_flags) &&
		    sf->walking) {
			walk_unlist_locked(sf);
			walk_unpin(sf);
			sf->revoked = true;
		}
		mutex_unlock(&sf->lock);
	}
	spin_unlock(&nm->walk_lock);
}

static int ioc_walk(struct file *file, void *arg)
{
	struct syncmap_file *sf = file->private_data;
	struct syncmap_ioc_walk *w = arg;
	struct walk_chunk c = { };
	struct syncmap_named *nm;
	struct syncmap_iter saved;
	bool second;
	int ret;

	nm = bound(file, FMODE_READ);
	if (IS_ERR(nm))
		return PTR_ERR(nm);
	if (w->flags & ~SYNCMAP_WALK_END)
		return -EINVAL;
	if (w->buf_size && !w->buf)
		return -EFAULT;
	w->count = 0;
	w->bytes = 0;

	/* Before the walk is touched: -ENOMEM leaves it where it was. */
	c.size = min_t(u32, w->buf_size, WALK_STAGE_MAX);
	c.buf = kvmalloc(max_t(u32, c.size, 1), GFP_KERNEL_ACCOUNT);
	if (!c.buf)
		return -ENOMEM;

	mutex_lock(&sf->lock);
	walk_revoked(sf);
	if (w->flags & SYNCMAP_WALK_END) {
		walk_end(sf);
		sf->revoked = false;
		w->cursor = 0;
		ret = 0;
		goto unlock;
	}
	if (!w->cursor) {
		walk_end(sf);
		ret = walk_start(file, sf);
		if (ret)
			goto unlock;
	} else if (sf->revoked && w->cursor == walk_cursor(sf)) {
		/* Ended by a CLEAR: complete, with nothing more. */
		sf->revoked = false;
		w->cursor = 0;
		ret = 0;
		goto unlock;
	} else if (!sf->walking || w->cursor != walk_cursor(sf)) {
		ret = -EINVAL;
		goto unlock;
	}

	saved = sf->iter;
	second = sf->second;
	ret = walk_next(sf, &c);
	if (ret && !c.count) {
		/* Not even the next record fits: the walk stays there. */
		w->bytes = c.need;
		w->cursor = walk_cursor(sf);
		ret = -ERANGE;
		goto unlock;
	}
	if (copy_to_user(u64_to_user_ptr(w->buf), c.buf, c.used)) {
		/*
		 * Offer the same records again to the next call; a walk
		 * being started has no cursor to go on with, so it ends.
		 */
		walk_restore(sf, &saved, second);
		if (!w->cursor)
			walk_end(sf);
		ret = -EFAULT;
		goto unlock;
	}
	w->count = c.count;
	w->bytes = c.used;
	if (ret) {
		sf->walk_seq++;
		w->cursor = walk_cursor(sf);
	} else {
		walk_end(sf);
		w->cursor = 0;
	}
	ret = 0;
unlock:
	mutex_unlock(&sf->lock);
	/*
	 * A CLEAR that found @lock taken left WALK_REVOKE for us: see it
	 * now, or that CLEAR's trylock saw @lock free (the store-buffer
	 * pattern: each side writes, then a full barrier, then reads).
	 */
	smp_mb();
	if (test_bit(WALK_REVOKE, &sf->walk_flags)) {
		mutex_lock(&sf->lock);
		walk_revoked(sf);
		mutex_unlock(&sf->lock);
	}
	kvfree(c.buf);
	return ret;
}

/* ----- Dispatch ------------------------------------------------------- */

union syncmap_ioc_arg {
	struct syncmap_ioc_name name;
	struct syncmap_ioc_create create;
	struct syncmap_ioc_chmod chmod;
	struct syncmap_map_info info;
	struct syncmap_ioc_list list;
	struct syncmap_ioc_op op;
	struct syncmap_ioc_clear clear;
	struct syncmap_ioc_len len;
	struct syncmap_stats stats;
	struct syncmap_ioc_batch batch;
	struct syncmap_ioc_walk walk;
	struct syncmap_policy policy;
	struct syncmap_health health;
	struct syncmap_ioc_compact compact;
};

/**
 * struct syncmap_cmd - one ioctl
 * @cmd: the command as the current uapi header defines it; its direction
 *       must match the caller's and its size is the kernel's.
 * @min_size: the first published size of its structure.
 * @fn: the handler; on success or -ERANGE the structure is copied back.
 */
struct syncmap_cmd {
	unsigned int cmd;
	unsigned int min_size;
	int (*fn)(struct file *file, void *arg);
};

#define SYNCMAP_CMD(_name, _min, _fn) \
	[_IOC_NR(SYNCMAP_IOC_##_name)] = { \
		.cmd = SYNCMAP_IOC_##_name, .min_size = (_min), .fn = (_fn) }

static const struct syncmap_cmd syncmap_cmds[] = {
	/* 0x00-0x0f: named maps. */
	SYNCMAP_CMD(BIND, SYNCMAP_IOC_NAME_SIZE_VER0, ioc_bind),
	SYNCMAP_CMD(CREATE, SYNCMAP_IOC_CREATE_SIZE_VER0, ioc_create),
	SYNCMAP_CMD(DESTROY, SYNCMAP_IOC_NAME_SIZE_VER0, ioc_destroy),
	SYNCMAP_CMD(CHMOD, SYNCMAP_IOC_CHMOD_SIZE_VER0, ioc_chmod),
	SYNCMAP_CMD(INFO, SYNCMAP_MAP_INFO_SIZE_VER0, ioc_info),
	SYNCMAP_CMD(LIST, SYNCMAP_IOC_LIST_SIZE_VER0, ioc_list),
	/* 0x10-0x1f: operations on the bound map. */
	SYNCMAP_CMD(LOAD, SYNCMAP_IOC_OP_SIZE_VER0, ioc_load),
	SYNCMAP_CMD(STORE, SYNCMAP_IOC_OP_SIZE_VER0, ioc_store),
	SYNCMAP_CMD(LOAD_OR_STORE, SYNCMAP_IOC_OP_SIZE_VER0,
		    ioc_load_or_store),
	SYNCMAP_CMD(LOAD_AND_DELETE, SYNCMAP_IOC_OP_SIZE_VER0,
		    ioc_load_and_delete),
	SYNCMAP_CMD(DELETE, SYNCMAP_IOC_OP_SIZE_VER0, ioc_delete),
	SYNCMAP_CMD(SWAP, SYNCMAP_IOC_OP_SIZE_VER0, ioc_swap),
	SYNCMAP_CMD(CAS, SYNCMAP_IOC_OP_SIZE_VER0, ioc_cas),
	SYNCMAP_CMD(CAD, SYNCMAP_IOC_OP_SIZE_VER0, ioc_cad),
	SYNCMAP_CMD(CLEAR, SYNCMAP_IOC_CLEAR_SIZE_VER0, ioc_clear),
	SYNCMAP_CMD(LEN, SYNCMAP_IOC_LEN_SIZE_VER0, ioc_len),
	SYNCMAP_CMD(STATS, SYNCMAP_STATS_SIZE_VER0, ioc_stats),
	/* 0x20-0x2f: batches and iteration. */
	SYNCMAP_CMD(BATCH_LOAD, SYNCMAP_IOC_BATCH_SIZE_VER0,
		    ioc_batch_load),
	SYNCMAP_CMD(BATCH_STORE, SYNCMAP_IOC_BATCH_SIZE_VER0,
		    ioc_batch_store),
	SYNCMAP_CMD(BATCH_DELETE, SYNCMAP_IOC_BATCH_SIZE_VER0,
		    ioc_batch_delete),
	SYNCMAP_CMD(WALK, SYNCMAP_IOC_WALK_SIZE_VER0, ioc_walk),
	/* 0x30-0x3f: observability and tuning (policy, compaction). */
	SYNCMAP_CMD(POLICY_GET, SYNCMAP_POLICY_SIZE_VER0, ioc_policy_get),
	SYNCMAP_CMD(POLICY_SET, SYNCMAP_POLICY_SIZE_VER0, ioc_policy_set),
	SYNCMAP_CMD(COMPACT, SYNCMAP_IOC_COMPACT_SIZE_VER0, ioc_compact),
	SYNCMAP_CMD(HEALTH, SYNCMAP_HEALTH_SIZE_VER0, ioc_health),
	SYNCMAP_CMD(RESET_STATS, SYNCMAP_IOC_COMPACT_SIZE_VER0,
		    ioc_reset_stats),
};

static long syncmap_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);
	size_t usize = _IOC_SIZE(cmd);
	const struct syncmap_cmd *c;
	union syncmap_ioc_arg karg;
	size_t ksize;
	int ret;

	if (_IOC_TYPE(cmd) != SYNCMAP_IOC_MAGIC || nr >= ARRAY_SIZE(syncmap_cmds))
		return -ENOTTY;
	c = &syncmap_cmds[array_index_nospec(nr, ARRAY_SIZE(syncmap_cmds))];
	if (!c->fn || _IOC_DIR(cmd) != _IOC_DIR(c->cmd))
		return -ENOTTY;
	if (usize < c->min_size)
		return -EINVAL;
	ksize = _IOC_SIZE(c->cmd);

	/* Output-only structures start zeroed: nothing of the kernel leaks. */
	memset(&karg, 0, sizeof(karg));
	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		ret = copy_struct_from_user(&karg, ksize, uarg, usize);
		if (ret)
			return ret;
	}
	ret = c->fn(file, &karg);
	if (!(_IOC_DIR(cmd) & _IOC_READ) || (ret && ret != -ERANGE))
		return ret;
	if (copy_to_user(uarg, &karg, min(usize, ksize)))
		return -EFAULT;
	/* A newer caller's extra output fields read as zero. */
	if (!(_IOC_DIR(cmd) & _IOC_WRITE) && usize > ksize &&
	    clear_user(uarg + ksize, usize - ksize))
		return -EFAULT;
	return ret;
}

static int syncmap_open(struct inode *inode, struct file *file)
{
	struct syncmap_file *sf;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	mutex_init(&sf->lock);
	INIT_LIST_HEAD(&sf->walk_node);
	sf->ipc = syncmap_current_ipc_ns();
	file->private_data = sf;
	return nonseekable_open(inode, file);
}

static int syncmap_release(struct inode *inode, struct file *file)
{
	struct syncmap_file *sf = file->private_data;

	/* No call is running: a CLEAR's trylock may still take @lock. */
	mutex_lock(&sf->lock);
	walk_end(sf);
	mutex_unlock(&sf->lock);
	if (sf->named)
		syncmap_named_put(sf->named);
	syncmap_put_ipc_ns(sf->ipc);
	mutex_destroy(&sf->lock);
	kfree(sf);
	return 0;
}

static const struct file_operations syncmap_fops = {
	.owner		= THIS_MODULE,
	.open		= syncmap_open,
	.release	= syncmap_release,
	.unlocked_ioctl	= syncmap_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice syncmap_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "syncmap",
	.fops	= &syncmap_fops,
};

/**
 * syncmap_dev_init() - register /dev/syncmap
 *
 * Context: Process context (module load); may sleep.
 * Return: 0 or the error of misc_register().
 */
int syncmap_dev_init(void)
{
	syncmap_misc.mode = dev_mode;
	return misc_register(&syncmap_misc);
}

/**
 * syncmap_dev_exit() - unregister /dev/syncmap
 *
 * No file is open: each holds a reference on the module.
 *
 * Context: Process context (module unload); may sleep.
 */
void syncmap_dev_exit(void)
{
	misc_deregister(&syncmap_misc);
}
