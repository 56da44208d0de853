// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: what an error means, for the person who ran the command.
 *
 * fail() and usage_error() (main.c) name what failed and, for a failed
 * operation, the errno; the detail set here names the cause and the limit
 * that was met: the 512-byte key, the naming rule, a map's max-entries
 * with the deleted entries it still holds, the module's caps.  Plain
 * output appends it to the message; JSON gives it as "detail".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncmapctl.h"

#define NAME_RULE "map names are 1 to 63 bytes of A-Z a-z 0-9 _ . -, not starting with '.'"

/**
 * detail_set() - say why the error about to be reported happened
 * @ctx: the command.
 * @fmt: the cause and the limit, printf-style.
 *
 * The next fail() or usage_error() prints it and clears it.
 */
void detail_set(struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->detail, sizeof(ctx->detail), fmt, ap);
	va_end(ap);
}

/* Whether @name (@len bytes) follows the naming rule. */
bool name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len >= SYNCMAP_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static const char *access_words(int need)
{
	switch (need & (NEED_READ | NEED_WRITE)) {
	case NEED_READ | NEED_WRITE:
		return "read and write";
	case NEED_WRITE:
		return "write";
	default:
		return "read";
	}
}

/* The access the running command needs to its map. */
static int cmd_need(const struct ctx *ctx)
{
	const struct cmd *c = ctx->cmd ? cmd_find(ctx->cmd) : NULL;

	return c && c->need ? c->need : NEED_READ;
}

static bool cmd_is(const struct ctx *ctx, const char *name)
{
	return ctx->cmd && !strcmp(ctx->cmd, name);
}

