// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: the operations on one map (the map of -m).
 *
 * Each command parses its byte strings, binds a file to the map with the
 * access it needs, runs one libsyncmap operation and prints its result.  A negative
 * result (absent key, cas or cad that did not happen) is a success.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmapctl.h"

/* Where values come back: the largest value fits. */
static unsigned char value_buf[SYNCMAP_VALUE_MAX];

/* Parse @n byte-string arguments after checking the count. */
static int parse_args(struct ctx *ctx, int argc, const struct arg *argv,
		      int n, struct bytes *b)
{
	int i, ret;

	if (argc != n)
		return usage_args(ctx, argc);
	for (i = 0; i < n; i++) {
		ret = bytes_parse(ctx, &argv[i], &b[i]);
		if (ret) {
			while (i--)
				bytes_free(&b[i]);
			return ret;
		}
	}
	return EXIT_OK;
}

static void free_args(struct bytes *b, int n)
{
	while (n--)
		bytes_free(&b[n]);
}

/* The operations of this file, as libsyncmap has them. */
enum op {
	OP_STORE,
	OP_LOAD,
	OP_LOAD_OR_STORE,
	OP_LOAD_AND_DELETE,
	OP_DELETE,
	OP_SWAP,
	OP_CAS,
	OP_CAD,
};

/* What an operation returned: its result, and the value in value_buf. */
struct op_out {
	bool result;
	size_t len;
};

/*
 * Run one operation on the map.  @value (or the new value of a cas) and
 * @old may be NULL; a value that comes back lands in value_buf.
 */
static int run_op(struct ctx *ctx, int need, enum op op,
		  const struct bytes *key, const struct bytes *value,
		  const struct bytes *old, struct op_out *out)
{
	const void *k = key->data;
	size_t kl = key->len, len = 0;
	int fd, ret;

	ret = map_fd(ctx, need, &fd);
	if (ret)
		return ret;
	switch (op) {
	case OP_STORE:
		ret = syncmap_store(fd, k, kl, value->data, value->len);
		break;
	case OP_LOAD:
		ret = syncmap_load(fd, k, kl, value_buf, sizeof(value_buf),
				   &len);
		break;
	case OP_LOAD_OR_STORE:
		ret = syncmap_load_or_store(fd, k, kl, value->data, value->len,
					    value_buf, sizeof(value_buf), &len);
		break;
	case OP_LOAD_AND_DELETE:
		ret = syncmap_load_and_delete(fd, k, kl, value_buf,
					      sizeof(value_buf), &len);
		break;
	case OP_DELETE:
		ret = syncmap_delete(fd, k, kl);
		break;
	case OP_SWAP:
		ret = syncmap_swap(fd, k, kl, value->data, value->len,
				   value_buf, sizeof(value_buf), &len);
		break;
	case OP_CAS:
		ret = syncmap_compare_and_swap(fd, k, kl, old->data, old->len,
					       value->data, value->len);
		break;
	case OP_CAD:
		ret = syncmap_compare_and_delete(fd, k, kl, old->data,
						 old->len);
		break;
	}
	if (ret < 0) {
		explain_sizes(ctx, -ret, ctx->map, key->len,
			      value ? value->len : 0, old ? old->len : 0);
		return fail(ctx, -ret, "");
	}
	out->result = ret;
	out->len = len;
	return EXIT_OK;
}

int do_store(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes b[2];
	int ret;

	ret = parse_args(ctx, argc, argv, 2, b);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_WRITE, OP_STORE, &b[0], &b[1], NULL, &op);
	free_args(b, 2);
	return ret ? ret : print_ok(ctx);
}

/**
 * print_load() - print the result of a load
 * @ctx: the command.
 * @found: the key was present.
 * @value: its value.
 * @len: the value's length.
 *
 * Return: EXIT_OK.
 */
int print_load(struct ctx *ctx, bool found, const void *value, size_t len)
{
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_bool_field(ctx->jw, "found", found);
		if (found)
			bytes_json_field(ctx, "value", value, len);
		else
			jw_null_field(ctx->jw, "value");
		jw_end_object(ctx->jw);
	} else if (found) {
		bytes_print(ctx, value, len);
		putchar('\n');
	} else {
		puts("(not found)");
	}
	return EXIT_OK;
}

