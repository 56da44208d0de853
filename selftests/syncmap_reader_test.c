// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_reader_test: a reader cannot hurt the owner.
 *
 * Root owns a 0644 map and keeps writing it; user 65534 opens read-only
 * files (passed to the test over SCM_RIGHTS, so that every check sees
 * user 65534) and attacks it with walks:
 *
 * - many walks at once: past max_walks, EBUSY, while the owner's walks
 *   are not limited;
 * - a walk started and never ended, across the owner's CLEAR: the CLEAR
 *   ends it, so the entries it pinned stop counting against the owner's
 *   max_entries, and the owner refills the map;
 * - WALK/WALK_END in a loop, each start once promoting the amended map
 *   so that the owner's next new key rebuilt the dirty table, O(n) for
 *   the owner per O(1) call: the walk now promotes only once it has gone
 *   through the read table, and the owner's stores stay within a factor
 *   of their cost without the reader;
 * - and Go's Range still holds for the walk: every key, those only the
 *   dirty table held included, exactly once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_fdpass.h"

#define NOBODY		65534
/* A walk buffer that holds one record of this test's keys, not two. */
#define REC_BUF		24
/* The owner's stores under attack may be this much slower, no more. */
#define SLOWDOWN_MAX	4

/* What one WALK call returned. */
struct walk_call {
	__u64 cursor;		/* the next call's, 0 when complete */
	unsigned int count;	/* records */
	size_t bytes;
};

/* One WALK call from @cursor: 0 or -errno; *@w is what it returned. */
static int walk(int fd, struct walk_call *w, uint64_t cursor, void *buf,
		uint32_t size)
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->cursor = cursor;
	ret = syncmap_walk_chunk(fd, &w->cursor, buf, size, &w->bytes);
	if (ret < 0)
		return ret;
	w->count = ret;
	return 0;
}

static int walk_end(int fd)
{
	return syncmap_walk_end(fd);
}

static int clear(int fd)
{
	return syncmap_clear(fd);
}

static int compact(int fd)
{
	return syncmap_compact(fd);
}

static int store_n(int fd, const char *prefix, int n)
{
	char key[32];
	int i, ret;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		ret = sm_store(fd, key, "v");
		if (ret)
			return ret;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A file user 65534 opened read-only, bound to @name. */
static int nobody_reader(const char *name)
{
	int fd = sm_open_as(NOBODY, NOBODY, NULL, 0, O_RDONLY), ret;

	if (fd < 0)
		return fd;
	ret = sm_bind(fd, name);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Root's 0644 map, root's read-write file on it, the device opened up. */
FIXTURE(reader) {
	char name[SYNCMAP_NAME_MAX];
	char max_walks[32];
	bool has_max_walks;
	mode_t dev_mode;
	int owner;
};

FIXTURE_SETUP(reader)
{
	struct stat st;

	ASSERT_EQ(0U, getuid()) {
		TH_LOG("the reader tests need root");
	}
	/* Read here, required by the test that sets it. */
	self->has_max_walks = !sm_param_read("max_walks", self->max_walks,
					     sizeof(self->max_walks));
	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(SM_DEVICE, 0666));
	sm_unique(self->name, "reader");
	self->owner = -1;
}

FIXTURE_TEARDOWN(reader)
{
	if (self->owner >= 0)
		close(self->owner);
	if (self->has_max_walks)
		sm_param_write("max_walks", self->max_walks);
	chmod(SM_DEVICE, self->dev_mode);
	sm_destroy(self->name);
}

static void owner_map(struct __test_metadata *_metadata,
		      FIXTURE_DATA(reader) *self, uint64_t max_entries)
{
	ASSERT_EQ(0, sm_create(self->name, 0644, max_entries, 0));
	self->owner = sm_open_bound(self->name, O_RDWR);
	ASSERT_LE(0, self->owner);
}

TEST_F(reader, walks_at_once_are_limited)
{
	unsigned char buf[REC_BUF] __attribute__((aligned(8)));
	struct walk_call w;
	int r[3], o[3], i;

	owner_map(_metadata, self, 0);
	ASSERT_EQ(0, store_n(self->owner, "k", 10));
	ASSERT_EQ(0, sm_param_write("max_walks", "2"));
	for (i = 0; i < 3; i++) {
		r[i] = nobody_reader(self->name);
		ASSERT_LE(0, r[i]);
		o[i] = sm_open_bound(self->name, O_RDONLY);
		ASSERT_LE(0, o[i]);
	}
	/* Two walks of user 65534 run and stay; a third is refused. */
	EXPECT_EQ(0, walk(r[0], &w, 0, buf, sizeof(buf)));
	EXPECT_NE(0ULL, w.cursor);
	EXPECT_EQ(0, walk(r[1], &w, 0, buf, sizeof(buf)));
	EXPECT_NE(0ULL, w.cursor);
	EXPECT_EQ(-EBUSY, walk(r[2], &w, 0, buf, sizeof(buf)));
	/* A file restarting its own walk keeps its place. */
	EXPECT_EQ(0, walk(r[1], &w, 0, buf, sizeof(buf)));
	/* The owner's walks do not count and are not refused. */
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, walk(o[i], &w, 0, buf, sizeof(buf)));
		EXPECT_NE(0ULL, w.cursor);
	}
	/* One ends: the third starts. */
	EXPECT_EQ(0, walk_end(r[0]));
	EXPECT_EQ(0, walk(r[2], &w, 0, buf, sizeof(buf)));
	EXPECT_NE(0ULL, w.cursor);
	/* Closing a walking file gives its place back. */
	close(r[1]);
	r[1] = nobody_reader(self->name);
	ASSERT_LE(0, r[1]);
	EXPECT_EQ(0, walk(r[1], &w, 0, buf, sizeof(buf)));
	/* 0 is no limit. */
	EXPECT_EQ(0, sm_param_write("max_walks", "0"));
	EXPECT_EQ(0, walk(r[0], &w, 0, buf, sizeof(buf)));
	for (i = 0; i < 3; i++) {
		close(r[i]);
		close(o[i]);
	}
}

