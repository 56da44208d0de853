// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_ns_test: names for containers.
 *
 * Names are scoped to the IPC namespace a file was opened in, as SysV IPC
 * and POSIX message queues are: after unshare(CLONE_NEWIPC) a process
 * neither sees nor binds the initial namespace's maps, and creates the same
 * names without conflict; LIST shows its own namespace only; debugfs shows
 * its maps under ns/<inode number>/.  A file keeps the namespace it was
 * opened in wherever it travels.  Root of a child user namespace has no
 * override on the initial namespace's maps, and has one in an IPC
 * namespace its user namespace owns.  CREATE with SYNCMAP_CREATE_BIND
 * creates and binds at once, EEXIST if the name is taken.
 *
 * The namespace tests skip on a kernel without CONFIG_IPC_NS or
 * CONFIG_USER_NS (the tinyconfig test kernels); Debian's have both.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_fdpass.h"

#ifndef SYNCMAP_CREATE_BIND
#define SYNCMAP_CREATE_BIND	(1U << 0)
#endif

#define DBG		"/sys/kernel/debug/syncmap"
/* A child's exit status: the kernel has no such namespace. */
#define NO_NS		4
/* Child user namespace: its uid and gid 0 to 999 are 100000 to 100999. */
#define CHILD_BASE	100000

/*
 * CREATE through a given file, with or without SYNCMAP_CREATE_BIND, as
 * libsyncmap does it; other flags are the ABI's business (unknown ones
 * must fail), so they go to the ioctl by hand.
 */
static int create_flags(int fd, const char *name, unsigned int mode,
			unsigned int flags)
{
	struct syncmap_ioc_create c;

	if (flags == SYNCMAP_CREATE_BIND)
		return syncmap_create_bind(fd, name, mode, 0, 0);
	if (!flags)
		return syncmap_create(fd, name, mode, 0, 0);
	memset(&c, 0, sizeof(c));
	memcpy(c.name, name, strnlen(name, sizeof(c.name) - 1));
	c.mode = mode;
	c.flags = flags;
	return ioctl(fd, SYNCMAP_IOC_CREATE, &c) ? -errno : 0;
}

static int do_destroy(int fd, const char *name)
{
	return syncmap_destroy(fd, name);
}

static int do_chmod(int fd, const char *name, unsigned int mode)
{
	return syncmap_chmod(fd, name, mode);
}

/* How many times LIST through @fd shows @name (-errno on failure). */
static int listed(int fd, const char *name)
{
	struct syncmap_map_info *maps;
	size_t i, count;
	int found = 0, ret;

	ret = syncmap_list_all(fd, &maps, &count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++)
		if (!strcmp(maps[i].name, name))
			found++;
	free(maps);
	return found;
}

static int listed_here(const char *name)
{
	int fd = sm_open(O_RDONLY), n;

	if (fd < 0)
		return -1;
	n = listed(fd, name);
	close(fd);
	return n;
}

static unsigned long ipc_ns_inum(void)
{
	struct stat st;

	return stat("/proc/self/ns/ipc", &st) ? 0 : st.st_ino;
}

static int map_dir_exists(unsigned long inum, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), DBG "/ns/%lu/%s/stats", inum, name);
	return !access(path, R_OK);
}

static int write_map(pid_t pid, const char *which, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	return sm_write_file(path, text);
}

FIXTURE(ns) {
	char name[SYNCMAP_NAME_MAX];
	mode_t dev_mode;
};

FIXTURE_SETUP(ns)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0U, getuid()) {
		TH_LOG("the namespace tests need root");
	}
	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	/* Root of a child user namespace is nobody to the device's inode. */
	ASSERT_EQ(0, chmod(SM_DEVICE, 0666));
	sm_unique(self->name, "ns");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
	fd = sm_open_bound(self->name, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sm_store(fd, "k", "init"));
	close(fd);
}

FIXTURE_TEARDOWN(ns)
{
	chmod(SM_DEVICE, self->dev_mode);
	sm_destroy(self->name);
}

/*
 * In a new IPC namespace: the initial namespace's map is not there, the
 * name is free, and a map created under it is another map.
 */
