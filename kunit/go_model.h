/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of Go's sync.Map (the Go 1.20-1.23 read/dirty design) for
 * short sequential operation sequences: the reference the KUnit suites
 * compare syncmap's results and counters against.
 *
 * Keys and values are short byte strings; entries are never freed, so a
 * sequence may create at most GO_MODEL_MAX entries.
 */
#ifndef _SYNCMAP_GO_MODEL_H
#define _SYNCMAP_GO_MODEL_H

#include <linux/types.h>

#define GO_MODEL_MAX	1024
#define GO_MODEL_STR	8

enum go_state {
	GO_NIL,
	GO_LIVE,
	GO_EXPUNGED,
};

struct go_str {
	u8 len;
	u8 b[GO_MODEL_STR];
};

struct go_entry {
	struct go_str key;
	struct go_str val;
	enum go_state state;
};

struct go_map {
	struct go_entry ents[GO_MODEL_MAX];
	int nents;
	int read[GO_MODEL_MAX];
	int nread;
	int dirty[GO_MODEL_MAX];
	int ndirty;
	bool dirty_present;
	bool amended;
	u64 misses;
	u64 promotions;
};

/* A result: found/loaded/swapped/deleted, and a value where one exists. */
struct go_result {
	bool ok;
	struct go_str val;
};

void go_init(struct go_map *m);
struct go_result go_load(struct go_map *m, const struct go_str *k);
struct go_result go_swap(struct go_map *m, const struct go_str *k,
			 const struct go_str *v);
struct go_result go_load_or_store(struct go_map *m, const struct go_str *k,
				  const struct go_str *v);
struct go_result go_load_and_delete(struct go_map *m, const struct go_str *k);
bool go_compare_and_swap(struct go_map *m, const struct go_str *k,
			 const struct go_str *old, const struct go_str *new);
bool go_compare_and_delete(struct go_map *m, const struct go_str *k,
			   const struct go_str *old);
void go_range_promote(struct go_map *m);
void go_clear(struct go_map *m);
u64 go_len(const struct go_map *m);

#endif /* _SYNCMAP_GO_MODEL_H */
