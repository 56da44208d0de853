// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: inspect and change syncmap maps from the command line.
 *
 *	syncmapctl [-j|--json] [-x|--hex] [-m|--map NAME] COMMAND [ARGS]
 *
 * The global options, the command table and the helpers every command
 * shares: errors, the device, numbers and names.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncmapctl.h"

static int do_help(struct ctx *ctx, int argc, const struct arg *argv);

static const struct cmd cmds[] = {
	/* Named maps. */
	{ "create",	do_create,
	  "NAME [mode OCTAL] [max-entries N] [max-bytes N] [policy SPEC]", 0 },
	{ "create-bind", do_create_bind,
	  "NAME [mode OCTAL] [max-entries N] [max-bytes N] [policy SPEC]", 0 },
	{ "destroy",	do_destroy,	"NAME", 0 },
	{ "list",	do_list,	"", 0 },
	{ "info",	do_info,	"[NAME]", 0 },
	{ "chmod",	do_chmod,	"NAME OCTAL", 0 },
	/* Operations on the map of -m. */
	{ "store",	do_store,	"KEY VALUE", NEED_WRITE },
	{ "load",	do_load,	"KEY", NEED_READ },
	{ "load-or-store", do_load_or_store, "KEY VALUE", NEED_READ | NEED_WRITE },
	{ "load-and-delete", do_load_and_delete, "KEY", NEED_READ | NEED_WRITE },
	{ "delete",	do_delete,	"KEY", NEED_WRITE },
	{ "swap",	do_swap,	"KEY VALUE", NEED_READ | NEED_WRITE },
	{ "cas",	do_cas,		"KEY OLD NEW", NEED_READ | NEED_WRITE },
	{ "cad",	do_cad,		"KEY OLD", NEED_READ | NEED_WRITE },
	{ "range",	do_range,	"", NEED_READ },
	{ "clear",	do_clear,	"", NEED_WRITE },
	{ "len",	do_len,		"", NEED_READ },
	/* Counters and health. */
	{ "stats",	do_stats,	"[--prometheus]", NEED_READ },
	{ "health",	do_health,	"", NEED_READ },
	{ "policy",	do_policy,	"[SPEC]", NEED_READ },
	{ "compact",	do_compact,	"", NEED_WRITE },
	/* Many commands. */
	{ "batch",	do_batch,	"FILE|-", 0 },
	{ "help",	do_help,	"", 0 },
};

const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* The detail of an unknown command: the commands there are. */
void cmd_list(struct ctx *ctx)
{
	size_t i, n = 0;

	n += snprintf(ctx->detail, sizeof(ctx->detail), "the commands are");
	for (i = 0; i < ARRAY_SIZE(cmds) && n < sizeof(ctx->detail); i++)
		n += snprintf(ctx->detail + n, sizeof(ctx->detail) - n, "%s %s",
			      i ? "," : "", cmds[i].name);
}