static void new_ipc_ns_child(const char *name, int sock)
{
	struct syncmap_map_info info;
	char buf[16];
	int fd, rw;

	if (unshare(CLONE_NEWIPC))
		_exit(errno == EINVAL ? NO_NS : 1);
	rw = sm_open(O_RDWR);
	SM_CHILD_CHECK(rw >= 0);
	/* Neither found, nor listed, nor described. */
	SM_CHILD_CHECK(sm_bind(rw, name) == -ENOENT);
	SM_CHILD_CHECK(sm_info(rw, name, &info) == -ENOENT);
	SM_CHILD_CHECK(listed(rw, name) == 0);
	SM_CHILD_CHECK(sm_bind(rw, SYNCMAP_DEFAULT_NAME) == -ENOENT);
	SM_CHILD_CHECK(listed(rw, SYNCMAP_DEFAULT_NAME) == 0);
	SM_CHILD_CHECK(do_destroy(rw, name) == -ENOENT);
	SM_CHILD_CHECK(do_chmod(rw, name, 0666) == -ENOENT);
	/* The same name, without conflict: another map. */
	SM_CHILD_CHECK(create_flags(rw, name, 0600, 0) == 0);
	SM_CHILD_CHECK(listed(rw, name) == 1);
	SM_CHILD_CHECK(map_dir_exists(ipc_ns_inum(), name));
	fd = sm_open_bound(name, O_RDWR);
	SM_CHILD_CHECK(fd >= 0);
	SM_CHILD_CHECK(sm_load(fd, "k", buf, sizeof(buf)) == 0);
	SM_CHILD_CHECK(sm_store(fd, "k", "child") == 0);
	close(fd);
	/* Hand a file opened here to the parent, then leave the namespace. */
	SM_CHILD_CHECK(sm_send_fd(sock, rw) == 0);
	_exit(0);
}

TEST_F(ns, new_ipc_namespace_has_its_own_names)
{
	unsigned long inum;
	char buf[16];
	int sv[2], fd, rw, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		new_ipc_ns_child(self->name, sv[1]);
	}
	close(sv[1]);
	rw = sm_recv_fd(sv[0]);
	close(sv[0]);
	status = sm_wait_child(pid);
	if (status == NO_NS)
		SKIP(return, "no IPC namespaces (CONFIG_IPC_NS)");
	ASSERT_EQ(0, status);
	ASSERT_LE(0, rw);

	/* Ours is untouched and listed once. */
	fd = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("init", buf);
	close(fd);
	EXPECT_EQ(1, listed_here(self->name));

	/*
	 * The child's namespace has no process left: the registry holds it
	 * for its map, which debugfs shows under its inode number and the
	 * file opened there still reaches.
	 */
	EXPECT_EQ(1, listed(rw, self->name));
	EXPECT_EQ(0, sm_bind(rw, self->name));
	EXPECT_EQ(1, sm_load(rw, "k", buf, sizeof(buf)));
	EXPECT_STREQ("child", buf);
	/* Find the namespace's directory: the only one with our name. */
	inum = 0;
	{
		static char text[65536];
		char *line, *save = NULL;

		ASSERT_EQ(0, sm_read_file(DBG "/summary", text, sizeof(text)));
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			unsigned long n;
			char nm[SYNCMAP_NAME_MAX];

			if (sscanf(line, "ns/%lu/%63s", &n, nm) == 2 &&
			    !strcmp(nm, self->name))
				inum = n;
		}
	}
	ASSERT_NE(0UL, inum) {
		TH_LOG("the child's map is not in debugfs' summary");
	}
	EXPECT_NE(ipc_ns_inum(), inum);
	EXPECT_TRUE(map_dir_exists(inum, self->name));

	/* Destroyed through the child's file: its name goes from debugfs. */
	EXPECT_EQ(0, do_destroy(rw, self->name));
	EXPECT_FALSE(map_dir_exists(inum, self->name));
	EXPECT_EQ(0, listed(rw, self->name));
	close(rw);
	/* The last map of the namespace gone, so is its directory. */
	{
		char path[128];

		snprintf(path, sizeof(path), DBG "/ns/%lu", inum);
		EXPECT_NE(0, access(path, F_OK));
	}
	/* Ours is still there. */
	EXPECT_EQ(1, listed_here(self->name));
}

