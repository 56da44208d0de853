// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-threaded stress of syncmap's core, built for AddressSanitizer +
 * UBSan (with liburcu) and for ThreadSanitizer (with the C11-atomics RCU
 * of shim/rcu-c11.c, whose ordering TSan can follow).
 *
 * One map, a small window of keys that slides over a larger key space (so
 * keys are created, deleted, expunged and dropped all the time, and the
 * dirty table is rebuilt, grown and promoted under the readers' feet):
 *
 *   writers   every mutation, at random, including compare-and-swap of
 *             the value just loaded;
 *   readers   syncmap_load() and syncmap_load_rcu(), checking each value;
 *   a walker  Range, and resumable walks that stop every few entries and
 *             sleep between chunks: no key may come twice in one walk;
 *   a clearer Clear now and then, and allocation failures injected;
 *   a churner creates, fills and destroys other maps meanwhile.
 *
 * Every value is self-describing (its key, then bytes derived from the key
 * and a stamp), so a reader that got freed, torn or misfiled memory sees
 * it.  At the end: the map is consistent (len, a full walk), destroying it
 * returns every allocation, and the shim saw no warning.
 *
 * Usage: stress [-t SECONDS] [-w WRITERS] [-r READERS] [-e go|merge];
 * prints one line, then "N passed, N failed".  -e picks the engine of
 * every map (Go's by default); a merge map is also compacted at the end,
 * which must leave one entry per live key.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include <shim.h>

#include "map.h"
#include "syncmap.h"

#define KEYSPACE	4096
#define WINDOW		96
#define VALUE_MIN	16
#define VALUE_MAX	64

static struct syncmap *map;
static struct syncmap_params params;	/* the engine of every map */
static volatile int stop;		/* read with __atomic loads */
static unsigned long window_base;	/* the window's first key */
static unsigned long errors;

#define ERR(fmt, ...) do {						\
	if (__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED) < 10)	\
		fprintf(stderr, "stress: " fmt "\n", ##__VA_ARGS__);	\
} while (0)

static bool stopping(void)
{
	return __atomic_load_n(&stop, __ATOMIC_RELAXED);
}

static u64 pick_key(struct rnd_state *r)
{
	unsigned long base = __atomic_load_n(&window_base, __ATOMIC_RELAXED);

	return (base + prandom_u32_state(r) % WINDOW) % KEYSPACE;
}

/* A value: the key, then a stamp, then bytes derived from both. */
static u32 make_value(u8 *buf, u64 key, u32 stamp)
{
	u32 len = VALUE_MIN + stamp % (VALUE_MAX - VALUE_MIN + 1), i;

	memcpy(buf, &key, 8);
	memcpy(buf + 8, &stamp, 4);
	for (i = 12; i < len; i++)
		buf[i] = (u8)(key * 31 + stamp + i);
	return len;
}

static bool value_ok(const u8 *buf, u32 len, u64 key)
{
	u32 stamp, i;
	u64 k;

	if (len < VALUE_MIN || len > VALUE_MAX)
		return false;
	memcpy(&k, buf, 8);
	memcpy(&stamp, buf + 8, 4);
	if (k != key || len != VALUE_MIN + stamp % (VALUE_MAX - VALUE_MIN + 1))
		return false;
	for (i = 12; i < len; i++)
		if (buf[i] != (u8)(key * 31 + stamp + i))
			return false;
	return true;
}

struct worker {
	pthread_t thread;
	int id;
	struct rnd_state rnd;
	unsigned long ops;
};

static void *writer(void *arg)
{
	struct worker *w = arg;
	u8 val[VALUE_MAX], old[VALUE_MAX], buf[VALUE_MAX];
	u32 vlen, olen, len;
	u64 key;
	int ret;

	while (!stopping()) {
		key = pick_key(&w->rnd);
		vlen = make_value(val, key, prandom_u32_state(&w->rnd));
		switch (prandom_u32_state(&w->rnd) % 8) {
		case 0:
			ret = syncmap_store(map, &key, 8, val, vlen);
			break;
		case 1:
			ret = syncmap_swap(map, &key, 8, val, vlen, buf,
					   sizeof(buf), &len);
			if (ret == 1 && !value_ok(buf, len, key))
				ERR("swap returned a bad value for %llu",
				    (unsigned long long)key);
			break;
		case 2:
			ret = syncmap_load_or_store(map, &key, 8, val, vlen,
						    buf, sizeof(buf), &len);
			if (ret >= 0 && !value_ok(buf, len, key))
				ERR("load_or_store gave a bad value");
			break;
		case 3:
			ret = syncmap_load_and_delete(map, &key, 8, buf,
						      sizeof(buf), &len);
			if (ret == 1 && !value_ok(buf, len, key))
				ERR("load_and_delete returned a bad value");
			break;
		case 4:
			ret = syncmap_delete(map, &key, 8);
			break;
		case 5:
		case 6:
			/* Compare-and-swap or -delete what was just there. */
			ret = syncmap_load(map, &key, 8, old, sizeof(old),
					   &olen);
			if (ret != 1)
				break;
			if (prandom_u32_state(&w->rnd) & 1)
				ret = syncmap_compare_and_swap(map, &key, 8,
							       old, olen, val,
							       vlen);
			else
				ret = syncmap_compare_and_delete(map, &key, 8,
								 old, olen);
			break;
		default:
			/* Absent keys: CAS never swaps, the miss counts. */
			key += KEYSPACE;
			ret = syncmap_compare_and_swap(map, &key, 8, val, vlen,
						       val, vlen);
			if (ret == 1)
				ERR("CAS swapped an absent key");
			break;
		}
		if (ret < 0 && ret != -ENOMEM)
			ERR("writer: unexpected error %d", ret);
		w->ops++;
	}
	shim_thread_offline();
	return NULL;
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	const void *value;
	u8 buf[VALUE_MAX];
	u32 len;
	u64 key;
	int ret;

	while (!stopping()) {
		key = pick_key(&w->rnd);
		if (w->ops & 1) {
			ret = syncmap_load(map, &key, 8, buf, sizeof(buf), &len);
			if (ret == 1 && !value_ok(buf, len, key))
				ERR("load returned a bad value");
		} else {
			rcu_read_lock();
			ret = syncmap_load_rcu(map, &key, 8, &value, &len);
			if (ret == 1 && !value_ok(value, len, key))
				ERR("load_rcu returned a bad value");
			rcu_read_unlock();
		}
		if (ret < 0)
			ERR("reader: unexpected error %d", ret);
		/* Slide the window now and then: new keys, old ones left. */
		if (w->id == 0 && !(++w->ops % 4096))
			__atomic_add_fetch(&window_base, 7, __ATOMIC_RELAXED);
		w->ops++;
	}
	shim_thread_offline();
	return NULL;
}

struct walk {
	u8 seen[2 * KEYSPACE];
	int chunk, in_chunk;
	unsigned long entries;
};

static int walk_fn(void *arg, const void *key, u32 key_len,
		   const void *value, u32 value_len)
{
	struct walk *wk = arg;
	u64 k;

	if (wk->chunk && wk->in_chunk++ == wk->chunk)
		return 1;
	if (key_len != 8) {
		ERR("walk: a key of %u bytes", key_len);
		return 0;
	}
	memcpy(&k, key, 8);
	if (k >= KEYSPACE || !value_ok(value, value_len, k))
		ERR("walk: a bad entry");
	else if (wk->seen[k]++)
		ERR("walk: key %llu twice", (unsigned long long)k);
	wk->entries++;
	return 0;
}

static void *walker(void *arg)
{
	struct worker *w = arg;
	static struct walk wk;
	struct syncmap_iter iter;
	int ret;

	while (!stopping()) {
		memset(&wk, 0, sizeof(wk));
		if (w->ops % 3 == 0) {
			ret = syncmap_range(map, walk_fn, &wk);
		} else {
			wk.chunk = 1 + prandom_u32_state(&w->rnd) % 8;
			syncmap_iter_start(map, &iter);
			do {
				wk.in_chunk = 0;
				ret = syncmap_iter_next(&iter, walk_fn, &wk);
				usleep(20);
			} while (ret == 1 && !stopping());
			syncmap_iter_stop(&iter);
			ret = ret == 1 ? 0 : ret;
		}
		if (ret)
			ERR("walk returned %d", ret);
		w->ops++;
	}
	shim_thread_offline();
	return NULL;
}

static void *clearer(void *arg)
{
	struct worker *w = arg;
	struct syncmap_stats st;
	int ret;

	while (!stopping()) {
		usleep(2000);
		switch (prandom_u32_state(&w->rnd) % 4) {
		case 0:
			ret = syncmap_clear(map);
			if (ret && ret != -ENOMEM)
				ERR("clear returned %d", ret);
			break;
		case 1:
			/* Some mutation of some thread fails soon. */
			syncmap_inject_alloc_failure(map,
				1 + prandom_u32_state(&w->rnd) % 16);
			break;
		default:
			syncmap_get_stats(map, &st);
			if (st.dirty_len && !st.dirty_present)
				ERR("stats: a dirty length without a dirty table");
			break;
		}
		w->ops++;
	}
	shim_thread_offline();
	return NULL;
}

/* Other maps come and go meanwhile: destroy waits for the shared frees. */
static void *churner(void *arg)
{
	struct worker *w = arg;
	struct syncmap *m;
	u8 val[VALUE_MAX];
	u64 key;
	u32 len;

	while (!stopping()) {
		m = syncmap_create(&params);
		if (IS_ERR(m)) {
			ERR("create failed");
			break;
		}
		for (key = 0; key < 200; key++) {
			len = make_value(val, key, key);
			if (syncmap_store(m, &key, 8, val, len))
				ERR("churn: store failed");
			if (key % 3 == 0)
				syncmap_delete(m, &key, 8);
		}
		syncmap_destroy(m);
		w->ops++;
	}
	shim_thread_offline();
	return NULL;
}

static int count_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	++*(u64 *)arg;
	return 0;
}

