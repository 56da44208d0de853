// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_torture: an rcutorture-style soak of one shared map.
 *
 * Writers (kthreads, bound to each CPU) run random operations on two key
 * spaces at once: a small one, so that the same keys are stored, deleted,
 * expunged and unexpunged all the time, and a large one, so that new keys
 * keep the dirty table amended and promotions and rebuilds happen
 * constantly.  Readers load from process context (the writers themselves)
 * and from softirq context (a timer on each CPU).  Range, Clear and
 * Compact run concurrently, and, when asked, allocations fail at random
 * (syncmap_inject_alloc_failure()).  Userspace processes may hammer the
 * same map through /dev/syncmap meanwhile (selftests/syncmap_hammer).
 *
 * Every value carries a generation stamp, the checksum of the key it was
 * stored under and a checksum of itself: a reader that sees a torn value,
 * another key's value or freed memory reports an error.  Freed values are
 * poisoned while the module is loaded (syncmap_poison_freed()), so a
 * reader of one is caught without KASAN too.  And every value a read
 * returns must have been current at some point during the read: see
 * struct torture_deaths.
 *
 * Control, through debugfs (syncmap_torture/):
 *
 *   echo SECONDS >run   run the torture that long; the write fails with
 *                       EIO if any error was seen
 *   echo 1 >check       with every writer (userspace included) stopped:
 *                       len == what Range counts, the counters add up,
 *                       then clear and check that every entry is freed;
 *                       then a single-threaded fault-injection pass on a
 *                       private map (every failing call: -ENOMEM, map
 *                       unchanged)
 *   cat results         TAP: one line per run and per check, and figures
 *   echo NAME >map      torture the named map NAME from now on (the
 *                       checks and the fault pass use its engine);
 *                       cat map: its name and engine
 *
 * The map is the registry's "default" map until then (params: map=NAME).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

#include "map.h"		/* the SYNCMAP_TESTING hooks */
#include "syncmap.h"
#include "torture_value.h"

static char *map_name = SYNCMAP_DEFAULT_NAME;
module_param_named(map, map_name, charp, 0444);
MODULE_PARM_DESC(map, "Named map to torture (default \"default\")");

static unsigned int threads_per_cpu = 2;
module_param(threads_per_cpu, uint, 0444);
MODULE_PARM_DESC(threads_per_cpu, "Writer kthreads per online CPU (default 2)");

static unsigned int small_keys = 16;
module_param(small_keys, uint, 0444);
MODULE_PARM_DESC(small_keys, "Keys in the small key space (default 16)");

static unsigned int large_keys = 4096;
module_param(large_keys, uint, 0444);
MODULE_PARM_DESC(large_keys, "Keys in the large key space (default 4096)");

static bool fault = true;
module_param(fault, bool, 0444);
MODULE_PARM_DESC(fault, "Make allocations fail at random during runs (default on)");

static unsigned int fault_keys = 2000;
module_param(fault_keys, uint, 0444);
MODULE_PARM_DESC(fault_keys, "Operations of the single-threaded fault pass (default 2000)");

#define TORTURE_RESULTS_SIZE	8192
#define TORTURE_MAX_REPORTS	10

/*
 * Values known to be dead.  A writer whose swap, load-and-delete, CAS or
 * CAD replaced or deleted a value knows which one (it got it back, or
 * compared against it) and records its generation in a small ring kept
 * per key, after the call returned.  Generations are unique, so that
 * value can never be current again: a read that began after the record
 * was made must not return it.  So every read first takes a snapshot of
 * its key's ring (Range: of every key's ring) and checks the value it got
 * against it; with the generation counter read after the read, which no
 * value may exceed, that checks that the value was current at some point
 * during the read.  A stale read table, a lost update or a value reached
 * after it was replaced all fail it.  Values killed by plain Store,
 * Delete and Clear are not identified and go unchecked.
 *
 * The ring is written with release and read with acquire, so a reader
 * that sees a death also sees the map change that caused it.
 */
#define TORTURE_DEATHS	4

struct torture_deaths {
	atomic64_t gen[TORTURE_DEATHS];
	atomic_t next;
};