int do_load(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes key;
	int ret;

	ret = parse_args(ctx, argc, argv, 1, &key);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_READ, OP_LOAD, &key, NULL, NULL, &op);
	bytes_free(&key);
	if (ret)
		return ret;
	return print_load(ctx, op.result, value_buf, op.len);
}

/* {"loaded":BOOL,"value":STR|null}, or a line for people. */
static int print_loaded(struct ctx *ctx, bool loaded, bool has_value,
			size_t len, const char *yes, const char *no)
{
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_bool_field(ctx->jw, "loaded", loaded);
		if (has_value)
			bytes_json_field(ctx, "value", value_buf, len);
		else
			jw_null_field(ctx->jw, "value");
		jw_end_object(ctx->jw);
		return EXIT_OK;
	}
	fputs(loaded ? yes : no, stdout);
	if (has_value)
		bytes_print(ctx, value_buf, len);
	putchar('\n');
	return EXIT_OK;
}

int do_load_or_store(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes b[2];
	int ret;

	ret = parse_args(ctx, argc, argv, 2, b);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_READ | NEED_WRITE, OP_LOAD_OR_STORE, &b[0],
		     &b[1], NULL, &op);
	free_args(b, 2);
	if (ret)
		return ret;
	/* The value now in the map: the loaded one, or the one stored. */
	return print_loaded(ctx, op.result, true, op.len, "loaded: ",
			    "stored: ");
}

int do_load_and_delete(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes key;
	int ret;

	ret = parse_args(ctx, argc, argv, 1, &key);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_READ | NEED_WRITE, OP_LOAD_AND_DELETE, &key,
		     NULL, NULL, &op);
	bytes_free(&key);
	if (ret)
		return ret;
	return print_loaded(ctx, op.result, op.result, op.len,
			    "deleted: ", "(not found)");
}

int do_delete(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes key;
	int ret;

	ret = parse_args(ctx, argc, argv, 1, &key);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_WRITE, OP_DELETE, &key, NULL, NULL, &op);
	bytes_free(&key);
	return ret ? ret : print_ok(ctx);
}

int do_swap(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes b[2];
	int ret;

	ret = parse_args(ctx, argc, argv, 2, b);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_READ | NEED_WRITE, OP_SWAP, &b[0], &b[1], NULL,
		     &op);
	free_args(b, 2);
	if (ret)
		return ret;
	return print_loaded(ctx, op.result, op.result, op.len,
			    "previous: ", "previous: (none)");
}

static int print_happened(struct ctx *ctx, const char *field, bool yes,
			  const char *plain_yes, const char *plain_no)
{
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_bool_field(ctx->jw, field, yes);
		jw_end_object(ctx->jw);
	} else {
		puts(yes ? plain_yes : plain_no);
	}
	return EXIT_OK;
}

int do_cas(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes b[3];
	int ret;

	ret = parse_args(ctx, argc, argv, 3, b);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_READ | NEED_WRITE, OP_CAS, &b[0], &b[2], &b[1],
		     &op);
	free_args(b, 3);
	if (ret)
		return ret;
	return print_happened(ctx, "swapped", op.result, "swapped",
			      "not swapped");
}

int do_cad(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct op_out op;
	struct bytes b[2];
	int ret;

	ret = parse_args(ctx, argc, argv, 2, b);
	if (ret)
		return ret;
	ret = run_op(ctx, NEED_READ | NEED_WRITE, OP_CAD, &b[0], NULL, &b[1],
		     &op);
	free_args(b, 2);
	if (ret)
		return ret;
	return print_happened(ctx, "deleted", op.result, "deleted",
			      "not deleted");
}

int do_clear(struct ctx *ctx, int argc, const struct arg *argv)
{
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	ret = map_fd(ctx, NEED_WRITE, &fd);
	if (ret)
		return ret;
	ret = syncmap_clear(fd);
	if (ret)
		return map_fail(ctx, -ret);
	return print_ok(ctx);
}

