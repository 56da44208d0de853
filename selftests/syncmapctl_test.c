// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl_test: every syncmapctl command with its output and exit
 * status: the JSON shapes, plain output, byte-string syntax, batch files,
 * the Prometheus format, usage errors (2), operation errors (1) and
 * negative results (0).  Runs the installed syncmapctl (or $SYNCMAPCTL).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness's fork and longjmp trip -Wclobbered at -O2. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "kselftest_harness.h"
#include "syncmap_test.h"

#define OUT_MAX		(1 << 20)

struct run {
	int status;		/* exit status, or 128 + signal */
	char *out;		/* stdout, NUL-terminated */
	char err[8192];		/* stderr, NUL-terminated */
};

static int memfd(const char *name, const char *data)
{
	int fd = memfd_create(name, 0);

	if (fd >= 0 && data) {
		if (write(fd, data, strlen(data)) < 0 ||
		    lseek(fd, 0, SEEK_SET) < 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void slurp(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Run syncmapctl with @argv (NULL-terminated, without the program name),
 * @input on its stdin, as @uid (-1: unchanged).
 */
static void ctlv(struct run *r, const char *input, uid_t uid,
		 const char *const *argv)
{
	const char *prog = getenv("SYNCMAPCTL");
	const char *args[64];
	int in = memfd("in", input ? input : "");
	int out = memfd("out", NULL), err = memfd("err", NULL);
	int i, status;
	pid_t pid;

	if (!prog || !*prog)
		prog = "syncmapctl";
	args[0] = prog;
	for (i = 0; argv[i] && i < 62; i++)
		args[i + 1] = argv[i];
	args[i + 1] = NULL;
	if (!r->out)
		r->out = malloc(OUT_MAX);
	r->out[0] = '\0';
	r->err[0] = '\0';
	r->status = -1;
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		if (uid != (uid_t)-1 && (setgroups(0, NULL) ||
					 setgid(uid) || setuid(uid)))
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execvp(prog, (char **)args);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	slurp(out, r->out, OUT_MAX);
	slurp(err, r->err, sizeof(r->err));
	close(in);
	close(out);
	close(err);
}

#define CTL(r, ...) \
	ctlv(r, NULL, (uid_t)-1, (const char *const[]){ __VA_ARGS__, NULL })
#define CTL_IN(r, input, ...) \
	ctlv(r, input, (uid_t)-1, (const char *const[]){ __VA_ARGS__, NULL })
#define CTL_AS(r, uid, ...) \
	ctlv(r, NULL, uid, (const char *const[]){ __VA_ARGS__, NULL })

/* Write @text to a new file in /tmp; its path in @path. */
static int write_file(char *path, size_t size, const char *text)
{
	int fd;

	snprintf(path, size, "/tmp/syncmapctl-test-%d-XXXXXX", getpid());
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * Lines of a Prometheus exposition that are neither comments nor samples
 * NAME{map="MAP"[,LABEL="VALUE"...]} NUMBER.
 */
static int bad_prometheus_lines(char *text)
{
	static const char sample[] =
		"^syncmap_[a-z_]+\\{map=\"[A-Za-z0-9_.-]+\"(,[a-z_]+=\"[^\"]*\")*\\} "
		"-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$";
	regex_t re;
	char *line;
	int bad = 0;

	if (regcomp(&re, sample, REG_EXTENDED | REG_NOSUB))
		return -1;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		if (regexec(&re, line, 0, NULL, 0)) {
			fprintf(stderr, "# not a sample: %s\n", line);
			bad++;
		}
	}
	regfree(&re);
	return bad;
}

/* @json without its "lock_hold_max_ns" field, which a read may move. */
static void drop_hold_time(char *json)
{
	char *p = strstr(json, ",\"lock_hold_max_ns\":");
	char *end = p ? strpbrk(p + 1, ",}") : NULL;

	if (end)
		memmove(p, end, strlen(end) + 1);
}

static bool contains(const char *s, const char *part)
{
	return strstr(s, part);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* A map of its own for each test, and a run buffer. */
FIXTURE(cli) {
	char name[SYNCMAP_NAME_MAX];
	char expect[4096];
	struct run r;
};

/* The fixture's map comes from the ioctls: create_info_... tests the CLI's. */
FIXTURE_SETUP(cli)
{
	memset(&self->r, 0, sizeof(self->r));
	sm_unique(self->name, "cli");
	ASSERT_EQ(0, sm_create(self->name, 0600, 0, 0));
}

FIXTURE_TEARDOWN(cli)
{
	sm_destroy(self->name);
	free(self->r.out);
}

TEST_F(cli, create_info_chmod_list_destroy)
{
	char name[SYNCMAP_NAME_MAX];
	struct run *r = &self->r;

	sm_unique(name, "cli-c");
	CTL(r, "-j", "create", name, "mode", "0640", "max-entries", "10",
	    "max-bytes", "100000");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "info", name);
	EXPECT_EQ(0, r->status);
	snprintf(self->expect, sizeof(self->expect),
		 "{\"name\":\"%s\",\"uid\":0,\"gid\":0,\"mode\":416,\"len\":0,"
		 "\"max_entries\":10,\"max_bytes\":100000,\"bytes\":", name);
	EXPECT_EQ(0, strncmp(self->expect, r->out, strlen(self->expect))) {
		TH_LOG("got %s", r->out);
	}
	EXPECT_STREQ("}\n", r->out + strlen(r->out) - 2);
	/* info without a name: the map of -m. */
	CTL(r, "-j", "-m", name, "info");
	EXPECT_EQ(0, strncmp(self->expect, r->out, strlen(self->expect)));
	CTL(r, "info", name);
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, "0640"));

	CTL(r, "-j", "chmod", name, "600");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "info", name);
	EXPECT_TRUE(contains(r->out, "\"mode\":384,"));

	CTL(r, "-j", "list");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, strncmp("{\"maps\":[{\"name\":", r->out, 17));
	snprintf(self->expect, sizeof(self->expect), "{\"name\":\"%s\",", name);
	EXPECT_TRUE(contains(r->out, self->expect));
	EXPECT_TRUE(contains(r->out, "{\"name\":\"default\",\"uid\":0,\"gid\":0,\"mode\":384,"));
	EXPECT_EQ(1, count_lines(r->out));
	CTL(r, "list");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, strncmp("NAME", r->out, 4));
	EXPECT_TRUE(contains(r->out, name));

	CTL(r, "-j", "create", name);
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"File exists\",\"errno\":17}\n", r->out);
	EXPECT_TRUE(contains(r->err, "EEXIST"));

	CTL(r, "-j", "destroy", name);
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "info", name);
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"No such file or directory\",\"errno\":2}\n",
		     r->out);
	EXPECT_TRUE(contains(r->err, "ENOENT"));
	CTL(r, "-j", "destroy", "default");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":16}"));
	EXPECT_TRUE(contains(r->err, "EBUSY"));
	CTL(r, "-j", "create", ".bad");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":22}"));
}

