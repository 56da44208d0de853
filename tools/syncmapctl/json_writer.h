/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmapctl: the one JSON writer every command uses.
 *
 * Compact output, one document per line.  Byte strings follow syncmapctl's
 * contract: bytes 0x20-0x7e stand for themselves (with '"' and '\' escaped)
 * and every other byte is written as \u00XX; jw_hex() writes them as
 * lowercase hex digits instead (syncmapctl -x).
 */
#ifndef SYNCMAPCTL_JSON_WRITER_H
#define SYNCMAPCTL_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct json_writer *jw_new(FILE *f);
void jw_free(struct json_writer *jw);

void jw_start_object(struct json_writer *jw);
void jw_end_object(struct json_writer *jw);
void jw_start_array(struct json_writer *jw);
void jw_end_array(struct json_writer *jw);

void jw_name(struct json_writer *jw, const char *name);
void jw_bytes(struct json_writer *jw, const void *data, size_t len);
void jw_hex(struct json_writer *jw, const void *data, size_t len);
void jw_string(struct json_writer *jw, const char *s);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
void jw_double(struct json_writer *jw, double v);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);

/* Name and value at once. */
void jw_bytes_field(struct json_writer *jw, const char *name,
		    const void *data, size_t len);
void jw_hex_field(struct json_writer *jw, const char *name, const void *data,
		  size_t len);
void jw_string_field(struct json_writer *jw, const char *name, const char *s);
void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v);
void jw_int_field(struct json_writer *jw, const char *name, int64_t v);
void jw_double_field(struct json_writer *jw, const char *name, double v);
void jw_bool_field(struct json_writer *jw, const char *name, bool v);
void jw_null_field(struct json_writer *jw, const char *name);

#endif /* SYNCMAPCTL_JSON_WRITER_H */
