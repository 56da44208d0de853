// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_frees_test: maps being freed count against the caps.
 *
 * The last reference to a destroyed map queues its memory to be freed
 * from a workqueue.  Until that free ends, the map still counts against
 * max_maps, max_total_bytes and its owner's share (max_maps_per_user,
 * max_bytes_per_user), so a loop creating, filling and destroying maps
 * cannot queue frees without bound; and a create that only frees in
 * progress stand in the way of waits for them instead of failing.
 *
 * Each case loops create (with SYNCMAP_CREATE_BIND), a batch store of
 * ENTRIES keys, close and destroy, LOOPS times, with a cap of LOOP_CAP
 * map above those alive before the loop, and reads debugfs's syncmap/registry
 * after each destroy: maps_freeing never exceeds the cap, every create
 * succeeds, and every map being freed is still counted in maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_test.h"

#define REGISTRY	"/sys/kernel/debug/syncmap/registry"
/* The loop's cap: 1, so that every create finds the last map being freed. */
#define LOOP_CAP	1
/* Maps alive that fill the cap. */
#define CAP		4
#define LOOPS		48
#define ENTRIES		512
/* A debug kernel (KASAN, lockdep) stores a few thousand keys a second. */
#define TIMEOUT		180

/* A field of a copy of debugfs's registry file, or -1. */
static long long field_of(const char *buf, const char *field)
{
	size_t len = strlen(field);
	const char *p;

	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, field, len) && p[len] == ':')
			return strtoll(p + len + 1, NULL, 10);
	return -1;
}

/*
 * A field of debugfs's registry file, or -1.  Fields compared with each
 * other come from one read: the kernel writes them under one lock hold.
 */
static long long registry_field(const char *field)
{
	char buf[512];

	if (sm_read_file(REGISTRY, buf, sizeof(buf)))
		return -1;
	return field_of(buf, field);
}

