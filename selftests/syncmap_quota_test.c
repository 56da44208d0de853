// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_quota_test: per-user shares of the module's caps.
 *
 * One user cannot take every map slot or the whole memory cap:
 * max_maps_per_user and max_bytes_per_user bound what each owner (the
 * fsuid a creating file was opened with) has alive, and creating past
 * them fails with EDQUOT, while other users go on creating.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_fdpass.h"

#define NOBODY	65534
#define NAMES	6

static int create_through(int fd, const char *name, uint64_t max_bytes)
{
	return syncmap_create(fd, name, 0600, 0, max_bytes);
}

static int destroy_through(int fd, const char *name)
{
	return syncmap_destroy(fd, name);
}

FIXTURE(quota) {
	char names[NAMES][SYNCMAP_NAME_MAX];
	char maps[32];
	char bytes[32];
	mode_t dev_mode;
	int nobody;	/* a file user 65534 opened, O_RDWR */
};

FIXTURE_SETUP(quota)
{
	struct stat st;
	int i;

	ASSERT_EQ(0U, getuid()) {
		TH_LOG("the quota tests need root");
	}
	ASSERT_EQ(0, sm_param_read("max_maps_per_user", self->maps,
				   sizeof(self->maps)));
	ASSERT_EQ(0, sm_param_read("max_bytes_per_user", self->bytes,
				   sizeof(self->bytes)));
	EXPECT_STREQ("128", self->maps);
	EXPECT_STREQ("0", self->bytes);
	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(SM_DEVICE, 0666));
	for (i = 0; i < NAMES; i++)
		sm_unique(self->names[i], "quota");
	self->nobody = sm_open_as(NOBODY, NOBODY, NULL, 0, O_RDWR);
	ASSERT_LE(0, self->nobody);
}

FIXTURE_TEARDOWN(quota)
{
	int i;

	if (self->nobody >= 0)
		close(self->nobody);
	for (i = 0; i < NAMES; i++)
		sm_destroy(self->names[i]);
	sm_param_write("max_maps_per_user", self->maps);
	sm_param_write("max_bytes_per_user", self->bytes);
	chmod(SM_DEVICE, self->dev_mode);
}

TEST_F(quota, maps_per_user)
{
	struct syncmap_map_info info;
	int other, fd;

	ASSERT_EQ(0, sm_param_write("max_maps_per_user", "2"));
	EXPECT_EQ(0, create_through(self->nobody, self->names[0], 0));
	EXPECT_EQ(0, create_through(self->nobody, self->names[1], 0));
	ASSERT_EQ(0, sm_info_name(self->names[1], &info));
	EXPECT_EQ((unsigned int)NOBODY, info.uid);
	EXPECT_EQ(-EDQUOT, create_through(self->nobody, self->names[2], 0));
	/* Another user's share is its own. */
	other = sm_open_as(1000, 1000, NULL, 0, O_WRONLY);
	ASSERT_LE(0, other);
	EXPECT_EQ(0, create_through(other, self->names[2], 0));
	close(other);
	/* Destroying gives the slot back... */
	EXPECT_EQ(0, destroy_through(self->nobody, self->names[0]));
	EXPECT_EQ(0, create_through(self->nobody, self->names[3], 0));
	/* ...once no file is bound to the map any more. */
	fd = sm_open_bound(self->names[1], O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, destroy_through(self->nobody, self->names[1]));
	EXPECT_EQ(-EDQUOT, create_through(self->nobody, self->names[4], 0));
	close(fd);
	EXPECT_EQ(0, create_through(self->nobody, self->names[4], 0));
	/* 0 is no limit. */
	ASSERT_EQ(0, sm_param_write("max_maps_per_user", "0"));
	EXPECT_EQ(0, create_through(self->nobody, self->names[5], 0));
}

TEST_F(quota, bytes_per_user)
{
	ASSERT_EQ(0, sm_param_write("max_bytes_per_user", "1048576"));
	/* Under a cap, every map needs a byte limit. */
	EXPECT_EQ(-EDQUOT, create_through(self->nobody, self->names[0], 0));
	EXPECT_EQ(0, create_through(self->nobody, self->names[0], 600 << 10));
	EXPECT_EQ(-EDQUOT,
		  create_through(self->nobody, self->names[1], 600 << 10));
	EXPECT_EQ(0, create_through(self->nobody, self->names[1], 400 << 10));
	EXPECT_EQ(-EDQUOT,
		  create_through(self->nobody, self->names[2], 100 << 10));
	/* Root's share is another. */
	EXPECT_EQ(0, sm_create(self->names[2], 0600, 0, 600 << 10));
	/* Destroying gives the bytes back. */
	EXPECT_EQ(0, destroy_through(self->nobody, self->names[0]));
	EXPECT_EQ(0, create_through(self->nobody, self->names[3], 600 << 10));
	ASSERT_EQ(0, sm_param_write("max_bytes_per_user", "0"));
	EXPECT_EQ(0, create_through(self->nobody, self->names[4], 0));
}

TEST_HARNESS_MAIN