/* Two new namespaces: the same name twice, each its own map. */
static void sibling_child(const char *name, const char *value, int go)
{
	char buf[16], c;
	int fd;

	if (unshare(CLONE_NEWIPC))
		_exit(errno == EINVAL ? NO_NS : 1);
	fd = sm_open(O_RDWR);
	SM_CHILD_CHECK(fd >= 0);
	SM_CHILD_CHECK(create_flags(fd, name, 0600, SYNCMAP_CREATE_BIND) == 0);
	SM_CHILD_CHECK(sm_store(fd, "k", value) == 0);
	/* Both have created theirs before either looks. */
	SM_CHILD_CHECK(read(go, &c, 1) == 1);
	SM_CHILD_CHECK(sm_load(fd, "k", buf, sizeof(buf)) == 1);
	SM_CHILD_CHECK(!strcmp(buf, value));
	SM_CHILD_CHECK(listed(fd, name) == 1);
	SM_CHILD_CHECK(do_destroy(fd, name) == 0);
	close(fd);
	_exit(0);
}

TEST_F(ns, two_namespaces_same_name)
{
	char name[SYNCMAP_NAME_MAX];
	int go[2], s1, s2;
	pid_t p1, p2;

	sm_unique(name, "ns-twin");
	ASSERT_EQ(0, pipe(go));
	p1 = fork();
	ASSERT_LE(0, p1);
	if (!p1) {
		close(go[1]);
		sibling_child(name, "one", go[0]);
	}
	p2 = fork();
	ASSERT_LE(0, p2);
	if (!p2) {
		close(go[1]);
		sibling_child(name, "two", go[0]);
	}
	close(go[0]);
	/* Give both time to create (no harm if one is late: it waits). */
	sm_sleep_ms(200);
	/* A child that failed has closed its end: its status tells. */
	signal(SIGPIPE, SIG_IGN);
	EXPECT_EQ(2, write(go[1], "gg", 2));
	close(go[1]);
	s1 = sm_wait_child(p1);
	s2 = sm_wait_child(p2);
	if (s1 == NO_NS || s2 == NO_NS)
		SKIP(return, "no IPC namespaces (CONFIG_IPC_NS)");
	EXPECT_EQ(0, s1);
	EXPECT_EQ(0, s2);
	/* Neither landed in ours. */
	EXPECT_EQ(0, listed_here(name));
}

TEST_F(ns, create_bind_is_exclusive)
{
	struct syncmap_map_info info;
	char name[SYNCMAP_NAME_MAX], other[SYNCMAP_NAME_MAX], buf[16];
	int fd, fd2;

	sm_unique(name, "ns-excl");
	sm_unique(other, "ns-excl-other");
	fd = sm_open(O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, create_flags(fd, name, 0400, SYNCMAP_CREATE_BIND));
	/* Bound, with the file's access whatever the mode (as O_CREAT). */
	EXPECT_EQ(0, sm_store(fd, "k", "v"));
	EXPECT_EQ(1, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_EQ(0, sm_info(fd, "", &info));
	EXPECT_STREQ(name, info.name);
	EXPECT_EQ(0400U, info.mode);

	/* The name is taken: EEXIST, and the file stays unbound. */
	fd2 = sm_open(O_RDWR);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EEXIST, create_flags(fd2, name, 0600,
					SYNCMAP_CREATE_BIND));
	EXPECT_EQ(-EEXIST, create_flags(fd2, self->name, 0600,
					SYNCMAP_CREATE_BIND));
	EXPECT_EQ(-EBADFD, sm_load(fd2, "k", buf, sizeof(buf)));
	/* A bound file: EBUSY, and nothing is created. */
	EXPECT_EQ(-EBUSY, create_flags(fd, other, 0600, SYNCMAP_CREATE_BIND));
	EXPECT_EQ(-ENOENT, sm_info(fd2, other, &info));
	/* Without the flag, CREATE through a bound file still works. */
	EXPECT_EQ(0, create_flags(fd, other, 0600, 0));
	EXPECT_EQ(-EEXIST, create_flags(fd2, other, 0600,
					SYNCMAP_CREATE_BIND));
	/* Unknown flags and a read-only file. */
	EXPECT_EQ(-EINVAL, create_flags(fd2, "ns-excl-bad", 0600, 1U << 2));
	close(fd2);
	fd2 = sm_open(O_RDONLY);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EBADF, create_flags(fd2, "ns-excl-bad", 0600,
				       SYNCMAP_CREATE_BIND));
	close(fd2);
	/* The map outlives its name while the file is bound. */
	EXPECT_EQ(0, do_destroy(fd, name));
	EXPECT_EQ(1, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_EQ(0, do_destroy(fd, other));
	close(fd);
}