static void print_help(FILE *f)
{
	fprintf(f,
"Usage: syncmapctl [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Inspect and change the maps of the syncmap kernel module through\n"
SYNCMAP_DEVICE ".\n"
"\n"
"Options:\n"
"  -j, --json       print one JSON object per command, on one line\n"
"  -x, --hex        byte strings are hex digits, in and out (keys, values)\n"
"  -m, --map NAME   the map the operations use (default: default)\n"
"  -h, --help       print this help\n"
"  -V, --version    print the version\n"
"\n"
"Named maps:\n"
"  create NAME [mode OCTAL] [max-entries N] [max-bytes N] [policy SPEC]\n"
"              [engine go|merge]\n"
"                   create a map owned by you (mode default 0600; limits\n"
"                   default 0, none; policy as for the policy command;\n"
"                   engine: Go's sync.Map, the default, or merge, which\n"
"                   never copies the map on a caller's path)\n"
"  create-bind NAME [mode OCTAL] [max-entries N] [max-bytes N] [policy SPEC]\n"
"              [engine go|merge]\n"
"                   create a map and make it the map of the next commands\n"
"                   (of a batch) in one step: fails if the name exists, so\n"
"                   they never use a map someone else created\n"
"  destroy NAME     remove a map's name; files using it keep it until closed\n"
"  list             the maps you may read\n"
"  info [NAME]      one map (default: the map of -m)\n"
"  chmod NAME OCTAL change a map's permission bits\n"
"\n"
"Operations on the map of -m:\n"
"  store KEY VALUE            set KEY to VALUE\n"
"  load KEY                   the value of KEY\n"
"  load-or-store KEY VALUE    the value of KEY, storing VALUE if absent\n"
"  load-and-delete KEY        remove KEY, printing its value\n"
"  delete KEY                 remove KEY\n"
"  swap KEY VALUE             set KEY to VALUE, printing the previous value\n"
"  cas KEY OLD NEW            set KEY to NEW if its value is OLD\n"
"  cad KEY OLD                remove KEY if its value is OLD\n"
"  range                      every entry\n"
"  clear                      remove every entry\n"
"  len                        the number of entries\n"
"  stats [--prometheus]       every counter; with --prometheus, of every map\n"
"                             you may read (only -m's map if -m is given), in\n"
"                             the Prometheus text format\n"
"  health                     the health checks; exit status 3 if any warns\n"
"  policy [SPEC]              the promotion policy; SPEC changes it:\n"
"                             multiplier=M floor=N ceiling=N adaptive=0|1\n"
"                             (blanks or commas between), or default\n"
"  compact                    drop deleted entries and shrink the tables\n"
"  batch FILE|-               run the commands of FILE (- for stdin), one a\n"
"                             line, in order; stop at the first failing line\n"
"\n"
"Byte strings (KEY, VALUE, OLD, NEW) are the argument's bytes, or hex digits\n"
"after a \"hex:\" prefix (hex:00ff); with -x, hex digits, \"hex:\" optional,\n"
"and printed as lowercase hex digits.  In batch files, tokens are separated by\n"
"blanks; a bare token reads as on the command line; a double-quoted token\n"
"holds C escapes (\\\\ \\\" \\n \\t \\xNN) and is never hex-decoded; \"\" is the\n"
"empty string; blank lines and lines starting with # are skipped.\n"
"\n"
"A key that is absent, or a cas or cad that did not happen, is a result,\n"
"not an error.\n"
"\n"
"Exit status: 0 success; 1 the operation failed (the error names errno, the\n"
"cause and the limit);\n"
"2 usage error; 3 health found a check in warn.\n"
"\n"
"See syncmapctl(8).\n");
}

static int do_help(struct ctx *ctx, int argc, const struct arg *argv)
{
	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	print_help(stdout);
	return EXIT_OK;
}

static void json_error(struct ctx *ctx, const char *msg, int err)
{
	jw_start_object(ctx->jw);
	jw_string_field(ctx->jw, "error", msg);
	jw_int_field(ctx->jw, "errno", err);
	if (ctx->line)
		jw_uint_field(ctx->jw, "line", ctx->line);
	jw_string_field(ctx->jw, "detail", ctx->detail);
	jw_end_object(ctx->jw);
}

/**
 * fail() - report a failed operation
 * @ctx: the command; its detail (detail_set(), explain()) says why, and
 *       explain(@err) does when none was set.
 * @err: the positive errno.
 * @fmt: what failed, printf-style (may be "").
 *
 * Prints "syncmapctl: [line N: ][CMD: ][WHAT: ]STRERROR (ENAME): DETAIL",
 * and under -j {"error":STRERROR,"errno":N[,"line":N],"detail":DETAIL}.
 *
 * Return: EXIT_FAIL.
 */
