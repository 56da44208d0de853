// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: /sys/kernel/debug/syncmap/, for operators.
 *
 *   summary              one line per named map
 *   registry             the registry's counts against the module's
 *                        caps, and the maps whose memory is being freed
 *   maps/<name>/stats    every counter of the stats ioctl, "name: value",
 *                        then "engine: go" or "engine: merge"
 *   maps/<name>/health   the health checks (docs/observability.md)
 *   maps/<name>/policy   the promotion policy, read and write
 *   maps/<name>/reset    write anything: zero the event counters
 *   ns/<inum>/<name>/    the same, for a map of another IPC namespace than
 *                        the initial one, by the namespace's inode number
 *                        (as in "ipc:[<inum>]" of /proc/PID/ns/ipc)
 *
 * A namespace's directory lives while the namespace has maps alive.
 * Lifetimes: a map's directory is created when its name is linked and
 * removed, under the registry mutex, when it is unlinked, before the
 * registry drops its reference; debugfs_remove() waits for the file
 * operations in progress and makes later ones fail, so the handlers use
 * the map without taking a reference, and the name can be reused at once.
 * No handler of a map's files takes the registry mutex.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ipc_ns.h"
#include "debugfs.h"
#include "map.h"
#include "registry.h"

static struct dentry *syncmap_dbg_root;
static struct dentry *syncmap_dbg_maps;
static struct dentry *syncmap_dbg_ns;

#define STAT(f) { #f, offsetof(struct syncmap_stats, f) }

static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	STAT(misses), STAT(read_len), STAT(dirty_len), STAT(dirty_present),
	STAT(amended), STAT(len), STAT(entries), STAT(bytes),
	STAT(promotions), STAT(promotions_misses), STAT(promotions_range),
	STAT(promotions_compact), STAT(dirty_rebuilds), STAT(rebuild_copied),
	STAT(rebuild_expunged), STAT(loads), STAT(read_hits),
	STAT(read_misses), STAT(dirty_hits), STAT(stores), STAT(new_keys),
	STAT(deletes), STAT(clears), STAT(compactions),
	STAT(lock_hold_max_ns),
};

