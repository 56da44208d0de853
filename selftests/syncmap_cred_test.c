// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_cred_test: permission checks use the credentials the file was
 * opened with, not those of the task that makes the ioctl.
 *
 * A file descriptor travels between processes (SCM_RIGHTS, fork, exec):
 * as with open(2), what it may do was decided by whoever opened it.  A
 * user 65534 who opens /dev/syncmap and hands the unbound file to a root
 * helper gains nothing from the helper's capabilities: BIND to root's 0600
 * map fails with EACCES, DESTROY and CHMOD with EPERM, INFO with EACCES,
 * LIST hides the map, and CREATE makes a map the opener owns.  A file root
 * opened and handed to user 65534 can still be bound, as any file a
 * privileged process opens and passes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_fdpass.h"

#define NOBODY	65534

/*
 * A child drops to the given credentials, then receives @fd (which we
 * opened) over SCM_RIGHTS and runs @fn on it: the child's exit status.
 */
static int handed_to(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		     int fd, void (*fn)(int fd, void *arg), void *arg)
{
	int sv[2], ret;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (!pid) {
		int got;

		close(sv[0]);
		/* Only the file that comes over the socket. */
		close(fd);
		sm_drop_to(uid, gid, groups, ngroups);
		got = sm_recv_fd(sv[1]);
		SM_CHILD_CHECK(got >= 0);
		fn(got, arg);
		_exit(0);
	}
	close(sv[1]);
	ret = sm_send_fd(sv[0], fd);
	close(sv[0]);
	if (ret) {
		kill(pid, SIGKILL);
		sm_wait_child(pid);
		return ret;
	}
	return sm_wait_child(pid);
}

/* Is @name among the maps LIST shows through @fd? */
static bool listed_through(int fd, const char *name)
{
	struct syncmap_map_info *maps;
	bool found = false;
	size_t n, i;

	if (syncmap_list_all(fd, &maps, &n))
		return false;
	for (i = 0; i < n; i++)
		if (!strcmp(maps[i].name, name))
			found = true;
	free(maps);
	return found;
}

static int ioc_create(int fd, const char *name, unsigned int mode)
{
	return syncmap_create(fd, name, mode, 0, 0);
}

/* The device opened to everyone, root's 0600 map with one key. */
FIXTURE(cred) {
	char name[SYNCMAP_NAME_MAX];
	char other[SYNCMAP_NAME_MAX];
	mode_t dev_mode;
};

FIXTURE_SETUP(cred)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0U, getuid()) {
		TH_LOG("the credential tests need root");
	}
	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(SM_DEVICE, 0666));
	sm_unique(self->name, "cred");
	sm_unique(self->other, "cred-other");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
	fd = sm_open_bound(self->name, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sm_store(fd, "k", "root's"));
	close(fd);
}

FIXTURE_TEARDOWN(cred)
{
	chmod(SM_DEVICE, self->dev_mode);
	sm_destroy(self->name);
	sm_destroy(self->other);
}

/*
 * The scenario: user 65534 opens the device and passes the
 * unbound file to root, who binds it to root's 0600 map for the user.
 */
TEST_F(cred, root_cannot_bind_a_file_nobody_opened)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	char buf[16];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		fd = sm_open_as(NOBODY, NOBODY, NULL, 0, modes[i]);
		ASSERT_LE(0, fd);
		/* Root's CAP_DAC_OVERRIDE does not lend itself to the file. */
		EXPECT_EQ(-EACCES, sm_bind(fd, self->name)) {
			TH_LOG("open mode %d: bound through root's capability",
			       modes[i]);
		}
		EXPECT_EQ(-EBADFD, sm_load(fd, "k", buf, sizeof(buf)));
		close(fd);
	}
	/* The same map binds through a file root opened. */
	fd = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("root's", buf);
	close(fd);
}