/* Store @n keys, each retried on ENOSPC until @deadline: 0 or -errno. */
static int store_until(int fd, const char *prefix, int n, uint64_t deadline,
		       int *enospc)
{
	char key[32];
	int i, ret;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		while ((ret = sm_store(fd, key, "v")) == -ENOSPC &&
		       now_ns() < deadline) {
			(*enospc)++;
			sm_sleep_ms(10);
		}
		if (ret)
			return ret;
	}
	return 0;
}

TEST_F(reader, pinning_walk_does_not_outlive_clear)
{
	unsigned char buf[REC_BUF] __attribute__((aligned(8)));
	struct walk_call w;
	uint64_t cursor;
	int r, enospc = 0;

	owner_map(_metadata, self, 64);
	ASSERT_EQ(0, store_n(self->owner, "old", 64));
	ASSERT_EQ(0, compact(self->owner));
	/* User 65534 pins the table with a walk it never goes on with. */
	r = nobody_reader(self->name);
	ASSERT_LE(0, r);
	ASSERT_EQ(0, walk(r, &w, 0, buf, sizeof(buf)));
	ASSERT_NE(0ULL, w.cursor);
	cursor = w.cursor;
	/* The owner clears and refills to the limit: every store succeeds. */
	ASSERT_EQ(0, clear(self->owner));
	EXPECT_EQ(0, store_until(self->owner, "new", 64,
				 now_ns() + 10000000000ULL, &enospc)) {
		TH_LOG("the reader's walk still pins the cleared entries");
	}
	TH_LOG("ENOSPC retries while the CLEAR's frees ran: %d", enospc);
	EXPECT_EQ(64, sm_len(self->owner));
	/* The reader's walk was ended: its cursor completes it, empty. */
	EXPECT_EQ(0, walk(r, &w, cursor, buf, sizeof(buf)));
	EXPECT_EQ(0ULL, w.cursor);
	EXPECT_EQ(0U, w.count);
	/* And it walks again, seeing the new keys. */
	EXPECT_EQ(0, walk(r, &w, 0, buf, sizeof(buf)));
	EXPECT_EQ(1U, w.count);
	close(r);
}

#define REBUILD_KEYS	4000
#define REBUILD_ROUNDS	100

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The owner's REBUILD_ROUNDS new keys, each after @reader's WALK/WALK_END:
 * the median time of one store.  A median, not a sum: on a loaded host a
 * few stores preempted for milliseconds would otherwise decide the ratio.
 */
static uint64_t owner_stores(struct __test_metadata *_metadata, int owner,
			     int reader, const char *prefix)
{
	unsigned char buf[REC_BUF] __attribute__((aligned(8)));
	uint64_t took[REBUILD_ROUNDS], t;
	struct walk_call w;
	char key[32];
	int i;

	for (i = 0; i < REBUILD_ROUNDS; i++) {
		if (reader >= 0) {
			EXPECT_EQ(0, walk(reader, &w, 0, buf, sizeof(buf)));
			EXPECT_EQ(0, walk_end(reader));
		}
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		t = now_ns();
		EXPECT_EQ(0, sm_store(owner, key, "v"));
		took[i] = now_ns() - t;
	}
	qsort(took, REBUILD_ROUNDS, sizeof(took[0]), cmp_u64);
	return took[REBUILD_ROUNDS / 2];
}

