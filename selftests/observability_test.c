// SPDX-License-Identifier: GPL-2.0
/*
 * observability_test: debugfs, health checks, compaction, tracepoints and
 * the promotion policy, seen from userspace (issue 5).
 *
 * Needs debugfs at /sys/kernel/debug and tracefs at /sys/kernel/tracing
 * (mounted here if they are not).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include <syncmap.h>

#define DBG	"/sys/kernel/debug/syncmap"
#define TRACING	"/sys/kernel/tracing"

/* Create a 0600 map and bind a new O_RDWR file to it: the file, or -1. */
static int map_open(const char *name)
{
	int fd = syncmap_open(O_RDWR);

	if (fd < 0)
		return -1;
	if (syncmap_create(fd, name, 0600, 0, 0) || syncmap_bind(fd, name)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int map_destroy(const char *name)
{
	int fd = syncmap_open(O_RDWR), ret;

	ret = syncmap_destroy(fd, name);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* The operation's result (1 or 0), or -errno. */
static int load(int fd, const char *key)
{
	char buf[64];

	return syncmap_load(fd, key, strlen(key), buf, sizeof(buf), NULL);
}

#define STORE(fd, k) syncmap_store(fd, k, strlen(k), "v", 1)
#define LOAD(fd, k) load(fd, k)
#define DELETE(fd, k) syncmap_delete(fd, k, strlen(k))

static void store_n(int fd, int first, int n)
{
	char key[16];
	int i;

	for (i = first; i < first + n; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		STORE(fd, key);
	}
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return n < 0 ? -errno : 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The value after "name: " in a debugfs file, as text. */
static const char *field(const char *text, const char *name)
{
	static char val[64];
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", name);
	p = strncmp(text, pat + 1, strlen(pat + 1)) ? strstr(text, pat) :
						      text - 1;
	if (!p)
		return "";
	p += strlen(pat);
	snprintf(val, sizeof(val), "%.*s", (int)strcspn(p, "\n"), p);
	return val;
}

static unsigned long long ufield(const char *text, const char *name)
{
	return strtoull(field(text, name), NULL, 10);
}

static void mounts(void)
{
	mkdir("/sys/kernel/debug", 0755);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tracefs", TRACING, "tracefs", 0, NULL);
}

#define F(name) { #name, offsetof(struct syncmap_stats, name) }
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	F(misses), F(read_len), F(dirty_len), F(dirty_present), F(amended),
	/* Not entries and bytes: RCU callbacks may free between the reads. */
	F(len), F(promotions), F(promotions_misses),
	F(promotions_range), F(promotions_compact), F(dirty_rebuilds),
	F(rebuild_copied), F(rebuild_expunged), F(loads), F(read_hits),
	F(read_misses), F(dirty_hits), F(stores), F(new_keys), F(deletes),
	F(clears), F(compactions),
};

TEST(debugfs_stats_equal_ioctl)
{
	char text[4096], path[128];
	struct syncmap_stats st;
	unsigned int i;
	int fd;

	mounts();
	map_destroy("obs-stats");
	fd = map_open("obs-stats");
	ASSERT_LE(0, fd);
	snprintf(path, sizeof(path), DBG "/maps/obs-stats/stats");

	store_n(fd, 0, 10);		/* 10 new keys, one rebuild */
	EXPECT_EQ(0, LOAD(fd, "nope"));	/* miss 1 */
	EXPECT_EQ(0, LOAD(fd, "nope"));	/* miss 2 */
	EXPECT_EQ(1, LOAD(fd, "key3"));	/* miss 3, a dirty hit */
	EXPECT_EQ(1, DELETE(fd, "key4"));	/* miss 4: removed from dirty */

	ASSERT_EQ(0, syncmap_stats(fd, &st));
	ASSERT_EQ(0, read_file(path, text, sizeof(text)));
	EXPECT_EQ(4ULL, st.misses);
	EXPECT_EQ(9ULL, st.dirty_len);
	EXPECT_EQ(0ULL, st.read_len);
	EXPECT_EQ(10ULL, st.new_keys);
	EXPECT_EQ(10ULL, st.stores);
	EXPECT_EQ(1ULL, st.dirty_rebuilds);
	EXPECT_EQ(3ULL, st.loads);
	EXPECT_EQ(2ULL, st.dirty_hits);
	EXPECT_EQ(1ULL, st.deletes);
	EXPECT_EQ(9ULL, st.len);
	EXPECT_EQ(0ULL, st.promotions);
	for (i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		EXPECT_EQ(*(__u64 *)((char *)&st + stat_fields[i].off),
			  ufield(text, stat_fields[i].name)) {
			TH_LOG("field %u of stat_fields", i);
		}

	/* The reset: events zeroed, the algorithm's state kept. */
	ASSERT_EQ(0, write_file(DBG "/maps/obs-stats/reset", "1"));
	ASSERT_EQ(0, read_file(path, text, sizeof(text)));
	EXPECT_EQ(0ULL, ufield(text, "stores"));
	EXPECT_EQ(0ULL, ufield(text, "new_keys"));
	EXPECT_EQ(4ULL, ufield(text, "misses"));
	EXPECT_EQ(9ULL, ufield(text, "dirty_len"));
	EXPECT_EQ(9ULL, ufield(text, "len"));

	ASSERT_EQ(0, read_file(DBG "/summary", text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "obs-stats len=9 "));
	close(fd);
	EXPECT_EQ(0, map_destroy("obs-stats"));
	EXPECT_NE(0, access(DBG "/maps/obs-stats", F_OK));
}

static const char *status(const char *text, const char *check)
{
	const char *v = field(text, check);

	return strstr(v, " warn") ? "warn" : strstr(v, " ok") ? "ok" : v;
}

TEST(health_warn_then_ok_after_compaction)
{
	struct syncmap_health h;
	char text[4096], key[16];
	int fd, i;

	mounts();
	map_destroy("obs-health");
	fd = map_open("obs-health");
	ASSERT_LE(0, fd);
#define HEALTH DBG "/maps/obs-health/health"

	/* New keys and no loads: dirty grows, read stays empty. */
	store_n(fd, 0, 10);
	ASSERT_EQ(0, read_file(HEALTH, text, sizeof(text)));
	EXPECT_STREQ("warn", status(text, "dirty_bloat"));
	EXPECT_STREQ("ok", status(text, "leak_ratio"));
	EXPECT_STREQ("ok", status(text, "read_staleness"));
	EXPECT_STREQ("10.000 threshold >2.000 warn", field(text, "dirty_bloat"));
	ASSERT_EQ(0, syncmap_health(fd, &h));
	EXPECT_EQ(SYNCMAP_HEALTH_BLOAT, h.warn);
	ASSERT_EQ(0, syncmap_compact(fd));
	ASSERT_EQ(0, read_file(HEALTH, text, sizeof(text)));
	EXPECT_STREQ("ok", status(text, "dirty_bloat"));

	/* Deleted keys with no new key after them stay pinned in read. */
	for (i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		EXPECT_EQ(1, DELETE(fd, key));
	}
	ASSERT_EQ(0, read_file(HEALTH, text, sizeof(text)));
	EXPECT_STREQ("0.200 threshold <0.700 warn", field(text, "leak_ratio"));
	EXPECT_STREQ("0.800 threshold >0.300 warn",
		     field(text, "read_staleness"));
	EXPECT_EQ(10ULL, ufield(text, "read_len"));
	ASSERT_EQ(0, syncmap_compact(fd));
	ASSERT_EQ(0, read_file(HEALTH, text, sizeof(text)));
	EXPECT_STREQ("ok", status(text, "leak_ratio"));
	EXPECT_STREQ("ok", status(text, "read_staleness"));
	EXPECT_STREQ("ok", status(text, "dirty_bloat"));
	EXPECT_EQ(2ULL, ufield(text, "read_len"));
	EXPECT_EQ(1, LOAD(fd, "key9"));
	EXPECT_EQ(0, LOAD(fd, "key0"));
	ASSERT_EQ(0, syncmap_health(fd, &h));
	EXPECT_EQ(0U, h.warn);
	close(fd);
	EXPECT_EQ(0, map_destroy("obs-health"));
}

/* A line of the trace buffer holding every string of @want, or NULL. */
static int trace_has(const char *trace, const char *event, const char *want)
{
	const char *p = trace;

	while ((p = strstr(p, event))) {
		size_t n = strcspn(p, "\n");
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strstr(line, "name=obs-trace ") && strstr(line, want))
			return 1;
		p += n;
	}
	return 0;
}

TEST(tracepoints_fire_with_their_fields)
{
	static char trace[1 << 16];
	int fd, ok;

	mounts();
	if (access(TRACING "/events/syncmap/enable", W_OK))
		SKIP(return, "no events/syncmap in tracefs");
	map_destroy("obs-trace");
	fd = map_open("obs-trace");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_file(TRACING "/trace", ""));
	ASSERT_EQ(0, write_file(TRACING "/events/syncmap/enable", "1"));

	store_n(fd, 0, 3);			/* rebuild: 0 copied */
	EXPECT_EQ(0, LOAD(fd, "nope"));		/* miss 1 of 3 */
	EXPECT_EQ(1, LOAD(fd, "key1"));		/* miss 2 */
	EXPECT_EQ(0, LOAD(fd, "nope"));		/* miss 3: promotes */
	EXPECT_EQ(1, DELETE(fd, "key0"));
	store_n(fd, 3, 1);			/* rebuild: 2 copied, 1 expunged */
	ASSERT_EQ(0, syncmap_compact(fd));

	ASSERT_EQ(0, write_file(TRACING "/events/syncmap/enable", "0"));
	ASSERT_EQ(0, read_file(TRACING "/trace", trace, sizeof(trace)));
	ok = trace_has(trace, " dirty_rebuild:", "copied=0 expunged=0") &&
	     trace_has(trace, " dirty_miss:",
		       "found=0 misses=1 threshold=3") &&
	     trace_has(trace, " dirty_miss:",
		       "found=1 misses=2 threshold=3") &&
	     trace_has(trace, " promote:",
		       "reason=misses entries=3 misses=3") &&
	     trace_has(trace, " dirty_rebuild:", "copied=2 expunged=1") &&
	     trace_has(trace, " promote:",
		       "reason=compact entries=3 misses=0");
	EXPECT_TRUE(ok) {
		TH_LOG("trace:\n%s", trace);
	}
	close(fd);
	EXPECT_EQ(0, map_destroy("obs-trace"));
}

/* Misses of a missing key until the next promotion, via the stats. */
static int misses_to_promote(int fd)
{
	struct syncmap_stats st;
	__u64 before;
	int i;

	syncmap_stats(fd, &st);
	before = st.promotions;
	for (i = 1; i < 1000; i++) {
		LOAD(fd, "nope");
		syncmap_stats(fd, &st);
		if (st.promotions != before)
			return i;
	}
	return -1;
}

TEST(policy_changes_only_when_promotion_happens)
{
	struct syncmap_policy p = { 0 };
	char text[256], key[16];
	int go, tuned, i, r1, r2;

	mounts();
	map_destroy("obs-go");
	map_destroy("obs-tuned");
	go = map_open("obs-go");
	tuned = map_open("obs-tuned");
	ASSERT_LE(0, go);
	ASSERT_LE(0, tuned);
	ASSERT_EQ(0, write_file(DBG "/maps/obs-tuned/policy",
				"multiplier=3 ceiling=100"));
	ASSERT_EQ(0, read_file(DBG "/maps/obs-tuned/policy", text,
			       sizeof(text)));
	EXPECT_EQ(0, strncmp(text, "multiplier=3 floor=0 ceiling=100 adaptive=0\n",
			     44));
	EXPECT_NE(0, write_file(DBG "/maps/obs-tuned/policy", "bogus=1"));
	ASSERT_EQ(0, syncmap_policy_get(tuned, &p));
	EXPECT_EQ(3U, p.multiplier);
	EXPECT_EQ(100ULL, p.ceiling);

	store_n(go, 0, 5);
	store_n(tuned, 0, 5);
	EXPECT_EQ(5, misses_to_promote(go));
	EXPECT_EQ(15, misses_to_promote(tuned));

	/* The same results, call for call. */
	for (i = 0; i < 400; i++) {
		snprintf(key, sizeof(key), "key%d", (i * 7) % 23);
		switch (i % 4) {
		case 0:
			r1 = STORE(go, key);
			r2 = STORE(tuned, key);
			break;
		case 3:
			r1 = DELETE(go, key);
			r2 = DELETE(tuned, key);
			break;
		default:
			r1 = LOAD(go, key);
			r2 = LOAD(tuned, key);
			break;
		}
		ASSERT_EQ(r1, r2);
	}

	/* Back to Go's rule through the ioctl, from the same shape. */
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(0, syncmap_policy_set(tuned, &p));
	ASSERT_EQ(0, syncmap_compact(go));
	ASSERT_EQ(0, syncmap_compact(tuned));
	store_n(go, 100, 1);
	store_n(tuned, 100, 1);
	EXPECT_EQ(misses_to_promote(go), misses_to_promote(tuned));
	close(go);
	close(tuned);
	map_destroy("obs-go");
	map_destroy("obs-tuned");
}

static volatile int stop;

static void *reader(void *arg)
{
	static const char *const files[] = {
		DBG "/maps/obs-race/stats", DBG "/maps/obs-race/health",
		DBG "/maps/obs-race/policy", DBG "/summary",
	};
	char text[4096];
	unsigned long i = 0;

	while (!stop) {
		read_file(files[i++ % 4], text, sizeof(text));
		if (!(i % 16))
			write_file(DBG "/maps/obs-race/policy", "multiplier=2");
	}
	return NULL;
}

/*
 * Reading and writing the files while the map is written and destroyed:
 * the kernel's checkers (KASAN, lockdep, kmemleak) judge this one.
 */
TEST(debugfs_survives_destroy)
{
	pthread_t t[3];
	int round, fd, i;
	time_t start;

	mounts();
	map_destroy("obs-race");
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, reader, NULL));
	/* Bounded in time too: debug kernels under emulation are slow. */
	start = time(NULL);
	for (round = 0; round < 200 && (round < 10 || time(NULL) - start < 15);
	     round++) {
		fd = map_open("obs-race");
		ASSERT_LE(0, fd);
		store_n(fd, 0, 50);
		LOAD(fd, "nope");
		EXPECT_EQ(0, map_destroy("obs-race"));
		/* Still bound: the map lives on without its files. */
		store_n(fd, 50, 5);
		close(fd);
	}
	stop = 1;
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

TEST_HARNESS_MAIN
