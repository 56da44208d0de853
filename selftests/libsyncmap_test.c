// SPDX-License-Identifier: GPL-2.0
/*
 * libsyncmap against the module: every function of <syncmap.h>, its
 * results and its negative errnos.  Linked with the static libsyncmap.
 * Runs as root in the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <syncmap.h>

#include "kselftest_harness.h"

/* A name no other test uses. */
static void unique(char *name, const char *what)
{
	static unsigned int n;

	snprintf(name, SYNCMAP_NAME_MAX, "lib-%s-%d-%u", what, getpid(), n++);
}

FIXTURE(lib) {
	char name[SYNCMAP_NAME_MAX];
	int fd;		/* bound to name, O_RDWR */
};

FIXTURE_SETUP(lib)
{
	int dev = syncmap_open(O_WRONLY);

	ASSERT_LE(0, dev);
	unique(self->name, "map");
	ASSERT_EQ(0, syncmap_create(dev, self->name, 0600, 0, 0));
	close(dev);
	self->fd = syncmap_open_map(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(lib)
{
	int dev = syncmap_open(O_WRONLY);

	close(self->fd);
	syncmap_destroy(dev, self->name);
	close(dev);
}

TEST(open_bind_errors)
{
	char long_name[SYNCMAP_NAME_MAX + 1];
	int fd, dev;

	EXPECT_EQ(-ENOENT, syncmap_open_path("/dev/syncmap-absent", O_RDONLY));
	EXPECT_EQ(-EINVAL, syncmap_open_path(NULL, O_RDONLY));
	EXPECT_EQ(-ENOENT, syncmap_open_map("lib-no-such-map", O_RDONLY));
	memset(long_name, 'n', SYNCMAP_NAME_MAX);
	long_name[SYNCMAP_NAME_MAX] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, syncmap_open_map(long_name, O_RDONLY));
	EXPECT_EQ(-EINVAL, syncmap_open_map(".hidden", O_RDONLY));

	fd = syncmap_open(O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* Unbound: operations refuse. */
	EXPECT_EQ(-EBADFD, syncmap_load(fd, "k", 1, NULL, 0, NULL));
	EXPECT_EQ(0, syncmap_bind(fd, SYNCMAP_DEFAULT_NAME));
	EXPECT_EQ(-EBUSY, syncmap_bind(fd, SYNCMAP_DEFAULT_NAME));
	/* Read-only: no mutation. */
	EXPECT_EQ(-EBADF, syncmap_store(fd, "k", 1, "v", 1));
	close(fd);

	dev = syncmap_open(O_WRONLY);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-EBUSY, syncmap_destroy(dev, SYNCMAP_DEFAULT_NAME));
	EXPECT_EQ(-ENOENT, syncmap_destroy(dev, "lib-no-such-map"));
	EXPECT_EQ(-EINVAL, syncmap_create(dev, "bad name", 0600, 0, 0));
	EXPECT_EQ(-EINVAL, syncmap_create(dev, NULL, 0600, 0, 0));
	close(dev);
}

TEST(create_info_chmod_list_destroy)
{
	struct syncmap_map_info info, *all, page[2];
	char name[SYNCMAP_NAME_MAX];
	unsigned int total = 0;
	size_t i, n;
	int dev, rd, fd, got, found = 0;

	unique(name, "reg");
	dev = syncmap_open(O_WRONLY);
	rd = syncmap_open(O_RDONLY);
	ASSERT_LE(0, dev);
	ASSERT_LE(0, rd);
	ASSERT_EQ(0, syncmap_create(dev, name, 0640, 100, 1 << 20));
	EXPECT_EQ(-EEXIST, syncmap_create(dev, name, 0640, 0, 0));
	/* Creating needs a file opened for writing. */
	EXPECT_EQ(-EBADF, syncmap_create(rd, "lib-never", 0600, 0, 0));

	ASSERT_EQ(0, syncmap_info(rd, name, &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(0640U, info.mode);
	EXPECT_EQ(100ULL, info.max_entries);
	EXPECT_EQ(1ULL << 20, info.max_bytes);
	EXPECT_EQ(0U, info.uid);
	EXPECT_EQ(0ULL, info.len);

	ASSERT_EQ(0, syncmap_chmod(dev, name, 0604));
	ASSERT_EQ(0, syncmap_info(rd, name, &info));
	EXPECT_EQ(0604U, info.mode);
	EXPECT_EQ(-EINVAL, syncmap_chmod(dev, name, 01000));

	/* The bound map by "" and NULL, and -EBADFD unbound. */
	EXPECT_EQ(-EBADFD, syncmap_info(rd, NULL, &info));
	fd = syncmap_open_map(name, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, syncmap_info(fd, NULL, &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(0, syncmap_info(fd, "", &info));
	EXPECT_STREQ(name, info.name);

	/* list_all has it, in name order; list pages agree. */
	ASSERT_EQ(0, syncmap_list_all(rd, &all, &n));
	ASSERT_LE(2U, n);
	for (i = 0; i < n; i++) {
		if (i)
			EXPECT_GT(0, strcmp(all[i - 1].name, all[i].name));
		found += !strcmp(all[i].name, name);
	}
	EXPECT_EQ(1, found);
	got = syncmap_list(rd, NULL, page, 2, &total);
	EXPECT_EQ(2, got);
	EXPECT_EQ(n, total);
	EXPECT_STREQ(all[0].name, page[0].name);
	EXPECT_STREQ(all[1].name, page[1].name);
	got = syncmap_list(rd, all[0].name, page, 1, NULL);
	EXPECT_EQ(1, got);
	EXPECT_STREQ(all[1].name, page[0].name);
	EXPECT_EQ(0, syncmap_list(rd, all[n - 1].name, page, 2, NULL));
	free(all);

	ASSERT_EQ(0, syncmap_destroy(dev, name));
	EXPECT_EQ(-ENOENT, syncmap_info(rd, name, &info));
	/* The bound file keeps the map. */
	ASSERT_EQ(0, syncmap_info(fd, NULL, &info));
	EXPECT_EQ(SYNCMAP_STATE_DESTROYED, info.state & SYNCMAP_STATE_DESTROYED);
	close(fd);
	close(rd);
	close(dev);
}

/* Create and bind in one call: EEXIST, EBUSY, and the file's access. */
TEST(create_bind)
{
	struct syncmap_map_info info;
	char name[SYNCMAP_NAME_MAX], other[SYNCMAP_NAME_MAX];
	int fd, fd2;

	unique(name, "cb");
	unique(other, "cb-other");
	fd = syncmap_open(O_RDWR);
	fd2 = syncmap_open(O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, syncmap_create_bind(fd, name, 0400, 10, 0));
	/* Bound, read-write although the mode says 0400. */
	EXPECT_EQ(0, syncmap_store(fd, "k", 1, "v", 1));
	ASSERT_EQ(0, syncmap_info(fd, NULL, &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(0400U, info.mode);
	EXPECT_EQ(10ULL, info.max_entries);
	EXPECT_EQ(-EEXIST, syncmap_create_bind(fd2, name, 0600, 0, 0));
	EXPECT_EQ(-EBADFD, syncmap_info(fd2, NULL, &info));
	EXPECT_EQ(-EBUSY, syncmap_create_bind(fd, other, 0600, 0, 0));
	EXPECT_EQ(-ENOENT, syncmap_info(fd2, other, &info));
	EXPECT_EQ(-EINVAL, syncmap_create_bind(fd2, NULL, 0600, 0, 0));
	EXPECT_EQ(0, syncmap_destroy(fd, name));
	close(fd2);
	close(fd);
}

/* The engine: chosen at create, reported by info, list and stats. */
TEST(create_flags_engine)
{
	struct syncmap_map_info info;
	char name[SYNCMAP_NAME_MAX], go[SYNCMAP_NAME_MAX];
	struct syncmap_stats st;
	char v[8];
	size_t len;
	int fd, fd2;

	unique(name, "cf");
	unique(go, "cf-go");
	fd = syncmap_open(O_RDWR);
	fd2 = syncmap_open(O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, syncmap_create_flags(fd, name, 0600, 0, 0,
					  SYNCMAP_CREATE_BIND |
					  SYNCMAP_CREATE_MERGE));
	EXPECT_EQ(0, syncmap_store(fd, "k", 1, "v", 1));
	EXPECT_EQ(1, syncmap_load(fd, "k", 1, v, sizeof(v), &len));
	EXPECT_EQ(1U, len);
	ASSERT_EQ(0, syncmap_info(fd, NULL, &info));
	EXPECT_EQ((__u32)SYNCMAP_ENGINE_MERGE, info.engine);
	ASSERT_EQ(0, syncmap_stats(fd, &st));
	EXPECT_EQ((__u64)SYNCMAP_ENGINE_MERGE, st.engine);
	EXPECT_EQ(1ULL, st.len);
	/* Without the flag: Go's. */
	ASSERT_EQ(0, syncmap_create_flags(fd2, go, 0600, 0, 0, 0));
	ASSERT_EQ(0, syncmap_info(fd2, go, &info));
	EXPECT_EQ((__u32)SYNCMAP_ENGINE_GO, info.engine);
	/* Unknown flags change nothing. */
	EXPECT_EQ(-EINVAL, syncmap_create_flags(fd2, "cf-bad", 0600, 0, 0,
						1U << 2));
	EXPECT_EQ(-ENOENT, syncmap_info(fd2, "cf-bad", &info));
	EXPECT_EQ(0, syncmap_destroy(fd, name));
	EXPECT_EQ(0, syncmap_destroy(fd2, go));
	close(fd2);
	close(fd);
}

TEST_F(lib, operations)
{
	char buf[64];
	size_t len = 99;
	__u64 n;

	EXPECT_EQ(0, syncmap_load(self->fd, "k", 1, buf, sizeof(buf), &len));
	EXPECT_EQ(0, syncmap_store(self->fd, "k", 1, "v1", 2));
	EXPECT_EQ(1, syncmap_load(self->fd, "k", 1, buf, sizeof(buf), &len));
	EXPECT_EQ(2U, len);
	EXPECT_EQ(0, memcmp(buf, "v1", 2));
	/* A value that does not fit: the size needed. */
	EXPECT_EQ(-ERANGE, syncmap_load(self->fd, "k", 1, buf, 1, &len));
	EXPECT_EQ(2U, len);
	/* Empty key, empty value. */
	EXPECT_EQ(0, syncmap_store(self->fd, NULL, 0, NULL, 0));
	EXPECT_EQ(1, syncmap_load(self->fd, NULL, 0, buf, sizeof(buf), &len));
	EXPECT_EQ(0U, len);

	EXPECT_EQ(1, syncmap_load_or_store(self->fd, "k", 1, "xx", 2, buf,
					   sizeof(buf), &len));
	EXPECT_EQ(0, memcmp(buf, "v1", len));
	EXPECT_EQ(0, syncmap_load_or_store(self->fd, "k2", 2, "w", 1, buf,
					   sizeof(buf), &len));
	EXPECT_EQ(1U, len);
	EXPECT_EQ('w', buf[0]);

	EXPECT_EQ(1, syncmap_swap(self->fd, "k", 1, "v2", 2, buf, sizeof(buf),
				  &len));
	EXPECT_EQ(0, memcmp(buf, "v1", len));
	EXPECT_EQ(0, syncmap_swap(self->fd, "k3", 2, "z", 1, buf, sizeof(buf),
				  &len));

	EXPECT_EQ(0, syncmap_compare_and_swap(self->fd, "k", 1, "v1", 2,
					      "v3", 2));
	EXPECT_EQ(1, syncmap_compare_and_swap(self->fd, "k", 1, "v2", 2,
					      "v3", 2));
	EXPECT_EQ(0, syncmap_compare_and_delete(self->fd, "k", 1, "v2", 2));
	EXPECT_EQ(1, syncmap_compare_and_delete(self->fd, "k", 1, "v3", 2));
	EXPECT_EQ(0, syncmap_load(self->fd, "k", 1, buf, sizeof(buf), NULL));

	EXPECT_EQ(1, syncmap_load_and_delete(self->fd, "k2", 2, buf,
					     sizeof(buf), &len));
	EXPECT_EQ('w', buf[0]);
	EXPECT_EQ(0, syncmap_load_and_delete(self->fd, "k2", 2, buf,
					     sizeof(buf), &len));
	EXPECT_EQ(1, syncmap_delete(self->fd, "k3", 2));
	EXPECT_EQ(0, syncmap_delete(self->fd, "k3", 2));

	ASSERT_EQ(0, syncmap_len(self->fd, &n));
	EXPECT_EQ(1ULL, n);	/* the empty key */
	EXPECT_EQ(0, syncmap_clear(self->fd));
	ASSERT_EQ(0, syncmap_len(self->fd, &n));
	EXPECT_EQ(0ULL, n);
	EXPECT_EQ(-EINVAL, syncmap_len(self->fd, NULL));
}

TEST_F(lib, operation_errors)
{
	static char big[SYNCMAP_VALUE_MAX + 1];
	char buf[8];
	size_t len = 0;

	EXPECT_EQ(-E2BIG, syncmap_store(self->fd, big, SYNCMAP_KEY_MAX + 1,
					"v", 1));
	EXPECT_EQ(-E2BIG, syncmap_store(self->fd, "k", 1, big, sizeof(big)));
	/* A length beyond 32 bits is refused, not truncated. */
	EXPECT_EQ(-E2BIG, syncmap_store(self->fd, "k", 1, big,
					(size_t)1 << 32 | 1));
	/* -ERANGE after the effect: the swap happened. */
	EXPECT_EQ(0, syncmap_store(self->fd, "k", 1, "long value", 10));
	EXPECT_EQ(-ERANGE, syncmap_swap(self->fd, "k", 1, "new", 3, buf, 2,
					&len));
	EXPECT_EQ(10U, len);
	EXPECT_EQ(1, syncmap_load(self->fd, "k", 1, buf, sizeof(buf), &len));
	EXPECT_EQ(0, memcmp(buf, "new", 3));
}

TEST_F(lib, limits_enospc)
{
	char name[SYNCMAP_NAME_MAX];
	int dev, fd;

	unique(name, "lim");
	dev = syncmap_open(O_WRONLY);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, syncmap_create(dev, name, 0600, 1, 0));
	fd = syncmap_open_map(name, O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, syncmap_store(fd, "a", 1, "1", 1));
	EXPECT_EQ(-ENOSPC, syncmap_store(fd, "b", 1, "2", 1));
	close(fd);
	syncmap_destroy(dev, name);
	close(dev);
}

TEST_F(lib, batches)
{
	struct syncmap_batch_item items[4];
	char keys[4][8], vals[4][8], out[4][8];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(keys[i], sizeof(keys[i]), "bk%d", i);
		snprintf(vals[i], sizeof(vals[i]), "bv%d", i);
		syncmap_batch_item_set(&items[i], keys[i], 3, vals[i], 3);
	}
	/* An oversize key fails its item only. */
	syncmap_batch_item_set(&items[2], keys[2], SYNCMAP_KEY_MAX + 1,
			       vals[2], 3);
	EXPECT_EQ(4, syncmap_batch_store(self->fd, items, 4, 0));
	EXPECT_EQ(0, items[0].result);
	EXPECT_EQ(-E2BIG, items[2].result);
	EXPECT_EQ(0, items[3].result);
	/* With SYNCMAP_BATCH_STOP, the batch stops after it. */
	EXPECT_EQ(3, syncmap_batch_store(self->fd, items, 4,
					 SYNCMAP_BATCH_STOP));

	for (i = 0; i < 4; i++)
		syncmap_batch_item_set(&items[i], keys[i], 3, out[i],
				       sizeof(out[i]));
	EXPECT_EQ(4, syncmap_batch_load(self->fd, items, 4, 0));
	EXPECT_EQ(1, items[0].result);
	EXPECT_EQ(3U, items[0].value_len);
	EXPECT_EQ(0, memcmp(out[0], "bv0", 3));
	EXPECT_EQ(0, items[2].result);
	EXPECT_EQ(1, items[3].result);

	for (i = 0; i < 4; i++)
		syncmap_batch_item_set(&items[i], keys[i], 3, NULL, 0);
	EXPECT_EQ(4, syncmap_batch_delete(self->fd, items, 4, 0));
	EXPECT_EQ(1, items[0].result);
	EXPECT_EQ(0, items[2].result);
	EXPECT_EQ(1, items[3].result);

	EXPECT_EQ(-E2BIG, syncmap_batch_delete(self->fd, items,
					       SYNCMAP_BATCH_MAX + 1, 0));
	EXPECT_EQ(-EINVAL, syncmap_batch_delete(self->fd, items, 1, 1U << 31));
}

/* Every key of a walk exactly once, through buffers too small for one. */
TEST_F(lib, walk)
{
	enum { N = 300 };
	static unsigned char seen[N];
	static char big[4096];
	struct syncmap_walk *w;
	const void *key, *value;
	size_t key_len, value_len;
	char k[16];
	int i, ret, count = 0;

	memset(big, 'x', sizeof(big));
	for (i = 0; i < N; i++) {
		snprintf(k, sizeof(k), "w%d", i);
		ASSERT_EQ(0, syncmap_store(self->fd, k, strlen(k), big, i * 13));
	}
	/* 64 bytes: most records need the buffer to grow. */
	ASSERT_EQ(0, syncmap_walk_new(self->fd, 64, &w));
	while ((ret = syncmap_walk_next(w, &key, &key_len, &value,
					&value_len)) == 1) {
		char s[16] = "";

		ASSERT_GT(sizeof(s), key_len);
		memcpy(s, key, key_len);
		i = atoi(s + 1);
		ASSERT_LT(i, N);
		EXPECT_EQ(0, seen[i]);
		seen[i] = 1;
		EXPECT_EQ((size_t)i * 13, value_len);
		EXPECT_EQ(0, memcmp(value, big, value_len));
		count++;
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(N, count);
	/* Complete stays complete. */
	EXPECT_EQ(0, syncmap_walk_next(w, NULL, NULL, NULL, NULL));
	syncmap_walk_free(w);
	syncmap_walk_free(NULL);

	/* Ended early, then a new walk on the same file starts afresh. */
	ASSERT_EQ(0, syncmap_walk_new(self->fd, 0, &w));
	EXPECT_EQ(1, syncmap_walk_next(w, &key, &key_len, NULL, NULL));
	syncmap_walk_free(w);
	ASSERT_EQ(0, syncmap_walk_new(self->fd, 0, &w));
	count = 0;
	while (syncmap_walk_next(w, NULL, NULL, NULL, NULL) == 1)
		count++;
	EXPECT_EQ(N, count);
	syncmap_walk_free(w);

	/* An empty map: complete at once. */
	ASSERT_EQ(0, syncmap_clear(self->fd));
	ASSERT_EQ(0, syncmap_walk_new(self->fd, 0, &w));
	EXPECT_EQ(0, syncmap_walk_next(w, &key, &key_len, &value, &value_len));
	syncmap_walk_free(w);
	EXPECT_EQ(-EINVAL, syncmap_walk_new(self->fd, 0, NULL));
}

/*
 * The walk one call at a time in the caller's buffer: records, cursors,
 * -ERANGE with the size needed, the end of a walk and its cursor refused.
 */
TEST_F(lib, walk_chunk)
{
	enum { N = 100 };
	static unsigned char seen[N], buf[SYNCMAP_WALK_BUF_MIN];
	__u64 cursor = 0, ended;
	size_t bytes, off, need;
	int i, got, records = 0, calls = 0;
	char k[16];

	for (i = 0; i < N; i++) {
		snprintf(k, sizeof(k), "c%d", i);
		ASSERT_EQ(0, syncmap_store(self->fd, k, strlen(k), k, strlen(k)));
	}
	/* 64 bytes hold a few records a call. */
	do {
		got = syncmap_walk_chunk(self->fd, &cursor, buf, 64, &bytes);
		ASSERT_LE(0, got);
		ASSERT_GE(64U, bytes);
		for (off = 0; off < bytes; records++) {
			struct syncmap_walk_entry e;
			char s[16] = "";

			memcpy(&e, buf + off, sizeof(e));
			ASSERT_GT(sizeof(s), e.key_len);
			memcpy(s, buf + off + sizeof(e), e.key_len);
			EXPECT_EQ(0, memcmp(s, buf + off + sizeof(e) + e.key_len,
					    e.value_len));
			i = atoi(s + 1);
			ASSERT_LT(i, N);
			EXPECT_EQ(0, seen[i]);
			seen[i] = 1;
			off += SYNCMAP_WALK_ENTRY_SIZE(e.key_len, e.value_len);
		}
		EXPECT_EQ(bytes, off);
		ASSERT_GT(1000, ++calls);
	} while (cursor);
	EXPECT_EQ(N, records);
	EXPECT_LT(1, calls);

	/* Too small for a record: -ERANGE, the size needed, cursor kept. */
	cursor = 0;
	ASSERT_LT(0, syncmap_walk_chunk(self->fd, &cursor, buf, 24, NULL));
	ASSERT_NE(0ULL, cursor);
	ended = cursor;
	need = 0;
	EXPECT_EQ(-ERANGE, syncmap_walk_chunk(self->fd, &cursor, buf, 8, &need));
	EXPECT_EQ(ended, cursor);
	EXPECT_LT(8U, need);
	EXPECT_GE(24U, need);
	/* Ended: its cursor is refused; ending twice is fine. */
	EXPECT_EQ(0, syncmap_walk_end(self->fd));
	EXPECT_EQ(0, syncmap_walk_end(self->fd));
	EXPECT_EQ(-EINVAL, syncmap_walk_chunk(self->fd, &cursor, buf,
					      sizeof(buf), NULL));
	EXPECT_EQ(ended, cursor);
	EXPECT_EQ(-EINVAL, syncmap_walk_chunk(self->fd, NULL, buf, 64, NULL));

	/* An empty map: no record, complete at once. */
	ASSERT_EQ(0, syncmap_clear(self->fd));
	cursor = 0;
	EXPECT_EQ(0, syncmap_walk_chunk(self->fd, &cursor, buf, sizeof(buf),
					&bytes));
	EXPECT_EQ(0ULL, cursor);
	EXPECT_EQ(0U, bytes);
	/* Unbound and write-only files refuse. */
	i = syncmap_open(O_RDONLY);
	ASSERT_LE(0, i);
	EXPECT_EQ(-EBADFD, syncmap_walk_chunk(i, &cursor, buf, 64, NULL));
	EXPECT_EQ(-EBADFD, syncmap_walk_end(i));
	close(i);
}

TEST_F(lib, stats_health_policy_compact)
{
	struct syncmap_policy p, q;
	struct syncmap_health h;
	struct syncmap_stats s;
	char buf[8];
	int i;

	for (i = 0; i < 10; i++) {
		char k[8];

		snprintf(k, sizeof(k), "s%d", i);
		ASSERT_EQ(0, syncmap_store(self->fd, k, strlen(k), "v", 1));
	}
	EXPECT_EQ(1, syncmap_load(self->fd, "s1", 2, buf, sizeof(buf), NULL));
	ASSERT_EQ(0, syncmap_stats(self->fd, &s));
	EXPECT_EQ(10ULL, s.len);
	EXPECT_EQ(10ULL, s.stores);
	EXPECT_EQ(1ULL, s.loads);
	EXPECT_EQ(0, syncmap_reset_stats(self->fd));
	ASSERT_EQ(0, syncmap_stats(self->fd, &s));
	EXPECT_EQ(0ULL, s.stores);
	EXPECT_EQ(0ULL, s.loads);
	EXPECT_EQ(10ULL, s.len);

	ASSERT_EQ(0, syncmap_health(self->fd, &h));
	EXPECT_EQ(10ULL, h.live);

	for (i = 0; i < 8; i++) {
		char k[8];

		snprintf(k, sizeof(k), "s%d", i);
		ASSERT_EQ(1, syncmap_delete(self->fd, k, strlen(k)));
	}
	EXPECT_EQ(0, syncmap_compact(self->fd));
	ASSERT_EQ(0, syncmap_stats(self->fd, &s));
	EXPECT_EQ(2ULL, s.len);
	EXPECT_EQ(1ULL, s.compactions);

	memset(&p, 0, sizeof(p));
	p.multiplier = 4;
	p.floor = 16;
	p.ceiling = 1024;
	p.adaptive = 1;
	ASSERT_EQ(0, syncmap_policy_set(self->fd, &p));
	ASSERT_EQ(0, syncmap_policy_get(self->fd, &q));
	EXPECT_EQ(4U, q.multiplier);
	EXPECT_EQ(16ULL, q.floor);
	EXPECT_EQ(1024ULL, q.ceiling);
	EXPECT_EQ(1U, q.adaptive);
	EXPECT_EQ(4U, q.scale);
	p.multiplier = SYNCMAP_POLICY_MULT_MAX + 1;
	EXPECT_EQ(-EINVAL, syncmap_policy_set(self->fd, &p));
	EXPECT_EQ(-EINVAL, syncmap_policy_set(self->fd, NULL));
	EXPECT_EQ(-EINVAL, syncmap_stats(self->fd, NULL));
	EXPECT_EQ(-EINVAL, syncmap_health(self->fd, NULL));
	EXPECT_EQ(-EINVAL, syncmap_policy_get(self->fd, NULL));
}

/* errno is not how errors travel: a failure returns the same either way. */
TEST(errors_are_returned)
{
	errno = 0;
	EXPECT_EQ(-ENOENT, syncmap_open_map("lib-no-such-map", O_RDONLY));
	errno = EPERM;
	EXPECT_EQ(-ENOENT, syncmap_open_map("lib-no-such-map", O_RDONLY));
}

TEST_HARNESS_MAIN
