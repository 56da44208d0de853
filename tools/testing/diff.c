// SPDX-License-Identifier: GPL-2.0
/*
 * The differential harness (diff.h): syncmap's core against the model of
 * Go's sync.Map, one operation at a time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <shim.h>

#include "diff.h"
#include "map.h"

/* The bytes of an argument one longer than its maximum: only the length matters. */
static u8 big[SYNCMAP_VALUE_MAX + 1];

/* A value no stored value equals: the model's stand-in for a huge @old. */
static const struct go_str never = { .len = GO_MODEL_STR + 1 };

static const char *const names[DIFF_OP_NR] = {
	[DIFF_LOAD] = "load",
	[DIFF_STORE] = "store",
	[DIFF_LOAD_OR_STORE] = "load_or_store",
	[DIFF_LOAD_AND_DELETE] = "load_and_delete",
	[DIFF_DELETE] = "delete",
	[DIFF_SWAP] = "swap",
	[DIFF_COMPARE_AND_SWAP] = "compare_and_swap",
	[DIFF_COMPARE_AND_DELETE] = "compare_and_delete",
	[DIFF_CLEAR] = "clear",
	[DIFF_RANGE] = "range",
	[DIFF_ITER] = "iter",
	[DIFF_LEN] = "len",
};

const char *diff_op_name(enum diff_opcode code)
{
	return code < DIFF_OP_NR ? names[code] : "?";
}

static int str_print(char *buf, size_t size, const struct go_str *s)
{
	int i, n = snprintf(buf, size, "\"");

	for (i = 0; i < s->len && i < GO_MODEL_STR; i++)
		n += snprintf(buf + n, size > (size_t)n ? size - n : 0,
			      s->b[i] >= ' ' && s->b[i] < 127 ? "%c" : "\\x%02x",
			      s->b[i]);
	return n + snprintf(buf + n, size > (size_t)n ? size - n : 0, "\"");
}

void diff_op_print(const struct diff_op *op, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s(", diff_op_name(op->code));

	n += str_print(buf + n, size - n, &op->key);
	n += snprintf(buf + n, size - n, ", ");
	n += str_print(buf + n, size - n, &op->val);
	n += snprintf(buf + n, size - n, ", old ");
	n += str_print(buf + n, size - n, &op->old);
	snprintf(buf + n, size - n, ", buf %u%s%s%s fail_nth %d chunk %d)",
		 op->buf_size,
		 op->oversize == DIFF_BIG_KEY ? ", big key" : "",
		 op->oversize == DIFF_BIG_VALUE ? ", big value" : "",
		 op->oversize == DIFF_BIG_OLD ? ", big old" : "",
		 op->fail_nth, op->chunk);
}

static int fail(struct diff *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- The model's state before an operation ---- */

static int find(const struct go_map *m, const int *set, int n,
		const struct go_str *k)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct go_str *e = &m->ents[set[i]].key;

		if (e->len == k->len && !memcmp(e->b, k->b, k->len))
			return set[i];
	}
	return -1;
}

struct pre {
	bool in_read, in_dirty, amended, dirty_present;
	enum go_state state;	/* of the read table's entry */
	int nread;
};

static struct pre pre_of(const struct go_map *m, const struct go_str *k)
{
	int r = find(m, m->read, m->nread, k);
	struct pre p = {
		.in_read = r >= 0,
		.in_dirty = m->dirty_present &&
			    find(m, m->dirty, m->ndirty, k) >= 0,
		.amended = m->amended,
		.dirty_present = m->dirty_present,
		.state = r >= 0 ? m->ents[r].state : GO_NIL,
		.nread = m->nread,
	};

	return p;
}

/* ---- The events each path counts (docs/counters.md) ---- */

/* The lock-free look-up of the read table. */
static void want_lookup(struct diff *d, const struct pre *p)
{
	if (p->in_read)
		d->want.read_hits++;
	else
		d->want.read_misses++;
}

/* The locked look-up of Load, LoadAndDelete, CompareAndSwap/Delete. */
static void want_locked_lookup(struct diff *d, const struct pre *p)
{
	if (!p->in_read && p->amended && p->in_dirty)
		d->want.dirty_hits++;
}

