// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_memcg_test: a map's memory is charged to its creator's memory
 * cgroup.  A process in a cgroup v2 with a small memory.max creates a map
 * and fills it until a store fails with ENOMEM (it is not OOM-killed); the
 * map goes on working; after the map is destroyed and its frees have run,
 * the cgroup's memory.current comes back to where it was.
 *
 * The buffers an ioctl stages keys, values and items in are charged to
 * the caller's memory cgroup too: a batch of 4096 items shows in the
 * memory.peak of a cgroup the caller joined just before it.
 *
 * Through libsyncmap, except that batch (stage_child()): its items are of
 * the largest item_size the ABI's extensibility lets a caller pass, which
 * the library, whose items are struct syncmap_batch_item, does not do.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "syncmap_test.h"

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_LIMIT	(16 << 20)
#define CG_VALUE	(16 << 10)
/* Slab pages and per-CPU stocks may stay charged after the frees. */
#define CG_SLACK	(2 << 20)

static int cg_write(const char *dir, const char *file, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return sm_write_file(path, text);
}

static long long cg_read(const char *dir, const char *file)
{
	char path[256], buf[64];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = sm_read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	if (!buf[0])
		return -EIO;
	return strtoll(buf, NULL, 10);
}

/* memory.current through a file opened (and its buffer allocated) early. */
static long long cg_pread(int fd)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

/*
 * In the cgroup: fill a map until ENOMEM, check it still works, destroy
 * it and wait for the charge to come back.  Exit status: 0 ok, else the
 * step that failed.
 */
static int child(const char *cg, const char *name, uint32_t flags)
{
	static char value[CG_VALUE];
	long long base, full, now;
	char key[32], buf[8], path[256];
	unsigned long n;
	int fd, cur, ret, i;

	if (cg_write(cg, "cgroup.procs", "0"))
		return 10;
	/*
	 * Fault in now everything this process touches later (the value,
	 * stdio's buffer, the stack): a page fault once the cgroup is full
	 * is an OOM kill, which is the kernel's answer to user memory, not
	 * the map's.
	 */
	memset(value, 'v', sizeof(value));
	printf("# filling a map in %s\n", cg);
	fflush(stdout);
	{
		volatile char stack[64 << 10];

		memset((char *)stack, 0, sizeof(stack));
	}
	/* Warm up what the first ioctls allocate, then take the baseline. */
	fd = sm_open(O_RDWR);
	if (fd < 0)
		return 11;
	close(fd);
	/*
	 * With the cgroup full, even opening a file may be an OOM kill: open
	 * what comes after the fill now.
	 */
	snprintf(path, sizeof(path), "%s/memory.current", cg);
	cur = open(path, O_RDONLY);
	if (cur < 0)
		return 20;
	base = cg_pread(cur);
	if (sm_create_flags(name, 0600, 0, 0, flags))
		return 12;
	fd = sm_open_bound(name, O_RDWR);
	if (fd < 0)
		return 13;
	for (n = 0;; n++) {
		snprintf(key, sizeof(key), "key-%lu", n);
		ret = syncmap_store(fd, key, strlen(key), value, sizeof(value));
		if (ret == -ENOMEM)
			break;
		if (ret)
			return 14;
		if (n > 4 * (CG_LIMIT / CG_VALUE))
			return 15;	/* the limit did not hold */
	}
	full = cg_pread(cur);
	printf("# %lu values of %d bytes stored before ENOMEM; memory.current %lld -> %lld (max %d)\n",
	       n, CG_VALUE, base, full, CG_LIMIT);
	/* The map is intact: len is what was stored, the first key loads. */
	if (sm_len(fd) != (long long)n)
		return 16;
	if (sm_load(fd, "key-0", buf, sizeof(buf)) != -ERANGE)
		return 17;
	if (syncmap_destroy(fd, name))
		return 18;
	close(fd);
	/* Destroyed maps are freed after grace periods and a workqueue. */
	for (i = 0; i < 200; i++) {
		now = cg_pread(cur);
		if (now <= base + CG_SLACK)
			break;
		sm_sleep_ms(50);
	}
	printf("# after destroy: memory.current %lld (baseline %lld, slack %d)\n",
	       now, base, CG_SLACK);
	fflush(stdout);
	return now <= base + CG_SLACK ? 0 : 19;
}