TEST_F(cli, store_and_load)
{
	struct run *r = &self->r;

	CTL(r, "-j", "-m", self->name, "load", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"found\":false,\"value\":null}\n", r->out);
	CTL(r, "-j", "-m", self->name, "store", "k", "v");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "-m", self->name, "load", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"found\":true,\"value\":\"v\"}\n", r->out);
	/* --json and --map spell the same. */
	CTL(r, "--json", "--map", self->name, "load", "k");
	EXPECT_STREQ("{\"found\":true,\"value\":\"v\"}\n", r->out);
	/* Plain. */
	CTL(r, "-m", self->name, "load", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("v\n", r->out);
	CTL(r, "-m", self->name, "store", "k", "two words");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("", r->out);
	CTL(r, "-m", self->name, "load", "k");
	EXPECT_STREQ("two words\n", r->out);
	CTL(r, "-m", self->name, "load", "absent");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("(not found)\n", r->out);
	/* Values may start with a dash: options end at the command. */
	CTL(r, "-j", "-m", self->name, "store", "-k", "-1");
	EXPECT_EQ(0, r->status);
	CTL(r, "-j", "-m", self->name, "load", "-k");
	EXPECT_STREQ("{\"found\":true,\"value\":\"-1\"}\n", r->out);
}

TEST_F(cli, default_map)
{
	struct run *r = &self->r;
	char key[64];

	snprintf(key, sizeof(key), "cli-default-%d", getpid());
	CTL(r, "-j", "store", key, "x");
	EXPECT_EQ(0, r->status);
	CTL(r, "-j", "-m", "default", "load", key);
	EXPECT_STREQ("{\"found\":true,\"value\":\"x\"}\n", r->out);
	CTL(r, "-j", "delete", key);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "load", key);
	EXPECT_STREQ("{\"found\":false,\"value\":null}\n", r->out);
}