/* The locked path of Store, Swap and LoadOrStore. */
static void want_insert(struct diff *d, const struct pre *p)
{
	const struct go_map *m = d->model;
	u64 copied;

	if (p->in_read)			/* unexpunged back into dirty */
		return;
	if (p->in_dirty) {
		d->want.dirty_hits++;
		return;
	}
	d->want.new_keys++;
	if (p->dirty_present)
		return;
	/* Go's dirtyLocked(): the new dirty table is the copy plus the key. */
	copied = m->ndirty - 1;
	d->want.dirty_rebuilds++;
	d->want.rebuild_copied += copied;
	d->want.rebuild_expunged += p->nread - copied;
}

/* Store, Swap and LoadOrStore succeed without the lock on a live entry. */
static bool fast_store(const struct pre *p)
{
	return p->in_read && p->state != GO_EXPUNGED;
}

/* ---- Comparisons ---- */

#define CHECK_EQ(d, what, got, want) do {				\
	unsigned long long __g = (got), __w = (want);			\
	if (__g != __w)							\
		return fail(d, "%s: got %llu, want %llu", what, __g, __w); \
} while (0)

static int check_value(struct diff *d, const char *what, const u8 *buf,
		       u32 len, const struct go_str *want)
{
	CHECK_EQ(d, what, len, want->len);
	if (memcmp(buf, want->b, len))
		return fail(d, "%s: the bytes differ", what);
	return 0;
}

/*
 * What a call copying a value into @buf of @size bytes must return when
 * the model says @ok, @val: a NULL @buf asks only for the length.
 */
static int want_copy(const void *buf, u32 size, bool ok,
		     const struct go_str *val)
{
	if (!ok)
		return 0;
	return buf && val->len > size ? -ERANGE : 1;
}

static int check_stats(struct diff *d)
{
	const struct go_map *m = d->model;
	struct syncmap_stats st;

	syncmap_get_stats(d->map, &st);
	CHECK_EQ(d, "engine", st.engine, d->engine);
	if (d->engine == SYNCMAP_ENGINE_MERGE) {
		/* Its own counters: only what any engine counts alike. */
		CHECK_EQ(d, "len", st.len, go_len(m));
		CHECK_EQ(d, "syncmap_len()", syncmap_len(d->map), go_len(m));
		CHECK_EQ(d, "loads", st.loads, d->want.loads);
		CHECK_EQ(d, "stores", st.stores, d->want.stores);
		CHECK_EQ(d, "deletes", st.deletes, d->want.deletes);
		CHECK_EQ(d, "dirty_hits <= read_misses",
			 st.dirty_hits <= st.read_misses, 1);
		return 0;
	}
	CHECK_EQ(d, "misses", st.misses, m->misses);
	CHECK_EQ(d, "promotions", st.promotions, m->promotions);
	CHECK_EQ(d, "read_len", st.read_len, m->nread);
	CHECK_EQ(d, "dirty_len", st.dirty_len, m->ndirty);
	CHECK_EQ(d, "dirty_present", st.dirty_present, m->dirty_present);
	CHECK_EQ(d, "amended", st.amended, m->amended);
	CHECK_EQ(d, "len", st.len, go_len(m));
	CHECK_EQ(d, "syncmap_len()", syncmap_len(d->map), go_len(m));

	CHECK_EQ(d, "promotions_range", st.promotions_range,
		 d->want.promotions_range);
	CHECK_EQ(d, "promotions_misses", st.promotions_misses,
		 m->promotions - d->want.promotions_range);
	CHECK_EQ(d, "promotions_compact", st.promotions_compact, 0);
	CHECK_EQ(d, "compactions", st.compactions, 0);
#define EVENT(f) CHECK_EQ(d, #f, st.f, d->want.f)
	EVENT(loads);
	EVENT(read_hits);
	EVENT(read_misses);
	EVENT(dirty_hits);
	EVENT(stores);
	EVENT(new_keys);
	EVENT(deletes);
	EVENT(clears);
	EVENT(dirty_rebuilds);
	EVENT(rebuild_copied);
	EVENT(rebuild_expunged);
#undef EVENT
	return 0;
}

/* ---- Walks ---- */

struct kv {
	struct go_str key, val;
};

struct collect {
	struct kv kv[GO_MODEL_MAX];
	int n;
	int chunk, in_chunk;	/* DIFF_ITER: stop after @chunk entries */
	bool bad;
};

