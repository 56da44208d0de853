// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_maps_test: named maps between processes and users.
 *
 * Permissions (a child that drops to uid 65534 is refused exactly where it
 * should be), owner and group from the creator's fsuid and fsgid, maps
 * shared between processes, destroy while bound and re-create, the limits
 * (ENOSPC) of a map and of the module, memory charged to the creator's
 * memory cgroup, and rmmod refused while a file is open.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_test.h"

#define NOBODY	65534

/* In a child process: the first failed check ends it with its line. */
#define CHILD_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "child %d: %s:%d: check failed: %s\n",	\
			getpid(), __FILE__, __LINE__, #cond);		\
		_exit(1);						\
	}								\
} while (0)

/* Run @fn in a child with the given credentials; its exit status. */
static int as_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		   void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (!pid) {
		CHILD_CHECK(!setgroups(ngroups, groups));
		CHILD_CHECK(!setgid(gid));
		CHILD_CHECK(!setuid(uid));
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool listed(const char *name)
{
	struct syncmap_map_info *maps = NULL;
	int fd = sm_open(O_RDONLY);
	bool found = false;
	size_t n = 0, i;

	if (fd < 0)
		return false;
	if (!syncmap_list_all(fd, &maps, &n))
		for (i = 0; i < n; i++)
			if (!strcmp(maps[i].name, name))
				found = true;
	free(maps);
	close(fd);
	return found;
}

/* The device opened to everyone for the test, and put back afterwards. */
FIXTURE(perm) {
	char name[SYNCMAP_NAME_MAX];
	mode_t dev_mode;
};

FIXTURE_SETUP(perm)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0U, getuid()) {
		TH_LOG("the permission tests need root");
	}
	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(SM_DEVICE, 0666));
	sm_unique(self->name, "perm");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
	fd = sm_open_bound(self->name, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sm_store(fd, "k", "root's"));
	close(fd);
}

FIXTURE_TEARDOWN(perm)
{
	chmod(SM_DEVICE, self->dev_mode);
	sm_destroy(self->name);
}

static void nobody_refused_0600(void *arg)
{
	const char *name = arg;
	struct syncmap_map_info info;
	int fd;

	/* No access at all: bind, info and list refuse or hide it. */
	CHILD_CHECK(sm_open_bound(name, O_RDONLY) == -EACCES);
	CHILD_CHECK(sm_open_bound(name, O_WRONLY) == -EACCES);
	CHILD_CHECK(sm_open_bound(name, O_RDWR) == -EACCES);
	CHILD_CHECK(sm_info_name(name, &info) == -EACCES);
	CHILD_CHECK(!listed(name));
	/* Neither owner nor CAP_SYS_ADMIN. */
	CHILD_CHECK(sm_destroy(name) == -EPERM);
	CHILD_CHECK(sm_chmod(name, 0666) == -EPERM);
	/* The default map is root's 0600 too. */
	CHILD_CHECK(sm_open_bound("default", O_RDONLY) == -EACCES);
	CHILD_CHECK(sm_destroy("default") == -EBUSY);
	/* An unbound file still works for names it may see. */
	fd = sm_open(O_RDONLY);
	CHILD_CHECK(fd >= 0);
	close(fd);
}

static void nobody_reads_0644(void *arg)
{
	const char *name = arg;
	struct syncmap_map_info info;
	char buf[16];
	int fd;

	fd = sm_open_bound(name, O_RDONLY);
	CHILD_CHECK(fd >= 0);
	CHILD_CHECK(sm_load(fd, "k", buf, sizeof(buf)) == 1);
	CHILD_CHECK(!strcmp(buf, "root's"));
	CHILD_CHECK(sm_len(fd) == 1);
	CHILD_CHECK(sm_store(fd, "k", "nobody's") == -EBADF);
	close(fd);
	CHILD_CHECK(sm_open_bound(name, O_WRONLY) == -EACCES);
	CHILD_CHECK(sm_open_bound(name, O_RDWR) == -EACCES);
	CHILD_CHECK(sm_info_name(name, &info) == 0);
	CHILD_CHECK(info.uid == 0 && info.mode == 0644);
	CHILD_CHECK(listed(name));
	CHILD_CHECK(sm_destroy(name) == -EPERM);
	CHILD_CHECK(sm_chmod(name, 0666) == -EPERM);
}

