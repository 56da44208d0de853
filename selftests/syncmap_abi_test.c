// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_abi_test: every ioctl of /dev/syncmap with its results, and each
 * bad input with its errno, leaving the map unchanged.
 *
 * Built twice: natively, and with -m32 as syncmap_abi_test_32, which runs
 * the same tests through the kernel's compat_ptr_ioctl().
 *
 * Raw ioctls, not libsyncmap: the structures, sizes, fields and pointers
 * of the ABI are what this test is about, and its 32-bit build checks them
 * as a 32-bit program lays them out.  SM_RAW_ABI gives it syncmap_test.h's
 * helpers over the bare ioctls; the selftests Makefile builds it without
 * the library.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#define SM_RAW_ABI
#include "kselftest_harness.h"
#include "syncmap_test.h"

/* An address no process can read: a kernel one (fits in 32 bits too). */
#define KERNEL_ADDR	0xffffffffff600000ULL

/* A page that is mapped and then unmapped: faults. */
static void *unmapped_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, page);
	return p;
}

/* A fresh map, and a file opened read-write bound to it. */
FIXTURE(map) {
	char name[SYNCMAP_NAME_MAX];
	int fd;
};

FIXTURE_SETUP(map)
{
	sm_unique(self->name, "abi");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
	self->fd = sm_open_bound(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(map)
{
	close(self->fd);
	sm_destroy(self->name);
}

/* Store "k0", "k1"... (@n keys), each with the value "v": 0 or -errno. */
static int store_keys(int fd, int n)
{
	char key[16];
	int i, ret;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ret = sm_store(fd, key, "v");
		if (ret)
			return ret;
	}
	return 0;
}

TEST(abi_width)
{
	TH_LOG("running as a %zu-bit process%s", sizeof(void *) * 8,
	       sizeof(void *) == 4 ? ": through compat_ptr_ioctl" : "");
	EXPECT_EQ(64, (int)sizeof(struct syncmap_ioc_op));
	EXPECT_EQ(208, (int)sizeof(struct syncmap_stats));
}

TEST_F(map, store_and_load)
{
	struct syncmap_ioc_op op;
	char buf[64];

	EXPECT_EQ(0, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_EQ(0, sm_store(self->fd, "k", "value"));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("value", buf);

	/* The result fields of a load. */
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, "k", 1, NULL, 0,
			   NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(5U, op.out_len);
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, "x", 1, NULL, 0,
			   NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(0U, op.result);
	EXPECT_EQ(0U, op.out_len);

	/* Store replaces. */
	EXPECT_EQ(0, sm_store(self->fd, "k", "v2"));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("v2", buf);
	EXPECT_EQ(1, sm_len(self->fd));
}

TEST_F(map, empty_key_and_empty_value)
{
	struct syncmap_ioc_op op;
	char buf[8] = "x";

	/* The empty key is a key; the empty value is a present value. */
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, NULL, 0, NULL, 0,
			   NULL, 0, NULL, 0));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, NULL, 0, NULL, 0,
			   NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(0U, op.out_len);
	EXPECT_EQ(1, sm_len(self->fd));
	/* A NULL buffer of size 0 fits an empty value. */
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, NULL, 0, NULL, 0,
			   NULL, 0, NULL, 0));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(1, sm_delete(self->fd, ""));
	EXPECT_EQ(0, sm_len(self->fd));
}

TEST_F(map, load_or_store)
{
	struct syncmap_ioc_op op;
	char buf[64];

	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD_OR_STORE, &op, "k", 1,
			   "first", 5, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(0U, op.result);		/* stored */
	EXPECT_EQ(5U, op.out_len);
	EXPECT_EQ(0, memcmp(buf, "first", 5));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD_OR_STORE, &op, "k", 1,
			   "second", 6, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(1U, op.result);		/* loaded */
	EXPECT_EQ(5U, op.out_len);
	EXPECT_EQ(0, memcmp(buf, "first", 5));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("first", buf);
}

TEST_F(map, load_and_delete)
{
	struct syncmap_ioc_op op;
	char buf[64];

	ASSERT_EQ(0, sm_store(self->fd, "k", "gone"));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD_AND_DELETE, &op, "k", 1,
			   NULL, 0, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(4U, op.out_len);
	EXPECT_EQ(0, memcmp(buf, "gone", 4));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_LOAD_AND_DELETE, &op, "k", 1,
			   NULL, 0, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(0U, op.result);
	EXPECT_EQ(0U, op.out_len);
	EXPECT_EQ(0, sm_len(self->fd));
}

TEST_F(map, delete)
{
	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	EXPECT_EQ(1, sm_delete(self->fd, "k"));
	EXPECT_EQ(0, sm_delete(self->fd, "k"));
	EXPECT_EQ(0, sm_delete(self->fd, "never"));
	EXPECT_EQ(0, sm_len(self->fd));
}

TEST_F(map, swap)
{
	struct syncmap_ioc_op op;
	char buf[64];

	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_SWAP, &op, "k", 1, "a", 1,
			   NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(0U, op.result);		/* no previous value */
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_SWAP, &op, "k", 1, "bb", 2,
			   NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(1U, op.out_len);
	EXPECT_EQ('a', buf[0]);
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("bb", buf);
}

TEST_F(map, compare_and_swap)
{
	struct syncmap_ioc_op op;
	char buf[64];

	/* Absent key: never swaps, whatever the old value (even empty). */
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1, "n", 1,
			   "", 0, NULL, 0));
	EXPECT_EQ(0U, op.result);
	EXPECT_EQ(0, sm_len(self->fd));

	ASSERT_EQ(0, sm_store(self->fd, "k", "old"));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1, "new", 3,
			   "wrong", 5, NULL, 0));
	EXPECT_EQ(0U, op.result);
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("old", buf);
	/* Byte equality: same length and bytes. */
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1, "new", 3,
			   "ol", 2, NULL, 0));
	EXPECT_EQ(0U, op.result);
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1, "new", 3,
			   "old", 3, NULL, 0));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("new", buf);
}

