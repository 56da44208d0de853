// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: byte strings in and out, and the tokens of batch lines.
 *
 * In: an argument's bytes, or hex digits after "hex:"; a double-quoted
 * batch token holds C escapes and is never hex-decoded.  Out (plain): the
 * bytes when they are all printable, else "hex:" and hex digits, so that
 * what is printed can be typed back.
 *
 * Under -x (--hex) every bare argument is hex digits, "hex:" optional, and
 * every byte string printed, plain or JSON, is lowercase hex digits: what
 * is printed is what -x reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmapctl.h"

#define HEX_PREFIX	"hex:"
#define HEX_PREFIX_LEN	4

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool has_prefix(const struct arg *a)
{
	return a->len >= HEX_PREFIX_LEN &&
	       !memcmp(a->s, HEX_PREFIX, HEX_PREFIX_LEN);
}

/*
 * Where the hex digits of @a start, or NULL when @a stands for its own
 * bytes: a quoted token never is hex; a bare one is after "hex:", and
 * under -x with or without it.
 */
static const char *hex_digits(const struct ctx *ctx, const struct arg *a)
{
	if (a->quoted)
		return NULL;
	if (has_prefix(a))
		return a->s + HEX_PREFIX_LEN;
	return ctx->hex ? a->s : NULL;
}

/* 0, or -1 with the offset of the first bad digit of @s (@n long) in *@at. */
static int hex_check(const char *s, size_t n, size_t *at)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (hex_digit((unsigned char)s[i]) < 0) {
			*at = i;
			return -1;
		}
	}
	*at = n;
	return n % 2 ? -1 : 0;
}

/**
 * bytes_parse() - the byte string an argument stands for
 * @ctx: the command, for errors and -x.
 * @a: the argument.
 * @b: set to a copy of the bytes (free with bytes_free()).
 *
 * Return: EXIT_OK, or EXIT_USAGE for bad hex.
 */
int bytes_parse(struct ctx *ctx, const struct arg *a, struct bytes *b)
{
	const char *s = hex_digits(ctx, a);
	size_t i, n, at;

	b->len = 0;
	if (!s) {
		b->data = malloc(a->len + 1);
		if (!b->data)
			return no_memory(ctx);
		memcpy(b->data, a->s, a->len);
		b->len = a->len;
		return EXIT_OK;
	}
	n = a->len - (s - a->s);
	if (hex_check(s, n, &at)) {
		detail_set(ctx, "hex digits are 0-9 and a-f (or A-F), two for each byte%s%s",
			   ctx->hex ? "; under -x every bare argument is hex" : "",
			   ctx->hex && ctx->line ? " (a double-quoted token is not)" : "");
		if (at < n)
			return usage_error(ctx, "'%c' is not a hex digit, in '%s'",
					   s[at], a->s);
		return usage_error(ctx, "odd number of hex digits (%zu) in '%s'",
				   n, a->s);
	}
	b->data = malloc(n / 2 + 1);
	if (!b->data)
		return no_memory(ctx);
	for (i = 0; i < n; i += 2)
		b->data[b->len++] = hex_digit((unsigned char)s[i]) << 4 |
				    hex_digit((unsigned char)s[i + 1]);
	return EXIT_OK;
}

/* Whether bytes_parse() would accept the argument. */
bool bytes_valid(const struct ctx *ctx, const struct arg *a)
{
	const char *s = hex_digits(ctx, a);
	size_t at;

	return !s || !hex_check(s, a->len - (s - a->s), &at);
}