int main(int argc, char **argv)
{
	int seconds = 3, writers = 3, readers = 2, opt, i, n = 0;
	struct worker w[32];
	void *(*fn[32])(void *);
	unsigned long long ops = 0;
	u64 walked = 0;
	long live_before;
	struct syncmap_stats st;

	while ((opt = getopt(argc, argv, "t:w:r:e:")) != -1) {
		switch (opt) {
		case 't':
			seconds = atoi(optarg);
			break;
		case 'w':
			writers = atoi(optarg);
			break;
		case 'r':
			readers = atoi(optarg);
			break;
		case 'e':
			params.engine = strcmp(optarg, "merge") ?
					SYNCMAP_ENGINE_GO :
					SYNCMAP_ENGINE_MERGE;
			break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-w WRITERS] [-r READERS] [-e go|merge]\n",
				argv[0]);
			return 2;
		}
	}
	if (writers + readers + 3 > 32)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (syncmap_core_init())
		return 1;
	live_before = shim_alloc_live();
	map = syncmap_create(&params);
	if (IS_ERR(map))
		return 1;

	for (i = 0; i < readers; i++)
		fn[n++] = reader;
	for (i = 0; i < writers; i++)
		fn[n++] = writer;
	fn[n++] = walker;
	fn[n++] = clearer;
	fn[n++] = churner;
	for (i = 0; i < n; i++) {
		w[i].id = i;
		w[i].ops = 0;
		prandom_seed_state(&w[i].rnd, 1000 + i);
		if (pthread_create(&w[i].thread, NULL, fn[i], &w[i]))
			return 1;
	}
	sleep(seconds);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		ops += w[i].ops;
		if (!w[i].ops)
			ERR("thread %d did nothing", i);
	}

	/* Quiet now: the counters and a walk must agree. */
	syncmap_inject_alloc_failure(map, 0);
	if (syncmap_range(map, count_fn, &walked))
		ERR("the final walk failed");
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	if (st.len != walked || syncmap_len(map) != walked)
		ERR("len %llu, but a walk found %llu",
		    (unsigned long long)st.len, (unsigned long long)walked);
	/* A merge map's Range merges nothing: its compaction is below. */
	if (st.entries < st.len ||
	    (st.amended && params.engine != SYNCMAP_ENGINE_MERGE))
		ERR("after a walk: entries %llu, len %llu, amended %llu",
		    (unsigned long long)st.entries, (unsigned long long)st.len,
		    (unsigned long long)st.amended);
	if (params.engine == SYNCMAP_ENGINE_MERGE) {
		if (syncmap_compact(map))
			ERR("compact failed");
		syncmap_flush_frees();
		syncmap_get_stats(map, &st);
		if (st.entries != walked || st.read_len != walked ||
		    st.dirty_len)
			ERR("compacted: entries %llu, read_len %llu, dirty_len %llu, want %llu, %llu, 0",
			    (unsigned long long)st.entries,
			    (unsigned long long)st.read_len,
			    (unsigned long long)st.dirty_len,
			    (unsigned long long)walked,
			    (unsigned long long)walked);
	}
	syncmap_destroy(map);
	syncmap_core_exit();
	shim_rcu_barrier();
	if (SHIM_DEBUG && shim_alloc_live() != live_before)
		ERR("%ld allocations left after destroy",
		    shim_alloc_live() - live_before);
	if (shim_warnings())
		ERR("%lu warning(s), see above", shim_warnings());

	printf("%s 1 stress: engine %s, %d s, %d threads, %llu operations, "
	       "%llu promotions, %llu rebuilds, %llu clears\n",
	       errors ? "not ok" : "ok", params.engine ? "merge" : "go",
	       seconds, n, ops, (unsigned long long)st.promotions,
	       (unsigned long long)st.dirty_rebuilds,
	       (unsigned long long)st.clears);
	printf("stress: %d passed, %d failed\n", !errors, !!errors);
	return errors ? 1 : 0;
}