TEST_F(reader, walk_loop_forces_no_rebuilds)
{
	struct syncmap_stats s0, s1;
	uint64_t alone, attacked;
	int r;

	owner_map(_metadata, self, 0);
	ASSERT_EQ(0, store_n(self->owner, "k", REBUILD_KEYS));
	r = nobody_reader(self->name);
	ASSERT_LE(0, r);

	/* The owner alone: its first new key rebuilds, the others do not. */
	ASSERT_EQ(0, compact(self->owner));
	alone = owner_stores(_metadata, self->owner, -1, "alone");
	/* The same from the same state, a reader looping WALK/WALK_END. */
	ASSERT_EQ(0, compact(self->owner));
	ASSERT_EQ(0, sm_stats(self->owner, &s0));
	attacked = owner_stores(_metadata, self->owner, r, "attacked");
	ASSERT_EQ(0, sm_stats(self->owner, &s1));

	TH_LOG("%d new keys on %d: %llu rebuilds copying %llu entries; a store took %llu ns alone, %llu ns under the reader (medians)",
	       REBUILD_ROUNDS, REBUILD_KEYS,
	       (unsigned long long)(s1.dirty_rebuilds - s0.dirty_rebuilds),
	       (unsigned long long)(s1.rebuild_copied - s0.rebuild_copied),
	       (unsigned long long)alone,
	       (unsigned long long)attacked);
	/* Before: one rebuild of the whole map per round. */
	EXPECT_GE(1ULL, s1.dirty_rebuilds - s0.dirty_rebuilds);
	EXPECT_GE(2ULL * (REBUILD_KEYS + REBUILD_ROUNDS),
		  s1.rebuild_copied - s0.rebuild_copied);
	EXPECT_EQ(0ULL, s1.promotions_range - s0.promotions_range);
	EXPECT_GE(SLOWDOWN_MAX * alone, attacked);
	close(r);
}

/* Go's Range on an amended map: every key once, dirty-only ones too. */
TEST_F(reader, walk_sees_every_key_once)
{
	unsigned char buf[REC_BUF] __attribute__((aligned(8)));
	struct walk_call w;
	struct syncmap_stats s0, s;
	static unsigned char seen[300];
	uint64_t cursor = 0;
	unsigned int calls = 0;
	int r, i, n, total = 0;

	owner_map(_metadata, self, 0);
	/* 200 keys in the read table, 100 more only in the dirty table. */
	ASSERT_EQ(0, store_n(self->owner, "a", 200));
	ASSERT_EQ(0, compact(self->owner));
	for (i = 0; i < 100; i++) {
		char key[16];

		snprintf(key, sizeof(key), "b%d", i);
		ASSERT_EQ(0, sm_store(self->owner, key, "v"));
	}
	ASSERT_EQ(0, sm_stats(self->owner, &s0));
	ASSERT_EQ(1ULL, s0.amended);
	r = nobody_reader(self->name);
	ASSERT_LE(0, r);
	do {
		const struct syncmap_walk_entry *e = (const void *)buf;
		char key[16];

		ASSERT_EQ(0, walk(r, &w, cursor, buf, sizeof(buf)));
		cursor = w.cursor;
		if (!calls++) {
			/* Not promoted by the start of the walk... */
			ASSERT_EQ(0, sm_stats(self->owner, &s));
			EXPECT_EQ(s0.promotions_range, s.promotions_range);
		}
		ASSERT_EQ(1U, w.count);
		ASSERT_GT(sizeof(key), e->key_len);
		memcpy(key, e + 1, e->key_len);
		key[e->key_len] = '\0';
		total++;
		if (!strcmp(key, "new"))
			continue;
		n = atoi(key + 1) + (key[0] == 'b' ? 200 : 0);
		ASSERT_GT(300, n);
		EXPECT_EQ(0, seen[n]++) {
			TH_LOG("%s offered twice", key);
		}
		/* Keys stored during the walk may or may not be seen. */
		if (total == 150)
			ASSERT_EQ(0, sm_store(self->owner, "new", "v"));
	} while (cursor);
	/* ...but by the time it went through the read table, once. */
	ASSERT_EQ(0, sm_stats(self->owner, &s));
	EXPECT_EQ(s0.promotions_range + 1, s.promotions_range);
	for (i = 0; i < 300; i++)
		EXPECT_EQ(1, seen[i]);
	EXPECT_LE(300, total);
	EXPECT_GE(301, total);
	close(r);
}

TEST_HARNESS_MAIN