struct torture_snap {
	u64 gen[TORTURE_DEATHS];
};

struct torture_thread {
	struct task_struct *task;
	struct rnd_state rng;
	u64 ops;
	struct torture_snap *range_snap;	/* one per key */
};

struct torture_cpu {
	struct timer_list timer;
	struct rnd_state rng;
	u64 loads;
};

static struct torture_state {
	struct mutex lock;		/* one run or check at a time */
	struct syncmap *map;		/* under lock */
	char map_name[SYNCMAP_NAME_MAX];	/* under lock */
	struct dentry *dir;
	bool stop;			/* READ_ONCE by writers and timers */
	atomic64_t gen;
	atomic64_t errors;
	atomic64_t enomem;
	atomic64_t ops;
	atomic64_t softirq_loads;
	atomic64_t ranges;
	atomic64_t range_seen;
	atomic64_t clears;
	atomic64_t compacts;
	atomic64_t compacts_failed;	/* -ENOMEM, over the map's life */
	atomic64_t injections;
	atomic64_t deaths;
	atomic_t reports;
	unsigned int tap;		/* TAP test number */
	char results[TORTURE_RESULTS_SIZE];
	struct seq_buf out;
	struct torture_cpu __percpu *cpu;
	struct torture_deaths *key_deaths;	/* small keys, then large */
} ts;

/* A number below @n from the lock-free generator @state. */
static u32 rng_below(struct rnd_state *state, u32 n)
{
	return (u32)(((u64)prandom_u32_state(state) * n) >> 32);
}

