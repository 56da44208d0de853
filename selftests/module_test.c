// SPDX-License-Identifier: GPL-2.0
/*
 * module_test: syncmap.ko is loaded, live, and is the module that was built.
 *
 * A pipeline check for the test VM: it proves that the runner loads the
 * module before the kselftests run and that their TAP reaches the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#define MODULE_SYSFS	"/sys/module/syncmap"
/* Where scripts/vm-run.sh puts the module in the initramfs. */
#define MODULE_FILE	"/modules/kmod/syncmap.ko"

/* Read a one-line sysfs attribute without its newline; -errno on failure. */
static int read_attr(const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), MODULE_SYSFS "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

/* The value of KEY in a .ko's .modinfo section ("KEY=value\0"), or NULL. */
static char *modinfo(const char *file, const char *key)
{
	char *data = NULL, *p, *end, *value = NULL;
	size_t keylen = strlen(key);
	long size;
	FILE *f;

	f = fopen(file, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	data = malloc(size);
	if (!data || fread(data, 1, size, f) != (size_t)size)
		goto out;
	end = data + size;
	for (p = data; p + keylen + 1 < end; p++) {
		/* Entries start after a NUL; "srcversion=" must not match. */
		if (p > data && p[-1] == '\0' && !memcmp(p, key, keylen) &&
		    p[keylen] == '=' && memchr(p, '\0', end - p)) {
			value = strdup(p + keylen + 1);
			break;
		}
	}
out:
	free(data);
	fclose(f);
	return value;
}

TEST(module_is_live)
{
	char state[64];

	ASSERT_EQ(0, read_attr("initstate", state, sizeof(state))) {
		TH_LOG("syncmap is not loaded: no " MODULE_SYSFS);
	}
	EXPECT_STREQ("live", state);
}

TEST(module_is_listed_live)
{
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/modules", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "syncmap ", 8))
			continue;
		found = true;
		EXPECT_NE(NULL, strstr(line, " Live "));
	}
	fclose(f);
	EXPECT_TRUE(found);
}

TEST(module_taints_out_of_tree)
{
	char taint[64];

	ASSERT_EQ(0, read_attr("taint", taint, sizeof(taint)));
	/* 'O': loaded from outside the kernel tree, as it is. */
	EXPECT_NE(NULL, strchr(taint, 'O')) {
		TH_LOG("taint flags: '%s'", taint);
	}
}

TEST(module_version_matches_file)
{
	char loaded[64];
	char *built;

	built = modinfo(MODULE_FILE, "version");
	if (!built)
		SKIP(return, "no version in " MODULE_FILE);
	ASSERT_EQ(0, read_attr("version", loaded, sizeof(loaded)));
	EXPECT_STREQ(built, loaded);
	free(built);
}

TEST_HARNESS_MAIN