int fail(struct ctx *ctx, int err, const char *fmt, ...)
{
	const char *name = strerrorname_np(err);
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	explain(ctx, err, NULL);
	fputs("syncmapctl: ", stderr);
	if (ctx->line)
		fprintf(stderr, "line %u: ", ctx->line);
	if (ctx->cmd)
		fprintf(stderr, "%s: ", ctx->cmd);
	fprintf(stderr, "%s%s%s (%s): %s\n", what, *what ? ": " : "",
		strerror(err), name ? name : "?", ctx->detail);
	if (ctx->json)
		json_error(ctx, strerror(err), err);
	ctx->detail[0] = '\0';
	return EXIT_FAIL;
}

/**
 * usage_error() - report a wrong command line or batch line
 * @ctx: the command; its detail, if set, gives the rule that was broken,
 *       else the command's synopsis does.
 * @fmt: the problem, printf-style.
 *
 * Prints "syncmapctl: [line N: ][CMD: ]PROBLEM: DETAIL", and under -j
 * {"error":PROBLEM,"errno":22[,"line":N],"detail":DETAIL}.
 *
 * Return: EXIT_USAGE.
 */
int usage_error(struct ctx *ctx, const char *fmt, ...)
{
	const struct cmd *c = ctx->cmd ? cmd_find(ctx->cmd) : NULL;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->detail[0] && c)
		detail_set(ctx, "usage: syncmapctl [OPTIONS] %s%s%s", c->name,
			   *c->args ? " " : "", c->args);
	else if (!ctx->detail[0])
		detail_set(ctx, "usage: syncmapctl [OPTIONS] COMMAND [ARGS]; 'syncmapctl --help' lists the options and commands");
	fputs("syncmapctl: ", stderr);
	if (ctx->line)
		fprintf(stderr, "line %u: ", ctx->line);
	fprintf(stderr, "%s%s%s: %s\n", ctx->cmd ? ctx->cmd : "",
		ctx->cmd ? ": " : "", msg, ctx->detail);
	if (!ctx->line)
		fprintf(stderr, "Try 'syncmapctl --help'.\n");
	if (ctx->json)
		json_error(ctx, msg, EINVAL);
	ctx->detail[0] = '\0';
	return EXIT_USAGE;
}

/* The arguments do not match the command's synopsis. */
int usage_args(struct ctx *ctx, int argc)
{
	const struct cmd *c = cmd_find(ctx->cmd);

	detail_set(ctx, "%d argument%s given", argc,
		   argc == 1 ? " was" : "s were");
	if (c && *c->args)
		return usage_error(ctx, "usage: %s %s", c->name, c->args);
	return usage_error(ctx, "takes no arguments");
}

/* Report that syncmapctl itself ran out of memory. */
int no_memory(struct ctx *ctx)
{
	detail_set(ctx, "syncmapctl could not allocate the memory it needs");
	return fail(ctx, ENOMEM, "");
}

/* Report a failed request on the map of -m: explain(), then fail(). */
int map_fail(struct ctx *ctx, int err)
{
	explain(ctx, err, ctx->map);
	return fail(ctx, err, "");
}

int print_ok(struct ctx *ctx)
{
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_bool_field(ctx->jw, "ok", true);
		jw_end_object(ctx->jw);
	}
	return EXIT_OK;
}

static int open_flags(int need)
{
	switch (need & (NEED_READ | NEED_WRITE)) {
	case NEED_WRITE:
		return O_WRONLY;
	case NEED_READ | NEED_WRITE:
		return O_RDWR;
	default:
		return O_RDONLY;
	}
}

/* The device: $SYNCMAP_DEVICE if set and not empty, else /dev/syncmap. */
const char *device_path(void)
{
	const char *path = getenv("SYNCMAP_DEVICE");

	return path && *path ? path : SYNCMAP_DEVICE;
}

/**
 * device_open() - open the device, unbound
 * @ctx: the command.
 * @need: NEED_* bits, the open mode.
 * @fd: set to the file.
 *
 * Return: EXIT_OK, or EXIT_FAIL after reporting.
 */