TEST_F(map, compare_and_delete)
{
	struct syncmap_ioc_op op;

	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAD, &op, "k", 1, NULL, 0,
			   "v", 1, NULL, 0));
	EXPECT_EQ(0U, op.result);
	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAD, &op, "k", 1, NULL, 0,
			   "w", 1, NULL, 0));
	EXPECT_EQ(0U, op.result);
	EXPECT_EQ(1, sm_len(self->fd));
	ASSERT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_CAD, &op, "k", 1, NULL, 0,
			   "v", 1, NULL, 0));
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(0, sm_len(self->fd));
}

TEST_F(map, clear_and_len)
{
	struct syncmap_ioc_clear c = { 0 };
	char key[16];

	ASSERT_EQ(0, store_keys(self->fd, 50));
	EXPECT_EQ(50, sm_len(self->fd));
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_CLEAR, &c));
	EXPECT_EQ(0, sm_len(self->fd));
	EXPECT_EQ(0, sm_load(self->fd, "k1", key, sizeof(key)));
	/* Clear of an empty map. */
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_CLEAR, &c));
	/* Flags and reserved fields. */
	c.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_CLEAR, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = 0;
	c.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_CLEAR, &c));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, stats_counts)
{
	struct syncmap_stats s;
	char buf[16];
	int i;

	ASSERT_EQ(0, store_keys(self->fd, 10));
	ASSERT_EQ(0, sm_stats(self->fd, &s));
	EXPECT_EQ(10ULL, s.len);
	EXPECT_EQ(10ULL, s.new_keys);
	EXPECT_EQ(10ULL, s.stores);
	EXPECT_EQ(1ULL, s.amended);
	EXPECT_EQ(1ULL, s.dirty_present);
	EXPECT_EQ(10ULL, s.dirty_len);
	EXPECT_EQ(0ULL, s.misses);
	/* Go's rule: 9 missing loads count 9 misses, the 10th promotes. */
	for (i = 0; i < 9; i++)
		ASSERT_EQ(0, sm_load(self->fd, "absent", buf, sizeof(buf)));
	ASSERT_EQ(0, sm_stats(self->fd, &s));
	EXPECT_EQ(9ULL, s.misses);
	EXPECT_EQ(0ULL, s.promotions);
	ASSERT_EQ(0, sm_load(self->fd, "absent", buf, sizeof(buf)));
	ASSERT_EQ(0, sm_stats(self->fd, &s));
	EXPECT_EQ(0ULL, s.misses);
	EXPECT_EQ(1ULL, s.promotions_misses);
	EXPECT_EQ(10ULL, s.read_len);
	EXPECT_EQ(0ULL, s.amended);
}

TEST_F(map, reading_stats_info_len_changes_nothing)
{
	struct syncmap_stats a, b;
	struct syncmap_map_info info;
	char buf[16];
	int i;

	/* An amended map with misses: the state a stray miss would move. */
	ASSERT_EQ(0, sm_store(self->fd, "a", "1"));
	ASSERT_EQ(0, sm_store(self->fd, "b", "2"));
	ASSERT_EQ(0, sm_load(self->fd, "absent", buf, sizeof(buf)));
	ASSERT_EQ(0, sm_stats(self->fd, &a));
	EXPECT_EQ(1ULL, a.misses);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, sm_stats(self->fd, &b));
		ASSERT_EQ(2, sm_len(self->fd));
		ASSERT_EQ(0, sm_info(self->fd, "", &info));
		ASSERT_EQ(0, sm_info(self->fd, self->name, &info));
	}
	ASSERT_EQ(0, sm_stats(self->fd, &b));
	EXPECT_EQ(a.misses, b.misses);
	EXPECT_EQ(a.promotions, b.promotions);
	EXPECT_EQ(a.amended, b.amended);
	EXPECT_EQ(a.read_len, b.read_len);
	EXPECT_EQ(a.dirty_len, b.dirty_len);
	EXPECT_EQ(a.loads, b.loads);
}