static void nobody_writes_0666(void *arg)
{
	const char *name = arg;
	char buf[16];
	int fd;

	fd = sm_open_bound(name, O_RDWR);
	CHILD_CHECK(fd >= 0);
	CHILD_CHECK(sm_store(fd, "k", "nobody's") == 0);
	CHILD_CHECK(sm_load(fd, "k", buf, sizeof(buf)) == 1);
	CHILD_CHECK(!strcmp(buf, "nobody's"));
	close(fd);
	/* Writing is not owning. */
	CHILD_CHECK(sm_destroy(name) == -EPERM);
	CHILD_CHECK(sm_chmod(name, 0600) == -EPERM);
}

static void nobody_owns_its_map(void *arg)
{
	const char *name = arg;
	struct syncmap_map_info info;
	int fd;

	CHILD_CHECK(sm_create(name, 0600, 0, 0) == 0);
	CHILD_CHECK(sm_info_name(name, &info) == 0);
	CHILD_CHECK(info.uid == NOBODY && info.gid == NOBODY);
	fd = sm_open_bound(name, O_RDWR);
	CHILD_CHECK(fd >= 0);
	CHILD_CHECK(sm_store(fd, "mine", "yes") == 0);
	close(fd);
	CHILD_CHECK(sm_chmod(name, 0640) == 0);
	CHILD_CHECK(sm_chmod(name, 0600) == 0);
}

static void nobody_destroys_its_map(void *arg)
{
	CHILD_CHECK(sm_destroy(arg) == 0);
}

TEST_F(perm, unprivileged_child)
{
	char mine[SYNCMAP_NAME_MAX];
	struct syncmap_map_info info;
	char buf[16];
	int fd;

	EXPECT_EQ(0, as_user(NOBODY, NOBODY, NULL, 0, nobody_refused_0600,
			     self->name));
	ASSERT_EQ(0, sm_chmod(self->name, 0644));
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, NULL, 0, nobody_reads_0644,
			     self->name));
	ASSERT_EQ(0, sm_chmod(self->name, 0666));
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, NULL, 0, nobody_writes_0666,
			     self->name));

	/* A map the child created is the child's; root still overrides. */
	sm_unique(mine, "nobody");
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, NULL, 0, nobody_owns_its_map,
			     mine));
	ASSERT_EQ(0, sm_info_name(mine, &info));
	EXPECT_EQ((unsigned int)NOBODY, info.uid);
	EXPECT_EQ(0600U, info.mode);
	fd = sm_open_bound(mine, O_RDWR);	/* CAP_DAC_OVERRIDE */
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sm_load(fd, "mine", buf, sizeof(buf)));
	close(fd);
	EXPECT_TRUE(listed(mine));
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, NULL, 0, nobody_destroys_its_map,
			     mine));
	EXPECT_EQ(-ENOENT, sm_info_name(mine, &info));

	/* Root destroys another user's map (CAP_SYS_ADMIN). */
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, NULL, 0, nobody_owns_its_map,
			     mine));
	EXPECT_EQ(0, sm_destroy(mine));

	/* The root map was only ever changed through its write bit. */
	fd = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("nobody's", buf);
	close(fd);
}

struct group_case {
	const char *name;
	int read;	/* expected bind result, O_RDONLY */
	int write;	/* expected bind result, O_WRONLY */
};

static void group_bind(void *arg)
{
	const struct group_case *c = arg;
	int fd;

	fd = sm_open_bound(c->name, O_RDONLY);
	CHILD_CHECK(c->read ? fd == c->read : fd >= 0);
	if (fd >= 0)
		close(fd);
	fd = sm_open_bound(c->name, O_WRONLY);
	CHILD_CHECK(c->write ? fd == c->write : fd >= 0);
	if (fd >= 0)
		close(fd);
}