#define torture_fail(fmt, ...)						\
	do {								\
		atomic64_inc(&ts.errors);				\
		if (atomic_inc_return(&ts.reports) <= TORTURE_MAX_REPORTS) \
			pr_err("error: " fmt "\n", ##__VA_ARGS__);	\
	} while (0)

/* The key of index @i of the small (@large false) or large space. */
static u32 make_key(u8 *key, bool large, u32 i)
{
	key[0] = 't';
	key[1] = large ? 'l' : 's';
	memcpy(key + 2, &i, sizeof(i));
	return 2 + sizeof(i);
}

static unsigned int nr_keys(void)
{
	return small_keys + large_keys;
}

/* Pick a key; returns its index among all keys. */
static u32 pick_key(struct rnd_state *rng, u8 *key, u32 *key_len)
{
	bool large = rng_below(rng, 4) == 0;
	u32 i = rng_below(rng, large ? large_keys : small_keys);

	*key_len = make_key(key, large, i);
	return large ? small_keys + i : i;
}

/* The index of a key make_key() made, or -1 for another key. */
static int key_index(const u8 *key, u32 key_len)
{
	u32 i;

	if (key_len != TORTURE_KEY_LEN || key[0] != 't')
		return -1;
	memcpy(&i, key + 2, sizeof(i));
	if (key[1] == 's' && i < small_keys)
		return i;
	if (key[1] == 'l' && i < large_keys)
		return small_keys + i;
	return -1;
}

static u64 value_gen(const void *value)
{
	struct torture_value_head head;

	memcpy(&head, value, sizeof(head));
	return head.gen;
}

static void deaths_snap(u32 idx, struct torture_snap *snap)
{
	struct torture_deaths *d = &ts.key_deaths[idx];
	int i;

	for (i = 0; i < TORTURE_DEATHS; i++)
		snap->gen[i] = atomic64_read_acquire(&d->gen[i]);
}

/* The value of key @idx (intact, checked) is gone for good. */
static void death_record(u32 idx, const void *value)
{
	struct torture_deaths *d = &ts.key_deaths[idx];
	unsigned int slot = (unsigned int)atomic_inc_return(&d->next);

	atomic64_set_release(&d->gen[slot % TORTURE_DEATHS], value_gen(value));
	atomic64_inc(&ts.deaths);
}

/*
 * Check one value seen under @key; @what names the path that saw it.
 * @snap: the key's dead generations from before the read began, or NULL.
 * Returns true if the value is intact.
 */
static bool check_value(const void *key, u32 key_len, const void *value,
			u32 len, const struct torture_snap *snap,
			const char *what)
{
	int ret = torture_value_check(key, key_len, value, len);
	u64 gen, newest;
	int i;

	if (ret) {
		torture_fail("%s: bad value (len %u): %s", what, len,
			     torture_value_problem(ret));
		return false;
	}
	if (!snap)
		return true;
	gen = value_gen(value);
	newest = atomic64_read(&ts.gen);
	for (i = 0; i < TORTURE_DEATHS; i++) {
		if (gen == snap->gen[i]) {
			torture_fail("%s: got generation %llu, dead before the read",
				     what, gen);
			return true;
		}
	}
	if (gen > newest)
		torture_fail("%s: got generation %llu, newer than any made (%llu)",
			     what, gen, newest);
	return true;
}

/* A mutation's result: 0 or 1, or -ENOMEM while faults are injected. */
static void check_result(int ret, const char *what)
{
	if (ret == 0 || ret == 1)
		return;
	if (ret == -ENOMEM && fault) {
		atomic64_inc(&ts.enomem);
		return;
	}
	torture_fail("%s returned %d", what, ret);
}

static void new_value(struct rnd_state *rng, const u8 *key, u32 key_len, u8 *buf,
		      u32 *len)
{
	*len = torture_value_make(buf, key, key_len,
				  atomic64_inc_return(&ts.gen),
				  rng_below(rng, TORTURE_VALUE_MAX -
					    TORTURE_VALUE_MIN + 1));
}

static void do_load(u32 idx, const u8 *key, u32 key_len, const char *what)
{
	u8 buf[TORTURE_VALUE_MAX];
	struct torture_snap snap;
	u32 len;
	int ret;

	deaths_snap(idx, &snap);
	ret = syncmap_load(ts.map, key, key_len, buf, sizeof(buf), &len);
	if (ret == 1)
		check_value(key, key_len, buf, len, &snap, what);
	else if (ret)
		torture_fail("%s returned %d", what, ret);
}

static void do_load_rcu(u32 idx, const u8 *key, u32 key_len)
{
	struct torture_snap snap;
	const void *value;
	u32 len;
	int ret;

	deaths_snap(idx, &snap);
	/* Zero-copy: the value is checked in place, inside its grace period. */
	rcu_read_lock();
	ret = syncmap_load_rcu(ts.map, key, key_len, &value, &len);
	if (ret == 1)
		check_value(key, key_len, value, len, &snap, "load_rcu");
	rcu_read_unlock();
	if (ret < 0)
		torture_fail("load_rcu returned %d", ret);
}

struct range_arg {
	u64 seen;
	const struct torture_snap *snap;	/* per key; NULL: the live rings */
	const char *what;
};

static int range_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	struct range_arg *ra = arg;
	struct torture_snap live;
	int idx;

	ra->seen++;
	if (!torture_key_is_checked(key, key_len))
		return 0;
	idx = key_index(key, key_len);
	if (idx >= 0 && !ra->snap)
		deaths_snap(idx, &live);
	check_value(key, key_len, value, value_len,
		    idx < 0 ? NULL : ra->snap ? &ra->snap[idx] : &live,
		    ra->what);
	return 0;
}

static void do_range(struct torture_thread *t)
{
	struct range_arg ra = { .snap = t->range_snap, .what = "range" };
	unsigned int i;
	int ret;

	for (i = 0; i < nr_keys(); i++)
		deaths_snap(i, &t->range_snap[i]);
	ret = syncmap_range(ts.map, range_fn, &ra);
	if (ret)
		torture_fail("range returned %d", ret);
	atomic64_inc(&ts.ranges);
	atomic64_add(ra.seen, &ts.range_seen);
}