TEST_F(map, stats_struct_sizes)
{
	unsigned char big[256];
	struct syncmap_stats s;

	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	/* A newer caller's larger structure: its extra bytes read as zero. */
	memset(big, 0xa5, sizeof(big));
	ASSERT_EQ(0, ioctl(self->fd, sm_resize(SYNCMAP_IOC_STATS, sizeof(big)),
			   big));
	memcpy(&s, big, sizeof(s));
	EXPECT_EQ(1ULL, s.len);
	for (size_t i = sizeof(s); i < sizeof(big); i++)
		ASSERT_EQ(0, big[i]);
	/* An older caller's smaller one: only below the first version. */
	EXPECT_EQ(-1, ioctl(self->fd, sm_resize(SYNCMAP_IOC_STATS, 8), big));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, op_struct_sizes)
{
	struct {
		struct syncmap_ioc_op op;
		uint64_t tail[2];
	} big;
	unsigned long load_big = sm_resize(SYNCMAP_IOC_LOAD, sizeof(big));
	char buf[16];

	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	memset(&big, 0, sizeof(big));
	big.op.key = sm_ptr("k");
	big.op.key_len = 1;
	big.op.buf = sm_ptr(buf);
	big.op.buf_size = sizeof(buf);
	/* Larger with a zero tail: works. */
	ASSERT_EQ(0, ioctl(self->fd, load_big, &big));
	EXPECT_EQ(1U, big.op.result);
	EXPECT_EQ(0ULL, big.tail[0]);
	/* Larger with a non-zero tail: E2BIG. */
	big.tail[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, load_big, &big));
	EXPECT_EQ(E2BIG, errno);
	/* Smaller than the first version: EINVAL. */
	EXPECT_EQ(-1, ioctl(self->fd, sm_resize(SYNCMAP_IOC_LOAD, 32), &big));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, sm_resize(SYNCMAP_IOC_STORE, 0), &big));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, load_buffer_too_small)
{
	struct syncmap_ioc_op op;
	char buf[4];

	ASSERT_EQ(0, sm_store(self->fd, "k", "0123456789"));
	EXPECT_EQ(-ERANGE, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, "k", 1,
				 NULL, 0, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(10U, op.out_len);
	EXPECT_EQ(1U, op.result);
	/* A size probe with no buffer. */
	EXPECT_EQ(-ERANGE, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, "k", 1,
				 NULL, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(10U, op.out_len);
	EXPECT_EQ(1, sm_len(self->fd));
}

TEST_F(map, swap_short_buffer_effect_stands)
{
	struct syncmap_ioc_op op;
	char buf[4];

	/* Documented: the swap happens, the old value does not fit. */
	ASSERT_EQ(0, sm_store(self->fd, "k", "0123456789"));
	EXPECT_EQ(-ERANGE, sm_op(self->fd, SYNCMAP_IOC_SWAP, &op, "k", 1,
				 "new", 3, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(10U, op.out_len);
	EXPECT_EQ(1U, op.result);
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "new", 3));
	/* Without a buffer, the previous value is only measured. */
	EXPECT_EQ(-ERANGE, sm_op(self->fd, SYNCMAP_IOC_LOAD_AND_DELETE, &op,
				 "k", 1, NULL, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(3U, op.out_len);
	EXPECT_EQ(0, sm_len(self->fd));
}

TEST_F(map, bad_pointers_before_any_effect)
{
	void *hole = unmapped_page();
	struct syncmap_ioc_op op;
	char buf[16];

	ASSERT_TRUE(hole != NULL);
	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	/* The key, the value, the old value, unreadable: nothing happens. */
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, hole, 4,
				 "x", 1, NULL, 0, NULL, 0));
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, "n", 1,
				 hole, 8, NULL, 0, NULL, 0));
	memset(&op, 0, sizeof(op));
	op.key = sm_ptr("n");
	op.key_len = 1;
	op.value = KERNEL_ADDR;
	op.value_len = 8;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STORE, &op));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1,
				 "x", 1, hole, 1, NULL, 0));
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_CAD, &op, "k", 1,
				 NULL, 0, hole, 1, NULL, 0));
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_DELETE, &op, hole, 1,
				 NULL, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_LOAD_AND_DELETE, &op,
				 hole, 1, NULL, 0, NULL, 0, buf, sizeof(buf)));
	/* A NULL buffer with a size. */
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_SWAP, &op, "k", 1,
				 "x", 1, NULL, 0, NULL, 8));
	/* The argument itself. */
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STORE, hole));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STATS, hole));
	EXPECT_EQ(EFAULT, errno);

	EXPECT_EQ(1, sm_len(self->fd));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("v", buf);
	EXPECT_EQ(0, sm_load(self->fd, "n", buf, sizeof(buf)));
}

TEST_F(map, bad_output_pointer_after_effect)
{
	void *hole = unmapped_page();
	struct syncmap_ioc_op op;
	char buf[16];

	/* Documented: load-and-delete whose value cannot be copied out. */
	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_LOAD_AND_DELETE, &op,
				 "k", 1, NULL, 0, NULL, 0, hole, 16));
	EXPECT_EQ(0, sm_load(self->fd, "k", buf, sizeof(buf)));
	/* A load into a bad buffer changes nothing. */
	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	EXPECT_EQ(-EFAULT, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, "k", 1,
				 NULL, 0, NULL, 0, hole, 16));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
}

TEST_F(map, unknown_flags_and_reserved_fields)
{
	struct syncmap_ioc_op op;
	char buf[16];

	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	memset(&op, 0, sizeof(op));
	op.key = sm_ptr("k");
	op.key_len = 1;
	op.value = sm_ptr("w");
	op.value_len = 1;
	op.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STORE, &op));
	EXPECT_EQ(EINVAL, errno);
	op.flags = 0x80000000;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STORE, &op));
	EXPECT_EQ(EINVAL, errno);
	op.flags = 0;
	op.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STORE, &op));
	EXPECT_EQ(EINVAL, errno);
	/* Fields the command does not use must be zero. */
	op.reserved = 0;
	op.old_len = 1;
	op.old = sm_ptr("v");
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_STORE, &op));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, sm_op(self->fd, SYNCMAP_IOC_DELETE, &op, "k", 1,
				 "v", 1, NULL, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, "k", 1,
				 "v", 1, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1,
				 "w", 1, "v", 1, buf, sizeof(buf)));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("v", buf);
	EXPECT_EQ(1, sm_len(self->fd));
}