static void create_0640(void *arg)
{
	CHILD_CHECK(sm_create(arg, 0640, 0, 0) == 0);
}

TEST_F(perm, owner_and_group_are_the_creators)
{
	struct group_case c = { .name = self->name };
	struct syncmap_map_info info;
	gid_t supp = 100;

	/* A user 1000 in group 100 creates the map: 1000:100 own it. */
	ASSERT_EQ(0, sm_destroy(self->name));
	ASSERT_EQ(0, as_user(1000, 100, NULL, 0, create_0640, self->name));
	ASSERT_EQ(0, sm_info_name(self->name, &info));
	EXPECT_EQ(1000U, info.uid);
	EXPECT_EQ(100U, info.gid);

	/* The owner reads and writes (0640). */
	c.read = 0;
	c.write = 0;
	EXPECT_EQ(0, as_user(1000, 100, NULL, 0, group_bind, &c));
	/* The group reads only, by primary or supplementary group. */
	c.write = -EACCES;
	EXPECT_EQ(0, as_user(2000, 100, NULL, 0, group_bind, &c));
	EXPECT_EQ(0, as_user(2000, 200, &supp, 1, group_bind, &c));
	/* Others nothing. */
	c.read = -EACCES;
	EXPECT_EQ(0, as_user(3000, 300, NULL, 0, group_bind, &c));
}

TEST(shared_between_processes)
{
	char name[SYNCMAP_NAME_MAX], buf[32], key[32];
	int fd, i, status;
	pid_t pids[4];

	sm_unique(name, "shared");
	ASSERT_EQ(0, sm_create(name, 0600, 0, 0));
	fd = sm_open_bound(name, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sm_store(fd, "from-parent", "hello"));

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			int cfd = sm_open_bound(name, O_RDWR), j;

			CHILD_CHECK(cfd >= 0);
			CHILD_CHECK(sm_load(cfd, "from-parent", buf,
					    sizeof(buf)) == 1);
			CHILD_CHECK(!strcmp(buf, "hello"));
			for (j = 0; j < 100; j++) {
				snprintf(key, sizeof(key), "c%d-%d", i, j);
				CHILD_CHECK(sm_store(cfd, key, key) == 0);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, status);
	}
	EXPECT_EQ(401, sm_len(fd));
	EXPECT_EQ(1, sm_load(fd, "c3-99", buf, sizeof(buf)));
	EXPECT_STREQ("c3-99", buf);
	close(fd);
	EXPECT_EQ(0, sm_destroy(name));
}