/* One random operation. */
static void torture_op(struct torture_thread *t)
{
	u8 key[8], val[TORTURE_VALUE_MAX], buf[TORTURE_VALUE_MAX];
	u32 key_len, val_len, len, idx;
	u32 op = rng_below(&t->rng, 1000);
	struct torture_snap snap;
	int ret;

	idx = pick_key(&t->rng, key, &key_len);
	new_value(&t->rng, key, key_len, val, &val_len);
	deaths_snap(idx, &snap);

	if (op < 300) {
		do_load(idx, key, key_len, "load");
	} else if (op < 450) {
		do_load_rcu(idx, key, key_len);
	} else if (op < 600) {
		check_result(syncmap_store(ts.map, key, key_len, val, val_len),
			     "store");
	} else if (op < 680) {
		ret = syncmap_swap(ts.map, key, key_len, val, val_len, buf,
				   sizeof(buf), &len);
		if (ret == 1 && check_value(key, key_len, buf, len, &snap, "swap"))
			death_record(idx, buf);
		check_result(ret, "swap");
	} else if (op < 760) {
		ret = syncmap_load_or_store(ts.map, key, key_len, val, val_len,
					    buf, sizeof(buf), &len);
		if (ret == 1)
			check_value(key, key_len, buf, len, &snap,
				    "load_or_store");
		check_result(ret, "load_or_store");
	} else if (op < 830) {
		ret = syncmap_load_and_delete(ts.map, key, key_len, buf,
					      sizeof(buf), &len);
		if (ret == 1 && check_value(key, key_len, buf, len, &snap,
					    "load_and_delete"))
			death_record(idx, buf);
		check_result(ret, "load_and_delete");
	} else if (op < 900) {
		check_result(syncmap_delete(ts.map, key, key_len), "delete");
	} else if (op < 990) {
		/* CAS or CAD from the value just loaded: unless it changed. */
		ret = syncmap_load(ts.map, key, key_len, buf, sizeof(buf), &len);
		if (ret != 1 || !check_value(key, key_len, buf, len, &snap,
					     "cas/cad load"))
			goto out;
		if (op < 950)
			ret = syncmap_compare_and_swap(ts.map, key, key_len,
						       buf, len, val, val_len);
		else
			ret = syncmap_compare_and_delete(ts.map, key, key_len,
							 buf, len);
		if (ret == 1)
			death_record(idx, buf);
		check_result(ret, op < 950 ? "cas" : "cad");
	} else if (op < 997) {
		do_range(t);
	} else if (op < 999) {
		ret = syncmap_compact(ts.map);
		if (ret == -ENOMEM)
			atomic64_inc(&ts.compacts_failed);
		check_result(ret, "compact");
		atomic64_inc(&ts.compacts);
	} else {
		check_result(syncmap_clear(ts.map), "clear");
		atomic64_inc(&ts.clears);
	}
out:
	if (fault && rng_below(&t->rng, 64) == 0) {
		syncmap_inject_alloc_failure(ts.map, 1 + rng_below(&t->rng, 8));
		atomic64_inc(&ts.injections);
	}
	t->ops++;
}

static int torture_thread_fn(void *arg)
{
	struct torture_thread *t = arg;

	while (!kthread_should_stop()) {
		if (READ_ONCE(ts.stop)) {
			/* Park until kthread_stop(), doing nothing. */
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		torture_op(t);
		cond_resched();
	}
	return 0;
}

/* Softirq readers: a few loads per tick on each CPU. */
static void torture_timer_fn(struct timer_list *timer)
{
	struct torture_cpu *c = from_timer(c, timer, timer);
	u32 key_len, idx;
	u8 key[8];
	int i;

	for (i = 0; i < 4; i++) {
		idx = pick_key(&c->rng, key, &key_len);
		if (i & 1)
			do_load_rcu(idx, key, key_len);
		else
			do_load(idx, key, key_len, "softirq load");
		c->loads++;
	}
	if (!READ_ONCE(ts.stop))
		mod_timer(timer, jiffies + 1);
}

static void timers_start(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct torture_cpu *c = per_cpu_ptr(ts.cpu, cpu);

		prandom_seed_state(&c->rng, get_random_u64());
		c->loads = 0;
		timer_setup(&c->timer, torture_timer_fn, 0);
		c->timer.expires = jiffies + 1;
		add_timer_on(&c->timer, cpu);
	}
}