void bytes_free(struct bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static bool printable(const unsigned char *p, size_t len)
{
	size_t i;

	if (!len)
		return false;
	if (len >= HEX_PREFIX_LEN && !memcmp(p, HEX_PREFIX, HEX_PREFIX_LEN))
		return false;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* How many columns bytes_print() takes. */
size_t bytes_width(const struct ctx *ctx, const void *data, size_t len)
{
	if (!len)
		return 2;
	if (ctx->hex)
		return 2 * len;
	if (printable(data, len))
		return len;
	return HEX_PREFIX_LEN + 2 * len;
}

static void hex_print(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

/* Print a byte string for people: as is, "" or hex:...; hex under -x. */
void bytes_print(const struct ctx *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!len) {
		fputs("\"\"", stdout);
	} else if (ctx->hex) {
		hex_print(p, len);
	} else if (printable(p, len)) {
		fwrite(p, 1, len, stdout);
	} else {
		fputs(HEX_PREFIX, stdout);
		hex_print(p, len);
	}
}

/**
 * bytes_json_field() - a byte string as a JSON member
 * @ctx: the command: under -x the value is lowercase hex digits, else the
 *       bytes as json_writer.h writes them.
 * @name: the member's name.
 * @data: the bytes.
 * @len: their number.
 */
void bytes_json_field(struct ctx *ctx, const char *name, const void *data,
		      size_t len)
{
	if (ctx->hex)
		jw_hex_field(ctx->jw, name, data, len);
	else
		jw_bytes_field(ctx->jw, name, data, len);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Decode a quoted token in place, from @p just after its opening quote.
 * Sets *@end after the closing quote and returns the decoded length, or
 * -1 with *@err set.
 */
static long unquote(char *p, char **end, const char **err)
{
	char *start = p, *out = p;
	int hi, lo;

	for (;;) {
		char c = *p++;

		switch (c) {
		case '\0':
			*err = "missing closing quote";
			return -1;
		case '"':
			*end = p;
			return out - start;
		case '\\':
			c = *p++;
			switch (c) {
			case '\\':
			case '"':
				*out++ = c;
				break;
			case 'n':
				*out++ = '\n';
				break;
			case 't':
				*out++ = '\t';
				break;
			case 'x':
				hi = hex_digit((unsigned char)p[0]);
				lo = hi < 0 ? -1 : hex_digit((unsigned char)p[1]);
				if (lo < 0) {
					*err = "\\x needs two hex digits";
					return -1;
				}
				*out++ = hi << 4 | lo;
				p += 2;
				break;
			default:
				*err = "unknown escape (known: \\\\ \\\" \\n \\t \\xNN)";
				return -1;
			}
			break;
		default:
			*out++ = c;
		}
	}
}

/**
 * tokenize() - split a batch line into arguments, in place
 * @line: the line, without its newline; modified.
 * @argv: set to an array of *@argc arguments pointing into @line
 *        (free() it); NULL when the line is blank or a comment.
 * @argc: set to the number of tokens.
 * @err: set to the reason on failure.
 *
 * Return: 0, or -1 with *@err set.
 */
int tokenize(char *line, struct arg **argv, int *argc, const char **err)
{
	struct arg *v = NULL, *nv;
	size_t room = 0;
	int n = 0;
	char *p = line;

	*argv = NULL;
	*argc = 0;
	while (blank(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	while (*p) {
		struct arg a = { 0 };

		if (*p == '"') {
			char *start = ++p, *end;
			long len = unquote(p, &end, err);

			if (len < 0)
				goto fail;
			if (*end && !blank(*end)) {
				*err = "text after a closing quote";
				goto fail;
			}
			a.s = start;
			a.len = len;
			a.quoted = true;
			p = end;
			if (*p)
				p++;
			start[len] = '\0';
		} else {
			a.s = p;
			while (*p && !blank(*p))
				p++;
			a.len = p - a.s;
			if (*p)
				*p++ = '\0';
		}
		if ((size_t)n == room) {
			room = room ? 2 * room : 8;
			nv = realloc(v, room * sizeof(*v));
			if (!nv) {
				*err = strerror(ENOMEM);
				goto fail;
			}
			v = nv;
		}
		v[n++] = a;
		while (blank(*p))
			p++;
	}
	*argv = v;
	*argc = n;
	return 0;
fail:
	free(v);
	return -1;
}
