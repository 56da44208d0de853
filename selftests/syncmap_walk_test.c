// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_walk_test: the cursor walk under concurrent writers.
 *
 * Writer threads and writer processes churn keys of their own, store new
 * keys (amending the map) and load missing ones (counting misses, so that
 * promotions happen all the time), while readers walk the map in small
 * chunks.  Every walk must end, never return a key twice, and return every
 * key that was present and unchanged for the whole walk exactly once, with
 * its value.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_test.h"

#define STABLE		2000	/* keys s0000.. never touched by writers */
#define WRITERS		4	/* two threads, two processes */
#define CHURN		500	/* keys c<w>-<n> each writer plays with */
#define WALK_SECONDS	3
#define WALK_BUF	2048

/* Shared by the test, its writer threads and its writer processes. */
struct shared {
	int stop;		/* __atomic */
	int clears;		/* writers also clear the map */
	unsigned long ops[WRITERS];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One writer: @id picks its keys.  Returns on stop. */
static void writer(const char *name, struct shared *sh, int id)
{
	unsigned int seed = id * 7919 + getpid();
	char key[32], buf[64];
	int fd = sm_open_bound(name, O_RDWR);

	if (fd < 0)
		return;
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		int r = rand_r(&seed);

		snprintf(key, sizeof(key), "c%d-%d", id, r % CHURN);
		switch (r % 8) {
		case 0:
		case 1:
			sm_store(fd, key, key);
			break;
		case 2:
			sm_delete(fd, key);
			break;
		case 3:
			syncmap_load_or_store(fd, key, strlen(key), key,
					      strlen(key), buf, sizeof(buf),
					      NULL);
			break;
		case 4:
			syncmap_swap(fd, key, strlen(key), key, strlen(key),
				     buf, sizeof(buf), NULL);
			break;
		case 5:
			/* A brand-new key: amends the map. */
			snprintf(key, sizeof(key), "n%d-%d", id, r);
			sm_store(fd, key, key);
			sm_delete(fd, key);
			break;
		default:
			/* Misses, so that promotions keep happening. */
			snprintf(key, sizeof(key), "missing-%d", r);
			sm_load(fd, key, buf, sizeof(buf));
			break;
		}
		if (sh->clears && r % 4096 == 0)
			syncmap_clear(fd);
		sh->ops[id]++;
	}
	close(fd);
}

struct thread_arg {
	const char *name;
	struct shared *sh;
	int id;
};

static void *writer_thread(void *p)
{
	struct thread_arg *a = p;

	writer(a->name, a->sh, a->id);
	return NULL;
}

FIXTURE(walk) {
	char name[SYNCMAP_NAME_MAX];
	struct shared *sh;
	pthread_t threads[2];
	struct thread_arg targs[2];
	pid_t pids[2];
	int fd;
};