/* A module parameter, as text without its newline; "?" if unreadable. */
static const char *module_param(const char *param, char *buf, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/syncmap/parameters/%s", param);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, size - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return "?";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The module's caps on all maps, for a create that met them. */
static void explain_caps(struct ctx *ctx)
{
	char maps[32], total[32];

	module_param("max_maps", maps, sizeof(maps));
	module_param("max_total_bytes", total, sizeof(total));
	if (strcmp(total, "0") && strcmp(total, "?"))
		detail_set(ctx, "the module's caps are reached: at most max_maps=%s maps (destroyed maps still open count), and while max_total_bytes=%s is set every map needs a max-bytes limit and their sum stays within it",
			   maps, total);
	else
		detail_set(ctx, "the module's cap on maps is reached: at most max_maps=%s maps (destroyed maps still open count); see /sys/module/syncmap/parameters/",
			   maps);
}

/* The counters and limits of map @name; 0 or -errno. */
static int map_state(const char *name, struct syncmap_map_info *m,
		     struct syncmap_stats *s)
{
	int fd, ret;

	if (strlen(name) >= sizeof(m->name))
		return -ENAMETOOLONG;
	fd = syncmap_open_path(device_path(), O_RDONLY);
	if (fd < 0)
		return fd;
	ret = syncmap_info(fd, name, m);
	close(fd);
	return ret ? ret : map_stats(name, s);
}

/*
 * A store into map @name met its max-entries or max-bytes limit: say
 * which, how full the map is, and that deleted entries still count until
 * a compaction drops them.
 */
static void explain_full(struct ctx *ctx, const char *name)
{
	unsigned long long held, deleted;
	struct syncmap_map_info m;
	struct syncmap_stats s;

	if (map_state(name, &m, &s)) {
		detail_set(ctx, "map '%s' is at its max-entries or max-bytes limit ('syncmapctl info %s' shows them); deleted entries count against both until a compaction drops them: 'syncmapctl -m %s compact' frees them",
			   name, name, name);
		return;
	}
	held = s.entries;
	deleted = s.entries > s.len ? s.entries - s.len : 0;
	if (m.max_entries && held >= m.max_entries)
		detail_set(ctx, "map '%s' is at its max-entries limit of %llu: it holds %llu entries, of which %llu are deleted entries that still count until a compaction drops them ('syncmapctl -m %s compact' frees them)",
			   name, (unsigned long long)m.max_entries, held,
			   deleted, name);
	else if (m.max_bytes)
		detail_set(ctx, "map '%s' would pass its max-bytes limit of %llu: it holds %llu bytes, with %llu deleted entries that still count until a compaction drops them ('syncmapctl -m %s compact' frees them)",
			   name, (unsigned long long)m.max_bytes,
			   (unsigned long long)s.bytes, deleted, name);
	else
		detail_set(ctx, "map '%s' has no limit now: it was raised or the entries freed since", name);
}

/**
 * explain() - the cause of an error about map @name, by its errno
 * @ctx: the command (its name picks the words); nothing is done if a
 *       detail is set already.
 * @err: the positive errno.
 * @name: the map, or NULL.
 */
void explain(struct ctx *ctx, int err, const char *name)
{
	if (ctx->detail[0])
		return;
	switch (err) {
	case ENOENT:
		if (name)
			detail_set(ctx, "there is no map named '%s'; 'syncmapctl list' shows the maps you may read",
				   name);
		else
			detail_set(ctx, "no such file");
		break;
	case EACCES:
		if (name)
			detail_set(ctx, "map '%s' does not grant you %s access, which %s needs; 'syncmapctl info %s' shows its owner and mode, and its owner may chmod it",
				   name, access_words(cmd_need(ctx)),
				   ctx->cmd ? ctx->cmd : "this", name);
		else
			detail_set(ctx, "permission denied");
		break;
	case EPERM:
		detail_set(ctx, "only the owner of map '%s' or a process with CAP_SYS_ADMIN may %s it",
			   name ? name : "?", ctx->cmd ? ctx->cmd : "change");
		break;
	case EEXIST:
		detail_set(ctx, "a map named '%s' exists already; a name stands for one map at a time",
			   name ? name : "?");
		break;
	case EBUSY:
		if (cmd_is(ctx, "destroy") && name && !strcmp(name, SYNCMAP_DEFAULT_NAME))
			detail_set(ctx, "the default map lives as long as the module and cannot be destroyed");
		else
			detail_set(ctx, "the kernel found the map or the file busy");
		break;
	case EINVAL:
		if (name && !name_valid(name, strlen(name)))
			detail_set(ctx, "'%s' is not a map name: " NAME_RULE, name);
		else
			detail_set(ctx, "the kernel refused the request's arguments; docs/abi.md lists what each request accepts");
		break;
	case ENAMETOOLONG:
		detail_set(ctx, "'%.20s...' is %zu bytes: " NAME_RULE,
			   name ? name : "", name ? strlen(name) : 0);
		break;
	case ENOSPC:
		if (cmd_is(ctx, "create"))
			explain_caps(ctx);
		else if (name)
			explain_full(ctx, name);
		break;
	case E2BIG:
		detail_set(ctx, "keys are at most %d bytes and values at most %d",
			   SYNCMAP_KEY_MAX, SYNCMAP_VALUE_MAX);
		break;
	case ENOMEM:
		detail_set(ctx, "the kernel could not allocate the memory; a map's memory is charged to its creator's memory cgroup, which may be at its limit");
		break;
	case ENOTTY:
	case EOPNOTSUPP:
		detail_set(ctx, "the syncmap module does not know this request: is it older than syncmapctl %s?",
			   SYNCMAPCTL_VERSION);
		break;
	default:
		detail_set(ctx, "docs/abi.md lists what each request of the syncmap module returns");
		break;
	}
}

/**
 * explain_device() - the cause of a failed open of the device
 * @ctx: the command.
 * @err: open()'s errno.
 * @path: the device.
 * @need: NEED_* bits, what it was opened for.
 */
void explain_device(struct ctx *ctx, int err, const char *path, int need)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		detail_set(ctx, "%s is missing or has no driver: is the syncmap module loaded (modprobe syncmap)? SYNCMAP_DEVICE names another device",
			   path);
		break;
	case EACCES:
	case EPERM:
		detail_set(ctx, "%s does not let you open it for %s: its mode is the module parameter dev_mode (default 0600, root only); tools/udev/60-syncmap.rules opens it to a group",
			   path, access_words(need));
		break;
	default:
		explain(ctx, err, NULL);
		break;
	}
}

/**
 * explain_sizes() - the cause of a failed operation on map @name
 * @ctx: the command.
 * @err: the positive errno.
 * @name: the map.
 * @key_len: the key's length.
 * @value_len: the value's length (0 if none).
 * @old_len: the expected old value's length (0 if none).
 *
 * E2BIG names the string too long and its limit; ENOSPC how full the map
 * is; other errors are explain()'s.
 */
void explain_sizes(struct ctx *ctx, int err, const char *name, size_t key_len,
		   size_t value_len, size_t old_len)
{
	if (err == E2BIG && key_len > SYNCMAP_KEY_MAX)
		detail_set(ctx, "the key is %zu bytes; keys are at most %d bytes",
			   key_len, SYNCMAP_KEY_MAX);
	else if (err == E2BIG && value_len > SYNCMAP_VALUE_MAX)
		detail_set(ctx, "the value is %zu bytes; values are at most %d bytes",
			   value_len, SYNCMAP_VALUE_MAX);
	else if (err == E2BIG && old_len > SYNCMAP_VALUE_MAX)
		detail_set(ctx, "the old value is %zu bytes; values are at most %d bytes",
			   old_len, SYNCMAP_VALUE_MAX);
	explain(ctx, err, name);
}