/* Wait up to @ms for the frees in progress to end: maps_freeing, or -1. */
static long long settle(int ms)
{
	long long n = registry_field("maps_freeing");

	for (; n > 0 && ms > 0; ms -= 10) {
		sm_sleep_ms(10);
		n = registry_field("maps_freeing");
	}
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ENTRIES 8-byte keys and values in batches: 0 or -errno. */
static int fill(int fd)
{
	static struct syncmap_batch_item items[SYNCMAP_BATCH_MAX];
	static uint64_t keys[ENTRIES];
	unsigned int i, n, done = 0;
	int ret;

	while (done < ENTRIES) {
		n = ENTRIES - done < SYNCMAP_BATCH_MAX ?
		    ENTRIES - done : SYNCMAP_BATCH_MAX;
		for (i = 0; i < n; i++) {
			keys[done + i] = done + i;
			syncmap_batch_item_set(&items[i], &keys[done + i], 8,
					       &keys[done + i], 8);
		}
		ret = syncmap_batch_store(fd, items, n, SYNCMAP_BATCH_STOP);
		if (ret < 0)
			return ret;
		if ((unsigned int)ret != n)
			return items[ret].result ? items[ret].result : -EIO;
		done += n;
	}
	return 0;
}

/* A map made, filled and bound through a fresh file: the file or -errno. */
static int create_filled(const char *name)
{
	int fd = sm_open(O_RDWR), ret;

	if (fd < 0)
		return -errno;
	ret = syncmap_create_bind(fd, name, 0600, 0, 0);
	if (!ret)
		ret = fill(fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

FIXTURE(frees) {
	char name[SYNCMAP_NAME_MAX];
	char maps[32];
	char maps_per_user[32];
};

FIXTURE_VARIANT(frees) {
	/* The cap the loop runs against, set to CAP above what is alive. */
	const char *param;
	int err;
};

FIXTURE_VARIANT_ADD(frees, max_maps_per_user) {
	.param = "max_maps_per_user",
	.err = -EDQUOT,
};

FIXTURE_VARIANT_ADD(frees, max_maps) {
	.param = "max_maps",
	.err = -ENOSPC,
};

FIXTURE_SETUP(frees)
{
	ASSERT_EQ(0U, getuid()) {
		TH_LOG("the frees tests need root");
	}
	ASSERT_LE(0, registry_field("maps_freeing")) {
		TH_LOG("no maps_freeing in %s", REGISTRY);
	}
	ASSERT_EQ(0, sm_param_read("max_maps", self->maps,
				   sizeof(self->maps)));
	ASSERT_EQ(0, sm_param_read("max_maps_per_user", self->maps_per_user,
				   sizeof(self->maps_per_user)));
	sm_unique(self->name, "frees");
	/* Earlier tests' maps are freed: only live maps are counted. */
	ASSERT_EQ(0, settle(10000));
}

FIXTURE_TEARDOWN(frees)
{
	sm_destroy(self->name);
	sm_param_write("max_maps", self->maps);
	sm_param_write("max_maps_per_user", self->maps_per_user);
}

TEST_F_TIMEOUT(frees, create_destroy_loop, TIMEOUT)
{
	long long live, base, maps, freeing, most = 0, freed0, freed;
	unsigned int i, counted = 0, uncounted = 0;
	char snap[512];
	double t0, t;
	char cap[32];
	int fd;

	live = registry_field("maps");
	ASSERT_LE(0, live);
	/* Root owns nothing but this test's maps: its share starts at 0. */
	base = !strcmp(variant->param, "max_maps") ? live : 0;
	snprintf(cap, sizeof(cap), "%lld", base + LOOP_CAP);
	ASSERT_EQ(0, sm_param_write(variant->param, cap));
	freed0 = registry_field("maps_freed");

	t0 = now_ms();
	for (i = 0; i < LOOPS; i++) {
		fd = create_filled(self->name);
		ASSERT_LE(0, fd) {
			TH_LOG("create %u: %s", i, strerror(-fd));
		}
		close(fd);
		ASSERT_EQ(0, sm_destroy(self->name));
		ASSERT_EQ(0, sm_read_file(REGISTRY, snap, sizeof(snap)));
		freeing = field_of(snap, "maps_freeing");
		maps = field_of(snap, "maps");
		if (freeing > most)
			most = freeing;
		/* A map being freed still holds its place under the caps. */
		if (maps < live + freeing)
			uncounted++;
		if (freeing > 0)
			counted++;
	}
	t = now_ms() - t0;
	EXPECT_EQ(0, settle(10000));
	freed = registry_field("maps_freed") - freed0;
	TH_LOG("%s %s: %u loops of %u keys, %.1f ms, all freed at %.1f ms",
	       variant->param, cap, LOOPS, ENTRIES, t, now_ms() - t0);
	TH_LOG("at most %lld maps being freed; %u of %u samples above 0",
	       most, counted, LOOPS);
	EXPECT_LE(most, LOOP_CAP);
	EXPECT_EQ(0U, uncounted) {
		TH_LOG("%u samples had maps being freed that the caps did not count",
		       uncounted);
	}
	EXPECT_EQ(LOOPS, freed);
}

/* Live maps that fill the cap fail the create at once: no wait. */
TEST_F_TIMEOUT(frees, live_maps_fail_at_once, TIMEOUT)
{
	int fds[CAP], fd, i;
	char names[CAP][SYNCMAP_NAME_MAX];
	long long base;
	char cap[32];
	double t0;

	base = !strcmp(variant->param, "max_maps") ?
	       registry_field("maps") : 0;
	ASSERT_LE(0, base);
	snprintf(cap, sizeof(cap), "%lld", base + CAP);
	ASSERT_EQ(0, sm_param_write(variant->param, cap));
	for (i = 0; i < CAP; i++) {
		sm_unique(names[i], "frees-live");
		fds[i] = create_filled(names[i]);
		ASSERT_LE(0, fds[i]);
		/* Destroyed but still bound: alive, not being freed. */
		ASSERT_EQ(0, sm_destroy(names[i]));
	}
	t0 = now_ms();
	fd = create_filled(self->name);
	EXPECT_EQ(variant->err, fd);
	EXPECT_GT(1000.0, now_ms() - t0);
	if (fd >= 0)
		close(fd);
	for (i = 0; i < CAP; i++)
		close(fds[i]);
	/* Once their files are closed, the next create waits, not fails. */
	fd = create_filled(self->name);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

TEST_HARNESS_MAIN