FIXTURE_SETUP(walk)
{
	static char keys[STABLE][8];
	static struct syncmap_batch_item items[STABLE];
	int i, done;

	sm_unique(self->name, "walk");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
	self->fd = sm_open_bound(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
	/* The stable keys, in one batch: key and value "s0000".. */
	for (i = 0; i < STABLE; i++) {
		snprintf(keys[i], sizeof(keys[i]), "s%04d", i);
		syncmap_batch_item_set(&items[i], keys[i], 5, keys[i], 5);
	}
	done = syncmap_batch_store(self->fd, items, STABLE, SYNCMAP_BATCH_STOP);
	ASSERT_LE(0, done);
	ASSERT_EQ(STABLE, done);
	ASSERT_EQ(STABLE, sm_len(self->fd));
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, (void *)self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
}

FIXTURE_TEARDOWN(walk)
{
	close(self->fd);
	sm_destroy(self->name);
	munmap(self->sh, sizeof(*self->sh));
}

static int start_writers(FIXTURE_DATA(walk) *self)
{
	int i;

	for (i = 0; i < 2; i++) {
		self->targs[i] = (struct thread_arg){ self->name, self->sh, i };
		if (pthread_create(&self->threads[i], NULL, writer_thread,
				   &self->targs[i]))
			return -1;
	}
	for (i = 0; i < 2; i++) {
		self->pids[i] = fork();
		if (self->pids[i] < 0)
			return -1;
		if (!self->pids[i]) {
			writer(self->name, self->sh, 2 + i);
			_exit(0);
		}
	}
	return 0;
}

static int stop_writers(FIXTURE_DATA(walk) *self)
{
	int i, status, bad = 0;

	__atomic_store_n(&self->sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(self->threads[i], NULL);
	for (i = 0; i < 2; i++) {
		if (waitpid(self->pids[i], &status, 0) != self->pids[i] ||
		    status)
			bad++;
	}
	return bad;
}

struct walk_result {
	unsigned int stable[STABLE];
	unsigned int churn[WRITERS * CHURN];
	unsigned int records;
	unsigned int calls;
	unsigned int bad_values;
	unsigned int twice;
};

/* One whole walk with its own file; 0 or -errno. */
static int walk_once(const char *name, struct walk_result *r)
{
	static __thread unsigned char buf[WALK_BUF];
	int fd = sm_open_bound(name, O_RDONLY), ret;
	size_t off, bytes;
	__u64 cursor = 0;

	if (fd < 0)
		return fd;
	memset(r, 0, sizeof(*r));
	do {
		ret = syncmap_walk_chunk(fd, &cursor, buf, sizeof(buf), &bytes);
		if (ret < 0) {
			close(fd);
			return ret;
		}
		/* A walk that does not end would show here. */
		if (++r->calls > 100000) {
			close(fd);
			return -ELOOP;
		}
		for (off = 0; off < bytes;) {
			struct syncmap_walk_entry *e = (void *)(buf + off);
			const char *k = (char *)buf + off + sizeof(*e);
			const char *v = k + e->key_len;
			unsigned int *slot = NULL;
			char key[32] = "";
			int a, b;

			memcpy(key, k, e->key_len < 31 ? e->key_len : 31);
			if (sscanf(key, "s%d", &a) == 1 && a >= 0 && a < STABLE)
				slot = &r->stable[a];
			else if (sscanf(key, "c%d-%d", &a, &b) == 2 &&
				 a >= 0 && a < WRITERS && b >= 0 && b < CHURN)
				slot = &r->churn[a * CHURN + b];
			if (slot && ++*slot > 1)
				r->twice++;
			/* Every value a writer stores equals its key. */
			if (e->key_len != e->value_len ||
			    memcmp(k, v, e->key_len))
				r->bad_values++;
			r->records++;
			off += SYNCMAP_WALK_ENTRY_SIZE(e->key_len, e->value_len);
		}
	} while (cursor);
	close(fd);
	return 0;
}

TEST_F_TIMEOUT(walk, every_stable_key_once_under_writers, 180)
{
	struct walk_result *r = calloc(1, sizeof(*r));
	double end = now() + WALK_SECONDS;
	struct syncmap_stats s0, s1;
	unsigned int walks = 0, i, missing;

	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(0, sm_stats(self->fd, &s0));
	ASSERT_EQ(0, start_writers(self));
	while (now() < end || walks < 3) {
		ASSERT_EQ(0, walk_once(self->name, r));
		missing = 0;
		for (i = 0; i < STABLE; i++)
			if (r->stable[i] != 1)
				missing++;
		EXPECT_EQ(0U, missing);
		EXPECT_EQ(0U, r->twice);
		EXPECT_EQ(0U, r->bad_values);
		if (missing || r->twice || r->bad_values)
			break;
		walks++;
	}
	EXPECT_EQ(0, stop_writers(self));
	ASSERT_EQ(0, sm_stats(self->fd, &s1));
	TH_LOG("%u walks (last: %u records, %u calls); writers: %lu %lu %lu %lu ops; %llu promotions",
	       walks, r->records, r->calls, self->sh->ops[0], self->sh->ops[1],
	       self->sh->ops[2], self->sh->ops[3],
	       (unsigned long long)(s1.promotions - s0.promotions));
	for (i = 0; i < WRITERS; i++)
		EXPECT_LT(0UL, self->sh->ops[i]);
	/* Promotions did happen during the walks. */
	EXPECT_LT(s0.promotions, s1.promotions);
	/* And the stable keys are all still there. */
	EXPECT_LE(STABLE, sm_len(self->fd));
	free(r);
}

struct reader_arg {
	const char *name;
	int walks;
	int failures;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	struct walk_result *r = calloc(1, sizeof(*r));
	int i, j;

	for (i = 0; r && i < a->walks; i++) {
		if (walk_once(a->name, r)) {
			a->failures++;
			break;
		}
		for (j = 0; j < STABLE; j++)
			if (r->stable[j] != 1)
				break;
		if (j < STABLE || r->twice || r->bad_values)
			a->failures++;
	}
	free(r);
	return NULL;
}

TEST_F_TIMEOUT(walk, concurrent_walkers_and_writers, 180)
{
	struct reader_arg args[3];
	pthread_t readers[3];
	int i;

	ASSERT_EQ(0, start_writers(self));
	for (i = 0; i < 3; i++) {
		args[i] = (struct reader_arg){ self->name, 3, 0 };
		ASSERT_EQ(0, pthread_create(&readers[i], NULL, reader_thread,
					    &args[i]));
	}
	for (i = 0; i < 3; i++) {
		pthread_join(readers[i], NULL);
		EXPECT_EQ(0, args[i].failures);
	}
	EXPECT_EQ(0, stop_writers(self));
}

TEST_F_TIMEOUT(walk, ends_under_clear_and_churn, 180)
{
	struct walk_result *r = calloc(1, sizeof(*r));
	double end = now() + WALK_SECONDS / 2;
	unsigned int walks = 0;

	ASSERT_TRUE(r != NULL);
	self->sh->clears = 1;
	ASSERT_EQ(0, start_writers(self));
	/* Keys may come and go wholesale; a walk still ends, no key twice. */
	while (now() < end || walks < 3) {
		ASSERT_EQ(0, walk_once(self->name, r));
		EXPECT_EQ(0U, r->twice);
		EXPECT_EQ(0U, r->bad_values);
		walks++;
	}
	EXPECT_EQ(0, stop_writers(self));
	TH_LOG("%u walks", walks);
	free(r);
}

TEST_HARNESS_MAIN
