// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: named maps: create, create-bind, destroy, list, info, chmod.
 *
 * These work on names through an unbound file: opened for writing to
 * change the registry, for reading to look at it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncmapctl.h"

/*
 * Report how a registry request on map @name went: @ret is its 0 or
 * -errno, through a fresh unbound file opened for @need.
 */
static int registry_done(struct ctx *ctx, int need, int ret, const char *name)
{
	if (ret) {
		explain(ctx, -ret, name);
		return fail(ctx, -ret, "map '%s'", name);
	}
	/* The name may stand for another map now, or another mode. */
	if (need & NEED_WRITE)
		map_fd_drop(ctx);
	return EXIT_OK;
}

/*
 * create, and create-bind: the same, and the file that created the map,
 * opened for reading and writing, becomes the file of the map of -m for
 * the next commands (of a batch), with no window in which the name could
 * stand for a map someone else created.
 */
/* The names of enum syncmap_engine, as create takes and info prints them. */
static const char *const engine_names[] = {
	[SYNCMAP_ENGINE_GO] = "go",
	[SYNCMAP_ENGINE_MERGE] = "merge",
};

const char *engine_name(uint64_t engine)
{
	return engine < SYNCMAP_ENGINE_NR ? engine_names[engine] : "unknown";
}

static int parse_engine(struct ctx *ctx, const struct arg *a, uint32_t *flags)
{
	if (!strcmp(a->s, engine_names[SYNCMAP_ENGINE_GO]))
		*flags &= ~SYNCMAP_CREATE_MERGE;
	else if (!strcmp(a->s, engine_names[SYNCMAP_ENGINE_MERGE]))
		*flags |= SYNCMAP_CREATE_MERGE;
	else
		return usage_error(ctx, "unknown engine '%s' (go, merge)",
				   a->s);
	return 0;
}

static int create(struct ctx *ctx, int argc, const struct arg *argv,
		  bool bind)
{
	uint64_t max_entries = 0, max_bytes = 0;
	uint32_t flags = bind ? SYNCMAP_CREATE_BIND : 0;
	struct syncmap_policy p;
	uint32_t mode = 0600;
	bool policy = false;
	int i, fd, ret;

	if (argc < 1 || !(argc % 2))
		return usage_args(ctx, argc);
	memset(&p, 0, sizeof(p));
	for (i = 1; i < argc; i += 2) {
		const struct arg *v = &argv[i + 1];

		if (!strcmp(argv[i].s, "mode")) {
			ret = parse_mode(ctx, v, &mode);
		} else if (!strcmp(argv[i].s, "max-entries")) {
			ret = parse_u64(ctx, v, "max-entries", &max_entries);
		} else if (!strcmp(argv[i].s, "max-bytes")) {
			ret = parse_u64(ctx, v, "max-bytes", &max_bytes);
		} else if (!strcmp(argv[i].s, "policy")) {
			ret = policy_parse(ctx, 1, v, &p);
			policy = true;
		} else if (!strcmp(argv[i].s, "engine")) {
			ret = parse_engine(ctx, v, &flags);
		} else {
			ret = usage_error(ctx,
					  "unknown option '%s' (mode, max-entries, max-bytes, policy, engine)",
					  argv[i].s);
		}
		if (ret)
			return ret;
	}
	ret = name_check(ctx, &argv[0]);
	if (ret)
		return ret;
	ret = device_open(ctx, bind ? NEED_READ | NEED_WRITE : NEED_WRITE,
			  &fd);
	if (ret)
		return ret;
	ret = syncmap_create_flags(fd, argv[0].s, mode, max_entries, max_bytes,
				   flags);
	if (ret || !bind)
		close(fd);
	ret = registry_done(ctx, NEED_WRITE, ret, argv[0].s);
	if (!ret && bind) {
		/* registry_done() dropped the file of the previous map. */
		snprintf(ctx->map_buf, sizeof(ctx->map_buf), "%s", argv[0].s);
		ctx->map = ctx->map_buf;
		ctx->map_given = true;
		ctx->map_fd = fd;
		ctx->map_fd_need = NEED_READ | NEED_WRITE;
	}
	if (!ret && policy)
		ret = policy_apply(ctx, argv[0].s, &p);
	return ret ? ret : print_ok(ctx);
}

int do_create(struct ctx *ctx, int argc, const struct arg *argv)
{
	return create(ctx, argc, argv, false);
}

int do_create_bind(struct ctx *ctx, int argc, const struct arg *argv)
{
	return create(ctx, argc, argv, true);
}

int do_destroy(struct ctx *ctx, int argc, const struct arg *argv)
{
	int fd, ret;

	if (argc != 1)
		return usage_args(ctx, argc);
	ret = name_check(ctx, &argv[0]);
	if (ret)
		return ret;
	ret = device_open(ctx, NEED_WRITE, &fd);
	if (ret)
		return ret;
	ret = syncmap_destroy(fd, argv[0].s);
	close(fd);
	ret = registry_done(ctx, NEED_WRITE, ret, argv[0].s);
	return ret ? ret : print_ok(ctx);
}