static void timers_stop(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct torture_cpu *c = per_cpu_ptr(ts.cpu, cpu);

		/* ts.stop is set: the callback does not re-arm. */
		del_timer_sync(&c->timer);
		atomic64_add(c->loads, &ts.softirq_loads);
	}
}

static void counters_reset(void)
{
	atomic64_set(&ts.errors, 0);
	atomic64_set(&ts.enomem, 0);
	atomic64_set(&ts.ops, 0);
	atomic64_set(&ts.softirq_loads, 0);
	atomic64_set(&ts.ranges, 0);
	atomic64_set(&ts.range_seen, 0);
	atomic64_set(&ts.clears, 0);
	atomic64_set(&ts.compacts, 0);
	atomic64_set(&ts.injections, 0);
	atomic64_set(&ts.deaths, 0);
	atomic_set(&ts.reports, 0);
}

static __printf(2, 3) void tap(bool ok, const char *fmt, ...)
{
	char line[160];
	va_list args;

	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	seq_buf_printf(&ts.out, "%s %u - %s\n", ok ? "ok" : "not ok", ++ts.tap,
		       line);
}

static int torture_run(unsigned int seconds)
{
	struct syncmap_stats before, after;
	struct torture_thread *t;
	unsigned int n, i, cpu, elapsed, step;
	u64 errors;

	n = num_online_cpus() * threads_per_cpu;
	t = kcalloc(n, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	counters_reset();
	syncmap_get_stats(ts.map, &before);
	WRITE_ONCE(ts.stop, false);
	timers_start();
	i = 0;
	for_each_online_cpu(cpu) {
		unsigned int j;

		for (j = 0; j < threads_per_cpu && i < n; j++, i++) {
			prandom_seed_state(&t[i].rng, get_random_u64());
			t[i].range_snap = kvmalloc_array(nr_keys(),
							 sizeof(*t[i].range_snap),
							 GFP_KERNEL);
			if (!t[i].range_snap) {
				torture_fail("no memory for a thread");
				continue;
			}
			t[i].task = kthread_create_on_node(torture_thread_fn,
							   &t[i],
							   cpu_to_node(cpu),
							   "syncmap_tort/%u",
							   i);
			if (IS_ERR(t[i].task)) {
				torture_fail("kthread: %ld",
					     PTR_ERR(t[i].task));
				t[i].task = NULL;
				continue;
			}
			kthread_bind(t[i].task, cpu);
			wake_up_process(t[i].task);
		}
	}
	/* Progress on the console: runners take a silent guest for a hung one. */
	for (elapsed = 0; elapsed < seconds; elapsed += step) {
		u64 ops = 0;

		step = min(seconds - elapsed, 30U);
		msleep_interruptible(step * 1000);
		for (i = 0; i < n; i++)
			/* Its thread writes it; a stale sum is fine here. */
			ops += data_race(t[i].ops);
		pr_info("%us of %us: %llu ops, %lld errors\n", elapsed + step,
			seconds, ops, atomic64_read(&ts.errors));
	}

	WRITE_ONCE(ts.stop, true);
	timers_stop();
	for (i = 0; i < n; i++) {
		if (t[i].task) {
			kthread_stop(t[i].task);
			atomic64_add(t[i].ops, &ts.ops);
		}
		kvfree(t[i].range_snap);
	}
	kfree(t);
	/* A failure injected but not yet consumed must not leak out. */
	syncmap_inject_alloc_failure(ts.map, 0);
	syncmap_get_stats(ts.map, &after);

	errors = atomic64_read(&ts.errors);
	seq_buf_printf(&ts.out,
		       "# run %us, %u threads: ops %lld softirq_loads %lld ranges %lld range_entries %lld clears %lld compacts %lld\n",
		       seconds, n, atomic64_read(&ts.ops),
		       atomic64_read(&ts.softirq_loads),
		       atomic64_read(&ts.ranges),
		       atomic64_read(&ts.range_seen),
		       atomic64_read(&ts.clears), atomic64_read(&ts.compacts));
	seq_buf_printf(&ts.out,
		       "# run: promotions %llu (misses %llu range %llu compact %llu) rebuilds %llu new_keys %llu stores %llu deletes %llu loads %llu\n",
		       after.promotions - before.promotions,
		       after.promotions_misses - before.promotions_misses,
		       after.promotions_range - before.promotions_range,
		       after.promotions_compact - before.promotions_compact,
		       after.dirty_rebuilds - before.dirty_rebuilds,
		       after.new_keys - before.new_keys,
		       after.stores - before.stores,
		       after.deletes - before.deletes,
		       after.loads - before.loads);
	seq_buf_printf(&ts.out,
		       "# run: faults injected %lld, -ENOMEM seen %lld, values seen dying %lld, errors %llu\n",
		       atomic64_read(&ts.injections),
		       atomic64_read(&ts.enomem), atomic64_read(&ts.deaths),
		       errors);
	tap(!errors, "torture run %us: %llu errors", seconds, errors);
	pr_info("run %us: ops %lld promotions %llu rebuilds %llu errors %llu\n",
		seconds, atomic64_read(&ts.ops),
		after.promotions - before.promotions,
		after.dirty_rebuilds - before.dirty_rebuilds, errors);
	return errors ? -EIO : 0;
}

/* At quiescence: the counters must add up, and clear must free it all. */
static bool check_quiescent(struct syncmap *map, const char *name)
{
	/* No value a writer saw die may be in the map now. */
	struct range_arg ra = { .what = "check range" };
	struct syncmap_stats st;
	u64 seen, len;
	bool ok = true;

	syncmap_range(map, range_fn, &ra);
	seen = ra.seen;
	len = syncmap_len(map);
	syncmap_get_stats(map, &st);

#define expect(cond)							\
	do {								\
		if (!(cond)) {						\
			ok = false;					\
			seq_buf_printf(&ts.out, "# %s: failed: %s\n",	\
				       name, #cond);			\
		}							\
	} while (0)
	expect(len == seen);
	expect(st.len == seen);
	expect(st.entries >= st.len);
	/* Go's counters relate as its algorithm says; merge has its own. */
	if (st.engine == SYNCMAP_ENGINE_GO) {
		expect(st.promotions == st.promotions_misses +
		       st.promotions_range + st.promotions_compact);
		/* One or two a compaction; a failed one may have promoted. */
		expect(st.promotions_compact <= 2 * st.compactions +
		       atomic64_read(&ts.compacts_failed));
		expect(st.read_len + st.dirty_len >= st.len);
		expect(st.dirty_present || !st.dirty_len);
		expect(!st.amended || st.dirty_present);
		expect(st.misses <= st.dirty_len);
	}
	seq_buf_printf(&ts.out,
		       "# %s: len %llu range %llu entries %llu bytes %llu read_len %llu dirty_len %llu promotions %llu rebuilds %llu\n",
		       name, len, seen, st.entries, st.bytes, st.read_len,
		       st.dirty_len, st.promotions, st.dirty_rebuilds);

	/* Everything a clear drops is freed once the deferred frees ran. */
	expect(syncmap_clear(map) == 0);
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	expect(st.len == 0);
	expect(st.entries == 0);
	expect(syncmap_len(map) == 0);
	seq_buf_printf(&ts.out, "# %s: after clear: entries %llu bytes %llu\n",
		       name, st.entries, st.bytes);
#undef expect
	return ok;
}

/*
 * Single-threaded, so every result is known: make each allocation of a
 * sequence of operations fail in turn.  A failing call returns -ENOMEM
 * and leaves the key (and len) as they were; a call that did not fail
 * does what it should.
 */
struct fault_bufs {
	u8 val[TORTURE_VALUE_MAX];
	u8 buf[TORTURE_VALUE_MAX];
	u8 before[TORTURE_VALUE_MAX];
	u8 after[TORTURE_VALUE_MAX];
};

static bool check_faults(void)
{
	struct fault_bufs *fb;
	u8 *val, *buf, *before, *after;
	u8 key[8];
	u32 key_len, val_len, len, blen, alen;
	u64 len0, failed = 0;
	struct syncmap_params params = { .engine = ts.map->engine };
	struct rnd_state rng;
	struct syncmap_stats st;
	struct syncmap *map;
	unsigned int i;
	bool ok = true;
	int ret, had, has;

	/* Four values are too much for a kernel stack frame. */
	fb = kmalloc(sizeof(*fb), GFP_KERNEL);
	if (!fb) {
		tap(false, "fault pass: no memory for the buffers");
		return false;
	}
	val = fb->val;
	buf = fb->buf;
	before = fb->before;
	after = fb->after;
	prandom_seed_state(&rng, get_random_u64());
	/* A private map of the tortured map's engine. */
	map = syncmap_create(&params);
	if (IS_ERR(map)) {
		kfree(fb);
		tap(false, "fault pass: create: %ld", PTR_ERR(map));
		return false;
	}
	for (i = 0; i < fault_keys && ok; i++) {
		u32 op = rng_below(&rng, 6);

		key_len = make_key(key, rng_below(&rng, 2),
				   rng_below(&rng, 256));
		val_len = torture_value_make(val, key, key_len, i,
					     rng_below(&rng, 8));
		had = syncmap_load(map, key, key_len, before,
				   TORTURE_VALUE_MAX, &blen);
		len0 = syncmap_len(map);
		syncmap_inject_alloc_failure(map, 1 + rng_below(&rng, 3));
		switch (op) {
		case 0:
			ret = syncmap_store(map, key, key_len, val, val_len);
			break;
		case 1:
			ret = syncmap_swap(map, key, key_len, val, val_len,
					   buf, TORTURE_VALUE_MAX, &len);
			break;
		case 2:
			ret = syncmap_load_or_store(map, key, key_len, val,
						    val_len, buf,
						    TORTURE_VALUE_MAX, &len);
			break;
		case 3:
			ret = syncmap_load_and_delete(map, key, key_len, buf,
						      TORTURE_VALUE_MAX, &len);
			break;
		case 4:
			ret = syncmap_compact(map);
			break;
		default:
			ret = rng_below(&rng, 8) ? 0 : syncmap_clear(map);
			break;
		}
		syncmap_inject_alloc_failure(map, 0);
		if (ret != -ENOMEM && ret < 0) {
			seq_buf_printf(&ts.out, "# fault pass: op %u returned %d\n",
				       op, ret);
			ok = false;
			break;
		}
		if (ret != -ENOMEM)
			continue;
		failed++;
		has = syncmap_load(map, key, key_len, after,
				   TORTURE_VALUE_MAX, &alen);
		if (has != had || syncmap_len(map) != len0 ||
		    (had == 1 && (alen != blen || memcmp(before, after, alen)))) {
			seq_buf_printf(&ts.out,
				       "# fault pass: op %u failed with -ENOMEM but changed the map (found %d->%d, len %llu->%llu)\n",
				       op, had, has, len0, syncmap_len(map));
			ok = false;
		}
	}
	syncmap_get_stats(map, &st);
	if (st.len != syncmap_len(map) ||
	    (st.engine == SYNCMAP_ENGINE_GO &&
	     st.promotions != st.promotions_misses + st.promotions_range +
	     st.promotions_compact))
		ok = false;
	syncmap_clear(map);
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	if (st.entries)
		ok = false;
	syncmap_destroy(map);
	kfree(fb);
	tap(ok, "fault pass (%s): %u operations, %llu failed with -ENOMEM, entries left %llu",
	    syncmap_engine_name(ts.map), i, failed, st.entries);
	return ok;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	unsigned int seconds;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &seconds);
	if (ret)
		return ret;
	if (!seconds || seconds > 24 * 3600)
		return -EINVAL;
	mutex_lock(&ts.lock);
	ret = torture_run(seconds);
	mutex_unlock(&ts.lock);
	return ret ? ret : count;
}

static ssize_t check_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	bool ok;

	mutex_lock(&ts.lock);
	ok = check_quiescent(ts.map, ts.map_name);
	tap(ok, "quiescent map %s (%s engine): len, counters, nothing left after clear",
	    ts.map_name, syncmap_engine_name(ts.map));
	ok &= check_faults();
	mutex_unlock(&ts.lock);
	return ok ? count : -EIO;
}