TEST(destroy_while_bound_then_recreate)
{
	struct syncmap_map_info info;
	char name[SYNCMAP_NAME_MAX], buf[16];
	unsigned char wbuf[64];
	int old, fresh, i;
	__u64 cursor = 0;

	sm_unique(name, "unlink");
	ASSERT_EQ(0, sm_create(name, 0600, 0, 0));
	old = sm_open_bound(name, O_RDWR);
	ASSERT_LE(0, old);
	for (i = 0; i < 10; i++) {
		snprintf(buf, sizeof(buf), "k%d", i);
		ASSERT_EQ(0, sm_store(old, buf, "old"));
	}
	/* A walk in progress when the name goes. */
	ASSERT_LE(0, syncmap_walk_chunk(old, &cursor, wbuf, sizeof(wbuf), NULL));
	ASSERT_NE(0ULL, cursor);

	/* Like unlink: the name is gone at once... */
	ASSERT_EQ(0, sm_destroy(name));
	EXPECT_EQ(-ENOENT, sm_info_name(name, &info));
	EXPECT_FALSE(listed(name));
	EXPECT_EQ(-ENOENT, sm_open_bound(name, O_RDONLY));
	/* ...the bound file keeps working... */
	EXPECT_EQ(10, sm_len(old));
	EXPECT_EQ(0, sm_store(old, "after", "destroy"));
	EXPECT_EQ(1, sm_load(old, "k3", buf, sizeof(buf)));
	EXPECT_STREQ("old", buf);
	ASSERT_EQ(0, sm_info(old, "", &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(SYNCMAP_STATE_DESTROYED, info.state);
	EXPECT_EQ(11ULL, info.len);
	while (cursor)
		ASSERT_LE(0, syncmap_walk_chunk(old, &cursor, wbuf,
						sizeof(wbuf), NULL));

	/* ...and the name can be reused for a new, empty map. */
	ASSERT_EQ(0, sm_create(name, 0644, 5, 0));
	fresh = sm_open_bound(name, O_RDWR);
	ASSERT_LE(0, fresh);
	EXPECT_EQ(0, sm_len(fresh));
	EXPECT_EQ(0, sm_store(fresh, "new", "map"));
	EXPECT_EQ(0, sm_load(fresh, "k3", buf, sizeof(buf)));
	EXPECT_EQ(0, sm_load(old, "new", buf, sizeof(buf)));
	ASSERT_EQ(0, sm_info(fresh, "", &info));
	EXPECT_EQ(0U, info.state);
	EXPECT_EQ(5ULL, info.max_entries);
	/* The old map goes with its last file. */
	close(old);
	EXPECT_EQ(1, sm_len(fresh));
	close(fresh);
	EXPECT_EQ(0, sm_destroy(name));
}

TEST(limit_max_entries)
{
	char name[SYNCMAP_NAME_MAX], key[16], buf[16];
	struct syncmap_stats s0, s1;
	int fd, i;

	sm_unique(name, "entries");
	ASSERT_EQ(0, sm_create(name, 0600, 10, 0));
	fd = sm_open_bound(name, O_RDWR);
	ASSERT_LE(0, fd);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ASSERT_EQ(0, sm_store(fd, key, "v"));
	}
	ASSERT_EQ(0, sm_stats(fd, &s0));
	EXPECT_EQ(-ENOSPC, sm_store(fd, "k10", "v"));
	EXPECT_EQ(-ENOSPC, syncmap_load_or_store(fd, "k11", 3, "v", 1, buf,
						 sizeof(buf), NULL));
	EXPECT_EQ(-ENOSPC, syncmap_swap(fd, "k12", 3, "v", 1, buf, sizeof(buf),
					NULL));
	/* Unchanged. */
	ASSERT_EQ(0, sm_stats(fd, &s1));
	EXPECT_EQ(10, sm_len(fd));
	EXPECT_EQ(s0.entries, s1.entries);
	EXPECT_EQ(s0.bytes, s1.bytes);
	EXPECT_EQ(0, sm_load(fd, "k10", buf, sizeof(buf)));
	/* Keys already held can still change. */
	EXPECT_EQ(0, sm_store(fd, "k3", "new"));
	EXPECT_EQ(1, sm_load(fd, "k3", buf, sizeof(buf)));
	EXPECT_STREQ("new", buf);
	close(fd);
	EXPECT_EQ(0, sm_destroy(name));
}

TEST(limit_max_bytes)
{
	char name[SYNCMAP_NAME_MAX], key[16], value[200], buf[16];
	struct syncmap_map_info info;
	long long len;
	int fd, i, ret = 0;

	sm_unique(name, "bytes");
	ASSERT_EQ(0, sm_create(name, 0600, 0, 4096));
	fd = sm_open_bound(name, O_RDWR);
	ASSERT_LE(0, fd);
	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ret = sm_store(fd, key, value);
		if (ret)
			break;
	}
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_GT(30, i);
	len = sm_len(fd);
	EXPECT_EQ(i, len);
	EXPECT_EQ(0, sm_load(fd, key, buf, sizeof(buf)));
	ASSERT_EQ(0, sm_info(fd, "", &info));
	EXPECT_GE(4096ULL, info.bytes);
	/* Smaller writes still fit after a refused one, up to the limit. */
	EXPECT_EQ(0, sm_store(fd, "k0", "small"));
	close(fd);
	EXPECT_EQ(0, sm_destroy(name));
}

