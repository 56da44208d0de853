// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_failslab_test: the kernel's own slab fault injection (FAILSLAB,
 * Documentation/fault-injection/fault-injection.rst) fails random
 * allocations of this process's ioctls on a private map.  Every call is
 * checked against a model of the map kept here: a call that fails must
 * say ENOMEM and leave the map (the key, len) exactly as it was; any other
 * call must do what it should.  Nothing may leak: the VM's kmemleak scan
 * runs after the module is unloaded.
 *
 * failslab is set to fail only this task's allocations (task-filter and
 * /proc/self/make-it-fail, switched on around each call), sleeping ones
 * included (ignore-gfp-wait=N), with verbose=0; its settings are put back
 * at the end.  Skips on kernels without FAILSLAB (Debian's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "syncmap_test.h"

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define KEYS		32
#define CALLS		4000
/* Long values are staged in a kvmalloc()ed buffer by the device. */
#define VALUE_MAX	600

/*
 * Set in this order, put back in the reverse one: until task-filter is
 * on, a probability would fail everybody's allocations.
 */
static const char * const knobs[] = {
	"task-filter", "ignore-gfp-wait", "interval", "times", "verbose",
	"space", "probability",
};
#define NR_KNOBS	(sizeof(knobs) / sizeof(knobs[0]))

/* Read (@size > 0) or write (@size 0) one failslab knob. */
static int knob_rw(const char *knob, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), FAILSLAB "%s", knob);
	return size ? sm_read_file(path, buf, size) : sm_write_file(path, buf);
}

/* What the model says a key holds: absent (len -1) or a value. */
struct model_value {
	int len;
	char data[VALUE_MAX];
};

struct model {
	struct model_value v[KEYS];
	long long len;
};

static int make_value(char *buf, unsigned int seed)
{
	int len = seed % 5 ? 8 + seed % 40 : VALUE_MAX - seed % 64;
	int i;

	for (i = 0; i < len; i++)
		buf[i] = 'a' + (seed + i) % 26;
	return len;
}

static int same(const struct model_value *m, const char *buf, uint32_t len)
{
	return m->len == (int)len && !memcmp(m->data, buf, len);
}

FIXTURE(failslab) {
	int fd;
	int fail_fd;		/* /proc/self/make-it-fail */
	char name[SYNCMAP_NAME_MAX];
	char saved[NR_KNOBS][32];
	int configured;		/* knobs written: teardown puts them back */
	int config_err;
	struct model m;
	char keys[KEYS][8];
};

/* Both engines: Go's, and the merge engine (SYNCMAP_CREATE_MERGE). */
FIXTURE_VARIANT(failslab) {
	uint32_t create_flags;
};

FIXTURE_VARIANT_ADD(failslab, go) {
	.create_flags = 0,
};

FIXTURE_VARIANT_ADD(failslab, merge) {
	.create_flags = SYNCMAP_CREATE_MERGE,
};