TEST_F(cli, load_or_store)
{
	struct run *r = &self->r;

	CTL(r, "-j", "-m", self->name, "load-or-store", "k", "a");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"loaded\":false,\"value\":\"a\"}\n", r->out);
	CTL(r, "-j", "-m", self->name, "load-or-store", "k", "b");
	EXPECT_STREQ("{\"loaded\":true,\"value\":\"a\"}\n", r->out);
	CTL(r, "-m", self->name, "load-or-store", "k", "b");
	EXPECT_STREQ("loaded: a\n", r->out);
	CTL(r, "-m", self->name, "load-or-store", "k2", "b");
	EXPECT_STREQ("stored: b\n", r->out);
}

TEST_F(cli, load_and_delete_and_delete)
{
	struct run *r = &self->r;

	CTL(r, "-m", self->name, "store", "k", "v");
	CTL(r, "-j", "-m", self->name, "load-and-delete", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"loaded\":true,\"value\":\"v\"}\n", r->out);
	CTL(r, "-j", "-m", self->name, "load-and-delete", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"loaded\":false,\"value\":null}\n", r->out);
	/* Deleting an absent key succeeds. */
	CTL(r, "-j", "-m", self->name, "delete", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-m", self->name, "store", "k", "v");
	CTL(r, "-m", self->name, "delete", "k");
	EXPECT_EQ(0, r->status);
	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_STREQ("{\"len\":0}\n", r->out);
}

TEST_F(cli, swap)
{
	struct run *r = &self->r;

	CTL(r, "-j", "-m", self->name, "swap", "k", "1");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"loaded\":false,\"value\":null}\n", r->out);
	CTL(r, "-j", "-m", self->name, "swap", "k", "2");
	EXPECT_STREQ("{\"loaded\":true,\"value\":\"1\"}\n", r->out);
	CTL(r, "-m", self->name, "swap", "k", "3");
	EXPECT_STREQ("previous: 2\n", r->out);
	CTL(r, "-m", self->name, "load", "k");
	EXPECT_STREQ("3\n", r->out);
}

TEST_F(cli, cas_and_cad)
{
	struct run *r = &self->r;

	CTL(r, "-j", "-m", self->name, "cas", "k", "old", "new");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"swapped\":false}\n", r->out);
	CTL(r, "-m", self->name, "store", "k", "old");
	CTL(r, "-j", "-m", self->name, "cas", "k", "wrong", "new");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"swapped\":false}\n", r->out);
	CTL(r, "-j", "-m", self->name, "cas", "k", "old", "new");
	EXPECT_STREQ("{\"swapped\":true}\n", r->out);
	CTL(r, "-m", self->name, "cas", "k", "old", "newer");
	EXPECT_STREQ("not swapped\n", r->out);

	CTL(r, "-j", "-m", self->name, "cad", "k", "old");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"deleted\":false}\n", r->out);
	CTL(r, "-j", "-m", self->name, "cad", "k", "new");
	EXPECT_STREQ("{\"deleted\":true}\n", r->out);
	CTL(r, "-j", "-m", self->name, "cad", "k", "new");
	EXPECT_STREQ("{\"deleted\":false}\n", r->out);
}