static int collect_fn(void *arg, const void *key, u32 key_len,
		      const void *value, u32 value_len)
{
	struct collect *c = arg;

	if (c->chunk && c->in_chunk == c->chunk)
		return 1;	/* stop here: this entry comes again */
	if (c->n == GO_MODEL_MAX || key_len > GO_MODEL_STR ||
	    value_len > GO_MODEL_STR) {
		c->bad = true;
		return -EOVERFLOW;
	}
	c->kv[c->n].key.len = key_len;
	memcpy(c->kv[c->n].key.b, key, key_len);
	c->kv[c->n].val.len = value_len;
	memcpy(c->kv[c->n].val.b, value, value_len);
	c->n++;
	c->in_chunk++;
	return 0;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	if (x->key.len != y->key.len)
		return x->key.len - y->key.len;
	return memcmp(x->key.b, y->key.b, x->key.len);
}

static void collect_model(const struct go_map *m, struct collect *c)
{
	int i, e;

	c->n = 0;
	for (i = 0; i < m->nread; i++) {
		e = m->read[i];
		if (m->ents[e].state != GO_LIVE)
			continue;
		c->kv[c->n].key = m->ents[e].key;
		c->kv[c->n].val = m->ents[e].val;
		c->n++;
	}
}

/* Range or a resumable walk on the map; Range's promotion on the model. */
static int check_walk(struct diff *d, const struct diff_op *op)
{
	static struct collect got, want;	/* large: not on the stack */
	struct syncmap_iter iter;
	int i, ret;

	memset(&got, 0, sizeof(got));
	if (d->model->amended)
		d->want.promotions_range++;
	if (op->code == DIFF_RANGE) {
		ret = syncmap_range(d->map, collect_fn, &got);
		CHECK_EQ(d, "range's return", ret, 0);
	} else {
		got.chunk = op->chunk > 0 ? op->chunk : 1;
		syncmap_iter_start(d->map, &iter);
		do {
			got.in_chunk = 0;
			ret = syncmap_iter_next(&iter, collect_fn, &got);
		} while (ret == 1 && !got.bad);
		syncmap_iter_stop(&iter);
		syncmap_iter_stop(&iter);	/* twice is allowed */
		CHECK_EQ(d, "iter_next's last return", ret, 0);
	}
	if (got.bad)
		return fail(d, "the walk gave an entry the model cannot hold");
	go_range_promote(d->model);
	collect_model(d->model, &want);
	CHECK_EQ(d, "entries walked", got.n, want.n);
	qsort(got.kv, got.n, sizeof(got.kv[0]), kv_cmp);
	qsort(want.kv, want.n, sizeof(want.kv[0]), kv_cmp);
	for (i = 0; i < got.n; i++) {
		if (i && !kv_cmp(&got.kv[i - 1], &got.kv[i]))
			return fail(d, "the walk gave a key twice");
		if (kv_cmp(&got.kv[i], &want.kv[i]))
			return fail(d, "the walk's keys differ from the model's");
		if (check_value(d, "a walked value", got.kv[i].val.b,
				got.kv[i].val.len, &want.kv[i].val))
			return -1;
	}
	return 0;
}

/* ---- One operation ---- */