/* Sum of max_bytes and count of the maps root sees. */
static int registry_totals(unsigned long long *bytes, unsigned int *maps)
{
	struct syncmap_map_info *all;
	int fd = sm_open(O_RDONLY), ret;
	size_t n, i;

	if (fd < 0)
		return -errno;
	*bytes = 0;
	*maps = 0;
	ret = syncmap_list_all(fd, &all, &n);
	close(fd);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		*bytes += all[i].max_bytes;
		(*maps)++;
	}
	free(all);
	return 0;
}

/* Module parameters changed by a test and put back after it. */
FIXTURE(caps) {
	char max_maps[32];
	char max_total_bytes[32];
	char names[4][SYNCMAP_NAME_MAX];
};

FIXTURE_SETUP(caps)
{
	int i;

	ASSERT_EQ(0, sm_param_read("max_maps", self->max_maps,
				   sizeof(self->max_maps)));
	ASSERT_EQ(0, sm_param_read("max_total_bytes", self->max_total_bytes,
				   sizeof(self->max_total_bytes)));
	for (i = 0; i < 4; i++)
		sm_unique(self->names[i], "cap");
}

FIXTURE_TEARDOWN(caps)
{
	int i;

	sm_param_write("max_maps", self->max_maps);
	sm_param_write("max_total_bytes", self->max_total_bytes);
	for (i = 0; i < 4; i++)
		sm_destroy(self->names[i]);
}

TEST_F(caps, max_maps)
{
	unsigned long long bytes;
	unsigned int maps;
	char value[32];
	int fd;

	ASSERT_EQ(0, registry_totals(&bytes, &maps));
	snprintf(value, sizeof(value), "%u", maps + 2);
	ASSERT_EQ(0, sm_param_write("max_maps", value));
	EXPECT_EQ(0, sm_create(self->names[0], 0600, 0, 0));
	EXPECT_EQ(0, sm_create(self->names[1], 0600, 0, 0));
	EXPECT_EQ(-ENOSPC, sm_create(self->names[2], 0600, 0, 0));
	/* A destroyed map still bound still counts, until closed. */
	fd = sm_open_bound(self->names[1], O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, sm_destroy(self->names[1]));
	EXPECT_EQ(-ENOSPC, sm_create(self->names[2], 0600, 0, 0));
	close(fd);
	EXPECT_EQ(0, sm_create(self->names[2], 0600, 0, 0));
	EXPECT_EQ(-EEXIST, sm_create(self->names[2], 0600, 0, 0));
}

TEST_F(caps, max_total_bytes)
{
	unsigned long long bytes;
	unsigned int maps;
	char value[32];

	ASSERT_EQ(0, registry_totals(&bytes, &maps));
	snprintf(value, sizeof(value), "%llu", bytes + (1 << 20));
	ASSERT_EQ(0, sm_param_write("max_total_bytes", value));
	/* Under a cap, every map needs a byte limit. */
	EXPECT_EQ(-ENOSPC, sm_create(self->names[0], 0600, 0, 0));
	EXPECT_EQ(0, sm_create(self->names[0], 0600, 0, 600 << 10));
	EXPECT_EQ(-ENOSPC, sm_create(self->names[1], 0600, 0, 600 << 10));
	EXPECT_EQ(0, sm_create(self->names[1], 0600, 0, 400 << 10));
	EXPECT_EQ(-ENOSPC, sm_create(self->names[2], 0600, 0, 100 << 10));
	/* Destroying gives the reservation back. */
	EXPECT_EQ(0, sm_destroy(self->names[0]));
	EXPECT_EQ(0, sm_create(self->names[2], 0600, 0, 600 << 10));
	ASSERT_EQ(0, sm_param_write("max_total_bytes", "0"));
	EXPECT_EQ(0, sm_create(self->names[3], 0600, 0, 0));
}

TEST(module_parameters)
{
	char value[32];
	struct stat st;

	ASSERT_EQ(0, sm_param_read("dev_mode", value, sizeof(value)));
	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	EXPECT_EQ(strtoul(value, NULL, 8), (unsigned long)(st.st_mode & 0777));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0, sm_param_read("default_mode", value, sizeof(value)));
	EXPECT_STREQ("0600", value);
	/* Modes are octal and at most 0777 (read-only after load anyway). */
	EXPECT_NE(0, sm_param_write("max_maps", "lots"));
}