TEST_F(cli, range_len_clear)
{
	struct run *r = &self->r;

	CTL(r, "-j", "-m", self->name, "range");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"entries\":[]}\n", r->out);
	CTL(r, "-m", self->name, "store", "k", "v");
	CTL(r, "-j", "-m", self->name, "range");
	EXPECT_STREQ("{\"entries\":[{\"key\":\"k\",\"value\":\"v\"}]}\n", r->out);
	CTL(r, "-m", self->name, "store", "a", "1");
	CTL(r, "-m", self->name, "store", "bb", "22");
	CTL(r, "-j", "-m", self->name, "range");
	EXPECT_EQ(0, strncmp("{\"entries\":[{", r->out, 13));
	EXPECT_TRUE(contains(r->out, "{\"key\":\"a\",\"value\":\"1\"}"));
	EXPECT_TRUE(contains(r->out, "{\"key\":\"bb\",\"value\":\"22\"}"));
	EXPECT_TRUE(contains(r->out, "{\"key\":\"k\",\"value\":\"v\"}"));
	EXPECT_EQ(1, count_lines(r->out));
	CTL(r, "-m", self->name, "range");
	EXPECT_EQ(3, count_lines(r->out));
	EXPECT_TRUE(contains(r->out, "bb  22\n"));
	EXPECT_TRUE(contains(r->out, "a   1\n"));

	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"len\":3}\n", r->out);
	CTL(r, "-m", self->name, "len");
	EXPECT_STREQ("3\n", r->out);
	CTL(r, "-j", "-m", self->name, "clear");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_STREQ("{\"len\":0}\n", r->out);
}

TEST_F(cli, range_of_many_entries)
{
	char *batch = malloc(1000 * 128), *p = batch, path[64];
	struct run *r = &self->r;
	int i;

	ASSERT_TRUE(batch != NULL);
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "store key%d %0100d\n", i, i);
	ASSERT_EQ(0, write_file(path, sizeof(path), batch));
	CTL(r, "-m", self->name, "batch", path);
	EXPECT_EQ(0, r->status);
	unlink(path);
	CTL(r, "-m", self->name, "range");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(1000, count_lines(r->out));
	free(batch);
}

TEST_F(cli, byte_strings)
{
	struct run *r = &self->r;

	/* hex: keys and values, the empty value. */
	CTL(r, "-j", "-m", self->name, "store", "hex:00ff41", "hex:");
	EXPECT_EQ(0, r->status);
	CTL(r, "-j", "-m", self->name, "load", "hex:00FF41");
	EXPECT_STREQ("{\"found\":true,\"value\":\"\"}\n", r->out);
	CTL(r, "-j", "-m", self->name, "range");
	EXPECT_STREQ("{\"entries\":[{\"key\":\"\\u0000\\u00ffA\",\"value\":\"\"}]}\n",
		     r->out);
	CTL(r, "-m", self->name, "range");
	EXPECT_STREQ("hex:00ff41  \"\"\n", r->out);
	CTL(r, "-m", self->name, "clear");

	/* JSON escapes: '"' and '\\' escaped, other bytes as \u00XX. */
	CTL(r, "-m", self->name, "store", "a\"b\\c", "hex:0a09e97e20");
	CTL(r, "-j", "-m", self->name, "load", "a\"b\\c");
	EXPECT_STREQ("{\"found\":true,\"value\":\"\\u000a\\u0009\\u00e9~ \"}\n",
		     r->out);
	CTL(r, "-m", self->name, "load", "a\"b\\c");
	EXPECT_STREQ("hex:0a09e97e20\n", r->out);
	/* The empty key. */
	CTL(r, "-m", self->name, "store", "", "empty key");
	CTL(r, "-j", "-m", self->name, "load", "");
	EXPECT_STREQ("{\"found\":true,\"value\":\"empty key\"}\n", r->out);
	CTL(r, "-j", "-m", self->name, "load", "hex:");
	EXPECT_STREQ("{\"found\":true,\"value\":\"empty key\"}\n", r->out);

	/* Bad hex is a usage error. */
	CTL(r, "-j", "-m", self->name, "store", "hex:0", "v");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":22}"));
	CTL(r, "-m", self->name, "store", "k", "hex:zz");
	EXPECT_EQ(2, r->status);
	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_STREQ("{\"len\":2}\n", r->out);
}