int device_open(struct ctx *ctx, int need, int *fd)
{
	const char *path = device_path();

	*fd = syncmap_open_path(path, open_flags(need));
	if (*fd < 0) {
		int err = -*fd;

		explain_device(ctx, err, path, need);
		return fail(ctx, err, "cannot open %s", path);
	}
	return EXIT_OK;
}

void map_fd_drop(struct ctx *ctx)
{
	if (ctx->map_fd >= 0)
		close(ctx->map_fd);
	ctx->map_fd = -1;
	ctx->map_fd_need = 0;
}

/**
 * map_fd() - a file bound to the map of -m, opened for @need
 * @ctx: the command; keeps the file for the next commands of a batch.
 * @need: NEED_* bits.
 * @fd: set to the file.
 *
 * The file is opened with the access the commands so far needed, so that
 * a batch binds once; if that is refused, with @need alone.
 *
 * Return: EXIT_OK, or EXIT_FAIL after reporting.
 */
int map_fd(struct ctx *ctx, int need, int *fd)
{
	int want = need | ctx->map_fd_need;
	int ret;

	if (ctx->map_fd >= 0 && (ctx->map_fd_need & need) == need) {
		*fd = ctx->map_fd;
		return EXIT_OK;
	}
	map_fd_drop(ctx);
	for (;;) {
		ret = device_open(ctx, want, fd);
		if (ret)
			return ret;
		ret = syncmap_bind(*fd, ctx->map);
		if (!ret)
			break;
		close(*fd);
		if (want == need) {
			explain(ctx, -ret, ctx->map);
			return fail(ctx, -ret, "map '%s'", ctx->map);
		}
		want = need;
	}
	ctx->map_fd = *fd;
	ctx->map_fd_need = want;
	return EXIT_OK;
}

/*
 * A map name as the library takes it: a C string shorter than the uapi's
 * name field.  The kernel judges its characters.
 */
int name_check(struct ctx *ctx, const struct arg *a)
{
	int err = a->len >= SYNCMAP_NAME_MAX ? ENAMETOOLONG : EINVAL;

	if (a->len >= SYNCMAP_NAME_MAX || memchr(a->s, 0, a->len)) {
		explain(ctx, err, a->s);
		return fail(ctx, err, "map name '%s'", a->s);
	}
	return EXIT_OK;
}