int do_chmod(struct ctx *ctx, int argc, const struct arg *argv)
{
	uint32_t mode;
	int fd, ret;

	if (argc != 2)
		return usage_args(ctx, argc);
	ret = parse_mode(ctx, &argv[1], &mode);
	if (ret)
		return ret;
	ret = name_check(ctx, &argv[0]);
	if (ret)
		return ret;
	ret = device_open(ctx, NEED_WRITE, &fd);
	if (ret)
		return ret;
	ret = syncmap_chmod(fd, argv[0].s, mode);
	close(fd);
	ret = registry_done(ctx, NEED_WRITE, ret, argv[0].s);
	return ret ? ret : print_ok(ctx);
}

/**
 * list_maps() - every map the caller may read
 * @ctx: the command.
 * @maps: set to an array (free() it).
 * @n: set to its length.
 *
 * Return: EXIT_OK or EXIT_FAIL after reporting.
 */
int list_maps(struct ctx *ctx, struct syncmap_map_info **maps, size_t *n)
{
	int fd, ret;

	*maps = NULL;
	*n = 0;
	ret = device_open(ctx, NEED_READ, &fd);
	if (ret)
		return ret;
	ret = syncmap_list_all(fd, maps, n);
	close(fd);
	if (ret)
		return fail(ctx, -ret, "");
	return EXIT_OK;
}

static void json_map(struct ctx *ctx, const struct syncmap_map_info *m)
{
	jw_start_object(ctx->jw);
	jw_string_field(ctx->jw, "name", m->name);
	jw_uint_field(ctx->jw, "uid", m->uid);
	jw_uint_field(ctx->jw, "gid", m->gid);
	jw_uint_field(ctx->jw, "mode", m->mode);
	jw_uint_field(ctx->jw, "len", m->len);
	jw_uint_field(ctx->jw, "max_entries", m->max_entries);
	jw_uint_field(ctx->jw, "max_bytes", m->max_bytes);
	jw_uint_field(ctx->jw, "bytes", m->bytes);
	jw_string_field(ctx->jw, "engine", engine_name(m->engine));
	jw_end_object(ctx->jw);
}

/* A limit for people: "-" for none. */
static const char *limit(uint64_t v, char *buf, size_t size)
{
	if (!v)
		return "-";
	snprintf(buf, size, "%llu", (unsigned long long)v);
	return buf;
}

int do_list(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct syncmap_map_info *maps;
	char e[24], b[24];
	size_t i, n;
	int ret, w = 4;

	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	ret = list_maps(ctx, &maps, &n);
	if (ret)
		return ret;
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_name(ctx->jw, "maps");
		jw_start_array(ctx->jw);
		for (i = 0; i < n; i++)
			json_map(ctx, &maps[i]);
		jw_end_array(ctx->jw);
		jw_end_object(ctx->jw);
		free(maps);
		return EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if ((int)strlen(maps[i].name) > w)
			w = strlen(maps[i].name);
	printf("%-*s %6s %6s %4s %10s %11s %11s %11s %s\n", w, "NAME", "UID",
	       "GID", "MODE", "LEN", "MAX_ENTRIES", "MAX_BYTES", "BYTES",
	       "ENGINE");
	for (i = 0; i < n; i++)
		printf("%-*s %6u %6u %04o %10llu %11s %11s %11llu %s\n", w,
		       maps[i].name, maps[i].uid, maps[i].gid, maps[i].mode,
		       (unsigned long long)maps[i].len,
		       limit(maps[i].max_entries, e, sizeof(e)),
		       limit(maps[i].max_bytes, b, sizeof(b)),
		       (unsigned long long)maps[i].bytes,
		       engine_name(maps[i].engine));
	free(maps);
	return EXIT_OK;
}

int do_info(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct arg name = { ctx->map, strlen(ctx->map), false };
	struct syncmap_map_info m;
	char buf[24];
	int fd, ret;

	if (argc > 1)
		return usage_args(ctx, argc);
	if (argc)
		name = argv[0];
	ret = name_check(ctx, &name);
	if (ret)
		return ret;
	ret = device_open(ctx, NEED_READ, &fd);
	if (ret)
		return ret;
	ret = syncmap_info(fd, name.s, &m);
	close(fd);
	ret = registry_done(ctx, NEED_READ, ret, name.s);
	if (ret)
		return ret;
	if (ctx->json) {
		json_map(ctx, &m);
		return EXIT_OK;
	}
	printf("name:         %s%s\n", m.name,
	       m.state & SYNCMAP_STATE_DEFAULT ? " (default)" : "");
	printf("owner:        uid %u gid %u\n", m.uid, m.gid);
	printf("mode:         %04o\n", m.mode);
	printf("len:          %llu\n", (unsigned long long)m.len);
	printf("bytes:        %llu\n", (unsigned long long)m.bytes);
	printf("max_entries:  %s\n", limit(m.max_entries, buf, sizeof(buf)));
	printf("max_bytes:    %s\n", limit(m.max_bytes, buf, sizeof(buf)));
	printf("engine:       %s\n", engine_name(m.engine));
	return EXIT_OK;
}
