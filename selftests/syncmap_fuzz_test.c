// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_fuzz_test: hostile input for /dev/syncmap.
 *
 * random_ioctls makes SYNCMAP_FUZZ_CALLS (default 3000) calls with random
 * commands in and around syncmap's range, random sizes, directions,
 * flags and reserved fields, and random pointers: NULL, unmapped, kernel
 * addresses, misaligned, read-only, and structures or strings that run
 * into a PROT_NONE page midway.  After every rejected call the map's
 * contents (a set of known keys, and len) must be what they were, except
 * for the calls docs/abi.md lists as able to fail after taking effect.
 * The other tests check names, sizes and limits at their exact
 * boundaries.
 *
 * Raw ioctls, not libsyncmap: hostile structures, sizes and pointers are
 * what this test sends, and a library would refuse or fix many of them
 * before the kernel saw them.  SM_RAW_ABI gives it syncmap_test.h's
 * helpers over the bare ioctls; the selftests Makefile builds it without
 * the library.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define SM_RAW_ABI
#include "kselftest_harness.h"
#include "syncmap_test.h"

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#define FUZZ_KEYS	8
#define FUZZ_NAMES	4
/* Pages of the good buffer with its guard: a LIST may ask for 256 KiB. */
#define FUZZ_GUARD	1024

struct fuzz_key {
	char key[8];
	char value[32];
	uint32_t len;
	int present;
};

FIXTURE(fuzz) {
	int fd;			/* bound O_RDWR: the fuzzed file */
	int ro;			/* bound O_RDONLY */
	int unbound;
	int check;		/* bound O_RDONLY, only to verify */
	char name[SYNCMAP_NAME_MAX];
	char created[FUZZ_NAMES][SYNCMAP_NAME_MAX];
	size_t page;
	uint8_t *good;		/* 4 read-write pages */
	uint8_t *edge;		/* a read-write page, then a PROT_NONE one */
	uint8_t *ro_page;	/* a read-only page */
	uint8_t *unmapped;
	uint64_t rng;
	struct fuzz_key keys[FUZZ_KEYS];
	long long len;
};

/* The map's known keys and len, read through an independent file. */
static void fz_snapshot(FIXTURE_DATA(fuzz) *self)
{
	int i;

	for (i = 0; i < FUZZ_KEYS; i++) {
		struct fuzz_key *k = &self->keys[i];
		struct syncmap_ioc_op op;
		int ret;

		ret = sm_op(self->check, SYNCMAP_IOC_LOAD, &op, k->key,
			    strlen(k->key), NULL, 0, NULL, 0, k->value,
			    sizeof(k->value));
		k->present = ret ? ret : (int)op.result;
		k->len = op.out_len;
	}
	self->len = sm_len(self->check);
}

/* 0 when the map still holds what the snapshot saw. */
static int fz_unchanged(FIXTURE_DATA(fuzz) *self)
{
	int i;

	for (i = 0; i < FUZZ_KEYS; i++) {
		struct fuzz_key *k = &self->keys[i];
		struct syncmap_ioc_op op;
		char buf[sizeof(k->value)];
		int ret;

		ret = sm_op(self->check, SYNCMAP_IOC_LOAD, &op, k->key,
			    strlen(k->key), NULL, 0, NULL, 0, buf, sizeof(buf));
		ret = ret ? ret : (int)op.result;
		if (ret != k->present)
			return i + 1;
		if (ret == 1 && (op.out_len != k->len ||
				 memcmp(buf, k->value, k->len)))
			return i + 1;
	}
	return sm_len(self->check) == self->len ? 0 : -1;
}

static void fz_populate(FIXTURE_DATA(fuzz) *self)
{
	int i;

	for (i = 0; i < FUZZ_KEYS; i++) {
		char v[32];

		snprintf(v, sizeof(v), "value-%d-%llu", i,
			 (unsigned long long)sm_rng_below(&self->rng, 1000));
		sm_store(self->fd, self->keys[i].key, v);
	}
	fz_snapshot(self);
}

