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
 * another key's value or freed memory reports an error.
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
 *
 * The map is the registry's "default" map (params: map=NAME).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/timer.h>

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

struct torture_thread {
	struct task_struct *task;
	u64 rng;
	u64 ops;
};

struct torture_cpu {
	struct timer_list timer;
	u64 rng;
	u64 loads;
};

static struct torture_state {
	struct mutex lock;		/* one run or check at a time */
	struct syncmap *map;
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
	atomic64_t injections;
	atomic_t reports;
	unsigned int tap;		/* TAP test number */
	char results[TORTURE_RESULTS_SIZE];
	struct seq_buf out;
	struct torture_cpu __percpu *cpu;
} ts;

static u64 rng_next(u64 *state)
{
	/* xorshift64*: cheap, lock-free, good enough to pick operations. */
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u32 rng_below(u64 *state, u32 n)
{
	return (u32)(((rng_next(state) >> 32) * (u64)n) >> 32);
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

static void pick_key(u64 *rng, u8 *key, u32 *key_len)
{
	bool large = rng_below(rng, 4) == 0;

	*key_len = make_key(key, large,
			    rng_below(rng, large ? large_keys : small_keys));
}

/* Check one value seen under @key; @what names the path that saw it. */
static void check_value(const void *key, u32 key_len, const void *value,
			u32 len, const char *what)
{
	int ret = torture_value_check(key, key_len, value, len);

	if (ret)
		torture_fail("%s: bad value (len %u): %s", what, len,
			     torture_value_problem(ret));
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

static void new_value(u64 *rng, const u8 *key, u32 key_len, u8 *buf,
		      u32 *len)
{
	*len = torture_value_make(buf, key, key_len,
				  atomic64_inc_return(&ts.gen),
				  rng_below(rng, TORTURE_VALUE_MAX -
					    TORTURE_VALUE_MIN + 1));
}

static void do_load(u64 *rng, const u8 *key, u32 key_len, const char *what)
{
	u8 buf[TORTURE_VALUE_MAX];
	u32 len;
	int ret;

	ret = syncmap_load(ts.map, key, key_len, buf, sizeof(buf), &len);
	if (ret == 1)
		check_value(key, key_len, buf, len, what);
	else if (ret)
		torture_fail("%s returned %d", what, ret);
}

static void do_load_rcu(const u8 *key, u32 key_len)
{
	const void *value;
	u32 len;
	int ret;

	/* Zero-copy: the value is checked in place, inside its grace period. */
	rcu_read_lock();
	ret = syncmap_load_rcu(ts.map, key, key_len, &value, &len);
	if (ret == 1)
		check_value(key, key_len, value, len, "load_rcu");
	rcu_read_unlock();
	if (ret < 0)
		torture_fail("load_rcu returned %d", ret);
}

static int range_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	u64 *seen = arg;

	(*seen)++;
	if (torture_key_is_checked(key, key_len))
		check_value(key, key_len, value, value_len, "range");
	return 0;
}

static void do_range(void)
{
	u64 seen = 0;
	int ret;

	ret = syncmap_range(ts.map, range_fn, &seen);
	if (ret)
		torture_fail("range returned %d", ret);
	atomic64_inc(&ts.ranges);
	atomic64_add(seen, &ts.range_seen);
}

/* One random operation. */
static void torture_op(struct torture_thread *t)
{
	u8 key[8], val[TORTURE_VALUE_MAX], buf[TORTURE_VALUE_MAX];
	u32 key_len, val_len, len;
	u32 op = rng_below(&t->rng, 1000);
	int ret;

	pick_key(&t->rng, key, &key_len);
	new_value(&t->rng, key, key_len, val, &val_len);

	if (op < 300) {
		do_load(&t->rng, key, key_len, "load");
	} else if (op < 450) {
		do_load_rcu(key, key_len);
	} else if (op < 600) {
		check_result(syncmap_store(ts.map, key, key_len, val, val_len),
			     "store");
	} else if (op < 680) {
		ret = syncmap_swap(ts.map, key, key_len, val, val_len, buf,
				   sizeof(buf), &len);
		if (ret == 1)
			check_value(key, key_len, buf, len, "swap");
		check_result(ret, "swap");
	} else if (op < 760) {
		ret = syncmap_load_or_store(ts.map, key, key_len, val, val_len,
					    buf, sizeof(buf), &len);
		if (ret == 1)
			check_value(key, key_len, buf, len, "load_or_store");
		check_result(ret, "load_or_store");
	} else if (op < 830) {
		ret = syncmap_load_and_delete(ts.map, key, key_len, buf,
					      sizeof(buf), &len);
		if (ret == 1)
			check_value(key, key_len, buf, len, "load_and_delete");
		check_result(ret, "load_and_delete");
	} else if (op < 900) {
		check_result(syncmap_delete(ts.map, key, key_len), "delete");
	} else if (op < 950) {
		/* CAS from the value just loaded: swaps unless it changed. */
		ret = syncmap_load(ts.map, key, key_len, buf, sizeof(buf), &len);
		if (ret == 1) {
			check_value(key, key_len, buf, len, "cas load");
			check_result(syncmap_compare_and_swap(ts.map, key, key_len,
							      buf, len, val,
							      val_len), "cas");
		}
	} else if (op < 990) {
		ret = syncmap_load(ts.map, key, key_len, buf, sizeof(buf), &len);
		if (ret == 1) {
			check_value(key, key_len, buf, len, "cad load");
			check_result(syncmap_compare_and_delete(ts.map, key,
								key_len, buf,
								len), "cad");
		}
	} else if (op < 997) {
		do_range();
	} else if (op < 999) {
		check_result(syncmap_compact(ts.map), "compact");
		atomic64_inc(&ts.compacts);
	} else {
		check_result(syncmap_clear(ts.map), "clear");
		atomic64_inc(&ts.clears);
	}
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
	u8 key[8];
	u32 key_len;
	int i;

	for (i = 0; i < 4; i++) {
		pick_key(&c->rng, key, &key_len);
		if (i & 1)
			do_load_rcu(key, key_len);
		else
			do_load(&c->rng, key, key_len, "softirq load");
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

		c->rng = get_random_u64() | 1;
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
			t[i].rng = get_random_u64() | 1;
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
		if (!t[i].task)
			continue;
		kthread_stop(t[i].task);
		atomic64_add(t[i].ops, &ts.ops);
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
		       "# run: faults injected %lld, -ENOMEM seen %lld, errors %llu\n",
		       atomic64_read(&ts.injections),
		       atomic64_read(&ts.enomem), errors);
	tap(!errors, "torture run %us: %llu errors", seconds, errors);
	pr_info("run %us: ops %lld promotions %llu rebuilds %llu errors %llu\n",
		seconds, atomic64_read(&ts.ops),
		after.promotions - before.promotions,
		after.dirty_rebuilds - before.dirty_rebuilds, errors);
	return errors ? -EIO : 0;
}

static int count_fn(void *arg, const void *key, u32 key_len,
		    const void *value, u32 value_len)
{
	u64 *seen = arg;

	(*seen)++;
	if (torture_key_is_checked(key, key_len))
		check_value(key, key_len, value, value_len, "check range");
	return 0;
}

/* At quiescence: the counters must add up, and clear must free it all. */
static bool check_quiescent(struct syncmap *map, const char *name)
{
	struct syncmap_stats st;
	u64 seen = 0, len;
	bool ok = true;

	syncmap_range(map, count_fn, &seen);
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
	expect(st.promotions == st.promotions_misses +
	       st.promotions_range + st.promotions_compact);
	expect(st.promotions_compact <= 2 * st.compactions);
	expect(st.entries >= st.len);
	expect(st.read_len + st.dirty_len >= st.len);
	expect(st.dirty_present || !st.dirty_len);
	expect(!st.amended || st.dirty_present);
	expect(st.misses <= st.dirty_len);
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
static bool check_faults(void)
{
	u8 key[8], val[TORTURE_VALUE_MAX], buf[TORTURE_VALUE_MAX];
	u8 before[TORTURE_VALUE_MAX], after[TORTURE_VALUE_MAX];
	u32 key_len, val_len, len, blen, alen;
	u64 rng = get_random_u64() | 1, len0, failed = 0;
	struct syncmap_stats st;
	struct syncmap *map;
	unsigned int i;
	bool ok = true;
	int ret, had, has;

	map = syncmap_create(NULL);
	if (IS_ERR(map)) {
		tap(false, "fault pass: create: %ld", PTR_ERR(map));
		return false;
	}
	for (i = 0; i < fault_keys && ok; i++) {
		u32 op = rng_below(&rng, 6);

		key_len = make_key(key, rng_below(&rng, 2),
				   rng_below(&rng, 256));
		val_len = torture_value_make(val, key, key_len, i,
					     rng_below(&rng, 8));
		had = syncmap_load(map, key, key_len, before, sizeof(before),
				   &blen);
		len0 = syncmap_len(map);
		syncmap_inject_alloc_failure(map, 1 + rng_below(&rng, 3));
		switch (op) {
		case 0:
			ret = syncmap_store(map, key, key_len, val, val_len);
			break;
		case 1:
			ret = syncmap_swap(map, key, key_len, val, val_len,
					   buf, sizeof(buf), &len);
			break;
		case 2:
			ret = syncmap_load_or_store(map, key, key_len, val,
						    val_len, buf, sizeof(buf),
						    &len);
			break;
		case 3:
			ret = syncmap_load_and_delete(map, key, key_len, buf,
						      sizeof(buf), &len);
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
		has = syncmap_load(map, key, key_len, after, sizeof(after),
				   &alen);
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
	    st.promotions != st.promotions_misses + st.promotions_range +
	    st.promotions_compact)
		ok = false;
	syncmap_clear(map);
	syncmap_flush_frees();
	syncmap_get_stats(map, &st);
	if (st.entries)
		ok = false;
	syncmap_destroy(map);
	tap(ok, "fault pass: %u operations, %llu failed with -ENOMEM, entries left %llu",
	    i, failed, st.entries);
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
	ok = check_quiescent(ts.map, map_name);
	tap(ok, "quiescent map %s: len, counters, nothing left after clear",
	    map_name);
	ok &= check_faults();
	mutex_unlock(&ts.lock);
	return ok ? count : -EIO;
}

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
	ts.cpu = alloc_percpu(struct torture_cpu);
	if (!ts.cpu)
		return -ENOMEM;
	ts.map = syncmap_get(map_name);
	if (!ts.map) {
		pr_err("no map named %s\n", map_name);
		free_percpu(ts.cpu);
		return -ENOENT;
	}
	ts.dir = debugfs_create_dir("syncmap_torture", NULL);
	debugfs_create_file("run", 0200, ts.dir, NULL, &run_fops);
	debugfs_create_file("check", 0200, ts.dir, NULL, &check_fops);
	debugfs_create_file("results", 0400, ts.dir, NULL, &results_fops);
	return 0;
}

static void __exit syncmap_torture_exit(void)
{
	debugfs_remove_recursive(ts.dir);
	syncmap_put(ts.map);
	free_percpu(ts.cpu);
}

module_init(syncmap_torture_init);
module_exit(syncmap_torture_exit);

MODULE_IMPORT_NS(SYNCMAP_TESTING);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("syncmap torture test: random concurrent operations, checked values");
MODULE_AUTHOR("syncmap developers");