TEST_F(map, oversize_key_and_value)
{
	size_t big = SYNCMAP_VALUE_MAX + 1;
	char *mem = calloc(1, big);
	struct syncmap_ioc_op op;

	ASSERT_TRUE(mem != NULL);
	/* The limits themselves are fine. */
	EXPECT_EQ(0, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, mem,
			   SYNCMAP_KEY_MAX, mem, SYNCMAP_VALUE_MAX, NULL, 0,
			   NULL, 0));
	EXPECT_EQ(1, sm_len(self->fd));
	/* One more byte is E2BIG, and nothing changes. */
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, mem,
				SYNCMAP_KEY_MAX + 1, "v", 1, NULL, 0, NULL, 0));
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_STORE, &op, "k", 1,
				mem, big, NULL, 0, NULL, 0));
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_LOAD_OR_STORE, &op,
				"k", 1, mem, big, NULL, 0, NULL, 0));
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_CAS, &op, "k", 1,
				"v", 1, mem, big, NULL, 0));
	EXPECT_EQ(-E2BIG, sm_op(self->fd, SYNCMAP_IOC_LOAD, &op, mem,
				SYNCMAP_KEY_MAX + 1, NULL, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(1, sm_len(self->fd));
	EXPECT_EQ(0, sm_load(self->fd, "k", mem, 16));
	free(mem);
}

TEST_F(map, unknown_commands)
{
	struct syncmap_ioc_op op;

	memset(&op, 0, sizeof(op));
	/* Unused numbers, those kept for later, another magic. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(SYNCMAP_IOC_MAGIC, 0x7f,
					    struct syncmap_ioc_op), &op));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(SYNCMAP_IOC_MAGIC, 0x3f,
					    struct syncmap_ioc_op), &op));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(SYNCMAP_IOC_MAGIC, 0x06,
					    struct syncmap_ioc_op), &op));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('K', 0x10, struct syncmap_ioc_op),
			    &op));
	EXPECT_EQ(ENOTTY, errno);
	/* A known number with the wrong direction. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(SYNCMAP_IOC_MAGIC, 0x11,
					   struct syncmap_ioc_op), &op));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(SYNCMAP_IOC_MAGIC, 0x18)));
	EXPECT_EQ(ENOTTY, errno);
	/* Generic file ioctls are not ours either. */
	EXPECT_EQ(-1, ioctl(self->fd, TCGETS, &op));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(0, sm_len(self->fd));
}

TEST_F(map, read_only_file_cannot_mutate)
{
	struct syncmap_ioc_clear c = { 0 };
	struct syncmap_ioc_name a;
	struct syncmap_ioc_op op;
	char buf[16];
	int ro;

	ASSERT_EQ(0, sm_store(self->fd, "k", "v"));
	ro = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(1, sm_load(ro, "k", buf, sizeof(buf)));
	EXPECT_EQ(1, sm_len(ro));
	EXPECT_EQ(-EBADF, sm_store(ro, "k", "w"));
	EXPECT_EQ(-EBADF, sm_delete(ro, "k"));
	EXPECT_EQ(-EBADF, sm_op(ro, SYNCMAP_IOC_SWAP, &op, "k", 1, "w", 1,
				NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, sm_op(ro, SYNCMAP_IOC_LOAD_OR_STORE, &op, "z", 1,
				"w", 1, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, sm_op(ro, SYNCMAP_IOC_LOAD_AND_DELETE, &op, "k", 1,
				NULL, 0, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, sm_op(ro, SYNCMAP_IOC_CAS, &op, "k", 1, "w", 1,
				"v", 1, NULL, 0));
	EXPECT_EQ(-EBADF, sm_op(ro, SYNCMAP_IOC_CAD, &op, "k", 1, NULL, 0,
				"v", 1, NULL, 0));
	EXPECT_EQ(-1, ioctl(ro, SYNCMAP_IOC_CLEAR, &c));
	EXPECT_EQ(EBADF, errno);
	/* Creating and destroying names needs a writable file too. */
	memset(&a, 0, sizeof(a));
	sm_set_name(a.name, self->name);
	EXPECT_EQ(-1, ioctl(ro, SYNCMAP_IOC_DESTROY, &a));
	EXPECT_EQ(EBADF, errno);
	close(ro);

	/* A write-only file cannot read. */
	ro = sm_open_bound(self->name, O_WRONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(0, sm_store(ro, "k2", "w"));
	EXPECT_EQ(-EBADF, sm_load(ro, "k", buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, (int)sm_len(ro));
	close(ro);

	EXPECT_EQ(2, sm_len(self->fd));
	EXPECT_EQ(1, sm_load(self->fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("v", buf);
}

TEST(unbound_file)
{
	struct syncmap_stats s;
	char buf[8];
	int fd = sm_open(O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, sm_store(fd, "k", "v"));
	EXPECT_EQ(-EBADFD, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_EQ(-EBADFD, (int)sm_len(fd));
	EXPECT_EQ(-EBADFD, sm_stats(fd, &s));
	close(fd);
}

TEST(bind)
{
	struct syncmap_ioc_name a;
	int fd = sm_open(O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, sm_bind(fd, "no-such-map"));
	EXPECT_EQ(-EINVAL, sm_bind(fd, ""));
	EXPECT_EQ(-EINVAL, sm_bind(fd, ".hidden"));
	EXPECT_EQ(-EINVAL, sm_bind(fd, "a/b"));
	EXPECT_EQ(-EINVAL, sm_bind(fd, "sp ace"));
	EXPECT_EQ(-EINVAL, sm_bind(fd, "\xc3\xa9t\xc3\xa9"));
	/* 64 bytes without a NUL. */
	memset(&a, 'a', sizeof(a));
	a.flags = 0;
	a.reserved = 0;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_BIND, &a));
	EXPECT_EQ(ENAMETOOLONG, errno);
	/* Junk after the NUL, flags, reserved. */
	memset(&a, 0, sizeof(a));
	sm_set_name(a.name, "default");
	a.name[40] = 'x';
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_BIND, &a));
	EXPECT_EQ(EINVAL, errno);
	a.name[40] = 0;
	a.flags = 2;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_BIND, &a));
	EXPECT_EQ(EINVAL, errno);
	a.flags = 0;
	a.reserved = 2;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_BIND, &a));
	EXPECT_EQ(EINVAL, errno);
	/* Binds once. */
	EXPECT_EQ(0, sm_bind(fd, "default"));
	EXPECT_EQ(-EBUSY, sm_bind(fd, "default"));
	close(fd);
}

TEST(create_destroy_info)
{
	struct syncmap_map_info info;
	char name[SYNCMAP_NAME_MAX];
	int fd;

	sm_unique(name, "cdi");
	ASSERT_EQ(0, sm_create(name, 0640, 100, 1 << 20));
	EXPECT_EQ(-EEXIST, sm_create(name, 0600, 0, 0));
	ASSERT_EQ(0, sm_info_name(name, &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(getuid(), info.uid);
	EXPECT_EQ(getgid(), info.gid);
	EXPECT_EQ(0640U, info.mode);
	EXPECT_EQ(0ULL, info.len);
	EXPECT_EQ(100ULL, info.max_entries);
	EXPECT_EQ(1ULL << 20, info.max_bytes);
	EXPECT_EQ(0U, info.state);

	fd = sm_open_bound(name, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sm_store(fd, "k", "v"));
	ASSERT_EQ(0, sm_info(fd, "", &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(1ULL, info.len);
	EXPECT_LT(0ULL, info.bytes);
	close(fd);

	ASSERT_EQ(0, sm_destroy(name));
	EXPECT_EQ(-ENOENT, sm_info_name(name, &info));
	EXPECT_EQ(-ENOENT, sm_destroy(name));
	/* The name is free again. */
	ASSERT_EQ(0, sm_create(name, 0600, 0, 0));
	ASSERT_EQ(0, sm_destroy(name));

	/* The default map exists and cannot be destroyed. */
	ASSERT_EQ(0, sm_info_name("default", &info));
	EXPECT_EQ(SYNCMAP_STATE_DEFAULT, info.state);
	EXPECT_EQ(-EBUSY, sm_destroy("default"));
}

TEST(create_bad_arguments)
{
	struct syncmap_ioc_create c;
	char name[SYNCMAP_NAME_MAX];
	int fd;

	sm_unique(name, "bad");
	EXPECT_EQ(-EINVAL, sm_create(name, 01000, 0, 0));
	EXPECT_EQ(-EINVAL, sm_create(name, 04755, 0, 0));
	EXPECT_EQ(-EINVAL, sm_create("", 0600, 0, 0));
	EXPECT_EQ(-EINVAL, sm_create(".dot", 0600, 0, 0));
	EXPECT_EQ(-EINVAL, sm_create("bad:char", 0600, 0, 0));
	/* The longest name is 63 bytes. */
	EXPECT_EQ(0, sm_create("n123456789012345678901234567890123456789012345678901234567890ab",
			       0600, 0, 0));
	EXPECT_EQ(0, sm_destroy("n123456789012345678901234567890123456789012345678901234567890ab"));
	fd = sm_open(O_WRONLY);
	ASSERT_LE(0, fd);
	memset(&c, 0, sizeof(c));
	sm_set_name(c.name, name);
	c.mode = 0600;
	/* Bits 0 and 1 are SYNCMAP_CREATE_BIND and _MERGE; the next is unknown. */
	c.flags = 1U << 2;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = 0;
	memset(c.name, 'x', sizeof(c.name));
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_CREATE, &c));
	EXPECT_EQ(ENAMETOOLONG, errno);
	close(fd);
	/* Nothing was created. */
	EXPECT_EQ(-ENOENT, sm_destroy(name));
}

TEST(chmod)
{
	struct syncmap_map_info info;
	char name[SYNCMAP_NAME_MAX];

	sm_unique(name, "chmod");
	ASSERT_EQ(0, sm_create(name, 0600, 0, 0));
	EXPECT_EQ(0, sm_chmod(name, 0644));
	ASSERT_EQ(0, sm_info_name(name, &info));
	EXPECT_EQ(0644U, info.mode);
	EXPECT_EQ(-EINVAL, sm_chmod(name, 01644));
	EXPECT_EQ(-ENOENT, sm_chmod("no-such-map", 0644));
	ASSERT_EQ(0, sm_info_name(name, &info));
	EXPECT_EQ(0644U, info.mode);
	EXPECT_EQ(0, sm_destroy(name));
}

TEST(list)
{
	unsigned char big[2][sizeof(struct syncmap_map_info) + 16];
	struct syncmap_map_info out[8];
	char names[5][SYNCMAP_NAME_MAX], prefix[32];
	struct syncmap_ioc_list l;
	unsigned int seen = 0, i, pages = 0;
	int fd = sm_open(O_RDONLY);

	ASSERT_LE(0, fd);
	snprintf(prefix, sizeof(prefix), "list-%d-", getpid());
	for (i = 0; i < 5; i++) {
		snprintf(names[i], sizeof(names[i]), "%s%u", prefix, i);
		ASSERT_EQ(0, sm_create(names[i], 0600, i, 0));
	}
	/* Pages of two, in name order, continued after the last name. */
	memset(&l, 0, sizeof(l));
	do {
		l.maps = sm_ptr(out);
		l.count = 2;
		l.info_size = sizeof(out[0]);
		ASSERT_EQ(0, ioctl(fd, SYNCMAP_IOC_LIST, &l));
		ASSERT_GE(2U, l.count);
		for (i = 0; i < l.count; i++) {
			if (!strncmp(out[i].name, prefix, strlen(prefix))) {
				EXPECT_STREQ(names[seen], out[i].name);
				EXPECT_EQ(seen, out[i].max_entries);
				seen++;
			}
			if (i)
				EXPECT_GT(0, strcmp(out[i - 1].name,
						    out[i].name));
		}
		if (l.count)
			memcpy(l.after, out[l.count - 1].name, sizeof(l.after));
		pages++;
	} while (l.count == 2);
	EXPECT_EQ(5U, seen);
	EXPECT_LE(6U, l.total);		/* and the default map */
	EXPECT_LE(3U, pages);

	/* A larger element: its extra bytes read as zero. */
	memset(big, 0xa5, sizeof(big));
	memset(&l, 0, sizeof(l));
	l.maps = sm_ptr(big);
	l.count = 2;
	l.info_size = sizeof(big[0]);
	ASSERT_EQ(0, ioctl(fd, SYNCMAP_IOC_LIST, &l));
	ASSERT_EQ(2U, l.count);
	for (i = sizeof(struct syncmap_map_info); i < sizeof(big[0]); i++) {
		EXPECT_EQ(0, big[0][i]);
		EXPECT_EQ(0, big[1][i]);
	}
	/* Bad arguments. */
	memset(&l, 0, sizeof(l));
	l.maps = sm_ptr(out);
	l.count = 2;
	l.info_size = 16;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	l.info_size = sizeof(out[0]);
	l.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	l.flags = 0;
	l.maps = KERNEL_ADDR;
	EXPECT_EQ(-1, ioctl(fd, SYNCMAP_IOC_LIST, &l));
	EXPECT_EQ(EFAULT, errno);
	/* Room for none: just the total. */
	l.maps = 0;
	l.count = 0;
	ASSERT_EQ(0, ioctl(fd, SYNCMAP_IOC_LIST, &l));
	EXPECT_EQ(0U, l.count);
	EXPECT_LE(6U, l.total);

	for (i = 0; i < 5; i++)
		EXPECT_EQ(0, sm_destroy(names[i]));
	close(fd);
}

/* ----- Batches -------------------------------------------------------- */

static struct syncmap_batch_item item_flags(const void *key, uint32_t key_len,
					    const void *value,
					    uint32_t value_len, uint32_t flags)
{
	struct syncmap_batch_item it;

	memset(&it, 0, sizeof(it));
	it.key = sm_ptr(key);
	it.key_len = key_len;
	it.value = sm_ptr(value);
	it.value_len = value_len;
	it.flags = flags;
	return it;
}

static struct syncmap_batch_item item(const void *key, uint32_t key_len,
				      const void *value, uint32_t value_len)
{
	return item_flags(key, key_len, value, value_len, 0);
}

static int batch(int fd, unsigned long cmd, struct syncmap_batch_item *items,
		 unsigned int n, unsigned int flags, unsigned int *done)
{
	struct syncmap_ioc_batch b;
	int ret;

	memset(&b, 0, sizeof(b));
	b.items = sm_ptr(items);
	b.count = n;
	b.item_size = sizeof(*items);
	b.flags = flags;
	ret = sm_ret(ioctl(fd, cmd, &b));
	if (done)
		*done = b.done;
	return ret;
}

TEST_F(map, batch_store_load_delete)
{
	enum { N = 1000 };
	static struct syncmap_batch_item items[N + 10];
	static char keys[N + 10][16], vals[N][16], out[N + 10][16];
	unsigned int done, i;

	for (i = 0; i < N; i++) {
		snprintf(keys[i], 16, "key%u", i);
		snprintf(vals[i], 16, "val%u", i);
		items[i] = (struct syncmap_batch_item){
			.key = sm_ptr(keys[i]), .key_len = strlen(keys[i]),
			.value = sm_ptr(vals[i]), .value_len = strlen(vals[i]),
		};
	}
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_STORE, items, N, 0,
			   &done));
	EXPECT_EQ((unsigned int)N, done);
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, items[i].result);
	EXPECT_EQ(N, sm_len(self->fd));

	/* Load them back, with ten absent keys among them. */
	for (i = 0; i < N + 10; i++) {
		if (i >= N)
			snprintf(keys[i], 16, "absent%u", i);
		items[i] = (struct syncmap_batch_item){
			.key = sm_ptr(keys[i]), .key_len = strlen(keys[i]),
			.value = sm_ptr(out[i]), .value_len = 16,
		};
	}
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_LOAD, items, N + 10, 0,
			   &done));
	EXPECT_EQ((unsigned int)N + 10, done);
	for (i = 0; i < N; i++) {
		ASSERT_EQ(1, items[i].result);
		ASSERT_EQ(strlen(vals[i]), items[i].value_len);
		ASSERT_EQ(0, memcmp(out[i], vals[i], strlen(vals[i])));
	}
	for (i = N; i < N + 10; i++) {
		EXPECT_EQ(0, items[i].result);
		EXPECT_EQ(0U, items[i].value_len);
	}

	/* Delete every other key, and the absent ones. */
	for (i = 0; i < N + 10; i++)
		items[i] = (struct syncmap_batch_item){
			.key = sm_ptr(keys[i]), .key_len = strlen(keys[i]),
		};
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_DELETE, items, N + 10,
			   0, &done));
	for (i = 0; i < N; i++)
		ASSERT_EQ(1, items[i].result);
	for (i = N; i < N + 10; i++)
		EXPECT_EQ(0, items[i].result);
	EXPECT_EQ(0, sm_len(self->fd));

	/* An empty batch does nothing. */
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_DELETE, items, 0, 0,
			   &done));
	EXPECT_EQ(0U, done);
}

