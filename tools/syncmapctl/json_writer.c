// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: the one JSON writer every command uses.
 *
 * A document ends with a newline when its outermost object or array
 * closes, so each command prints exactly one line.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

#define JW_DEPTH_MAX	16

struct json_writer {
	FILE *f;
	int depth;
	/* Per level: whether the next value needs a comma before it. */
	bool comma[JW_DEPTH_MAX];
	/* A name was just written: the value follows without a comma. */
	bool after_name;
};

struct json_writer *jw_new(FILE *f)
{
	struct json_writer *jw = calloc(1, sizeof(*jw));

	if (jw)
		jw->f = f;
	return jw;
}

void jw_free(struct json_writer *jw)
{
	free(jw);
}

/* Before any value or name: the separator its position needs. */
static void jw_sep(struct json_writer *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (jw->depth > 0 && jw->comma[jw->depth - 1])
		fputc(',', jw->f);
	if (jw->depth > 0)
		jw->comma[jw->depth - 1] = true;
}

static void jw_open(struct json_writer *jw, char c)
{
	jw_sep(jw);
	fputc(c, jw->f);
	if (jw->depth < JW_DEPTH_MAX)
		jw->comma[jw->depth] = false;
	jw->depth++;
}

static void jw_close(struct json_writer *jw, char c)
{
	fputc(c, jw->f);
	if (jw->depth > 0)
		jw->depth--;
	if (!jw->depth) {
		fputc('\n', jw->f);
		fflush(jw->f);
	}
}

void jw_start_object(struct json_writer *jw)
{
	jw_open(jw, '{');
}

void jw_end_object(struct json_writer *jw)
{
	jw_close(jw, '}');
}

void jw_start_array(struct json_writer *jw)
{
	jw_open(jw, '[');
}

void jw_end_array(struct json_writer *jw)
{
	jw_close(jw, ']');
}

static void jw_quote(struct json_writer *jw, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	fputc('"', jw->f);
	for (i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(jw->f, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] <= 0x7e)
			fputc(p[i], jw->f);
		else
			fprintf(jw->f, "\\u%04x", p[i]);
	}
	fputc('"', jw->f);
}

void jw_name(struct json_writer *jw, const char *name)
{
	jw_sep(jw);
	jw_quote(jw, name, strlen(name));
	fputc(':', jw->f);
	jw->after_name = true;
}

void jw_bytes(struct json_writer *jw, const void *data, size_t len)
{
	jw_sep(jw);
	jw_quote(jw, data, len);
}

/* A byte string as a JSON string of lowercase hex digits, two a byte. */
void jw_hex(struct json_writer *jw, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	jw_sep(jw);
	fputc('"', jw->f);
	for (i = 0; i < len; i++)
		fprintf(jw->f, "%02x", p[i]);
	fputc('"', jw->f);
}

void jw_string(struct json_writer *jw, const char *s)
{
	jw_bytes(jw, s, strlen(s));
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	jw_sep(jw);
	fprintf(jw->f, "%" PRIu64, v);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	jw_sep(jw);
	fprintf(jw->f, "%" PRId64, v);
}

/* Up to six significant digits: 0.7, 1, 2.5 (health values, thresholds). */
void jw_double(struct json_writer *jw, double v)
{
	jw_sep(jw);
	fprintf(jw->f, "%.6g", v);
}

void jw_bool(struct json_writer *jw, bool v)
{
	jw_sep(jw);
	fputs(v ? "true" : "false", jw->f);
}

void jw_null(struct json_writer *jw)
{
	jw_sep(jw);
	fputs("null", jw->f);
}

void jw_bytes_field(struct json_writer *jw, const char *name,
		    const void *data, size_t len)
{
	jw_name(jw, name);
	jw_bytes(jw, data, len);
}

void jw_hex_field(struct json_writer *jw, const char *name, const void *data,
		  size_t len)
{
	jw_name(jw, name);
	jw_hex(jw, data, len);
}

void jw_string_field(struct json_writer *jw, const char *name, const char *s)
{
	jw_name(jw, name);
	jw_string(jw, s);
}

void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v)
{
	jw_name(jw, name);
	jw_uint(jw, v);
}

void jw_int_field(struct json_writer *jw, const char *name, int64_t v)
{
	jw_name(jw, name);
	jw_int(jw, v);
}

void jw_double_field(struct json_writer *jw, const char *name, double v)
{
	jw_name(jw, name);
	jw_double(jw, v);
}

void jw_bool_field(struct json_writer *jw, const char *name, bool v)
{
	jw_name(jw, name);
	jw_bool(jw, v);
}

void jw_null_field(struct json_writer *jw, const char *name)
{
	jw_name(jw, name);
	jw_null(jw);
}
