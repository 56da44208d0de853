// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: the counters of a map (stats), plainly, in JSON, or in the
 * Prometheus text exposition format for every map the caller may read.
 *
 * One table describes every field of struct syncmap_stats, so the three
 * outputs cannot drift apart.  docs/counters.md defines each counter.
 * The Prometheus names follow its conventions, which `promtool check
 * metrics` enforces: base units (seconds, not nanoseconds), "_total" on
 * counters and only on them, a HELP and a TYPE line for every metric.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmapctl.h"

enum stat_kind {
	STAT_GAUGE,	/* a current value */
	STAT_COUNTER,	/* monotonic: Prometheus name ends in _total */
	STAT_BOOL,	/* 0 or 1: JSON true or false */
	STAT_NS,	/* a gauge in nanoseconds: Prometheus has it in seconds */
};

#define STAT(_name, _kind, _help) \
	{ #_name, NULL, offsetof(struct syncmap_stats, _name), _kind, _help }
/* A field whose Prometheus name is not its own. */
#define STAT_PROM(_name, _prom, _kind, _help) \
	{ #_name, _prom, offsetof(struct syncmap_stats, _name), _kind, _help }

/**
 * struct stat_field - one counter of struct syncmap_stats
 * @name: the field's name, as plain and JSON output print it.
 * @prom: the Prometheus name without "syncmap_" and "_total", if not @name.
 * @offset: where the field is.
 * @kind: how it is printed.
 * @help: the Prometheus HELP text.
 */
static const struct stat_field {
	const char *name;
	const char *prom;
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
	STAT_PROM(lock_hold_max_ns, "lock_hold_max_seconds", STAT_NS,
		  "Longest time the map's spinlock was held since the counters were reset, in seconds."),
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
	int ret = syncmap_stats(fd, s);

	return ret ? map_fail(ctx, -ret) : EXIT_OK;
}

/* One sample: NAME{map="MAP"} VALUE, nanoseconds as exact seconds. */
static void prometheus_sample(const struct stat_field *f, const char *name,
			      const char *suffix, const char *map, uint64_t v)
{
	printf("syncmap_%s%s{map=\"%s\"} ", name, suffix, map);
	if (f->kind == STAT_NS)
		printf("%llu.%09llu\n", (unsigned long long)(v / 1000000000),
		       (unsigned long long)(v % 1000000000));
	else
		printf("%llu\n", (unsigned long long)v);
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
		ret = no_memory(ctx);
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = map_stats(maps[i].name, &stats[i]);
		/* A map destroyed since the list is simply not shown. */
		if (ret == -ENOENT && !ctx->map_given)
			continue;
		if (ret) {
			explain(ctx, -ret, maps[i].name);
			ret = fail(ctx, -ret, "map '%s'", maps[i].name);
			goto out;
		}
		ok[i] = true;
	}
	/* An info metric: the engine is a label, the value always 1. */
	printf("# HELP syncmap_engine_info The map's engine (go or merge), as the label engine.\n");
	printf("# TYPE syncmap_engine_info gauge\n");
	for (i = 0; i < n; i++)
		if (ok[i])
			printf("syncmap_engine_info{map=\"%s\",engine=\"%s\"} 1\n",
			       maps[i].name, engine_name(stats[i].engine));
	for (j = 0; j < N_STATS; j++) {
		const struct stat_field *f = &stat_fields[j];
		const char *name = f->prom ? f->prom : f->name;
		const char *suffix = f->kind == STAT_COUNTER ? "_total" : "";

		printf("# HELP syncmap_%s%s %s\n", name, suffix, f->help);
		printf("# TYPE syncmap_%s%s %s\n", name, suffix,
		       f->kind == STAT_COUNTER ? "counter" : "gauge");
		for (i = 0; i < n; i++)
			if (ok[i])
				prometheus_sample(f, name, suffix, maps[i].name,
						  stat_value(&stats[i], f));
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
		return usage_args(ctx, argc);
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
		jw_string_field(ctx->jw, "engine", engine_name(s.engine));
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
	printf("%-20s %s\n", "engine", engine_name(s.engine));
	return EXIT_OK;
}