TEST_F(cred, nobody_opened_file_gets_nobody_answers)
{
	struct syncmap_map_info info;
	int fd, rfd;

	fd = sm_open_as(NOBODY, NOBODY, NULL, 0, O_RDWR);
	ASSERT_LE(0, fd);
	/* INFO and LIST as for user 65534, who may not read the map. */
	EXPECT_EQ(-EACCES, sm_info(fd, self->name, &info));
	EXPECT_FALSE(listed_through(fd, self->name));
	/* Neither owner nor CAP_SYS_ADMIN. */
	EXPECT_EQ(-EPERM, syncmap_chmod(fd, self->name, 0666));
	EXPECT_EQ(-EPERM, syncmap_destroy(fd, self->name));
	/* Unchanged, still there. */
	ASSERT_EQ(0, sm_info_name(self->name, &info));
	EXPECT_EQ(0600U, info.mode);
	EXPECT_EQ(0U, info.uid);
	rfd = sm_open(O_RDONLY);
	ASSERT_LE(0, rfd);
	EXPECT_TRUE(listed_through(rfd, self->name));
	close(rfd);

	/* CREATE through it: the opener owns the map, not root. */
	EXPECT_EQ(0, ioc_create(fd, self->other, 0600));
	ASSERT_EQ(0, sm_info_name(self->other, &info));
	EXPECT_EQ((unsigned int)NOBODY, info.uid);
	EXPECT_EQ((unsigned int)NOBODY, info.gid);
	/* Which the opener, as owner, may list, change and destroy. */
	EXPECT_TRUE(listed_through(fd, self->other));
	EXPECT_EQ(0, syncmap_chmod(fd, self->other, 0640));
	EXPECT_EQ(0, syncmap_bind(fd, self->other));
	EXPECT_EQ(0, sm_store(fd, "mine", "yes"));
	EXPECT_EQ(0, syncmap_destroy(fd, self->other));
	close(fd);
}

static void nobody_binds_roots_file(int fd, void *arg)
{
	const char *name = arg;
	struct syncmap_map_info info;
	char buf[16];

	/* On its own, user 65534 cannot even see the map... */
	SM_CHILD_CHECK(sm_open_bound(name, O_RDONLY) == -EACCES);
	SM_CHILD_CHECK(sm_info_name(name, &info) == -EACCES);
	/* ...but a file root opened carries root's access. */
	SM_CHILD_CHECK(sm_info(fd, name, &info) == 0);
	SM_CHILD_CHECK(info.mode == 0600 && info.uid == 0);
	SM_CHILD_CHECK(listed_through(fd, name));
	SM_CHILD_CHECK(sm_bind(fd, name) == 0);
	SM_CHILD_CHECK(sm_load(fd, "k", buf, sizeof(buf)) == 1);
	SM_CHILD_CHECK(!strcmp(buf, "root's"));
	SM_CHILD_CHECK(sm_store(fd, "k", "via root's file") == 0);
	close(fd);
}

TEST_F(cred, nobody_can_bind_a_file_root_opened)
{
	char buf[32];
	int fd;

	fd = sm_open(O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, handed_to(NOBODY, NOBODY, NULL, 0, fd,
			       nobody_binds_roots_file, self->name));
	close(fd);
	fd = sm_open_bound(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sm_load(fd, "k", buf, sizeof(buf)));
	EXPECT_STREQ("via root's file", buf);
	close(fd);
}

struct bind_case {
	const char *name;
	int expect;
};

static void bind_as(int fd, void *arg)
{
	const struct bind_case *c = arg;

	SM_CHILD_CHECK(sm_bind(fd, c->name) == c->expect);
	close(fd);
}

/* Group membership is the opener's too, supplementary groups included. */
TEST_F(cred, group_of_the_opener)
{
	struct syncmap_map_info info;
	struct bind_case c = { .name = self->other };
	gid_t supp = 100;
	int fd;

	/* User 1000 in group 100 creates a 0640 map through its own file. */
	fd = sm_open_as(1000, 100, NULL, 0, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioc_create(fd, self->other, 0640));
	close(fd);
	ASSERT_EQ(0, sm_info_name(self->other, &info));
	EXPECT_EQ(1000U, info.uid);
	EXPECT_EQ(100U, info.gid);

	/* Opened by a member of group 100 (supplementary): read, not write. */
	fd = sm_open_as(2000, 200, &supp, 1, O_RDONLY);
	ASSERT_LE(0, fd);
	c.expect = 0;
	EXPECT_EQ(0, handed_to(3000, 300, NULL, 0, fd, bind_as, &c));
	close(fd);
	fd = sm_open_as(2000, 200, &supp, 1, O_WRONLY);
	ASSERT_LE(0, fd);
	c.expect = -EACCES;
	EXPECT_EQ(0, handed_to(1000, 100, NULL, 0, fd, bind_as, &c));
	close(fd);
	/* Opened by someone else: the binder's own rights do not count. */
	fd = sm_open_as(3000, 300, NULL, 0, O_RDONLY);
	ASSERT_LE(0, fd);
	c.expect = -EACCES;
	EXPECT_EQ(0, handed_to(1000, 100, NULL, 0, fd, bind_as, &c));
	EXPECT_EQ(0, handed_to(2000, 200, &supp, 1, fd, bind_as, &c));
	close(fd);
}

TEST_HARNESS_MAIN