/*
 * In a child user namespace whose root is uid CHILD_BASE outside: no
 * override on the initial namespace's maps, as root or as a file opened
 * by root; after unshare(CLONE_NEWIPC), an override on the maps of the IPC
 * namespace its user namespace owns.
 */
static void userns_child(const char *name, int ready, int go)
{
	struct syncmap_map_info info;
	char c, mine[SYNCMAP_NAME_MAX];
	int fd, fd1;

	if (unshare(CLONE_NEWUSER))
		_exit(errno == EINVAL ? NO_NS : 1);
	SM_CHILD_CHECK(write(ready, "r", 1) == 1);
	SM_CHILD_CHECK(read(go, &c, 1) == 1);
	if (c != 'm')
		_exit(1);
	SM_CHILD_CHECK(setresgid(0, 0, 0) == 0);
	SM_CHILD_CHECK(setresuid(0, 0, 0) == 0);

	/* The initial IPC namespace: root's 0600 map. */
	fd = sm_open(O_RDWR);
	SM_CHILD_CHECK(fd >= 0);
	SM_CHILD_CHECK(sm_bind(fd, name) == -EACCES);
	SM_CHILD_CHECK(sm_bind(fd, SYNCMAP_DEFAULT_NAME) == -EACCES);
	SM_CHILD_CHECK(sm_info(fd, name, &info) == -EACCES);
	SM_CHILD_CHECK(listed(fd, name) == 0);
	SM_CHILD_CHECK(do_chmod(fd, name, 0666) == -EPERM);
	SM_CHILD_CHECK(do_destroy(fd, name) == -EPERM);
	close(fd);

	/* An IPC namespace of its own: it is the admin there. */
	if (unshare(CLONE_NEWIPC))
		_exit(errno == EINVAL ? NO_NS : 1);
	snprintf(mine, sizeof(mine), "%.40s-mine", name);
	setfsuid(1);
	setfsgid(1);
	fd1 = sm_open(O_RDWR);
	setfsuid(0);
	setfsgid(0);
	SM_CHILD_CHECK(fd1 >= 0);
	SM_CHILD_CHECK(create_flags(fd1, mine, 0600, 0) == 0);
	SM_CHILD_CHECK(sm_info(fd1, mine, &info) == 0);
	SM_CHILD_CHECK(info.uid == 1);
	fd = sm_open(O_RDWR);
	SM_CHILD_CHECK(fd >= 0);
	SM_CHILD_CHECK(listed(fd, mine) == 1);
	SM_CHILD_CHECK(sm_bind(fd, mine) == 0);
	SM_CHILD_CHECK(sm_store(fd, "k", "v") == 0);
	SM_CHILD_CHECK(do_chmod(fd, mine, 0640) == 0);
	SM_CHILD_CHECK(do_destroy(fd, mine) == 0);
	close(fd);
	close(fd1);
	_exit(0);
}

TEST_F(ns, child_userns_root_has_no_override)
{
	char c, map[64];
	int ready[2], go[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(ready[0]);
		close(go[1]);
		userns_child(self->name, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) == 1) {
		snprintf(map, sizeof(map), "0 %d 1000\n", CHILD_BASE);
		c = !write_map(pid, "uid_map", map) &&
		    !write_map(pid, "gid_map", map) ? 'm' : 'x';
		ASSERT_EQ(1, write(go[1], &c, 1));
	}
	close(ready[0]);
	close(go[1]);
	status = sm_wait_child(pid);
	if (status == NO_NS)
		SKIP(return, "no user or IPC namespaces (CONFIG_USER_NS, CONFIG_IPC_NS)");
	EXPECT_EQ(0, status);
	/* Root's map is as it was. */
	EXPECT_EQ(1, listed_here(self->name));
}

TEST_HARNESS_MAIN
