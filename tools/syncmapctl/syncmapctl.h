/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmapctl: shared declarations.
 *
 * main.c parses the global options and dispatches on the command table;
 * map.c runs the operations on a map, registry.c the named-map commands,
 * stats.c the counters, batch.c the batch files.  Every command prints
 * through json_writer.c under -j, and plainly otherwise; errors.c says
 * what each error means for the person who ran the command.  Requests
 * go to the kernel through libsyncmap (tools/lib/syncmap).
 */
#ifndef SYNCMAPCTL_H
#define SYNCMAPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <syncmap.h>

#include "json_writer.h"

#define SYNCMAPCTL_VERSION	"0.1"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define SYNCMAP_DEVICE		"/dev/syncmap"

/* Exit statuses. */
#define EXIT_OK		0	/* success, including a negative result */
#define EXIT_FAIL	1	/* the operation failed: stderr names errno and cause */
#define EXIT_USAGE	2	/* the command line (or batch line) is wrong */
#define EXIT_WARN	3	/* health found a check in warn */

/* Access a command needs to the map, as the open mode of its file. */
#define NEED_READ	1
#define NEED_WRITE	2

/**
 * struct arg - one argument: a command-line word or a batch-file token
 * @s: its bytes, NUL-terminated (a quoted token may also hold NULs).
 * @len: their number.
 * @quoted: a double-quoted batch token: C escapes were decoded and the
 *          bytes are never hex-decoded.
 */
struct arg {
	const char *s;
	size_t len;
	bool quoted;
};

/* A byte string decoded from an argument. */
struct bytes {
	unsigned char *data;
	size_t len;
};

/**
 * struct ctx - what a command runs with
 * @json: -j given.
 * @hex: -x given: byte strings are read and printed as hex digits.
 * @map: the map of -m, "default" without it.
 * @map_given: -m given.
 * @jw: the JSON writer on stdout.
 * @cmd: the command running, for messages.
 * @line: the batch line running, 0 outside a batch.
 * @map_fd: a file bound to @map, or -1.
 * @map_fd_need: the NEED_* bits @map_fd was opened with.
 * @map_buf: holds @map after create-bind.
 * @detail: the cause and the limit of the error about to be reported, for
 *          people ("" until detail_set()); fail() and usage_error() print
 *          it and clear it.
 */
struct ctx {
	bool json;
	bool hex;
	const char *map;
	bool map_given;
	struct json_writer *jw;
	const char *cmd;
	unsigned int line;
	int map_fd;
	int map_fd_need;
	char map_buf[SYNCMAP_NAME_MAX];
	char detail[512];
};

/**
 * struct cmd - one entry of the command table
 * @name: as typed.
 * @fn: runs it; returns an EXIT_* status.  NULL: not in this version.
 * @args: the synopsis of its arguments, for --help and usage errors.
 * @need: map access it needs (0: it does not use a bound map).
 */
struct cmd {
	const char *name;
	int (*fn)(struct ctx *ctx, int argc, const struct arg *argv);
	const char *args;
	int need;
};

/* main.c */
const struct cmd *cmd_find(const char *name);
int cmd_run(struct ctx *ctx, const struct cmd *cmd, int argc,
	    const struct arg *argv);
__printf(3, 4) int fail(struct ctx *ctx, int err, const char *fmt, ...);
__printf(2, 3) int usage_error(struct ctx *ctx, const char *fmt, ...);
int usage_args(struct ctx *ctx, int argc);
void cmd_list(struct ctx *ctx);
const char *device_path(void);
int device_open(struct ctx *ctx, int need, int *fd);
int map_fd(struct ctx *ctx, int need, int *fd);
void map_fd_drop(struct ctx *ctx);
int name_check(struct ctx *ctx, const struct arg *a);
int parse_u64(struct ctx *ctx, const struct arg *a, const char *what,
	      uint64_t *v);
int parse_mode(struct ctx *ctx, const struct arg *a, uint32_t *mode);
int no_memory(struct ctx *ctx);
int map_fail(struct ctx *ctx, int err);
int print_ok(struct ctx *ctx);
int map_stats(const char *name, struct syncmap_stats *s);
const char *engine_name(uint64_t engine);
int map_health(const char *name, struct syncmap_health *h);

/* errors.c */
__printf(2, 3) void detail_set(struct ctx *ctx, const char *fmt, ...);
void explain(struct ctx *ctx, int err, const char *name);
void explain_device(struct ctx *ctx, int err, const char *path, int need);
void explain_sizes(struct ctx *ctx, int err, const char *name, size_t key_len,
		   size_t value_len, size_t old_len);
bool name_valid(const char *name, size_t len);

/* bytes.c */
int bytes_parse(struct ctx *ctx, const struct arg *a, struct bytes *b);
bool bytes_valid(const struct ctx *ctx, const struct arg *a);
void bytes_free(struct bytes *b);
void bytes_print(const struct ctx *ctx, const void *data, size_t len);
size_t bytes_width(const struct ctx *ctx, const void *data, size_t len);
void bytes_json_field(struct ctx *ctx, const char *name, const void *data,
		      size_t len);
int tokenize(char *line, struct arg **argv, int *argc, const char **err);

/* map.c */
int do_store(struct ctx *ctx, int argc, const struct arg *argv);
int do_load(struct ctx *ctx, int argc, const struct arg *argv);
int do_load_or_store(struct ctx *ctx, int argc, const struct arg *argv);
int do_load_and_delete(struct ctx *ctx, int argc, const struct arg *argv);
int do_delete(struct ctx *ctx, int argc, const struct arg *argv);
int do_swap(struct ctx *ctx, int argc, const struct arg *argv);
int do_cas(struct ctx *ctx, int argc, const struct arg *argv);
int do_cad(struct ctx *ctx, int argc, const struct arg *argv);
int do_range(struct ctx *ctx, int argc, const struct arg *argv);
int do_clear(struct ctx *ctx, int argc, const struct arg *argv);
int do_len(struct ctx *ctx, int argc, const struct arg *argv);
int print_load(struct ctx *ctx, bool found, const void *value, size_t len);

/* registry.c */
int do_create(struct ctx *ctx, int argc, const struct arg *argv);
int do_create_bind(struct ctx *ctx, int argc, const struct arg *argv);
int do_destroy(struct ctx *ctx, int argc, const struct arg *argv);
int do_list(struct ctx *ctx, int argc, const struct arg *argv);
int do_info(struct ctx *ctx, int argc, const struct arg *argv);
int do_chmod(struct ctx *ctx, int argc, const struct arg *argv);
int list_maps(struct ctx *ctx, struct syncmap_map_info **maps, size_t *n);

/* stats.c */
int do_stats(struct ctx *ctx, int argc, const struct arg *argv);

/* observe.c */
int do_health(struct ctx *ctx, int argc, const struct arg *argv);
int do_policy(struct ctx *ctx, int argc, const struct arg *argv);
int do_compact(struct ctx *ctx, int argc, const struct arg *argv);
int policy_parse(struct ctx *ctx, int argc, const struct arg *argv,
		 struct syncmap_policy *p);
int policy_apply(struct ctx *ctx, const char *name,
		 const struct syncmap_policy *p);
void prometheus_health(const struct syncmap_map_info *maps, const bool *ok,
		       size_t n);

/* batch.c */
int do_batch(struct ctx *ctx, int argc, const struct arg *argv);

#endif /* SYNCMAPCTL_H */