FIXTURE_SETUP(failslab)
{
	static const char * const set[] = {
		"Y", "N", "1", "-1", "0", "0", "25",
	};
	unsigned int i;

	self->fd = -1;
	self->fail_fd = -1;
	self->configured = 0;
	self->config_err = 0;
	if (access(SM_DEVICE, R_OK | W_OK))
		SKIP(return, "no %s", SM_DEVICE);
	if (access(FAILSLAB "probability", W_OK))
		SKIP(return, "no %s (CONFIG_FAILSLAB)", FAILSLAB);
	self->fail_fd = open("/proc/self/make-it-fail", O_WRONLY);
	ASSERT_LE(0, self->fail_fd);
	sm_unique(self->name, "failslab");
	ASSERT_EQ(0, sm_create_flags(self->name, 0600, 0, 0,
				     variant->create_flags));
	self->fd = sm_open_bound(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
	for (i = 0; i < KEYS; i++) {
		snprintf(self->keys[i], sizeof(self->keys[i]), "k%02u", i);
		self->m.v[i].len = -1;
	}
	for (i = 0; i < NR_KNOBS; i++)
		ASSERT_EQ(0, knob_rw(knobs[i], self->saved[i],
				     sizeof(self->saved[i])));
	/*
	 * No ASSERT from here: the teardown, which puts the knobs back,
	 * only runs after a setup that completed.  The test checks.
	 */
	self->configured = 1;
	for (i = 0; i < NR_KNOBS && !self->config_err; i++)
		self->config_err = knob_rw(knobs[i], (char *)set[i], 0);
}

FIXTURE_TEARDOWN(failslab)
{
	int i;

	if (self->fail_fd >= 0) {
		pwrite(self->fail_fd, "0", 1, 0);
		close(self->fail_fd);
	}
	for (i = NR_KNOBS - 1; self->configured && i >= 0; i--)
		knob_rw(knobs[i], self->saved[i], 0);
	if (self->fd >= 0)
		close(self->fd);
	if (self->name[0])
		sm_destroy(self->name);
}

/* Allocations of this task fail at random between on() and off(). */
static void on(int fd)
{
	if (pwrite(fd, "1", 1, 0) != 1)
		abort();
}

static void off(int fd)
{
	if (pwrite(fd, "0", 1, 0) != 1)
		abort();
}

/* The key's value in the map, without faults: 1 found, 0 absent. */
static int peek(int fd, const char *key, char *buf, uint32_t *len)
{
	size_t n = 0;
	int ret = syncmap_load(fd, key, strlen(key), buf, VALUE_MAX, &n);

	if (ret < 0)
		return ret;
	*len = n;
	return ret;
}

enum { OP_STORE, OP_SWAP, OP_LOAD_OR_STORE, OP_LOAD_AND_DELETE, OP_DELETE,
       OP_CAS, OP_CAD, OP_LOAD, OP_BATCH_STORE, OP_COMPACT, OP_CLEAR, NR_OPS };

/* What one single operation returned. */
struct op_io {
	unsigned int result;	/* 1 or 0 */
	size_t out_len;		/* the value's length written to the buffer */
};

/*
 * One single operation (OP_STORE..OP_LOAD) through libsyncmap, @buf of
 * VALUE_MAX bytes where the operation returns a value: 0 and *@io, or
 * -errno.
 */
static int lib_op(int fd, unsigned int op, const char *key, const char *value,
		  size_t value_len, const char *old, size_t old_len, char *buf,
		  struct op_io *io)
{
	size_t klen = strlen(key);
	int ret = -EINVAL;

	memset(io, 0, sizeof(*io));
	switch (op) {
	case OP_STORE:
		ret = syncmap_store(fd, key, klen, value, value_len);
		break;
	case OP_SWAP:
		ret = syncmap_swap(fd, key, klen, value, value_len, buf,
				   VALUE_MAX, &io->out_len);
		break;
	case OP_LOAD_OR_STORE:
		ret = syncmap_load_or_store(fd, key, klen, value, value_len,
					    buf, VALUE_MAX, &io->out_len);
		break;
	case OP_LOAD_AND_DELETE:
		ret = syncmap_load_and_delete(fd, key, klen, buf, VALUE_MAX,
					      &io->out_len);
		break;
	case OP_DELETE:
		ret = syncmap_delete(fd, key, klen);
		break;
	case OP_CAS:
		ret = syncmap_compare_and_swap(fd, key, klen, old, old_len,
					       value, value_len);
		break;
	case OP_CAD:
		ret = syncmap_compare_and_delete(fd, key, klen, old, old_len);
		break;
	case OP_LOAD:
		ret = syncmap_load(fd, key, klen, buf, VALUE_MAX, &io->out_len);
		break;
	}
	if (ret < 0)
		return ret;
	io->result = ret;
	return 0;
}

/* The last calls, shown when the map and the model part. */
#define TRACE	16

struct trace {
	unsigned int op, key;
	int ret;
	unsigned int result;
};

static const char * const op_names[] = {
	"store", "swap", "load_or_store", "load_and_delete", "delete", "cas",
	"cad", "load", "batch_store", "compact", "clear",
};

static void show_trace(struct __test_metadata *_metadata,
		       const struct trace *trace, unsigned int call)
{
	unsigned int i = call >= TRACE ? call - TRACE + 1 : 0;

	for (; i <= call; i++)
		TH_LOG("call %u: %s k%02u: ret %d result %u", i,
		       op_names[trace[i % TRACE].op], trace[i % TRACE].key,
		       trace[i % TRACE].ret, trace[i % TRACE].result);
}

TEST_F(failslab, every_failure_is_enomem_and_changes_nothing)
{
	struct trace trace[TRACE] = { 0 };
	unsigned long enomem = 0, done = 0, items_enomem = 0;
	char value[VALUE_MAX], buf[VALUE_MAX], before[VALUE_MAX];
	unsigned int seed = getpid(), call;

	ASSERT_EQ(0, self->config_err);
	srandom(seed);
	TH_LOG("seed %u", seed);
	for (call = 0; call < CALLS; call++) {
		unsigned int k = random() % KEYS, op = random() % NR_OPS;
		struct model_value *mv = &self->m.v[k];
		const char *key = self->keys[k];
		struct op_io io = { 0 };
		uint32_t blen = 0;
		int vlen, had, ret, want = 0, applies = 0;

		/* Clear and compact are rare: they reset or rebuild it all. */
		if ((op == OP_CLEAR || op == OP_COMPACT) && random() % 8)
			op = OP_LOAD;
		vlen = make_value(value, random());
		had = peek(self->fd, key, before, &blen);
		ASSERT_EQ(mv->len >= 0, had);
		if (had)
			ASSERT_TRUE(same(mv, before, blen));

		if (op == OP_BATCH_STORE) {
			struct syncmap_batch_item it[2];
			unsigned int k2 = (k + 1) % KEYS, i;
			int batch_done;

			for (i = 0; i < 2; i++)
				syncmap_batch_item_set(&it[i],
						       self->keys[i ? k2 : k],
						       3, value, vlen);
			on(self->fail_fd);
			ret = batch_done = syncmap_batch_store(self->fd, it, 2,
							       0);
			off(self->fail_fd);
			if (ret > 0)
				ret = 0;
			if (ret == -ENOMEM) {
				enomem++;
			} else {
				ASSERT_EQ(0, ret);
				ASSERT_EQ(2, batch_done);
				for (i = 0; i < 2; i++) {
					struct model_value *t =
						&self->m.v[i ? k2 : k];

					if (it[i].result == -ENOMEM) {
						items_enomem++;
						continue;
					}
					ASSERT_EQ(0, it[i].result);
					if (t->len < 0)
						self->m.len++;
					t->len = vlen;
					memcpy(t->data, value, vlen);
				}
			}
		} else if (op == OP_CLEAR || op == OP_COMPACT) {
			on(self->fail_fd);
			ret = op == OP_CLEAR ? syncmap_clear(self->fd) :
					       syncmap_compact(self->fd);
			off(self->fail_fd);
			if (ret == -ENOMEM) {
				enomem++;
			} else {
				ASSERT_EQ(0, ret);
				if (op == OP_CLEAR) {
					unsigned int i;

					for (i = 0; i < KEYS; i++)
						self->m.v[i].len = -1;
					self->m.len = 0;
				}
			}
		} else {
			int uses_value = op == OP_STORE || op == OP_SWAP ||
					 op == OP_LOAD_OR_STORE || op == OP_CAS;
			int uses_old = op == OP_CAS || op == OP_CAD;
			int uses_buf = op == OP_SWAP || op == OP_LOAD_OR_STORE ||
				       op == OP_LOAD_AND_DELETE || op == OP_LOAD;
			/* CAS and CAD compare with the value, or a wrong one. */
			int match = had && random() % 4;

			on(self->fail_fd);
			ret = lib_op(self->fd, op, key,
				     uses_value ? value : NULL,
				     uses_value ? vlen : 0,
				     uses_old ? (match ? mv->data : "nope") : NULL,
				     uses_old ? (match ? mv->len : 4) : 0,
				     uses_buf ? buf : NULL, &io);
			off(self->fail_fd);
			switch (op) {
			case OP_STORE:
				want = 0;
				applies = 1;
				break;
			case OP_SWAP:
				want = had;
				applies = 1;
				break;
			case OP_LOAD_AND_DELETE:
			case OP_DELETE:
				want = had;
				applies = had;
				break;
			case OP_LOAD:
				want = had;
				break;
			case OP_LOAD_OR_STORE:
				want = had;
				applies = !had;
				break;
			case OP_CAS:
			case OP_CAD:
				want = match;
				applies = match;
				break;
			}
			if (ret == -ENOMEM) {
				enomem++;
			} else {
				ASSERT_EQ(0, ret) {
					TH_LOG("call %u: op %u on %s", call, op, key);
				}
				ASSERT_EQ(want, (int)io.result) {
					TH_LOG("call %u: op %u on %s", call, op, key);
				}
				/* What came back is what the model held. */
				if (uses_buf && io.result)
					ASSERT_TRUE(same(mv, buf, io.out_len));
				if (op == OP_LOAD_OR_STORE && !had)
					ASSERT_EQ((uint32_t)vlen, io.out_len);
				if (applies && (op == OP_LOAD_AND_DELETE ||
						op == OP_DELETE || op == OP_CAD)) {
					mv->len = -1;
					self->m.len--;
				} else if (applies) {
					if (mv->len < 0)
						self->m.len++;
					mv->len = vlen;
					memcpy(mv->data, value, vlen);
				}
			}
		}
		done++;
		trace[call % TRACE].op = op;
		trace[call % TRACE].key = k;
		trace[call % TRACE].ret = ret;
		trace[call % TRACE].result = op < OP_BATCH_STORE ? io.result : 0;
		/* Failed or not, the map is now what the model says. */
		had = peek(self->fd, key, before, &blen);
		if (had != (mv->len >= 0) || (had && !same(mv, before, blen)) ||
		    self->m.len != sm_len(self->fd)) {
			show_trace(_metadata, trace, call);
			TH_LOG("key %s: map %d model %d; len: map %lld model %lld",
			       key, had, mv->len >= 0, sm_len(self->fd),
			       self->m.len);
			ASSERT_EQ(mv->len >= 0, had);
			if (had)
				ASSERT_TRUE(same(mv, before, blen));
			ASSERT_EQ(self->m.len, sm_len(self->fd));
		}
	}
	TH_LOG("%lu calls, %lu failed with ENOMEM, %lu batch items with ENOMEM",
	       done, enomem, items_enomem);
	/* The injection must have bitten, or this tested nothing. */
	EXPECT_LT(CALLS / 20UL, enomem);
}

TEST_HARNESS_MAIN