/* Torture another named map from now on: its name, as "run" takes time. */
static ssize_t map_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char buf[SYNCMAP_NAME_MAX], *name;
	struct syncmap *map;

	/* A name and a newline at most. */
	if (count > sizeof(buf) - 1 + 1)
		return -ENAMETOOLONG;
	if (copy_from_user(buf, ubuf, min(count, sizeof(buf) - 1)))
		return -EFAULT;
	buf[min(count, sizeof(buf) - 1)] = '\0';
	name = strim(buf);
	map = syncmap_get(name);
	if (!map)
		return -ENOENT;
	mutex_lock(&ts.lock);
	swap(ts.map, map);
	strscpy(ts.map_name, name, sizeof(ts.map_name));
	/* Generations never repeat; clean rings only make reports clearer. */
	memset(ts.key_deaths, 0, nr_keys() * sizeof(*ts.key_deaths));
	mutex_unlock(&ts.lock);
	syncmap_put(map);
	return count;
}

static int map_show(struct seq_file *m, void *unused)
{
	mutex_lock(&ts.lock);
	seq_printf(m, "%s %s\n", ts.map_name, syncmap_engine_name(ts.map));
	mutex_unlock(&ts.lock);
	return 0;
}

static int map_open(struct inode *inode, struct file *file)
{
	return single_open(file, map_show, NULL);
}

