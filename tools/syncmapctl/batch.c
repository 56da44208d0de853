// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: batch FILE|-, one command a line.
 *
 * Lines run in order, each with its own semantics and output, and the
 * batch stops at the first failing line, naming its number.  Runs of
 * consecutive store, load or delete lines go to the kernel as one batch
 * call (syncmap_batch_store() and its kin) with SYNCMAP_BATCH_STOP: the
 * items run in order exactly as the single commands would, and the kernel
 * stops at the first failing item, so grouping changes nothing but the
 * number of system calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmapctl.h"

/* Most lines in one batch ioctl; loads each need a value buffer. */
#define GROUP_MAX	SYNCMAP_BATCH_MAX
#define LOAD_GROUP_MAX	256

struct line {
	unsigned int no;
	struct arg *argv;
	int argc;
	const char *err;
};

static char *read_all(FILE *f, size_t *len)
{
	size_t room = 65536, n = 0, got;
	char *buf = malloc(room + 1), *p;

	while (buf) {
		got = fread(buf + n, 1, room - n, f);
		n += got;
		if (n < room) {
			if (ferror(f))
				break;
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		room *= 2;
		p = realloc(buf, room + 1);
		if (!p)
			break;
		buf = p;
	}
	free(buf);
	return NULL;
}

/* The batches lines may be grouped into. */
enum group {
	GROUP_NONE,
	GROUP_STORE,
	GROUP_DELETE,
	GROUP_LOAD,
};

/* The batch a line may join, or GROUP_NONE. */
static enum group group_cmd(const struct line *l, int *need, size_t *max)
{
	if (l->err || !l->argc || l->argv[0].quoted)
		return GROUP_NONE;
	if (!strcmp(l->argv[0].s, "store") && l->argc == 3) {
		*need = NEED_WRITE;
		*max = GROUP_MAX;
		return GROUP_STORE;
	}
	if (!strcmp(l->argv[0].s, "delete") && l->argc == 2) {
		*need = NEED_WRITE;
		*max = GROUP_MAX;
		return GROUP_DELETE;
	}
	if (!strcmp(l->argv[0].s, "load") && l->argc == 2) {
		*need = NEED_READ;
		*max = LOAD_GROUP_MAX;
		return GROUP_LOAD;
	}
	return GROUP_NONE;
}

/* Whether every byte string of the line parses (else it runs alone). */
static bool parses(const struct ctx *ctx, const struct line *l)
{
	int i;

	for (i = 1; i < l->argc; i++)
		if (!bytes_valid(ctx, &l->argv[i]))
			return false;
	return true;
}

/* Run lines [0, n) of one kind as one batch call; an EXIT_* status. */
static int run_group(struct ctx *ctx, enum group cmd, int need,
		     const struct line *lines, size_t n)
{
	struct syncmap_batch_item *items;
	struct bytes *args;
	unsigned char *out = NULL;
	size_t i, done, nargs = lines[0].argc - 1;
	int fd, ret;

	ctx->line = lines[0].no;
	ctx->cmd = lines[0].argv[0].s;
	items = calloc(n, sizeof(*items));
	args = calloc(n * nargs, sizeof(*args));
	if (cmd == GROUP_LOAD)
		out = malloc(n * SYNCMAP_VALUE_MAX);
	if (!items || !args || (cmd == GROUP_LOAD && !out)) {
		ret = no_memory(ctx);
		goto free;
	}
	for (i = 0; i < n; i++) {
		struct bytes *a = &args[i * nargs];

		ret = bytes_parse(ctx, &lines[i].argv[1], &a[0]);
		if (!ret && nargs > 1)
			ret = bytes_parse(ctx, &lines[i].argv[2], &a[1]);
		if (ret)
			goto free;
		if (cmd == GROUP_STORE)
			syncmap_batch_item_set(&items[i], a[0].data, a[0].len,
					       a[1].data, a[1].len);
		else if (cmd == GROUP_LOAD)
			syncmap_batch_item_set(&items[i], a[0].data, a[0].len,
					       out + i * SYNCMAP_VALUE_MAX,
					       SYNCMAP_VALUE_MAX);
		else
			syncmap_batch_item_set(&items[i], a[0].data, a[0].len,
					       NULL, 0);
	}
	ret = map_fd(ctx, need, &fd);
	if (ret)
		goto free;
	if (cmd == GROUP_STORE)
		ret = syncmap_batch_store(fd, items, n, SYNCMAP_BATCH_STOP);
	else if (cmd == GROUP_LOAD)
		ret = syncmap_batch_load(fd, items, n, SYNCMAP_BATCH_STOP);
	else
		ret = syncmap_batch_delete(fd, items, n, SYNCMAP_BATCH_STOP);
	if (ret < 0) {
		ret = map_fail(ctx, -ret);
		goto free;
	}
	done = ret;
	for (i = 0; i < done; i++) {
		ctx->line = lines[i].no;
		if (items[i].result < 0) {
			explain_sizes(ctx, -items[i].result, ctx->map,
				      args[i * nargs].len,
				      cmd == GROUP_STORE ?
				      args[i * nargs + 1].len : 0, 0);
			ret = fail(ctx, -items[i].result, "");
			goto free;
		}
		if (cmd == GROUP_LOAD)
			print_load(ctx, items[i].result == 1,
				   out + i * SYNCMAP_VALUE_MAX,
				   items[i].value_len);
		else
			print_ok(ctx);
	}
	ret = EXIT_OK;
free:
	if (args)
		for (i = 0; i < n * nargs; i++)
			bytes_free(&args[i]);
	free(args);
	free(items);
	free(out);
	ctx->cmd = NULL;
	return ret;
}

static int run_lines(struct ctx *ctx, struct line *lines, size_t n)
{
	const struct cmd *cmd;
	size_t i = 0, j, max;
	enum group gcmd;
	int need, ret;

	while (i < n) {
		struct line *l = &lines[i];

		ctx->line = l->no;
		if (l->err) {
			detail_set(ctx, "a batch line is tokens separated by blanks; a double-quoted token holds the escapes \\\\ \\\" \\n \\t \\xNN and ends at its closing quote");
			return usage_error(ctx, "%s", l->err);
		}
		gcmd = group_cmd(l, &need, &max);
		if (gcmd && parses(ctx, l)) {
			for (j = i + 1; j < n && j - i < max; j++) {
				int need2;
				size_t max2;

				if (group_cmd(&lines[j], &need2, &max2) != gcmd ||
				    !parses(ctx, &lines[j]))
					break;
			}
			ret = run_group(ctx, gcmd, need, l, j - i);
			if (ret)
				return ret;
			i = j;
			continue;
		}
		cmd = cmd_find(l->argv[0].s);
		if (!cmd) {
			cmd_list(ctx);
			return usage_error(ctx, "unknown command '%s'",
					   l->argv[0].s);
		}
		if (!strcmp(cmd->name, "batch")) {
			detail_set(ctx, "a batch file may hold every command but batch");
			return usage_error(ctx, "batch does not nest");
		}
		ret = cmd_run(ctx, cmd, l->argc - 1, l->argv + 1);
		if (ret)
			return ret;
		i++;
	}
	return EXIT_OK;
}

int do_batch(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct line *lines = NULL, *nl;
	size_t len, n = 0, room = 0, i;
	char *text, *p, *eol;
	unsigned int no = 0;
	FILE *f;
	int ret;

	if (argc != 1)
		return usage_args(ctx, argc);
	if (!strcmp(argv[0].s, "-")) {
		f = stdin;
	} else {
		f = fopen(argv[0].s, "r");
		if (!f) {
			int err = errno;

			detail_set(ctx, "batch reads its commands from the file FILE, or from standard input when FILE is -");
			return fail(ctx, err, "cannot open '%s'", argv[0].s);
		}
	}
	text = read_all(f, &len);
	if (!text) {
		ret = fail(ctx, errno ? errno : ENOMEM, "cannot read '%s'",
			   argv[0].s);
		if (f != stdin)
			fclose(f);
		return ret;
	}
	if (f != stdin)
		fclose(f);

	/* All lines are split first; they run in order afterwards. */
	for (p = text; p < text + len; p = eol + 1) {
		struct line l = { .no = ++no };

		eol = memchr(p, '\n', text + len - p);
		if (!eol)
			eol = text + len;
		*eol = '\0';
		if (tokenize(p, &l.argv, &l.argc, &l.err))
			l.argv = NULL;
		else if (!l.argc)
			continue;
		if (n == room) {
			room = room ? 2 * room : 64;
			nl = realloc(lines, room * sizeof(*lines));
			if (!nl) {
				ret = no_memory(ctx);
				goto out;
			}
			lines = nl;
		}
		lines[n++] = l;
	}

	ctx->cmd = NULL;
	ret = run_lines(ctx, lines, n);
	ctx->line = 0;
out:
	for (i = 0; i < n; i++)
		free(lines[i].argv);
	free(lines);
	free(text);
	return ret;
}