/* The module's reference count, or -1. */
static long module_refcnt(void)
{
	char buf[32] = "";
	long n = -1;
	FILE *f = fopen("/sys/module/syncmap/refcnt", "r");

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			n = strtol(buf, NULL, 10);
		fclose(f);
	}
	return n;
}

TEST(rmmod_refused_while_a_file_is_open)
{
	long before, during;
	char state[32] = "";
	FILE *f;
	int fd;

	before = module_refcnt();
	ASSERT_LE(0, before);
	fd = sm_open(O_RDONLY);
	ASSERT_LE(0, fd);
	during = module_refcnt();
	EXPECT_EQ(before + 1, during);
	/* Refused, and the module stays live. */
	EXPECT_EQ(-1, syscall(__NR_delete_module, "syncmap", O_NONBLOCK));
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY) {
		TH_LOG("delete_module: %s", strerror(errno));
	}
	f = fopen("/sys/module/syncmap/initstate", "r");
	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(fgets(state, sizeof(state), f) != NULL);
	fclose(f);
	EXPECT_STREQ("live\n", state);
	close(fd);
	EXPECT_EQ(before, module_refcnt());
}

/* memory.current of a cgroup, or -1. */
static long long cg_current(const char *cg)
{
	char path[128], buf[32] = "";
	long long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/memory.current", cg);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			n = strtoll(buf, NULL, 10);
		fclose(f);
	}
	return n;
}

static int cg_write(const char *cg, const char *file, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%s%s", cg,
		 *cg ? "/" : "", file);
	return sm_write_file(path, value);
}

static const char *cg_path(char *buf, size_t size, const char *cg)
{
	snprintf(buf, size, "/sys/fs/cgroup/%s", cg);
	return buf;
}

static int cg_enter(const char *cg)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return cg_write(cg, "cgroup.procs", pid);
}

TEST(memory_charged_to_the_creators_cgroup)
{
	char name[SYNCMAP_NAME_MAX], a[32], b[32], path[64];
	long long a0, b0, a1, b1;
	int status;
	pid_t pid;

	if (cg_write("", "cgroup.subtree_control", "+memory") ||
	    access("/sys/fs/cgroup/cgroup.controllers", R_OK))
		SKIP(return, "no cgroup2 memory controller");
	snprintf(a, sizeof(a), "syncmap-a-%d", getpid());
	snprintf(b, sizeof(b), "syncmap-b-%d", getpid());
	sm_unique(name, "memcg");
	ASSERT_EQ(0, mkdir(cg_path(path, sizeof(path), a), 0755));
	ASSERT_EQ(0, mkdir(cg_path(path, sizeof(path), b), 0755));

	/* The creator, in cgroup A. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		CHILD_CHECK(cg_enter(a) == 0);
		CHILD_CHECK(sm_create(name, 0600, 0, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	a0 = cg_current(a);
	b0 = cg_current(b);
	ASSERT_LE(0, a0);

	/* A writer in cgroup B fills it: about 4 MiB of values. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		static char value[4000];
		char key[16];
		int fd, i;

		CHILD_CHECK(cg_enter(b) == 0);
		fd = sm_open_bound(name, O_WRONLY);
		CHILD_CHECK(fd >= 0);
		memset(value, 'v', sizeof(value) - 1);
		for (i = 0; i < 1000; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			CHILD_CHECK(sm_store(fd, key, value) == 0);
		}
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	a1 = cg_current(a);
	b1 = cg_current(b);
	TH_LOG("memory.current: creator %lld -> %lld, writer %lld -> %lld",
	       a0, a1, b0, b1);
	EXPECT_LT(3LL << 20, a1 - a0);
	EXPECT_GT(1LL << 20, b1 - b0);

	EXPECT_EQ(0, sm_destroy(name));
	/* Empty the cgroups; their charge drains as the map is freed. */
	rmdir(cg_path(path, sizeof(path), a));
	rmdir(cg_path(path, sizeof(path), b));
}

TEST_HARNESS_MAIN