static int stats_show(struct seq_file *m, void *v)
{
	struct syncmap_named *nm = m->private;
	struct syncmap_stats stats;
	unsigned int i;

	syncmap_get_stats(nm->map, &stats);
	for (i = 0; i < ARRAY_SIZE(stat_fields); i++)
		seq_printf(m, "%s: %llu\n", stat_fields[i].name,
			   *(u64 *)((char *)&stats + stat_fields[i].off));
	seq_printf(m, "engine: %s\n", syncmap_engine_name(nm->map));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* A ratio in thousandths as "0.000". */
static void show_milli(struct seq_file *m, u32 milli)
{
	seq_printf(m, "%u.%03u", milli / 1000, milli % 1000);
}

static void show_check(struct seq_file *m, const char *name, u32 value,
		       const char *threshold, bool warn)
{
	seq_printf(m, "%s: ", name);
	show_milli(m, value);
	seq_printf(m, " threshold %s %s\n", threshold, warn ? "warn" : "ok");
}

static int health_show(struct seq_file *m, void *v)
{
	struct syncmap_named *nm = m->private;
	struct syncmap_health h;

	syncmap_get_health(nm->map, &h);
	show_check(m, "leak_ratio", h.leak_ratio, "<0.700",
		   h.warn & SYNCMAP_HEALTH_LEAK);
	show_check(m, "read_staleness", h.staleness, ">0.300",
		   h.warn & SYNCMAP_HEALTH_STALE);
	show_check(m, "dirty_bloat", h.bloat, ">2.000",
		   h.warn & SYNCMAP_HEALTH_BLOAT);
	seq_printf(m, "live: %llu\nkeys: %llu\nread_len: %llu\n"
		   "read_stale: %llu\ndirty_len: %llu\ndirty_present: %llu\n"
		   "read_bytes: %llu\ndirty_bytes: %llu\n",
		   h.live, h.keys, h.read_len, h.read_stale, h.dirty_len,
		   h.dirty_present, h.read_bytes, h.dirty_bytes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(health);

static int policy_show(struct seq_file *m, void *v)
{
	struct syncmap_named *nm = m->private;
	struct syncmap_policy p;

	syncmap_get_policy(nm->map, &p);
	seq_printf(m, "multiplier=%u floor=%llu ceiling=%llu adaptive=%u\n",
		   p.multiplier, p.floor, p.ceiling, p.adaptive);
	seq_printf(m, "# adaptive factor %u.%02u\n", p.scale / 4,
		   (p.scale % 4) * 25);
	return 0;
}

static int policy_open(struct inode *inode, struct file *file)
{
	return single_open(file, policy_show, inode->i_private);
}

/*
 * "key=value" words separated by blanks or commas, from the current
 * policy: multiplier, floor, ceiling, adaptive; "default" first resets
 * to Go's rule; '#' starts a comment.
 */
static int policy_parse(char *s, struct syncmap_policy *p)
{
	char *word, *val;
	u64 n;
	int ret;

	s = strsep(&s, "#");
	while ((word = strsep(&s, " \t\n,")) != NULL) {
		if (!*word)
			continue;
		if (!strcmp(word, "default")) {
			memset(p, 0, sizeof(*p));
			continue;
		}
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		ret = kstrtou64(val, 0, &n);
		if (ret)
			return ret;
		if (!strcmp(word, "multiplier") || !strcmp(word, "adaptive")) {
			if (n > U32_MAX)
				return -EINVAL;
			if (word[0] == 'm')
				p->multiplier = n;
			else
				p->adaptive = n;
		} else if (!strcmp(word, "floor")) {
			p->floor = n;
		} else if (!strcmp(word, "ceiling")) {
			p->ceiling = n;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static ssize_t policy_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct syncmap_named *nm = file_inode(file)->i_private;
	struct syncmap_policy p;
	char *buf;
	int ret;

	if (count > 256)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	syncmap_get_policy(nm->map, &p);
	p.scale = 0;
	ret = policy_parse(buf, &p);
	if (!ret)
		ret = syncmap_set_policy(nm->map, &p);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations policy_fops = {
	.owner		= THIS_MODULE,
	.open		= policy_open,
	.read		= seq_read,
	.write		= policy_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static ssize_t reset_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct syncmap_named *nm = file_inode(file)->i_private;

	syncmap_reset_stats(nm->map);
	return count;
}

static const struct file_operations reset_fops = {
	.owner		= THIS_MODULE,
	.open		= simple_open,
	.write		= reset_write,
	.llseek		= noop_llseek,
};

static void summary_one(struct syncmap_named *nm, void *arg)
{
	struct seq_file *m = arg;
	struct syncmap_stats s;
	struct syncmap_health h;

	syncmap_get_stats(nm->map, &s);
	syncmap_get_health(nm->map, &h);
	if (nm->ns->ipc != syncmap_init_ipc_ns())
		seq_printf(m, "ns/%u/", syncmap_ipc_ns_inum(nm->ns->ipc));
	seq_printf(m, "%s len=%llu read_len=%llu dirty_len=%llu misses=%llu promotions=%llu rebuilds=%llu compactions=%llu bytes=%llu health=%s engine=%s\n",
		   nm->name, s.len, s.read_len, s.dirty_len, s.misses,
		   s.promotions, s.dirty_rebuilds, s.compactions, s.bytes,
		   h.warn ? "warn" : "ok", syncmap_engine_name(nm->map));
}

static int summary_show(struct seq_file *m, void *v)
{
	syncmap_registry_for_each(summary_one, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

static int registry_show(struct seq_file *m, void *v)
{
	struct syncmap_registry_counts c;

	syncmap_registry_counts(&c);
	seq_printf(m, "maps: %llu\nreserved_bytes: %llu\nmaps_freeing: %llu\nbytes_freeing: %llu\nmaps_freed: %llu\n",
		   c.maps, c.reserved_bytes, c.maps_freeing, c.bytes_freeing,
		   c.maps_freed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(registry);

/**
 * syncmap_debugfs_ns_add() - find or create the directory of a namespace
 * @ns: a namespace getting its first map.
 *
 * maps/ for the initial IPC namespace, ns/<inum>/ for another.  A failure
 * is not fatal: its maps work without their files.
 *
 * Context: Process context; may sleep.  Called under the registry mutex.
 */
void syncmap_debugfs_ns_add(struct syncmap_ns *ns)
{
	char name[16];

	if (ns->ipc == syncmap_init_ipc_ns()) {
		ns->debugfs = syncmap_dbg_maps;
		return;
	}
	if (IS_ERR_OR_NULL(syncmap_dbg_ns))
		return;
	snprintf(name, sizeof(name), "%u", syncmap_ipc_ns_inum(ns->ipc));
	ns->debugfs = debugfs_create_dir(name, syncmap_dbg_ns);
}

/**
 * syncmap_debugfs_ns_remove() - remove the directory of a namespace
 * @ns: a namespace whose last map goes; maps/ stays.
 *
 * Context: Process context; may sleep.  Called under the registry mutex.
 */
void syncmap_debugfs_ns_remove(struct syncmap_ns *ns)
{
	if (ns->debugfs != syncmap_dbg_maps)
		debugfs_remove(ns->debugfs);
	ns->debugfs = NULL;
}

/**
 * syncmap_debugfs_add() - create the directory of a map just linked
 * @nm: the map.
 *
 * <name>/ in its namespace's directory (syncmap_debugfs_ns_add()).  A
 * failure is not fatal: the map works without its files.
 *
 * Context: Process context; may sleep.  Called under the registry mutex.
 */
void syncmap_debugfs_add(struct syncmap_named *nm)
{
	struct dentry *dir;

	if (IS_ERR_OR_NULL(nm->ns->debugfs))
		return;
	dir = debugfs_create_dir(nm->name, nm->ns->debugfs);
	if (IS_ERR(dir))
		return;
	debugfs_create_file("stats", 0444, dir, nm, &stats_fops);
	debugfs_create_file("health", 0444, dir, nm, &health_fops);
	debugfs_create_file("policy", 0644, dir, nm, &policy_fops);
	debugfs_create_file("reset", 0200, dir, nm, &reset_fops);
	nm->debugfs = dir;
}

/**
 * syncmap_debugfs_remove() - remove the directory of a map being unlinked
 * @nm: the map.
 *
 * Waits for the operations in progress on its files; later ones fail.
 *
 * Context: Process context; may sleep.  Called under the registry mutex.
 */
void syncmap_debugfs_remove(struct syncmap_named *nm)
{
	debugfs_remove(nm->debugfs);
	nm->debugfs = NULL;
}

/**
 * syncmap_debugfs_init() - create /sys/kernel/debug/syncmap/
 *
 * Context: Process context (module load); may sleep.
 */
void syncmap_debugfs_init(void)
{
	syncmap_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	syncmap_dbg_maps = debugfs_create_dir("maps", syncmap_dbg_root);
	syncmap_dbg_ns = debugfs_create_dir("ns", syncmap_dbg_root);
	debugfs_create_file("summary", 0444, syncmap_dbg_root, NULL,
			    &summary_fops);
	debugfs_create_file("registry", 0444, syncmap_dbg_root, NULL,
			    &registry_fops);
}

/**
 * syncmap_debugfs_exit() - remove /sys/kernel/debug/syncmap/
 *
 * Context: Process context (module unload); may sleep.
 */
void syncmap_debugfs_exit(void)
{
	debugfs_remove(syncmap_dbg_root);
	syncmap_dbg_root = NULL;
	syncmap_dbg_maps = NULL;
	syncmap_dbg_ns = NULL;
}