FIXTURE_SETUP(fuzz)
{
	const char *seed = getenv("SYNCMAP_FUZZ_SEED");
	int i;

	self->page = sysconf(_SC_PAGESIZE);
	self->rng = seed ? strtoull(seed, NULL, 0) : (uint64_t)getpid() * 2654435761U;
	self->rng |= 1;
	TH_LOG("seed %llu (SYNCMAP_FUZZ_SEED)", (unsigned long long)self->rng);
	if (access(SM_DEVICE, R_OK | W_OK))
		SKIP(return, "no %s", SM_DEVICE);
	sm_unique(self->name, "fuzz");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
	for (i = 0; i < FUZZ_NAMES; i++)
		snprintf(self->created[i], SYNCMAP_NAME_MAX, "%s-c%d",
			 self->name, i);
	self->fd = sm_open_bound(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->ro = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, self->ro);
	self->check = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, self->check);
	self->unbound = sm_open(O_RDWR);
	ASSERT_LE(0, self->unbound);

	/*
	 * A random output size (LIST, WALK, a batch) may run far past the
	 * 4 pages: a PROT_NONE guard turns that into EFAULT instead of a
	 * write over whatever is mapped next (the harness's own state).
	 */
	self->good = mmap(NULL, FUZZ_GUARD * self->page, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->good);
	ASSERT_EQ(0, mprotect(self->good, 4 * self->page,
			      PROT_READ | PROT_WRITE));
	self->edge = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->edge);
	ASSERT_EQ(0, mprotect(self->edge + self->page, self->page, PROT_NONE));
	self->ro_page = mmap(NULL, self->page, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ro_page);
	self->unmapped = mmap(NULL, self->page, PROT_READ,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->unmapped);
	munmap(self->unmapped, self->page);

	for (i = 0; i < FUZZ_KEYS; i++)
		snprintf(self->keys[i].key, sizeof(self->keys[i].key), "fk%d", i);
	fz_populate(self);
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	if (self->fd <= 0)
		return;
	close(self->fd);
	close(self->ro);
	close(self->check);
	close(self->unbound);
	sm_destroy(self->name);
	for (i = 0; i < FUZZ_NAMES; i++)
		sm_destroy(self->created[i]);
}

/* A pointer for a field or the argument: good or hostile. */
static uint64_t fz_pointer(FIXTURE_DATA(fuzz) *self, uint32_t size)
{
	uint32_t span = size ? size : 1;

	switch (sm_rng_below(&self->rng, 12)) {
	case 0:
		return 0;
	case 1:
		return sm_ptr(self->unmapped);
	case 2:
		return 0xffff888000000000ULL + sm_rng_below(&self->rng, 4096);
	case 3:
		return 0xffffffff81000000ULL;
	case 4:
		return sm_ptr(self->ro_page);
	case 5:	/* runs into the PROT_NONE page midway */
		return sm_ptr(self->edge + self->page -
			      1 - sm_rng_below(&self->rng, span));
	case 6:
		return 1 + sm_rng_below(&self->rng, 4096);
	case 7:	/* misaligned */
		return sm_ptr(self->good + 2 * self->page + 1 +
			      sm_rng_below(&self->rng, 7));
	default:
		return sm_ptr(self->good + 2 * self->page +
			      8 * sm_rng_below(&self->rng, self->page / 8));
	}
}

static uint32_t fz_length(FIXTURE_DATA(fuzz) *self, uint32_t max)
{
	static const uint32_t edges[] = { 0, 1, 7, 8, 31, 32, 33, 255, 256,
					  257, 511, 512, 513, 4095, 4096,
					  4097, 65535, 65536, 65537,
					  0x7fffffff, 0xffffffff };

	if (sm_rng_below(&self->rng, 3) == 0)
		return edges[sm_rng_below(&self->rng, ARRAY_SIZE(edges))];
	return sm_rng_below(&self->rng, max + 1);
}

static uint32_t fz_flags(FIXTURE_DATA(fuzz) *self)
{
	switch (sm_rng_below(&self->rng, 8)) {
	case 0:
		return 1U << sm_rng_below(&self->rng, 32);
	case 1:
		return (uint32_t)sm_rng_next(&self->rng);
	default:
		return 0;
	}
}

static void fz_name(FIXTURE_DATA(fuzz) *self, char *name)
{
	uint32_t i, n;

	memset(name, 0, SYNCMAP_NAME_MAX);
	switch (sm_rng_below(&self->rng, 6)) {
	case 0:	/* one of ours, which CREATE and DESTROY may use */
		strcpy(name, self->created[sm_rng_below(&self->rng, FUZZ_NAMES)]);
		break;
	case 1:
		strcpy(name, SYNCMAP_DEFAULT_NAME);
		break;
	case 2:	/* no NUL */
		memset(name, 'a', SYNCMAP_NAME_MAX);
		break;
	case 3:
		strcpy(name, self->name);
		break;
	default:
		n = sm_rng_below(&self->rng, SYNCMAP_NAME_MAX);
		for (i = 0; i < n; i++)
			name[i] = (char)sm_rng_next(&self->rng);
		if (sm_rng_below(&self->rng, 2))
			name[n < SYNCMAP_NAME_MAX - 1 ? n + 1 : n] = 'x';
		break;
	}
}

