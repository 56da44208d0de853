// SPDX-License-Identifier: GPL-2.0
/*
 * A model of Go's sync.Map, transcribed from Go 1.23's src/sync/map.go
 * with the Go maps replaced by arrays of entry indexes.  Slow and simple
 * on purpose: it is the specification the tests hold syncmap to.
 */
#include <linux/string.h>

#include "go_model.h"

static bool str_eq(const struct go_str *a, const struct go_str *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

static int find(const struct go_map *m, const int *set, int n,
		const struct go_str *k)
{
	int i;

	for (i = 0; i < n; i++)
		if (str_eq(&m->ents[set[i]].key, k))
			return set[i];
	return -1;
}

static int find_read(const struct go_map *m, const struct go_str *k)
{
	return find(m, m->read, m->nread, k);
}

static int find_dirty(const struct go_map *m, const struct go_str *k)
{
	return m->dirty_present ? find(m, m->dirty, m->ndirty, k) : -1;
}

static void dirty_remove(struct go_map *m, int e)
{
	int i;

	for (i = 0; i < m->ndirty; i++) {
		if (m->dirty[i] == e) {
			m->dirty[i] = m->dirty[--m->ndirty];
			return;
		}
	}
}

void go_init(struct go_map *m)
{
	memset(m, 0, sizeof(*m));
}

static void promote(struct go_map *m)
{
	memcpy(m->read, m->dirty, sizeof(m->dirty[0]) * m->ndirty);
	m->nread = m->ndirty;
	m->amended = false;
	m->dirty_present = false;
	m->ndirty = 0;
	m->misses = 0;
	m->promotions++;
}

static void miss_locked(struct go_map *m)
{
	m->misses++;
	if (m->misses < m->ndirty)
		return;
	promote(m);
}

static void dirty_locked(struct go_map *m)
{
	int i, e;

	if (m->dirty_present)
		return;
	m->dirty_present = true;
	m->ndirty = 0;
	for (i = 0; i < m->nread; i++) {
		e = m->read[i];
		if (m->ents[e].state == GO_NIL)
			m->ents[e].state = GO_EXPUNGED;
		if (m->ents[e].state != GO_EXPUNGED)
			m->dirty[m->ndirty++] = e;
	}
}

static int new_entry(struct go_map *m, const struct go_str *k,
		     const struct go_str *v)
{
	int e = m->nents++;

	m->ents[e].key = *k;
	m->ents[e].val = *v;
	m->ents[e].state = GO_LIVE;
	if (!m->amended) {
		dirty_locked(m);
		m->amended = true;
	}
	m->dirty[m->ndirty++] = e;
	return e;
}

static void unexpunge(struct go_map *m, int e)
{
	if (m->ents[e].state == GO_EXPUNGED) {
		m->ents[e].state = GO_NIL;
		m->dirty[m->ndirty++] = e;
	}
}

static struct go_result value_of(const struct go_map *m, int e)
{
	struct go_result r = {};

	if (e >= 0 && m->ents[e].state == GO_LIVE) {
		r.ok = true;
		r.val = m->ents[e].val;
	}
	return r;
}

struct go_result go_load(struct go_map *m, const struct go_str *k)
{
	int e = find_read(m, k);

	if (e < 0 && m->amended) {
		e = find_dirty(m, k);
		miss_locked(m);
	}
	return value_of(m, e);
}

static struct go_result swap_entry(struct go_map *m, int e,
				   const struct go_str *v)
{
	struct go_result r = value_of(m, e);

	m->ents[e].val = *v;
	m->ents[e].state = GO_LIVE;
	return r;
}

struct go_result go_swap(struct go_map *m, const struct go_str *k,
			 const struct go_str *v)
{
	struct go_result r = {};
	int e = find_read(m, k);

	if (e >= 0 && m->ents[e].state != GO_EXPUNGED)
		return swap_entry(m, e, v);
	if (e >= 0) {
		unexpunge(m, e);
		return swap_entry(m, e, v);
	}
	e = find_dirty(m, k);
	if (e >= 0)
		return swap_entry(m, e, v);
	new_entry(m, k, v);
	return r;
}

static struct go_result try_load_or_store(struct go_map *m, int e,
					  const struct go_str *v)
{
	struct go_result r = value_of(m, e);

	if (!r.ok) {
		m->ents[e].val = *v;
		m->ents[e].state = GO_LIVE;
		r.val = *v;
	}
	return r;
}

struct go_result go_load_or_store(struct go_map *m, const struct go_str *k,
				  const struct go_str *v)
{
	struct go_result r = { .ok = false, .val = *v };
	int e = find_read(m, k);

	if (e >= 0) {
		unexpunge(m, e);
		return try_load_or_store(m, e, v);
	}
	e = find_dirty(m, k);
	if (e >= 0) {
		r = try_load_or_store(m, e, v);
		miss_locked(m);
		return r;
	}
	new_entry(m, k, v);
	return r;
}

struct go_result go_load_and_delete(struct go_map *m, const struct go_str *k)
{
	struct go_result r;
	int e = find_read(m, k);

	if (e < 0 && m->amended) {
		e = find_dirty(m, k);
		if (e >= 0)
			dirty_remove(m, e);
		miss_locked(m);
	}
	r = value_of(m, e);
	if (r.ok)
		m->ents[e].state = GO_NIL;
	return r;
}

static bool try_compare_and_swap(struct go_map *m, int e,
				 const struct go_str *old,
				 const struct go_str *new)
{
	if (m->ents[e].state != GO_LIVE || !str_eq(&m->ents[e].val, old))
		return false;
	m->ents[e].val = *new;
	return true;
}

bool go_compare_and_swap(struct go_map *m, const struct go_str *k,
			 const struct go_str *old, const struct go_str *new)
{
	int e = find_read(m, k);
	bool swapped;

	if (e >= 0)
		return try_compare_and_swap(m, e, old, new);
	if (!m->amended)
		return false;
	e = find_dirty(m, k);
	if (e < 0)
		return false;
	swapped = try_compare_and_swap(m, e, old, new);
	miss_locked(m);
	return swapped;
}

bool go_compare_and_delete(struct go_map *m, const struct go_str *k,
			   const struct go_str *old)
{
	int e = find_read(m, k);

	if (e < 0 && m->amended) {
		e = find_dirty(m, k);
		miss_locked(m);
	}
	if (e < 0 || m->ents[e].state != GO_LIVE ||
	    !str_eq(&m->ents[e].val, old))
		return false;
	m->ents[e].state = GO_NIL;
	return true;
}

/* Range's promotion; the walk itself is over m->read afterwards. */
void go_range_promote(struct go_map *m)
{
	if (m->amended)
		promote(m);
}

void go_clear(struct go_map *m)
{
	if (!m->nread && !m->amended)
		return;
	m->nread = 0;
	m->amended = false;
	m->ndirty = 0;
	m->misses = 0;
}

/* Live entries of read and dirty together. */
u64 go_len(const struct go_map *m)
{
	u64 n = 0;
	int i;

	for (i = 0; i < m->nread; i++)
		n += m->ents[m->read[i]].state == GO_LIVE;
	for (i = 0; i < m->ndirty; i++)
		n += m->ents[m->dirty[i]].state == GO_LIVE &&
		     find_read(m, &m->ents[m->dirty[i]].key) < 0;
	return n;
}