TEST_F(cli, stats)
{
	static const char *const fields[] = {
		"misses", "read_len", "dirty_len", "dirty_present", "amended",
		"len", "entries", "bytes", "promotions", "promotions_misses",
		"promotions_range", "promotions_compact", "dirty_rebuilds",
		"rebuild_copied", "rebuild_expunged", "loads", "read_hits",
		"read_misses", "dirty_hits", "stores", "new_keys", "deletes",
		"clears", "compactions", "lock_hold_max_ns",
	};
	char first[4096];
	struct run *r = &self->r;
	unsigned int i;

	CTL(r, "-m", self->name, "store", "a", "1");
	CTL(r, "-m", self->name, "store", "b", "2");
	CTL(r, "-m", self->name, "load", "absent");
	CTL(r, "-j", "-m", self->name, "stats");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(starts_with(r->out, "{\"misses\":1,\"read_len\":0,\"dirty_len\":2,"
				"\"dirty_present\":true,\"amended\":true,\"len\":2,")) {
		TH_LOG("got %s", r->out);
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		snprintf(self->expect, sizeof(self->expect), "\"%s\":", fields[i]);
		EXPECT_TRUE(contains(r->out, self->expect));
	}
	EXPECT_EQ(1, count_lines(r->out));
	/* Reading stats, info or len changes nothing and counts no miss. */
	snprintf(first, sizeof(first), "%s", r->out);
	drop_hold_time(first);
	CTL(r, "-m", self->name, "len");
	CTL(r, "-m", self->name, "info");
	CTL(r, "-j", "-m", self->name, "stats");
	drop_hold_time(r->out);
	EXPECT_STREQ(first, r->out);
	/* Plain. */
	CTL(r, "-m", self->name, "stats");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, "misses"));
	EXPECT_TRUE(contains(r->out, "amended"));
	EXPECT_EQ((int)(ARRAY_SIZE(fields)),
		  count_lines(r->out));
}

/* health -j: issue 4's shape, exit 3 when a check warns. */
TEST_F(cli, health_json)
{
	struct run *r = &self->r;

	/* Nothing held: every check at its resting value. */
	CTL(r, "-j", "-m", self->name, "health");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(starts_with(r->out, "{\"checks\":["
		"{\"name\":\"leak_ratio\",\"value\":1,\"threshold\":0.7,\"status\":\"ok\"},"
		"{\"name\":\"read_staleness\",\"value\":0,\"threshold\":0.3,\"status\":\"ok\"},"
		"{\"name\":\"dirty_bloat\",\"value\":0,\"threshold\":2,\"status\":\"ok\"}],"));
	EXPECT_TRUE(contains(r->out, ",\"live\":0,"));
	/* Three new keys, all in the dirty table: bloat 3 over a read of 0. */
	CTL(r, "-m", self->name, "store", "a", "1");
	CTL(r, "-m", self->name, "store", "b", "2");
	CTL(r, "-m", self->name, "store", "c", "3");
	CTL(r, "-j", "-m", self->name, "health");
	EXPECT_EQ(3, r->status);
	EXPECT_TRUE(contains(r->out, "{\"name\":\"dirty_bloat\",\"value\":3,"
			     "\"threshold\":2,\"status\":\"warn\"}"));
	EXPECT_TRUE(contains(r->out, ",\"live\":3,"));
}

TEST_F(cli, stats_prometheus)
{
	struct run *r = &self->r;

	CTL(r, "-m", self->name, "store", "a", "1");
	CTL(r, "-m", self->name, "stats", "--prometheus");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, "# HELP syncmap_misses "));
	EXPECT_TRUE(contains(r->out, "# TYPE syncmap_misses gauge\n"));
	EXPECT_TRUE(contains(r->out, "# TYPE syncmap_promotions_total counter\n"));
	EXPECT_TRUE(contains(r->out, "# TYPE syncmap_amended gauge\n"));
	snprintf(self->expect, sizeof(self->expect),
		 "syncmap_len{map=\"%s\"} 1\n", self->name);
	EXPECT_TRUE(contains(r->out, self->expect));
	snprintf(self->expect, sizeof(self->expect),
		 "syncmap_amended{map=\"%s\"} 1\n", self->name);
	EXPECT_TRUE(contains(r->out, self->expect));
	snprintf(self->expect, sizeof(self->expect),
		 "syncmap_stores_total{map=\"%s\"} 1\n", self->name);
	EXPECT_TRUE(contains(r->out, self->expect));
	/* Only -m's map when -m is given... */
	EXPECT_FALSE(contains(r->out, "map=\"default\""));
	/* ...every readable map otherwise. */
	CTL(r, "stats", "--prometheus");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, "syncmap_len{map=\"default\"} "));
	snprintf(self->expect, sizeof(self->expect),
		 "syncmap_len{map=\"%s\"} 1\n", self->name);
	EXPECT_TRUE(contains(r->out, self->expect));
	/* Every sample line is NAME{map="..."} VALUE. */
	EXPECT_EQ(0, bad_prometheus_lines(r->out));
}