/* A key pointer and length: often one of the known keys. */
static void fz_key(FIXTURE_DATA(fuzz) *self, __u64 *key, __u32 *len)
{
	if (sm_rng_below(&self->rng, 2)) {
		struct fuzz_key *k = &self->keys[sm_rng_below(&self->rng, FUZZ_KEYS)];

		*key = sm_ptr(k->key);
		*len = strlen(k->key);
		return;
	}
	*len = fz_length(self, 600);
	*key = fz_pointer(self, *len);
}

/* A plausible argument for command number @nr in @arg (zeroed). */
static void fz_plausible(FIXTURE_DATA(fuzz) *self, uint32_t nr, void *arg)
{
	if (nr <= 0x03) {
		struct syncmap_ioc_create *c = arg;

		fz_name(self, c->name);
		/* Never chmod the default map: other tests open it. */
		if (nr == 0x03 && !strcmp(c->name, SYNCMAP_DEFAULT_NAME))
			strcpy(c->name, self->created[0]);
		c->mode = sm_rng_below(&self->rng, 2) ? 0600 : (uint32_t)sm_rng_next(&self->rng);
		c->flags = fz_flags(self);
		if (nr == 0x01 && sm_rng_below(&self->rng, 2))
			c->max_entries = sm_rng_below(&self->rng, 100);
	} else if (nr == 0x04) {
		struct syncmap_map_info *i = arg;

		fz_name(self, i->name);
		i->flags = fz_flags(self);
	} else if (nr == 0x05) {
		struct syncmap_ioc_list *l = arg;

		l->count = fz_length(self, 64);
		l->info_size = fz_length(self, 512);
		l->maps = fz_pointer(self, l->count * l->info_size);
		l->flags = fz_flags(self);
	} else if (nr >= 0x10 && nr <= 0x17) {
		struct syncmap_ioc_op *op = arg;

		fz_key(self, &op->key, &op->key_len);
		op->value_len = fz_length(self, 64);
		op->value = fz_pointer(self, op->value_len);
		op->old_len = sm_rng_below(&self->rng, 2) ? 0 : fz_length(self, 64);
		op->old = op->old_len ? fz_pointer(self, op->old_len) : 0;
		op->buf_size = fz_length(self, 64);
		op->buf = fz_pointer(self, op->buf_size);
		op->flags = fz_flags(self);
		op->reserved = fz_flags(self);
		op->result = fz_flags(self);
	} else if (nr >= 0x20 && nr <= 0x22) {
		struct syncmap_ioc_batch *b = arg;
		struct syncmap_batch_item *items = (void *)self->good;
		uint32_t i;

		for (i = 0; i < 64; i++) {
			memset(&items[i], 0, sizeof(items[i]));
			fz_key(self, &items[i].key, &items[i].key_len);
			items[i].value_len = fz_length(self, 64);
			items[i].value = fz_pointer(self, items[i].value_len);
			items[i].flags = fz_flags(self);
		}
		b->count = sm_rng_below(&self->rng, 4) ? sm_rng_below(&self->rng, 65) :
			   fz_length(self, 5000);
		b->item_size = sm_rng_below(&self->rng, 2) ? sizeof(*items) :
			       fz_length(self, 300);
		b->items = sm_rng_below(&self->rng, 3) ? sm_ptr(items) :
			   fz_pointer(self, b->count * b->item_size);
		b->flags = fz_flags(self);
	} else if (nr == 0x28) {
		struct syncmap_ioc_walk *w = arg;

		w->cursor = sm_rng_below(&self->rng, 2) ? 0 : sm_rng_next(&self->rng);
		w->buf_size = fz_length(self, 4096);
		w->buf = fz_pointer(self, w->buf_size);
		w->flags = fz_flags(self);
	} else {
		uint32_t *words = arg, i;

		for (i = 0; i < 8; i++)
			words[i] = sm_rng_below(&self->rng, 2) ? 0 : fz_flags(self);
	}
}