/* A file of its own bound to map @name, for reading: the fd or -errno. */
static int map_open_read(const char *name)
{
	int fd, ret;

	fd = syncmap_open_path(device_path(), O_RDONLY);
	if (fd < 0)
		return fd;
	ret = syncmap_bind(fd, name);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/**
 * map_stats() - the counters of map @name, through a file of its own
 * @name: the map.
 * @s: filled in.
 *
 * Return: 0 or -errno.
 */
int map_stats(const char *name, struct syncmap_stats *s)
{
	int fd = map_open_read(name), ret;

	if (fd < 0)
		return fd;
	ret = syncmap_stats(fd, s);
	close(fd);
	return ret;
}

/**
 * map_health() - the health checks of map @name, through a file of its own
 * @name: the map.
 * @h: filled in.
 *
 * Return: 0 or -errno.
 */
int map_health(const char *name, struct syncmap_health *h)
{
	int fd = map_open_read(name), ret;

	if (fd < 0)
		return fd;
	ret = syncmap_health(fd, h);
	close(fd);
	return ret;
}

int parse_u64(struct ctx *ctx, const struct arg *a, const char *what,
	      uint64_t *v)
{
	char *end;

	errno = 0;
	detail_set(ctx, "%s is a decimal number from 0 (no limit) to %llu",
		   what, (unsigned long long)UINT64_MAX);
	if (!a->len || a->s[0] == '-' || a->s[0] == '+')
		return usage_error(ctx, "%s: not a number: '%s'", what, a->s);
	*v = strtoull(a->s, &end, 10);
	if (errno || *end || end != a->s + a->len)
		return usage_error(ctx, "%s: not a number: '%s'", what, a->s);
	ctx->detail[0] = '\0';
	return EXIT_OK;
}

int parse_mode(struct ctx *ctx, const struct arg *a, uint32_t *mode)
{
	unsigned long v;
	char *end;

	errno = 0;
	detail_set(ctx, "a map's mode is an octal number from 0 to 0777, read and write bits as a file's (0640)");
	if (!a->len || a->s[0] == '-' || a->s[0] == '+')
		return usage_error(ctx, "mode: not an octal number: '%s'", a->s);
	v = strtoul(a->s, &end, 8);
	if (errno || *end || end != a->s + a->len)
		return usage_error(ctx, "mode: not an octal number: '%s'", a->s);
	if (v > 0777)
		return usage_error(ctx, "mode: %lo is more than 0777", v);
	ctx->detail[0] = '\0';
	*mode = v;
	return EXIT_OK;
}

/**
 * cmd_run() - run one command with its arguments
 * @ctx: the context; @ctx->cmd is set for the command's messages.
 * @cmd: the command.
 * @argc: number of arguments after the command's name.
 * @argv: the arguments.
 *
 * Return: an EXIT_* status.
 */
int cmd_run(struct ctx *ctx, const struct cmd *cmd, int argc,
	    const struct arg *argv)
{
	const char *outer = ctx->cmd;
	int ret;

	ctx->cmd = cmd->name;
	if (!cmd->fn) {
		detail_set(ctx, "%s is planned, not in syncmapctl %s", cmd->name,
			   SYNCMAPCTL_VERSION);
		ret = fail(ctx, EOPNOTSUPP,
			   "not in this version of syncmapctl");
	} else {
		ret = cmd->fn(ctx, argc, argv);
	}
	ctx->cmd = outer;
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "hex",	no_argument,		NULL, 'x' },
		{ "map",	required_argument,	NULL, 'm' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ }
	};
	struct ctx ctx = {
		.map = SYNCMAP_DEFAULT_NAME,
		.map_fd = -1,
	};
	const struct cmd *cmd;
	struct arg *args;
	int opt, i, ret;

	/* Errors of option parsing are ours: see usage_error(). */
	opterr = 0;
	/* Options end at the command: what follows may start with '-'. */
	while ((opt = getopt_long(argc, argv, "+:jxm:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctx.json = true;
			break;
		case 'x':
			ctx.hex = true;
			break;
		case 'm':
			ctx.map = optarg;
			ctx.map_given = true;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_OK;
		case 'V':
			printf("syncmapctl %s\n", SYNCMAPCTL_VERSION);
			return EXIT_OK;
		case ':':
			ctx.jw = jw_new(stdout);
			detail_set(&ctx, "-m and --map take the name of a map");
			return usage_error(&ctx, "option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			ctx.jw = jw_new(stdout);
			detail_set(&ctx, "the options are -j (--json), -x (--hex), -m (--map) NAME, -h (--help) and -V (--version), before the command");
			return usage_error(&ctx, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	ctx.jw = jw_new(stdout);
	if (!ctx.jw)
		return no_memory(&ctx);
	if (optind >= argc)
		return usage_error(&ctx, "no command given");
	cmd = cmd_find(argv[optind]);
	if (!cmd) {
		cmd_list(&ctx);
		return usage_error(&ctx, "unknown command '%s'", argv[optind]);
	}

	argc -= optind + 1;
	argv += optind + 1;
	args = calloc(argc + 1, sizeof(*args));
	if (!args)
		return no_memory(&ctx);
	for (i = 0; i < argc; i++) {
		args[i].s = argv[i];
		args[i].len = strlen(argv[i]);
	}
	ret = cmd_run(&ctx, cmd, argc, args);
	map_fd_drop(&ctx);
	free(args);
	jw_free(ctx.jw);
	if (fflush(stdout) && !ret)
		ret = EXIT_FAIL;
	return ret;
}