/* fill_until_enomem on a map of the engine @flags choose. */
static void fill(struct __test_metadata *_metadata, uint32_t flags)
{
	char cg[128], name[SYNCMAP_NAME_MAX], limit[32];
	int status, fd;
	pid_t pid;

	if (access(SM_DEVICE, R_OK | W_OK))
		SKIP(return, "no %s", SM_DEVICE);
	if (access(CG_ROOT "/cgroup.controllers", R_OK))
		SKIP(return, "no cgroup v2 at %s", CG_ROOT);
	/* Enabling may fail if already on; memory.max tells. */
	cg_write(CG_ROOT, "cgroup.subtree_control", "+memory");
	snprintf(cg, sizeof(cg), CG_ROOT "/syncmap-memcg-%d", getpid());
	ASSERT_EQ(0, mkdir(cg, 0755));
	if (access(cg, F_OK) == 0 && cg_read(cg, "memory.current") < 0) {
		rmdir(cg);
		SKIP(return, "no memory controller");
	}
	snprintf(limit, sizeof(limit), "%d", CG_LIMIT);
	EXPECT_EQ(0, cg_write(cg, "memory.max", limit));
	sm_unique(name, "memcg");

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(child(cg, name, flags));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) {
		TH_LOG("the filler died of signal %d (OOM kill?)",
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	if (WIFEXITED(status))
		EXPECT_EQ(0, WEXITSTATUS(status));
	/* Outside the cgroup, maps work as before. */
	fd = sm_open_bound(SYNCMAP_DEFAULT_NAME, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, sm_store(fd, "memcg-test", "outside"));
	EXPECT_EQ(1, sm_delete(fd, "memcg-test"));
	close(fd);
	sm_destroy(name);
	EXPECT_EQ(0, rmdir(cg));
}

TEST(fill_until_enomem)
{
	fill(_metadata, 0);
}

TEST(fill_until_enomem_merge)
{
	fill(_metadata, SYNCMAP_CREATE_MERGE);
}

/* Items of the largest size the kernel takes, so the staging is big. */
#define STAGE_ITEM_SIZE	256
#define STAGE_ITEMS	SYNCMAP_BATCH_MAX
#define STAGE_BYTES	(STAGE_ITEM_SIZE * STAGE_ITEMS)

/*
 * In a fresh cgroup: one BATCH_LOAD of STAGE_ITEMS items on a map created
 * outside it, with every user page faulted in before joining, so that
 * what the cgroup's memory.peak shows is what the kernel charged for the
 * call.  Exit status: 0 ok, 1 not charged, else the step that failed.
 *
 * A raw ioctl: items of STAGE_ITEM_SIZE bytes (item_size, the ABI's
 * extensibility) make the staging big; libsyncmap passes its own size.
 */
static int stage_child(const char *cg, const char *name)
{
	static unsigned char items[STAGE_BYTES];
	static const char key[] = "absent";
	struct syncmap_ioc_batch b;
	char path[256];
	long long base, peak;
	int fd, pk, i;

	for (i = 0; i < STAGE_ITEMS; i++) {
		struct syncmap_batch_item *it = (void *)(items + i * STAGE_ITEM_SIZE);

		it->key = (uintptr_t)key;
		it->key_len = sizeof(key) - 1;
	}
	fd = sm_open_bound(name, O_RDONLY);
	if (fd < 0)
		return 10;
	memset(&b, 0, sizeof(b));
	b.items = (uintptr_t)items;
	b.count = STAGE_ITEMS;
	b.item_size = STAGE_ITEM_SIZE;
	/* A first call outside: whatever it warms up is not the cgroup's. */
	if (ioctl(fd, SYNCMAP_IOC_BATCH_LOAD, &b) || b.done != STAGE_ITEMS)
		return 11;
	snprintf(path, sizeof(path), "%s/memory.peak", cg);
	pk = open(path, O_RDONLY);
	if (pk < 0)
		return 12;
	base = cg_pread(pk);
	if (cg_write(cg, "cgroup.procs", "0"))
		return 13;
	if (ioctl(fd, SYNCMAP_IOC_BATCH_LOAD, &b) || b.done != STAGE_ITEMS)
		return 14;
	peak = cg_pread(pk);
	printf("# BATCH_LOAD of %d items of %d bytes: memory.peak %lld -> %lld\n",
	       STAGE_ITEMS, STAGE_ITEM_SIZE, base, peak);
	fflush(stdout);
	close(fd);
	close(pk);
	return peak - base >= STAGE_BYTES ? 0 : 1;
}

TEST(staging_charged_to_the_caller)
{
	char cg[128], name[SYNCMAP_NAME_MAX];
	int status;
	pid_t pid;

	if (access(SM_DEVICE, R_OK | W_OK))
		SKIP(return, "no %s", SM_DEVICE);
	if (access(CG_ROOT "/cgroup.controllers", R_OK))
		SKIP(return, "no cgroup v2 at %s", CG_ROOT);
	cg_write(CG_ROOT, "cgroup.subtree_control", "+memory");
	snprintf(cg, sizeof(cg), CG_ROOT "/syncmap-stage-%d", getpid());
	ASSERT_EQ(0, mkdir(cg, 0755));
	if (cg_read(cg, "memory.peak") < 0) {
		rmdir(cg);
		SKIP(return, "no memory controller or no memory.peak");
	}
	sm_unique(name, "stage");
	ASSERT_EQ(0, sm_create(name, 0600, 0, 0));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(stage_child(cg, name));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("%s", WEXITSTATUS(status) == 1 ?
		       "the staging buffers were not charged to the caller's cgroup" :
		       "a step failed");
	}
	sm_destroy(name);
	EXPECT_EQ(0, rmdir(cg));
}