/* Failing calls that may still have changed the map (docs/abi.md). */
static int fz_may_change(uint32_t nr, int err)
{
	if (err == EFAULT)
		return (nr >= 0x11 && nr <= 0x17) || (nr >= 0x20 && nr <= 0x22);
	if (err == ERANGE)
		return nr == 0x12 || nr == 0x13 || nr == 0x15;
	return 0;
}

static const uint8_t fz_known[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11, 0x12, 0x13, 0x14,
	0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x20, 0x21, 0x22, 0x28, 0x30,
	0x31, 0x32, 0x33, 0x34,
};

/*
 * The harness's default limit is 30 s, and on timeout it kills the test's
 * whole process group (in the VM, the guest step running it): make
 * torture's 100000 calls take minutes under TCG.
 */
TEST_F_TIMEOUT(fuzz, random_ioctls, 3600)
{
	const char *env = getenv("SYNCMAP_FUZZ_CALLS");
	unsigned long calls = env ? strtoul(env, NULL, 0) : 3000;
	unsigned long n, rejected = 0, accepted = 0, changed = 0;
	uint8_t *argbuf = self->good + self->page;

	for (n = 0; n < calls; n++) {
		uint32_t nr, dir, size, magic = 'J';
		unsigned long cmd;
		uint64_t arg;
		int fd = self->fd, ret, err, diff;

		if (n && n % 10000 == 0)
			ksft_print_msg("%lu calls\n", n);
		if (sm_rng_below(&self->rng, 4))
			nr = fz_known[sm_rng_below(&self->rng, sizeof(fz_known))];
		else
			nr = sm_rng_below(&self->rng, 0x50);
		if (sm_rng_below(&self->rng, 32) == 0)
			nr = sm_rng_below(&self->rng, 256);
		if (sm_rng_below(&self->rng, 16) == 0)
			magic = sm_rng_below(&self->rng, 256);
		dir = sm_rng_below(&self->rng, 8) ? _IOC_READ | _IOC_WRITE :
		      sm_rng_below(&self->rng, 4);
		switch (sm_rng_below(&self->rng, 6)) {
		case 0:
			size = sm_rng_below(&self->rng, 1U << _IOC_SIZEBITS);
			break;
		case 1:
			size = sm_rng_below(&self->rng, 256);
			break;
		default:	/* the sizes the structures have, and around */
			size = 8 * sm_rng_below(&self->rng, 30) +
			       (sm_rng_below(&self->rng, 4) ? 0 : sm_rng_below(&self->rng, 8));
			break;
		}
		cmd = _IOC(dir, magic, nr, size);
		/* Real commands most of the time: right direction and size. */
		if (magic == 'J' && sm_rng_below(&self->rng, 2)) {
			static const unsigned long real[] = {
				SYNCMAP_IOC_BIND, SYNCMAP_IOC_CREATE,
				SYNCMAP_IOC_DESTROY, SYNCMAP_IOC_CHMOD,
				SYNCMAP_IOC_INFO, SYNCMAP_IOC_LIST,
				SYNCMAP_IOC_LOAD, SYNCMAP_IOC_STORE,
				SYNCMAP_IOC_LOAD_OR_STORE,
				SYNCMAP_IOC_LOAD_AND_DELETE,
				SYNCMAP_IOC_DELETE, SYNCMAP_IOC_SWAP,
				SYNCMAP_IOC_CAS, SYNCMAP_IOC_CAD,
				SYNCMAP_IOC_CLEAR, SYNCMAP_IOC_LEN,
				SYNCMAP_IOC_STATS, SYNCMAP_IOC_BATCH_LOAD,
				SYNCMAP_IOC_BATCH_STORE,
				SYNCMAP_IOC_BATCH_DELETE, SYNCMAP_IOC_WALK,
				SYNCMAP_IOC_POLICY_GET,
				SYNCMAP_IOC_POLICY_SET, SYNCMAP_IOC_COMPACT,
				SYNCMAP_IOC_HEALTH, SYNCMAP_IOC_RESET_STATS,
			};
			cmd = real[sm_rng_below(&self->rng, ARRAY_SIZE(real))];
			nr = _IOC_NR(cmd);
		}

		memset(argbuf, 0, self->page);
		if (sm_rng_below(&self->rng, 4) == 0) {
			uint32_t i;

			for (i = 0; i < 512; i++)
				argbuf[i] = (uint8_t)sm_rng_next(&self->rng);
		} else {
			fz_plausible(self, nr, argbuf);
		}
		arg = sm_ptr(argbuf);
		switch (sm_rng_below(&self->rng, 8)) {
		case 0:
			arg = fz_pointer(self, _IOC_SIZE(cmd));
			break;
		case 1:	/* the same structure, cut off by PROT_NONE */
			arg = sm_ptr(self->edge + self->page -
				     sm_rng_below(&self->rng, _IOC_SIZE(cmd) + 1));
			memcpy(self->edge + self->page - 256,
			       argbuf, 256);
			break;
		default:
			break;
		}
		switch (sm_rng_below(&self->rng, 10)) {
		case 0:
			fd = self->ro;
			break;
		case 1:
			fd = self->unbound;
			break;
		default:
			break;
		}

		ret = ioctl(fd, cmd, (uintptr_t)arg);
		err = errno;
		if (ret == 0) {
			accepted++;
			fz_snapshot(self);
			if (self->len < FUZZ_KEYS / 2)
				fz_populate(self);
			continue;
		}
		rejected++;
		if (fz_may_change(nr, err)) {
			changed++;
			fz_snapshot(self);
			continue;
		}
		diff = fz_unchanged(self);
		if (diff)
			TH_LOG("call %lu: cmd %#lx arg %#llx fd %s: %s, but the map changed (key %d)",
			       n, cmd, (unsigned long long)arg,
			       fd == self->fd ? "rw" : fd == self->ro ? "ro" : "unbound",
			       strerror(err), diff);
		ASSERT_EQ(0, diff);
	}
	ksft_print_msg("%lu calls: %lu accepted, %lu rejected, %lu rejected after taking effect (documented)\n",
		       calls, accepted, rejected, changed);
}