TEST_F(map, batch_failing_items_go_on)
{
	static char big[SYNCMAP_KEY_MAX + 1];
	struct syncmap_batch_item items[6];
	void *hole = unmapped_page();
	unsigned int done;
	char buf[16];

	ASSERT_TRUE(hole != NULL);
	memset(items, 0, sizeof(items));
	items[0] = item("a", 1, "1", 1);
	items[1] = item(big, sizeof(big), "2", 1);	/* E2BIG */
	items[2] = item(hole, 4, "3", 1);
	items[3] = item("d", 1, hole, 4);
	items[4] = item_flags("e", 1, "5", 1, 1);			/* flags */
	items[5] = item("f", 1, "6", 1);
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_STORE, items, 6, 0,
			   &done));
	EXPECT_EQ(6U, done);
	EXPECT_EQ(0, items[0].result);
	EXPECT_EQ(-E2BIG, items[1].result);
	EXPECT_EQ(-EFAULT, items[2].result);
	EXPECT_EQ(-EFAULT, items[3].result);
	EXPECT_EQ(-EINVAL, items[4].result);
	EXPECT_EQ(0, items[5].result);
	EXPECT_EQ(2, sm_len(self->fd));
	EXPECT_EQ(1, sm_load(self->fd, "f", buf, sizeof(buf)));
	EXPECT_EQ(0, sm_load(self->fd, "d", buf, sizeof(buf)));

	/* With SYNCMAP_BATCH_STOP, nothing after the first failure runs. */
	items[0] = item("g", 1, "1", 1);
	items[2] = item("h", 1, "3", 1);
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_STORE, items, 3,
			   SYNCMAP_BATCH_STOP, &done));
	EXPECT_EQ(2U, done);
	EXPECT_EQ(0, items[0].result);
	EXPECT_EQ(-E2BIG, items[1].result);
	EXPECT_EQ(1, sm_load(self->fd, "g", buf, sizeof(buf)));
	EXPECT_EQ(0, sm_load(self->fd, "h", buf, sizeof(buf)));

	/* A load whose buffer is too small: ERANGE and the size needed. */
	ASSERT_EQ(0, sm_store(self->fd, "long", "0123456789"));
	items[0] = item("long", 4, buf, 4);
	items[1] = item("long", 4, hole, 16);
	items[2] = item("long", 4, buf, 16);
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_LOAD, items, 3, 0, &done));
	EXPECT_EQ(-ERANGE, items[0].result);
	EXPECT_EQ(10U, items[0].value_len);
	EXPECT_EQ(-EFAULT, items[1].result);
	EXPECT_EQ(1, items[2].result);
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));

	/* A delete with a value is a bad item. */
	items[0] = item("f", 1, "x", 1);
	ASSERT_EQ(0, batch(self->fd, SYNCMAP_IOC_BATCH_DELETE, items, 1, 0,
			   &done));
	EXPECT_EQ(-EINVAL, items[0].result);
	EXPECT_EQ(1, sm_load(self->fd, "f", buf, sizeof(buf)));
}

