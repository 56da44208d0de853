/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files opened by one user and used by another: a child drops to some
 * credentials and opens /dev/syncmap, the file travels over SCM_RIGHTS.
 * Apart from syncmap_test.h because <sys/socket.h> declares bind(), which
 * syncmap_abi_test names a test.
 */
#ifndef SYNCMAP_FDPASS_H
#define SYNCMAP_FDPASS_H

#include <grp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "syncmap_test.h"

/* In a child process: the first failed check ends it with its line. */
#define SM_CHILD_CHECK(cond) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "child %d: %s:%d: check failed: %s\n",	\
			getpid(), __FILE__, __LINE__, #cond);		\
		_exit(1);						\
	}								\
} while (0)

/* Send @fd over the unix socket @sock: 0 or -errno. */
static inline int sm_send_fd(int sock, int fd)
{
	char data = 'f';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;

	memset(&u, 0, sizeof(u));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* Receive a file from the unix socket @sock: the new fd or -errno. */
static inline int sm_recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -errno ? -errno : -EPROTO;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET ||
	    cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static inline void sm_drop_to(uid_t uid, gid_t gid, const gid_t *groups,
			      int ngroups)
{
	SM_CHILD_CHECK(!setgroups(ngroups, groups));
	SM_CHILD_CHECK(!setgid(gid));
	SM_CHILD_CHECK(!setuid(uid));
	SM_CHILD_CHECK(geteuid() == uid);
}

static inline int sm_wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * A child with the given credentials opens /dev/syncmap with @flags and
 * sends the unbound file to us: the file, or -errno.
 */
static inline int sm_open_as(uid_t uid, gid_t gid, const gid_t *groups,
			     int ngroups, int flags)
{
	int sv[2], fd, ret;
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
		close(sv[0]);
		sm_drop_to(uid, gid, groups, ngroups);
		fd = sm_open(flags);
		SM_CHILD_CHECK(fd >= 0);
		SM_CHILD_CHECK(!sm_send_fd(sv[1], fd));
		_exit(0);
	}
	close(sv[1]);
	fd = sm_recv_fd(sv[0]);
	close(sv[0]);
	ret = sm_wait_child(pid);
	if (ret) {
		if (fd >= 0)
			close(fd);
		return ret > 0 ? -ECHILD : ret;
	}
	return fd;
}

#endif /* SYNCMAP_FDPASS_H */