/* Keys, values, names and batch sizes at their limits, exactly. */
TEST_F(fuzz, boundaries)
{
	static char key[SYNCMAP_KEY_MAX + 1], value[SYNCMAP_VALUE_MAX + 1];
	struct syncmap_batch_item *items;
	struct syncmap_ioc_batch b;
	uint8_t big[SYNCMAP_IOC_OP_SIZE_VER0 + 8];
	struct syncmap_ioc_create c;
	struct syncmap_ioc_op op;
	char name[SYNCMAP_NAME_MAX + 8];
	uint32_t i;

	memset(key, 'k', sizeof(key));
	memset(value, 'v', sizeof(value));
	EXPECT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, key, SYNCMAP_KEY_MAX,
			   value, SYNCMAP_VALUE_MAX, NULL, 0, NULL, 0));
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, key,
				SYNCMAP_KEY_MAX + 1, value, 1, NULL, 0, NULL, 0));
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, key, 1, value,
				SYNCMAP_VALUE_MAX + 1, NULL, 0, NULL, 0));
	EXPECT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, key, SYNCMAP_KEY_MAX,
			   NULL, 0, NULL, 0, value, SYNCMAP_VALUE_MAX));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ((__u32)SYNCMAP_VALUE_MAX, op.out_len);
	/* One byte short: ERANGE and the size needed. */
	EXPECT_EQ(-ERANGE, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, key,
				 SYNCMAP_KEY_MAX, NULL, 0, NULL, 0, value,
				 SYNCMAP_VALUE_MAX - 1));
	EXPECT_EQ((__u32)SYNCMAP_VALUE_MAX, op.out_len);
	EXPECT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_DELETE, &op, key,
			   SYNCMAP_KEY_MAX, NULL, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(1U, op.result);

	/* Names: 63 bytes are fine; 64 without a NUL are too long. */
	memset(name, 0, sizeof(name));
	snprintf(name, sizeof(name), "%s", self->name);
	memset(name + strlen(name), 'n', SYNCMAP_NAME_MAX - 1 - strlen(name));
	EXPECT_EQ(0, sm_create(name, 0600, 0, 0));
	EXPECT_EQ(0, sm_destroy(name));
	memset(&c, 0, sizeof(c));
	memset(c.name, 'n', SYNCMAP_NAME_MAX);
	c.mode = 0600;
	EXPECT_EQ(-ENAMETOOLONG, sm_ret(ioctl(self->fd, SYNCMAP_IOC_CREATE, &c)));
	memset(c.name, 0, SYNCMAP_NAME_MAX);
	EXPECT_EQ(-EINVAL, sm_ret(ioctl(self->fd, SYNCMAP_IOC_CREATE, &c)));
	strcpy(c.name, ".hidden");
	EXPECT_EQ(-EINVAL, sm_ret(ioctl(self->fd, SYNCMAP_IOC_CREATE, &c)));
	strcpy(c.name, "bad/name");
	EXPECT_EQ(-EINVAL, sm_ret(ioctl(self->fd, SYNCMAP_IOC_CREATE, &c)));

	/* Structure sizes: first version - 1, first version, larger. */
	memset(big, 0, sizeof(big));
	EXPECT_EQ(-EINVAL, sm_ret(ioctl(self->fd,
		sm_resize(SYNCMAP_IOC_LEN, SYNCMAP_IOC_LEN_SIZE_VER0 - 1), big)));
	EXPECT_EQ(0, sm_ret(ioctl(self->fd,
		sm_resize(SYNCMAP_IOC_LEN, SYNCMAP_IOC_LEN_SIZE_VER0 + 8), big)));
	memset(big, 0, sizeof(big));
	big[SYNCMAP_IOC_CLEAR_SIZE_VER0] = 1;
	EXPECT_EQ(-E2BIG, sm_ret(ioctl(self->fd,
		sm_resize(SYNCMAP_IOC_CLEAR, SYNCMAP_IOC_CLEAR_SIZE_VER0 + 8), big)));

	/* Batches: 4096 items are taken, 4097 are not; item sizes 32..256. */
	items = calloc(SYNCMAP_BATCH_MAX + 1, sizeof(*items));
	ASSERT_NE(NULL, items);
	for (i = 0; i <= SYNCMAP_BATCH_MAX; i++) {
		items[i].key = sm_ptr(key);
		items[i].key_len = 1 + i % 64;
	}
	memset(&b, 0, sizeof(b));
	b.items = sm_ptr(items);
	b.item_size = sizeof(*items);
	b.count = SYNCMAP_BATCH_MAX;
	EXPECT_EQ(0, sm_ret(ioctl(self->fd, SYNCMAP_IOC_BATCH_DELETE, &b)));
	EXPECT_EQ((__u32)SYNCMAP_BATCH_MAX, b.done);
	b.count = SYNCMAP_BATCH_MAX + 1;
	EXPECT_EQ(-E2BIG, sm_ret(ioctl(self->fd, SYNCMAP_IOC_BATCH_DELETE, &b)));
	b.count = 1;
	b.item_size = SYNCMAP_BATCH_ITEM_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, sm_ret(ioctl(self->fd, SYNCMAP_IOC_BATCH_DELETE, &b)));
	b.item_size = 257;
	EXPECT_EQ(-EINVAL, sm_ret(ioctl(self->fd, SYNCMAP_IOC_BATCH_DELETE, &b)));
	free(items);
	EXPECT_EQ(0, fz_unchanged(self));
}