static const struct file_operations map_fops = {
	.owner = THIS_MODULE,
	.open = map_open,
	.read = seq_read,
	.write = map_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int results_show(struct seq_file *m, void *unused)
{
	mutex_lock(&ts.lock);
	seq_printf(m, "TAP version 13\n1..%u\n", ts.tap);
	seq_write(m, ts.results, seq_buf_used(&ts.out));
	mutex_unlock(&ts.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.llseek = noop_llseek,
};

static const struct file_operations check_fops = {
	.owner = THIS_MODULE,
	.write = check_write,
	.llseek = noop_llseek,
};

static int __init syncmap_torture_init(void)
{
	if (!small_keys || !large_keys || !threads_per_cpu)
		return -EINVAL;
	mutex_init(&ts.lock);
	seq_buf_init(&ts.out, ts.results, sizeof(ts.results));
	ts.key_deaths = kvcalloc(nr_keys(), sizeof(*ts.key_deaths),
				 GFP_KERNEL);
	ts.cpu = alloc_percpu(struct torture_cpu);
	if (!ts.cpu || !ts.key_deaths) {
		free_percpu(ts.cpu);
		kvfree(ts.key_deaths);
		return -ENOMEM;
	}
	strscpy(ts.map_name, map_name, sizeof(ts.map_name));
	ts.map = syncmap_get(map_name);
	if (!ts.map) {
		pr_err("no map named %s\n", map_name);
		free_percpu(ts.cpu);
		kvfree(ts.key_deaths);
		return -ENOENT;
	}
	syncmap_poison_freed(true);
	ts.dir = debugfs_create_dir("syncmap_torture", NULL);
	debugfs_create_file("run", 0200, ts.dir, NULL, &run_fops);
	debugfs_create_file("check", 0200, ts.dir, NULL, &check_fops);
	debugfs_create_file("results", 0400, ts.dir, NULL, &results_fops);
	debugfs_create_file("map", 0600, ts.dir, NULL, &map_fops);
	return 0;
}

static void __exit syncmap_torture_exit(void)
{
	debugfs_remove_recursive(ts.dir);
	syncmap_poison_freed(false);
	syncmap_put(ts.map);
	free_percpu(ts.cpu);
	kvfree(ts.key_deaths);
}

module_init(syncmap_torture_init);
module_exit(syncmap_torture_exit);

MODULE_IMPORT_NS(SYNCMAP_TESTING);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("syncmap torture test: random concurrent operations, checked values");
MODULE_AUTHOR("syncmap developers");