TEST_F(map, batch_bad_calls_change_nothing)
{
	struct syncmap_batch_item items[2] = {
		{ .key = sm_ptr("a"), .value = sm_ptr("1"), .key_len = 1,
		  .value_len = 1 },
		{ .key = sm_ptr("b"), .value = sm_ptr("2"), .key_len = 1,
		  .value_len = 1 },
	};
	struct {
		struct syncmap_batch_item it;
		uint64_t tail;
	} big[2];
	struct syncmap_ioc_batch b;
	void *hole = unmapped_page();
	unsigned int i;

	memset(&b, 0, sizeof(b));
	b.items = sm_ptr(items);
	b.count = 2;
	b.item_size = sizeof(items[0]);
	b.flags = 2;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_BATCH_STORE, &b));
	EXPECT_EQ(EINVAL, errno);
	b.flags = 0;
	b.item_size = 16;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_BATCH_STORE, &b));
	EXPECT_EQ(EINVAL, errno);
	b.item_size = sizeof(items[0]);
	b.count = SYNCMAP_BATCH_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_BATCH_STORE, &b));
	EXPECT_EQ(E2BIG, errno);
	b.count = 2;
	b.items = sm_ptr(hole);
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_BATCH_STORE, &b));
	EXPECT_EQ(EFAULT, errno);
	b.items = KERNEL_ADDR;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_BATCH_STORE, &b));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, sm_len(self->fd));

	/* Larger items with zero tails work; a non-zero tail fails that item. */
	memset(big, 0, sizeof(big));
	for (i = 0; i < 2; i++)
		big[i].it = items[i];
	big[1].tail = 7;
	b.items = sm_ptr(big);
	b.item_size = sizeof(big[0]);
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_BATCH_STORE, &b));
	EXPECT_EQ(0, big[0].it.result);
	EXPECT_EQ(-E2BIG, big[1].it.result);
	EXPECT_EQ(7ULL, big[1].tail);
	EXPECT_EQ(1, sm_len(self->fd));
}