TEST_F(cli, usage_errors_exit_2)
{
	struct run *r = &self->r;

	CTL(r, "-j");
	EXPECT_EQ(2, r->status);
	CTL(r, "-j", "bogus");
	EXPECT_EQ(2, r->status);
	EXPECT_EQ(0, strncmp("{\"error\":\"", r->out, 10));
	EXPECT_TRUE(contains(r->out, "\"errno\":22}\n"));
	CTL(r, "-m", self->name, "store", "k");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->err, "KEY VALUE"));
	CTL(r, "-m", self->name, "load", "k", "extra");
	EXPECT_EQ(2, r->status);
	CTL(r, "-m", self->name, "cas", "k", "old");
	EXPECT_EQ(2, r->status);
	CTL(r, "-m", self->name, "len", "extra");
	EXPECT_EQ(2, r->status);
	CTL(r, "-m");
	EXPECT_EQ(2, r->status);
	CTL(r, "--bogus", "list");
	EXPECT_EQ(2, r->status);
	CTL(r, "create", "x", "mode", "9");
	EXPECT_EQ(2, r->status);
	CTL(r, "create", "x", "mode");
	EXPECT_EQ(2, r->status);
	CTL(r, "create", "x", "colour", "red");
	EXPECT_EQ(2, r->status);
	CTL(r, "create", "x", "max-entries", "-1");
	EXPECT_EQ(2, r->status);
	CTL(r, "chmod", self->name, "rw");
	EXPECT_EQ(2, r->status);
	CTL(r, "-m", self->name, "stats", "--bogus");
	EXPECT_EQ(2, r->status);
	CTL(r, "batch");
	EXPECT_EQ(2, r->status);
	/* None of it changed anything. */
	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_STREQ("{\"len\":0}\n", r->out);
	CTL(r, "-j", "info", "x");
	EXPECT_EQ(1, r->status);
}

TEST_F(cli, operation_errors_exit_1)
{
	char big[SYNCMAP_KEY_MAX + 2];
	struct run *r = &self->r;

	CTL(r, "-j", "-m", "no-such-map", "load", "k");
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"No such file or directory\",\"errno\":2}\n",
		     r->out);
	EXPECT_TRUE(contains(r->err, "ENOENT"));
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CTL(r, "-m", self->name, "store", big, "v");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->err, "E2BIG"));
	CTL(r, "-j", "-m", self->name, "store", big, "v");
	EXPECT_STREQ("{\"error\":\"Argument list too long\",\"errno\":7}\n",
		     r->out);
	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_STREQ("{\"len\":0}\n", r->out);
}

TEST_F(cli, help_and_version)
{
	struct run *r = &self->r;

	CTL(r, "--help");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, strncmp("Usage: syncmapctl", r->out, 17));
	EXPECT_TRUE(contains(r->out, "load-or-store KEY VALUE"));
	EXPECT_TRUE(contains(r->out, "batch FILE|-"));
	CTL(r, "help");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, strncmp("Usage: syncmapctl", r->out, 17));
	CTL(r, "-V");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, strncmp("syncmapctl ", r->out, 11));
}