int do_len(struct ctx *ctx, int argc, const struct arg *argv)
{
	__u64 len;
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	ret = map_fd(ctx, NEED_READ, &fd);
	if (ret)
		return ret;
	ret = syncmap_len(fd, &len);
	if (ret)
		return map_fail(ctx, -ret);
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_uint_field(ctx->jw, "len", len);
		jw_end_object(ctx->jw);
	} else {
		printf("%llu\n", (unsigned long long)len);
	}
	return EXIT_OK;
}

/* The walk's records, gathered before anything is printed. */
struct walk_out {
	unsigned char *data;
	size_t len;
	size_t room;
};

/* Append one record to @w, in the layout SYNCMAP_IOC_WALK gives it. */
static int walk_append(struct walk_out *w, const void *key, size_t key_len,
		       const void *value, size_t value_len)
{
	size_t size = SYNCMAP_WALK_ENTRY_SIZE(key_len, value_len);
	struct syncmap_walk_entry e = { key_len, value_len };
	unsigned char *p;

	if (w->room - w->len < size) {
		w->room = w->room * 2 + size;
		p = realloc(w->data, w->room);
		if (!p)
			return -ENOMEM;
		w->data = p;
	}
	p = w->data + w->len;
	memset(p, 0, size);
	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), key, key_len);
	memcpy(p + sizeof(e) + key_len, value, value_len);
	w->len += size;
	return 0;
}

/* Every record of a walk of the map bound to @fd, before any is printed. */
static int walk_all(struct ctx *ctx, int fd, struct walk_out *w)
{
	const void *key, *value;
	size_t key_len, value_len;
	struct syncmap_walk *walk;
	int ret;

	if (syncmap_walk_new(fd, 0, &walk))
		return no_memory(ctx);
	while ((ret = syncmap_walk_next(walk, &key, &key_len, &value,
					&value_len)) > 0) {
		if (walk_append(w, key, key_len, value, value_len)) {
			syncmap_walk_free(walk);
			return no_memory(ctx);
		}
	}
	syncmap_walk_free(walk);
	return ret ? map_fail(ctx, -ret) : EXIT_OK;
}

/* The record of a walk at *@off, advancing *@off past it; false at the end. */
static bool walk_next(const struct walk_out *w, size_t *off,
		      const struct syncmap_walk_entry **e,
		      const unsigned char **key, const unsigned char **value)
{
	if (*off >= w->len)
		return false;
	*e = (const struct syncmap_walk_entry *)(w->data + *off);
	*key = w->data + *off + sizeof(**e);
	*value = *key + (*e)->key_len;
	*off += SYNCMAP_WALK_ENTRY_SIZE((*e)->key_len, (*e)->value_len);
	return true;
}

int do_range(struct ctx *ctx, int argc, const struct arg *argv)
{
	const struct syncmap_walk_entry *e;
	const unsigned char *key, *value;
	struct walk_out w = { 0 };
	size_t off, width = 0, kw;
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	ret = map_fd(ctx, NEED_READ, &fd);
	if (ret)
		return ret;
	ret = walk_all(ctx, fd, &w);
	if (ret)
		goto out;

	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_name(ctx->jw, "entries");
		jw_start_array(ctx->jw);
		for (off = 0; walk_next(&w, &off, &e, &key, &value);) {
			jw_start_object(ctx->jw);
			bytes_json_field(ctx, "key", key, e->key_len);
			bytes_json_field(ctx, "value", value, e->value_len);
			jw_end_object(ctx->jw);
		}
		jw_end_array(ctx->jw);
		jw_end_object(ctx->jw);
		goto out;
	}
	/* Keys in one column, as wide as the widest up to a point. */
	for (off = 0; walk_next(&w, &off, &e, &key, &value);) {
		kw = bytes_width(ctx, key, e->key_len);
		if (kw > width && kw <= 40)
			width = kw;
	}
	for (off = 0; walk_next(&w, &off, &e, &key, &value);) {
		kw = bytes_width(ctx, key, e->key_len);
		bytes_print(ctx, key, e->key_len);
		printf("%*s  ", (int)(kw < width ? width - kw : 0), "");
		bytes_print(ctx, value, e->value_len);
		putchar('\n');
	}
out:
	free(w.data);
	return ret;
}