/* ----- Iteration ------------------------------------------------------ */

/* Walk the whole map with @buf_size buffers; counts per key index. */
static int walk_count(int fd, unsigned int buf_size, unsigned int *seen,
		      unsigned int n, unsigned int *calls)
{
	struct syncmap_ioc_walk w;
	unsigned char *buf = malloc(buf_size);
	size_t off;

	memset(&w, 0, sizeof(w));
	*calls = 0;
	do {
		w.buf = sm_ptr(buf);
		w.buf_size = buf_size;
		if (ioctl(fd, SYNCMAP_IOC_WALK, &w)) {
			free(buf);
			return -errno;
		}
		(*calls)++;
		for (off = 0; off < w.bytes;) {
			struct syncmap_walk_entry *e = (void *)(buf + off);
			char key[32] = "";
			unsigned int i;

			memcpy(key, buf + off + sizeof(*e),
			       e->key_len < 31 ? e->key_len : 31);
			if (sscanf(key, "k%u", &i) == 1 && i < n)
				seen[i]++;
			off += SYNCMAP_WALK_ENTRY_SIZE(e->key_len, e->value_len);
		}
	} while (w.cursor);
	free(buf);
	return 0;
}

TEST_F(map, walk_every_key_once)
{
	enum { N = 1000 };
	unsigned int seen[N] = { 0 }, calls, i;
	struct syncmap_ioc_clear c = { 0 };
	struct syncmap_ioc_walk w;
	char key[16], val[16];

	for (i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		snprintf(val, sizeof(val), "v%u", i);
		ASSERT_EQ(0, sm_store(self->fd, key, val));
	}
	ASSERT_EQ(0, walk_count(self->fd, 512, seen, N, &calls));
	for (i = 0; i < N; i++)
		ASSERT_EQ(1U, seen[i]);
	/* Bounded chunks: 512 bytes hold a few dozen records. */
	EXPECT_LT(20U, calls);
	/* An empty map: one call, no records, cursor 0. */
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_CLEAR, &c));
	memset(&w, 0, sizeof(w));
	w.buf = sm_ptr(val);
	w.buf_size = sizeof(val);
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(0U, w.count);
	EXPECT_EQ(0ULL, w.cursor);
}