TEST_F(cli, batch_file)
{
	static const char text[] =
		"# a comment, then a blank line\n"
		"\n"
		"store plain value\n"
		"   store \"quoted key\" \"tab\\there\\n\\x41\\\\\\\"\"  \n"
		"store hex:6869 \"hex:6869\"\n"
		"store \"\" empty\n"
		"\tload plain\n"
		"load \"quoted key\"\n"
		"load hi\n"
		"load \"\"\n"
		"load absent\n"
		"len\n";
	struct run *r = &self->r;
	char path[64];

	ASSERT_EQ(0, write_file(path, sizeof(path), text));
	CTL(r, "-j", "-m", self->name, "batch", path);
	unlink(path);
	EXPECT_EQ(0, r->status) {
		TH_LOG("stderr: %s", r->err);
	}
	EXPECT_STREQ("{\"ok\":true}\n"
		     "{\"ok\":true}\n"
		     "{\"ok\":true}\n"
		     "{\"ok\":true}\n"
		     "{\"found\":true,\"value\":\"value\"}\n"
		     "{\"found\":true,\"value\":\"tab\\u0009here\\u000aA\\\\\\\"\"}\n"
		     "{\"found\":true,\"value\":\"hex:6869\"}\n"
		     "{\"found\":true,\"value\":\"empty\"}\n"
		     "{\"found\":false,\"value\":null}\n"
		     "{\"len\":4}\n", r->out);
}

TEST_F(cli, batch_from_stdin_plain)
{
	struct run *r = &self->r;

	CTL_IN(r, "store a 1\nstore b 2\nload a\nload b\nswap a 3\ncas b 2 4\nload b\n",
	       "-m", self->name, "batch", "-");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("1\n2\nprevious: 1\nswapped\n4\n", r->out);
}

TEST_F(cli, batch_negative_results_go_on)
{
	struct run *r = &self->r;

	CTL_IN(r, "load absent\ndelete absent\ncas absent x y\ncad absent x\n"
	       "load-and-delete absent\nstore z 1\n",
	       "-j", "-m", self->name, "batch", "-");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(6, count_lines(r->out));
	CTL(r, "-j", "-m", self->name, "load", "z");
	EXPECT_STREQ("{\"found\":true,\"value\":\"1\"}\n", r->out);
}

TEST_F(cli, batch_stops_at_failing_line)
{
	char big[SYNCMAP_KEY_MAX + 2], *text = malloc(2048);
	struct run *r = &self->r;

	ASSERT_TRUE(text != NULL);
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, 2048, "store a 1\nstore %s 2\nstore c 3\n", big);
	CTL_IN(r, text, "-j", "-m", self->name, "batch", "-");
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"ok\":true}\n"
		     "{\"error\":\"Argument list too long\",\"errno\":7,\"line\":2}\n",
		     r->out);
	EXPECT_TRUE(contains(r->err, "line 2"));
	EXPECT_TRUE(contains(r->err, "E2BIG"));
	CTL(r, "-j", "-m", self->name, "range");
	EXPECT_STREQ("{\"entries\":[{\"key\":\"a\",\"value\":\"1\"}]}\n", r->out);

	/* A usage error at a line: exit 2, the lines before it ran. */
	CTL_IN(r, "store b 2\n\n# comment\nfrobnicate\nstore c 3\n",
	       "-j", "-m", self->name, "batch", "-");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":22,\"line\":4}\n"));
	EXPECT_TRUE(contains(r->err, "line 4"));
	CTL_IN(r, "store d 4\nstore \"unterminated 5\n", "-m", self->name,
	       "batch", "-");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->err, "line 2"));
	CTL_IN(r, "store e \"bad\\qescape\"\n", "-m", self->name, "batch", "-");
	EXPECT_EQ(2, r->status);
	CTL_IN(r, "store f\n", "-m", self->name, "batch", "-");
	EXPECT_EQ(2, r->status);
	CTL(r, "-j", "-m", self->name, "len");
	EXPECT_STREQ("{\"len\":3}\n", r->out);	/* a, b, d */
	CTL(r, "-j", "-m", self->name, "load", "c");
	EXPECT_STREQ("{\"found\":false,\"value\":null}\n", r->out);
	free(text);
}