static int run(struct diff *d, const struct diff_op *op)
{
	struct go_map *m = d->model;
	const struct go_str *k = &op->key, *v = &op->val, *o = &op->old;
	const void *kp = k->b, *vp = v->b, *op_old = o->b;
	u32 kl = k->len, vl = v->len, ol = o->len;
	struct pre p = pre_of(m, k);
	u8 buf[GO_MODEL_STR], *bp = op->buf_size ? buf : NULL;
	u32 size = min_t(u32, op->buf_size, sizeof(buf));
	struct go_result r;
	u32 len = 0;
	int ret, want;
	bool ok;

	switch (op->oversize) {
	case DIFF_BIG_KEY:
		kp = big;
		kl = SYNCMAP_KEY_MAX + 1;
		break;
	case DIFF_BIG_VALUE:
		vp = big;
		vl = SYNCMAP_VALUE_MAX + 1;
		break;
	case DIFF_BIG_OLD:
		op_old = big;
		ol = SYNCMAP_VALUE_MAX + 1;
		break;
	default:
		break;
	}
	/* What a call with an oversize argument returns, changing nothing. */
	want = (op->oversize == DIFF_BIG_KEY ||
		(op->oversize == DIFF_BIG_VALUE &&
		 (op->code == DIFF_STORE || op->code == DIFF_SWAP ||
		  op->code == DIFF_LOAD_OR_STORE ||
		  op->code == DIFF_COMPARE_AND_SWAP))) ? -E2BIG : 1;

	if (op->fail_nth)
		syncmap_inject_alloc_failure(d->map, op->fail_nth);

	switch (op->code) {
	case DIFF_LOAD:
		ret = syncmap_load(d->map, kp, kl, buf, size, &len);
		if (want == -E2BIG)
			break;
		d->want.loads++;
		want_lookup(d, &p);
		want_locked_lookup(d, &p);
		r = go_load(m, k);
		want = want_copy(buf, size, r.ok, &r.val);
		if (ret == want && ret != 0)
			CHECK_EQ(d, "length loaded", len, r.val.len);
		if (ret == 1 && check_value(d, "value loaded", buf, len, &r.val))
			return -1;
		break;
	case DIFF_STORE:
		ret = syncmap_store(d->map, kp, kl, vp, vl);
		if (want == -E2BIG || ret == -ENOMEM)
			break;
		want_lookup(d, &p);
		r = go_swap(m, k, v);
		if (!fast_store(&p))
			want_insert(d, &p);
		d->want.stores++;
		want = 0;
		break;
	case DIFF_SWAP:
		ret = syncmap_swap(d->map, kp, kl, vp, vl, bp, size, &len);
		if (want == -E2BIG || ret == -ENOMEM)
			break;
		want_lookup(d, &p);
		r = go_swap(m, k, v);
		if (!fast_store(&p))
			want_insert(d, &p);
		d->want.stores++;
		want = want_copy(bp, size, r.ok, &r.val);
		if (ret == want && ret != 0)
			CHECK_EQ(d, "length of the previous value", len,
				 r.val.len);
		if (ret == 1 && bp &&
		    check_value(d, "previous value", buf, len, &r.val))
			return -1;
		break;
	case DIFF_LOAD_OR_STORE:
		ret = syncmap_load_or_store(d->map, kp, kl, vp, vl, bp, size,
					    &len);
		if (want == -E2BIG || ret == -ENOMEM)
			break;
		want_lookup(d, &p);
		r = go_load_or_store(m, k, v);
		if (!fast_store(&p))
			want_insert(d, &p);
		d->want.stores += !r.ok;
		/* r.val is the value now in the map, loaded or stored. */
		want = bp && r.val.len > size ? -ERANGE : r.ok;
		if (ret == want)
			CHECK_EQ(d, "length of the value in the map", len,
				 r.val.len);
		if (ret >= 0 && bp &&
		    check_value(d, "value in the map", buf, len, &r.val))
			return -1;
		break;
	case DIFF_LOAD_AND_DELETE:
	case DIFF_DELETE:
		if (op->code == DIFF_DELETE)
			ret = syncmap_delete(d->map, kp, kl);
		else
			ret = syncmap_load_and_delete(d->map, kp, kl, bp, size,
						      &len);
		if (want == -E2BIG)
			break;
		want_lookup(d, &p);
		want_locked_lookup(d, &p);
		r = go_load_and_delete(m, k);
		d->want.deletes += r.ok;
		if (op->code == DIFF_DELETE) {
			want = r.ok;
			break;
		}
		want = want_copy(bp, size, r.ok, &r.val);
		if (ret == want && ret != 0)
			CHECK_EQ(d, "length deleted", len, r.val.len);
		if (ret == 1 && bp &&
		    check_value(d, "value deleted", buf, len, &r.val))
			return -1;
		break;
	case DIFF_COMPARE_AND_SWAP:
		ret = syncmap_compare_and_swap(d->map, kp, kl, op_old, ol, vp,
					       vl);
		if (want == -E2BIG || ret == -ENOMEM)
			break;
		/* An oversize old value is looked up like any other. */
		want_lookup(d, &p);
		want_locked_lookup(d, &p);
		ok = go_compare_and_swap(m, k, op->oversize == DIFF_BIG_OLD ?
					 &never : o, v);
		d->want.stores += ok;
		want = ok;
		break;
	case DIFF_COMPARE_AND_DELETE:
		ret = syncmap_compare_and_delete(d->map, kp, kl, op_old, ol);
		if (want == -E2BIG)
			break;
		want_lookup(d, &p);
		want_locked_lookup(d, &p);
		ok = go_compare_and_delete(m, k, op->oversize == DIFF_BIG_OLD ?
					   &never : o);
		d->want.deletes += ok;
		want = ok;
		break;
	case DIFF_CLEAR:
		ret = syncmap_clear(d->map);
		if (ret == -ENOMEM)
			break;
		d->want.clears += m->nread > 0 || m->amended;
		go_clear(m);
		want = 0;
		break;
	case DIFF_RANGE:
	case DIFF_ITER:
		ret = want = 0;
		if (check_walk(d, op))
			return -1;
		break;
	case DIFF_LEN:
		ret = want = 0;
		CHECK_EQ(d, "syncmap_len()", syncmap_len(d->map), go_len(m));
		break;
	default:
		return fail(d, "no such operation %d", op->code);
	}

	if (op->fail_nth)
		syncmap_inject_alloc_failure(d->map, 0);
	if (ret == -ENOMEM && op->fail_nth) {
		/*
		 * Failed, so the model did not run it: Go's state must be
		 * as it was.  The lock-free look-up before the failing
		 * allocation may have been counted: take the events as
		 * they are.
		 */
		struct syncmap_stats st;

		d->failed_allocs++;
		syncmap_get_stats(d->map, &st);
		d->want.read_hits = st.read_hits;
		d->want.read_misses = st.read_misses;
		d->want.dirty_hits = st.dirty_hits;
		return 0;
	}
	CHECK_EQ(d, "result", (long long)ret, (long long)want);
	return 0;
}