/* Arguments and strings that fault in their middle change nothing. */
TEST_F(fuzz, fault_midway)
{
	struct syncmap_ioc_op *op;
	char *key;
	uint32_t cut;

	for (cut = 1; cut < sizeof(*op); cut += 7) {
		op = (void *)(self->edge + self->page - cut);
		memset(op, 0, cut);
		EXPECT_EQ(-EFAULT, sm_ret(ioctl(self->fd, SYNCMAP_IOC_STORE, op)));
		EXPECT_EQ(0, fz_unchanged(self));
	}
	/* A key whose last bytes are on the PROT_NONE page. */
	key = (char *)self->edge + self->page - 3;
	memcpy(key, "fk0", 3);
	op = (void *)self->good;
	memset(op, 0, sizeof(*op));
	op->key = sm_ptr(key);
	op->key_len = 4;
	op->value = sm_ptr("x");
	op->value_len = 1;
	EXPECT_EQ(-EFAULT, sm_ret(ioctl(self->fd, SYNCMAP_IOC_STORE, op)));
	/* A value that runs into it. */
	op->key = sm_ptr(self->keys[0].key);
	op->key_len = strlen(self->keys[0].key);
	op->value = sm_ptr(self->edge + self->page - 100);
	op->value_len = 200;
	EXPECT_EQ(-EFAULT, sm_ret(ioctl(self->fd, SYNCMAP_IOC_STORE, op)));
	EXPECT_EQ(-EFAULT, sm_ret(ioctl(self->fd, SYNCMAP_IOC_SWAP, op)));
	EXPECT_EQ(0, fz_unchanged(self));
}

TEST_HARNESS_MAIN