TEST_F(map, walk_record_format_and_small_buffer)
{
	struct syncmap_walk_entry *e;
	struct syncmap_ioc_walk w;
	unsigned char buf[64];
	uint64_t cursor;

	ASSERT_EQ(0, sm_store(self->fd, "key", "a longer value than fits"));
	/* Not even one record fits: ERANGE with the size needed. */
	memset(&w, 0, sizeof(w));
	w.buf = sm_ptr(buf);
	w.buf_size = 16;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(SYNCMAP_WALK_ENTRY_SIZE(3, 24), w.bytes);
	EXPECT_EQ(0U, w.count);
	ASSERT_NE(0ULL, w.cursor);
	/* The walk stayed there: the same cursor with room continues. */
	cursor = w.cursor;
	memset(buf, 0xa5, sizeof(buf));
	w.buf_size = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(1U, w.count);
	EXPECT_EQ(SYNCMAP_WALK_ENTRY_SIZE(3, 24), w.bytes);
	EXPECT_EQ(0ULL, w.cursor);
	e = (struct syncmap_walk_entry *)buf;
	EXPECT_EQ(3U, e->key_len);
	EXPECT_EQ(24U, e->value_len);
	EXPECT_EQ(0, memcmp(buf + 8, "keya longer value than fits", 27));
	/* Padding to 8 bytes is zero. */
	EXPECT_EQ(0, buf[8 + 27]);
	/* The walk is over: its cursor is refused. */
	w.cursor = cursor;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, walk_cursor_rules)
{
	struct syncmap_ioc_walk w, w2;
	unsigned char buf[64];
	int other;

	ASSERT_EQ(0, store_keys(self->fd, 20));
	memset(&w, 0, sizeof(w));
	w.buf = sm_ptr(buf);
	w.buf_size = 32;
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	ASSERT_NE(0ULL, w.cursor);
	/* A made-up cursor. */
	w2 = w;
	w2.cursor ^= 0x10000;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w2));
	EXPECT_EQ(EINVAL, errno);
	/* Unknown flags. */
	w2 = w;
	w2.flags = 4;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w2));
	EXPECT_EQ(EINVAL, errno);
	/* A bad buffer: EFAULT, and the same records come again. */
	w2 = w;
	w2.buf = KERNEL_ADDR;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w2));
	EXPECT_EQ(EFAULT, errno);
	/* A walk belongs to its file: another file has its own. */
	other = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, other);
	EXPECT_EQ(-1, ioctl(other, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(EINVAL, errno);
	close(other);
	/* The walk goes on from where it was. */
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(2U, w.count);
	/* END stops it: its cursor is refused afterwards. */
	w2 = w;
	w2.flags = SYNCMAP_WALK_END;
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w2));
	EXPECT_EQ(0ULL, w2.cursor);
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(EINVAL, errno);
	/* A write-only file cannot walk. */
	other = sm_open_bound(self->name, O_WRONLY);
	ASSERT_LE(0, other);
	memset(&w, 0, sizeof(w));
	EXPECT_EQ(-1, ioctl(other, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(EBADF, errno);
	close(other);
}

/*
 * A walk whose first call fails with EFAULT gave its caller no cursor, so
 * it must not stay running and pin the read table: after a clear, the
 * entries it would pin are freed (after a grace period) with the file
 * still open.
 */
TEST_F(map, walk_failing_to_start_pins_nothing)
{
	struct syncmap_ioc_clear c = { 0 };
	struct syncmap_ioc_walk w;
	struct syncmap_stats st;
	int i;

	ASSERT_EQ(0, store_keys(self->fd, 20));
	memset(&w, 0, sizeof(w));
	w.buf = KERNEL_ADDR;
	w.buf_size = 64;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_CLEAR, &c));
	for (i = 0; i < 200; i++) {
		memset(&st, 0, sizeof(st));
		ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_STATS, &st));
		if (!st.entries)
			break;
		sm_sleep_ms(50);
	}
	EXPECT_EQ(0ULL, st.entries);
}

TEST_F(map, walk_promotes_once_at_start)
{
	struct syncmap_ioc_walk w;
	struct syncmap_stats s0, s;
	unsigned char buf[64];
	char key[16];
	int i = 0;

	ASSERT_EQ(0, store_keys(self->fd, 30));
	ASSERT_EQ(0, sm_stats(self->fd, &s0));
	ASSERT_EQ(1ULL, s0.amended);
	memset(&w, 0, sizeof(w));
	w.buf = sm_ptr(buf);
	w.buf_size = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	ASSERT_EQ(0, sm_stats(self->fd, &s));
	EXPECT_EQ(s0.promotions_range + 1, s.promotions_range);
	EXPECT_EQ(0ULL, s.amended);
	/* New keys amend the map again; the walk does not promote again. */
	while (w.cursor) {
		snprintf(key, sizeof(key), "new%d", i++);
		ASSERT_EQ(0, sm_store(self->fd, key, "v"));
		ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_WALK, &w));
	}
	ASSERT_EQ(0, sm_stats(self->fd, &s));
	EXPECT_EQ(s0.promotions_range + 1, s.promotions_range);
	EXPECT_EQ(1ULL, s.amended);
}

TEST_F(map, info_arguments)
{
	struct syncmap_map_info info;

	/* flags must be 0; name "" is the bound map; junk after "" fails. */
	memset(&info, 0, sizeof(info));
	info.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	memset(&info, 0, sizeof(info));
	info.name[5] = 'x';
	EXPECT_EQ(-1, ioctl(self->fd, SYNCMAP_IOC_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	/* Output fields given on input are ignored. */
	memset(&info, 0, sizeof(info));
	info.len = 12345;
	info.uid = 777;
	ASSERT_EQ(0, ioctl(self->fd, SYNCMAP_IOC_INFO, &info));
	EXPECT_STREQ(self->name, info.name);
	EXPECT_EQ(0ULL, info.len);
	EXPECT_EQ(getuid(), info.uid);
}

TEST_HARNESS_MAIN