int diff_step(struct diff *d, const struct diff_op *op)
{
	d->steps++;
	if (run(d, op) || check_stats(d)) {
		diff_op_print(op, d->op, sizeof(d->op));
		return -1;
	}
	return 0;
}

int diff_init(struct diff *d, u32 engine)
{
	struct syncmap_params params = { .engine = engine };

	memset(d, 0, sizeof(*d));
	d->engine = engine;
	d->live_before = shim_alloc_live();
	d->model = calloc(1, sizeof(*d->model));
	if (!d->model)
		return fail(d, "no memory for the model");
	go_init(d->model);
	d->map = syncmap_create(&params);
	if (IS_ERR(d->map)) {
		free(d->model);
		return fail(d, "syncmap_create() failed");
	}
	return 0;
}

/* Distinct entries the model's tables hold. */
static u64 model_entries(const struct go_map *m)
{
	u64 n = m->nread;
	int i;

	for (i = 0; i < m->ndirty; i++)
		n += find(m, m->read, m->nread, &m->ents[m->dirty[i]].key) < 0;
	return n;
}

/*
 * The final checks, then the map is destroyed: the contents through
 * Range, the entries alive once the deferred frees have run, and no
 * allocation left behind.
 */
int diff_finish(struct diff *d)
{
	static const struct diff_op range = { .code = DIFF_RANGE };
	struct syncmap_stats st;
	int ret;
	long live;

	ret = diff_step(d, &range);
	if (!ret && d->engine == SYNCMAP_ENGINE_MERGE) {
		/* Compacted, it holds the live keys' entries and no other. */
		ret = syncmap_compact(d->map);
		if (ret)
			fail(d, "compact: %d", ret);
		syncmap_flush_frees();
		syncmap_get_stats(d->map, &st);
		if (!ret && (st.entries != go_len(d->model) ||
			     st.read_len != st.entries || st.dirty_len)) {
			fail(d, "after compact: entries %llu, read_len %llu, dirty_len %llu, want %llu, %llu, 0",
			     (unsigned long long)st.entries,
			     (unsigned long long)st.read_len,
			     (unsigned long long)st.dirty_len,
			     (unsigned long long)go_len(d->model),
			     (unsigned long long)go_len(d->model));
			ret = -1;
		}
	} else if (!ret) {
		syncmap_flush_frees();
		syncmap_get_stats(d->map, &st);
		if (st.entries != model_entries(d->model)) {
			fail(d, "entries alive: got %llu, want %llu",
			     (unsigned long long)st.entries,
			     (unsigned long long)model_entries(d->model));
			ret = -1;
		}
	}
	syncmap_destroy(d->map);
	free(d->model);
	d->map = NULL;
	d->model = NULL;
	if (ret)
		return ret;
	/* Values and epochs freed by the entries' callbacks come last. */
	shim_rcu_barrier();
	live = shim_alloc_live() - d->live_before;
	if (SHIM_DEBUG && live)
		return fail(d, "%ld allocations left after destroy", live);
	return 0;
}