/*
 * The test VM loads syncmap.ko from a cgroup of its own (see
 * scripts/guest/steps/20-load-modules.sh), as from an administrator's
 * login session.  The default map lives as long as the module: its
 * memory is charged to the root cgroup, not to whoever ran insmod.
 */
#define CG_INSMOD	CG_ROOT "/syncmap-insmod"
#define DEFAULT_VALUES	512

TEST(default_map_not_charged_to_insmod)
{
	static char value[CG_VALUE];
	long long base, full;
	char key[32];
	int fd, i, cur;

	if (access(SM_DEVICE, R_OK | W_OK))
		SKIP(return, "no %s", SM_DEVICE);
	if (cg_read(CG_INSMOD, "memory.current") < 0)
		SKIP(return, "syncmap.ko was not loaded from %s", CG_INSMOD);
	memset(value, 'd', sizeof(value));
	fd = sm_open_bound(SYNCMAP_DEFAULT_NAME, O_RDWR);
	ASSERT_LE(0, fd);
	cur = open(CG_INSMOD "/memory.current", O_RDONLY);
	ASSERT_LE(0, cur);
	base = cg_pread(cur);
	for (i = 0; i < DEFAULT_VALUES; i++) {
		snprintf(key, sizeof(key), "default-memcg-%d", i);
		ASSERT_EQ(0, syncmap_store(fd, key, strlen(key), value,
					   sizeof(value)));
	}
	full = cg_pread(cur);
	for (i = 0; i < DEFAULT_VALUES; i++) {
		snprintf(key, sizeof(key), "default-memcg-%d", i);
		EXPECT_EQ(1, sm_delete(fd, key));
	}
	TH_LOG("%d values of %d bytes in the default map: %s memory.current %lld -> %lld",
	       DEFAULT_VALUES, CG_VALUE, CG_INSMOD, base, full);
	EXPECT_LT(full - base, CG_SLACK);
	close(cur);
	close(fd);
}

TEST_HARNESS_MAIN