TEST_F(cli, batch_stops_at_limit)
{
	char name[SYNCMAP_NAME_MAX];
	struct run *r = &self->r;

	sm_unique(name, "cli-lim");
	CTL(r, "create", name, "max-entries", "2");
	ASSERT_EQ(0, r->status);
	CTL_IN(r, "store a 1\nstore b 2\nstore c 3\nstore d 4\n",
	       "-j", "-m", name, "batch", "-");
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"ok\":true}\n{\"ok\":true}\n"
		     "{\"error\":\"No space left on device\",\"errno\":28,\"line\":3}\n",
		     r->out);
	CTL(r, "-j", "-m", name, "len");
	EXPECT_STREQ("{\"len\":2}\n", r->out);
	CTL(r, "destroy", name);
}

TEST_F(cli, batch_of_a_thousand_in_order)
{
	char *text = malloc(1 << 20), *p = text, *line;
	struct run *r = &self->r;
	int i, n = 0, bad = 0;

	ASSERT_TRUE(text != NULL);
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "store k%d v%d\n", i, i);
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "load k%d\n", i);
	p += sprintf(p, "delete k0\nload k0\nlen\n");
	CTL_IN(r, text, "-j", "-m", self->name, "batch", "-");
	EXPECT_EQ(0, r->status);
	for (line = strtok(r->out, "\n"); line; line = strtok(NULL, "\n"), n++) {
		char want[64];

		if (n < 1000)
			snprintf(want, sizeof(want), "{\"ok\":true}");
		else if (n < 2000)
			snprintf(want, sizeof(want),
				 "{\"found\":true,\"value\":\"v%d\"}", n - 1000);
		else if (n == 2000)
			snprintf(want, sizeof(want), "{\"ok\":true}");
		else if (n == 2001)
			snprintf(want, sizeof(want), "{\"found\":false,\"value\":null}");
		else
			snprintf(want, sizeof(want), "{\"len\":999}");
		if (strcmp(want, line))
			bad++;
	}
	EXPECT_EQ(2003, n);
	EXPECT_EQ(0, bad);
	free(text);
}

TEST_F(cli, batch_creates_and_destroys)
{
	char text[512], name[SYNCMAP_NAME_MAX];
	struct run *r = &self->r;

	/* Each line has its own semantics: the map of -m is re-found. */
	sm_unique(name, "cli-b");
	snprintf(text, sizeof(text),
		 "create %s\nstore k old\ndestroy %s\ncreate %s\nload k\nstore k new\nload k\n",
		 name, name, name);
	CTL_IN(r, text, "-j", "-m", name, "batch", "-");
	EXPECT_EQ(0, r->status) {
		TH_LOG("stderr: %s", r->err);
	}
	EXPECT_STREQ("{\"ok\":true}\n{\"ok\":true}\n{\"ok\":true}\n{\"ok\":true}\n"
		     "{\"found\":false,\"value\":null}\n{\"ok\":true}\n"
		     "{\"found\":true,\"value\":\"new\"}\n", r->out);
	CTL(r, "destroy", name);
}

TEST_F(cli, permissions_of_another_user)
{
	struct run *r = &self->r;
	struct stat st;
	mode_t mode;

	ASSERT_EQ(0, stat(SM_DEVICE, &st));
	mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(SM_DEVICE, 0666));
	CTL(r, "-m", self->name, "store", "k", "v");
	CTL_AS(r, 65534, "-m", self->name, "load", "k");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->err, "EACCES"));
	CTL(r, "chmod", self->name, "644");
	CTL_AS(r, 65534, "-j", "-m", self->name, "load", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"found\":true,\"value\":\"v\"}\n", r->out);
	CTL_AS(r, 65534, "-j", "-m", self->name, "store", "k", "w");
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"Permission denied\",\"errno\":13}\n", r->out);
	CTL_AS(r, 65534, "-j", "destroy", self->name);
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"Operation not permitted\",\"errno\":1}\n",
		     r->out);
	/* What another user may not read, its list does not show. */
	CTL_AS(r, 65534, "-j", "list");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, self->name));
	EXPECT_FALSE(contains(r->out, "\"default\""));
	chmod(SM_DEVICE, mode);
}

TEST_HARNESS_MAIN
