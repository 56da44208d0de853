// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: the counters of a map (stats), plainly, in JSON, or in the
 * Prometheus text exposition format for every map the caller may read.
 *
 * One table describes every field of struct syncmap_stats, so the three
 * outputs cannot drift apart.  docs/counters.md defines each counter.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "syncmapctl.h"

enum stat_kind {
	STAT_GAUGE,	/* a current value */
	STAT_COUNTER,	/* monotonic: Prometheus name ends in _total */
	STAT_BOOL,	/* 0 or 1: JSON true or false */
};

#define STAT(_name, _kind, _help) \
	{ #_name, offsetof(struct syncmap_stats, _name), _kind, _help }

static const struct stat_field {
	const char *name;
	size_t offset;
	enum stat_kind kind;
	const char *help;
} stat_fields[] = {
	STAT(misses, STAT_GAUGE,
	     "Loads that fell to the dirty table since the last promotion or clear (Go's misses)."),
	STAT(read_len, STAT_GAUGE, "Entries in the read table, in any state."),
	STAT(dirty_len, STAT_GAUGE,
	     "Entries in the dirty table, in any state; 0 when it is absent."),
	STAT(dirty_present, STAT_BOOL, "1 when a dirty table exists."),
	STAT(amended, STAT_BOOL, "1 when the dirty table may hold keys the read table lacks."),
	STAT(len, STAT_GAUGE, "Live entries."),
	STAT(entries, STAT_GAUGE, "Entry objects alive, deleted ones still held included."),
	STAT(bytes, STAT_GAUGE, "Bytes allocated for entries, values and tables."),
	STAT(promotions, STAT_COUNTER, "Promotions of the dirty table to be the read table."),
	STAT(promotions_misses, STAT_COUNTER,
	     "Promotions because misses reached the dirty table's length."),
	STAT(promotions_range, STAT_COUNTER,
	     "Promotions at the start of a walk of an amended map."),
	STAT(promotions_compact, STAT_COUNTER, "Promotions forced by compaction."),
	STAT(dirty_rebuilds, STAT_COUNTER, "Dirty tables built from the read table."),
	STAT(rebuild_copied, STAT_COUNTER, "Entries copied by dirty-table rebuilds."),
	STAT(rebuild_expunged, STAT_COUNTER, "Deleted entries expunged by dirty-table rebuilds."),
	STAT(loads, STAT_COUNTER, "Loads."),
	STAT(read_hits, STAT_COUNTER, "Lock-free look-ups that found the key in the read table."),
	STAT(read_misses, STAT_COUNTER,
	     "Lock-free look-ups that did not find the key in the read table."),
	STAT(dirty_hits, STAT_COUNTER,
	     "Look-ups under the lock that found the key in the dirty table."),
	STAT(stores, STAT_COUNTER, "Values installed."),
	STAT(new_keys, STAT_COUNTER, "Entries created for new keys."),
	STAT(deletes, STAT_COUNTER, "Values removed."),
	STAT(clears, STAT_COUNTER, "Clears that emptied a non-empty map."),
	STAT(compactions, STAT_COUNTER, "Compactions run."),
	STAT(lock_hold_max_ns, STAT_GAUGE,
	     "Longest time the map's spinlock was held, in nanoseconds."),
};

#define N_STATS ARRAY_SIZE(stat_fields)

static uint64_t stat_value(const struct syncmap_stats *s,
			   const struct stat_field *f)
{
	uint64_t v;

	memcpy(&v, (const char *)s + f->offset, sizeof(v));
	return v;
}

/* The counters of the map bound to @fd. */
static int get_stats(struct ctx *ctx, int fd, struct syncmap_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (ioctl(fd, SYNCMAP_IOC_STATS, s))
		return fail(ctx, errno, "");
	return EXIT_OK;
}

/* The counters of map @name, through a file of its own; -errno. */
static int stats_of(const char *name, struct syncmap_stats *s)
{
	struct syncmap_ioc_name a;
	const char *path = getenv("SYNCMAP_DEVICE");
	int fd, ret = 0;

	if (strlen(name) >= sizeof(a.name))
		return -ENAMETOOLONG;
	if (!path || !*path)
		path = SYNCMAP_DEVICE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	memcpy(a.name, name, strnlen(name, sizeof(a.name) - 1));
	memset(s, 0, sizeof(*s));
	if (ioctl(fd, SYNCMAP_IOC_BIND, &a) || ioctl(fd, SYNCMAP_IOC_STATS, s))
		ret = -errno;
	close(fd);
	return ret;
}

static int prometheus(struct ctx *ctx)
{
	struct syncmap_map_info *maps = NULL, one;
	struct syncmap_stats *stats;
	bool *ok;
	size_t i, j, n;
	int ret;

	if (ctx->map_given) {
		memset(&one, 0, sizeof(one));
		memcpy(one.name, ctx->map, strnlen(ctx->map, sizeof(one.name) - 1));
		maps = &one;
		n = 1;
	} else {
		ret = list_maps(ctx, &maps, &n);
		if (ret)
			return ret;
	}
	stats = calloc(n ? n : 1, sizeof(*stats));
	ok = calloc(n ? n : 1, sizeof(*ok));
	if (!stats || !ok) {
		ret = fail(ctx, ENOMEM, "");
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = stats_of(maps[i].name, &stats[i]);
		/* A map destroyed since the list is simply not shown. */
		if (ret == -ENOENT && !ctx->map_given)
			continue;
		if (ret) {
			ret = fail(ctx, -ret, "map '%s'", maps[i].name);
			goto out;
		}
		ok[i] = true;
	}
	for (j = 0; j < N_STATS; j++) {
		const struct stat_field *f = &stat_fields[j];
		const char *suffix = f->kind == STAT_COUNTER ? "_total" : "";

		printf("# HELP syncmap_%s%s %s\n", f->name, suffix, f->help);
		printf("# TYPE syncmap_%s%s %s\n", f->name, suffix,
		       f->kind == STAT_COUNTER ? "counter" : "gauge");
		for (i = 0; i < n; i++)
			if (ok[i])
				printf("syncmap_%s%s{map=\"%s\"} %llu\n",
				       f->name, suffix, maps[i].name,
				       (unsigned long long)stat_value(&stats[i], f));
	}
	prometheus_health(maps, ok, n);
	ret = EXIT_OK;
out:
	free(stats);
	free(ok);
	if (maps != &one)
		free(maps);
	return ret;
}

int do_stats(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct syncmap_stats s;
	size_t j;
	int fd, ret;

	if (argc == 1 && !strcmp(argv[0].s, "--prometheus"))
		return prometheus(ctx);
	if (argc)
		return usage_args(ctx);
	ret = map_fd(ctx, NEED_READ, &fd);
	if (ret)
		return ret;
	ret = get_stats(ctx, fd, &s);
	if (ret)
		return ret;
	if (ctx->json) {
		jw_start_object(ctx->jw);
		for (j = 0; j < N_STATS; j++) {
			const struct stat_field *f = &stat_fields[j];

			if (f->kind == STAT_BOOL)
				jw_bool_field(ctx->jw, f->name,
					      stat_value(&s, f));
			else
				jw_uint_field(ctx->jw, f->name,
					      stat_value(&s, f));
		}
		jw_end_object(ctx->jw);
		return EXIT_OK;
	}
	for (j = 0; j < N_STATS; j++) {
		const struct stat_field *f = &stat_fields[j];
		uint64_t v = stat_value(&s, f);

		if (f->kind == STAT_BOOL)
			printf("%-20s %s\n", f->name, v ? "yes" : "no");
		else
			printf("%-20s %llu\n", f->name, (unsigned long long)v);
	}
	return EXIT_OK;
}
