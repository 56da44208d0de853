// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl_test: every syncmapctl command with its output and exit
 * status: the JSON shapes, plain output, byte-string syntax and -x (hex),
 * batch files, the Prometheus format, usage errors (2), operation errors
 * (1) with the cause and limit they name, and negative results (0).  Runs
 * the installed syncmapctl (or $SYNCMAPCTL).
 *
 * Two checks use programs the busybox guest may lack: the round trip of
 * binary data through jq runs when jq is in $PATH (skipped otherwise),
 * and promtool checks the Prometheus text on the host: the text is
 * printed between "# promtool-input begin LABEL" and "# promtool-input
 * end LABEL N" lines (N lines of "# | TEXT") for
 * tools/syncmapctl/promtool-check.sh, and checked here too when promtool
 * is in $PATH.
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

/* The syncmapctl the tests run: $SYNCMAPCTL, else the one in $PATH. */
static const char *ctl_prog(void)
{
	const char *prog = getenv("SYNCMAPCTL");

	return prog && *prog ? prog : "syncmapctl";
}

/*
 * Run @prog with @argv (NULL-terminated, without the program name),
 * @input on its stdin, as @uid (-1: unchanged), with $SYNCMAPCTL set.
 */
static void runv(struct run *r, const char *input, uid_t uid,
		 const char *prog, const char *const *argv)
{
	const char *args[64];
	int in = memfd("in", input ? input : "");
	int out = memfd("out", NULL), err = memfd("err", NULL);
	int i, status;
	pid_t pid;

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
		setenv("SYNCMAPCTL", ctl_prog(), 0);
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

static void ctlv(struct run *r, const char *input, uid_t uid,
		 const char *const *argv)
{
	runv(r, input, uid, ctl_prog(), argv);
}

/* Run @script with sh -c, @input on its stdin. */
static void run_sh(struct run *r, const char *input, const char *script)
{
	runv(r, input, (uid_t)-1, "sh",
	     (const char *const[]){ "-c", script, NULL });
}

/* Whether @name is a program in $PATH. */
static bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];
	const char *p, *end;

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(dir, sizeof(dir), "%.*s", (int)(end - p), p);
		snprintf(file, sizeof(file), "%s/%s", *dir ? dir : ".", name);
		if (!access(file, X_OK))
			return true;
	}
	return false;
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

/* The metric name a "# HELP NAME" / "# TYPE NAME" / sample line is about. */
static void metric_name(const char *line, char *name, size_t size)
{
	size_t n;

	if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7))
		line += 7;
	n = strcspn(line, "{ ");
	snprintf(name, size, "%.*s", (int)n, line);
}

/*
 * The rules of `promtool check metrics` this output can break, checked
 * without it: every metric has HELP and TYPE lines before its samples;
 * counters, and only they, end in _total; no name has an abbreviated
 * unit (_ns, _us, _ms) where Prometheus wants a base unit (_seconds).
 * Returns the number of problems, each printed.
 */
static int prometheus_lint(const char *text)
{
	char *copy = strdup(text), *line, *save = NULL;
	char name[128], help[128] = "", type[128] = "", kind[16] = "";
	int bad = 0;

	if (!copy)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		metric_name(line, name, sizeof(name));
		if (strstr(name, "_ns") || strstr(name, "_us") ||
		    strstr(name, "_ms")) {
			fprintf(stderr, "# abbreviated unit: %s\n", line);
			bad++;
		}
		if (!strncmp(line, "# HELP ", 7)) {
			snprintf(help, sizeof(help), "%s", name);
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			bool total = strlen(name) > 6 &&
				     !strcmp(name + strlen(name) - 6, "_total");

			snprintf(type, sizeof(type), "%s", name);
			if (sscanf(line + 7 + strlen(name), " %15s", kind) != 1)
				kind[0] = '\0';
			if (total != !strcmp(kind, "counter")) {
				fprintf(stderr, "# _total on a %s, or a counter without it: %s\n",
					kind, line);
				bad++;
			}
			continue;
		}
		if (line[0] == '#')
			continue;
		if (strcmp(name, help) || strcmp(name, type)) {
			fprintf(stderr, "# no HELP or TYPE before: %s\n", line);
			bad++;
		}
	}
	free(copy);
	return bad;
}

/*
 * Hand Prometheus text to promtool: printed for the host's
 * tools/syncmapctl/promtool-check.sh, and checked here when the guest has
 * promtool.  Returns promtool's exit status, 0 without it.
 */
static int promtool_check(const char *label, const char *text)
{
	const char *p = text, *end;
	struct run r = { 0 };
	int n = 0;

	printf("# promtool-input begin %s\n", label);
	for (; *p; p = *end ? end + 1 : end, n++) {
		end = strchrnul(p, '\n');
		printf("# | %.*s\n", (int)(end - p), p);
	}
	printf("# promtool-input end %s %d\n", label, n);
	fflush(stdout);
	if (!have_program("promtool"))
		return 0;
	runv(&r, text, (uid_t)-1, "promtool",
	     (const char *const[]){ "check", "metrics", NULL });
	if (r.status)
		fprintf(stderr, "# promtool on %s: %s%s\n", label, r.out, r.err);
	free(r.out);
	return r.status;
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
	EXPECT_TRUE(starts_with(r->out, "{\"error\":\"File exists\",\"errno\":17,\"detail\":\"a map named '"));
	EXPECT_TRUE(contains(r->err, "EEXIST"));

	CTL(r, "-j", "destroy", name);
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n", r->out);
	CTL(r, "-j", "info", name);
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(starts_with(r->out, "{\"error\":\"No such file or directory\",\"errno\":2,\"detail\":\"there is no map named '"));
	EXPECT_TRUE(contains(r->err, "ENOENT"));
	CTL(r, "-j", "destroy", "default");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":16,"));
	EXPECT_TRUE(contains(r->err, "EBUSY"));
	CTL(r, "-j", "create", ".bad");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":22,"));
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
	EXPECT_TRUE(contains(r->out, "\"errno\":22,"));
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
	/* The counters, then the engine. */
	EXPECT_EQ((int)(ARRAY_SIZE(fields)) + 1,
		  count_lines(r->out));
	EXPECT_TRUE(contains(r->out, "\nengine               go\n"));
}

/* engine: chosen at create, shown by info, list, stats; bad names exit 2. */
TEST_F(cli, create_engine)
{
	char name[SYNCMAP_NAME_MAX];
	struct run *r = &self->r;

	sm_unique(name, "cli-e");
	CTL(r, "-j", "create", name, "engine", "merge");
	EXPECT_EQ(0, r->status);
	CTL(r, "-j", "info", name);
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, ",\"engine\":\"merge\"}\n")) {
		TH_LOG("got %s", r->out);
	}
	CTL(r, "info", name);
	EXPECT_TRUE(contains(r->out, "engine:       merge\n"));
	CTL(r, "-m", name, "store", "a", "1");
	EXPECT_EQ(0, r->status);
	CTL(r, "-m", name, "load", "a");
	EXPECT_STREQ("1\n", r->out);
	CTL(r, "-j", "-m", name, "stats");
	EXPECT_TRUE(contains(r->out, ",\"engine\":\"merge\"}\n"));
	CTL(r, "-m", name, "stats", "--prometheus");
	snprintf(self->expect, sizeof(self->expect),
		 "syncmap_engine_info{map=\"%s\",engine=\"merge\"} 1\n", name);
	EXPECT_TRUE(contains(r->out, self->expect));
	EXPECT_EQ(0, promtool_check("stats-engine", r->out));
	CTL(r, "list");
	EXPECT_TRUE(contains(r->out, " merge\n"));
	CTL(r, "-j", "list");
	EXPECT_TRUE(contains(r->out, "\"engine\":\"merge\"}"));
	EXPECT_TRUE(contains(r->out, "\"engine\":\"go\"}"));
	CTL(r, "destroy", name);
	EXPECT_EQ(0, r->status);

	/* Unknown engine: a usage error, nothing created. */
	CTL(r, "create", name, "engine", "trie");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->err, "unknown engine 'trie'"));
	CTL(r, "info", name);
	EXPECT_EQ(1, r->status);
	/* create-bind takes it too. */
	CTL(r, "-j", "create-bind", name, "engine", "go");
	EXPECT_EQ(0, r->status);
	CTL(r, "-j", "info", name);
	EXPECT_TRUE(contains(r->out, ",\"engine\":\"go\"}\n"));
	CTL(r, "destroy", name);
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
	/* Seconds, not nanoseconds: promtool refuses abbreviated units. */
	EXPECT_TRUE(contains(r->out, "# TYPE syncmap_lock_hold_max_seconds gauge\n"));
	EXPECT_FALSE(contains(r->out, "_ns"));
	EXPECT_EQ(0, prometheus_lint(r->out));
	EXPECT_EQ(0, promtool_check("stats-all-maps", r->out));
	/* Every sample line is NAME{map="..."} VALUE. */
	EXPECT_EQ(0, bad_prometheus_lines(r->out));
}

/* What promtool is given: every output of stats --prometheus. */
TEST_F(cli, stats_prometheus_passes_promtool)
{
	static const char seconds[] =
		"syncmap_lock_hold_max_seconds\\{map=\"[^\"]+\"\\} [0-9]+\\.[0-9]{9}\n";
	struct run *r = &self->r;
	regex_t re;

	/* An empty map. */
	CTL(r, "-m", self->name, "stats", "--prometheus");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, prometheus_lint(r->out));
	EXPECT_EQ(0, promtool_check("stats-empty-map", r->out));
	/* Held deleted entries, a dirty table, every health check warning. */
	CTL_IN(r, "store a 1\nstore b 2\nstore c 3\nstore d 4\nrange\n"
	       "delete a\ndelete b\ndelete c\nstore e 5\nstore f 6\nstore g 7\n",
	       "-m", self->name, "batch", "-");
	EXPECT_EQ(0, r->status);
	CTL(r, "-m", self->name, "health");
	EXPECT_EQ(3, r->status);
	CTL(r, "-m", self->name, "stats", "--prometheus");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, ",check=\"leak_ratio\"} 1\n"));
	EXPECT_EQ(0, prometheus_lint(r->out));
	EXPECT_EQ(0, promtool_check("stats-map-in-warn", r->out));
	ASSERT_EQ(0, regcomp(&re, seconds, REG_EXTENDED | REG_NOSUB | REG_NEWLINE));
	EXPECT_EQ(0, regexec(&re, r->out, 0, NULL, 0));
	regfree(&re);
	/* Every map, -j or not: the same text. */
	CTL(r, "-j", "stats", "--prometheus");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(0, prometheus_lint(r->out));
	EXPECT_EQ(0, promtool_check("stats-all-maps-json-flag", r->out));
}

/* -x: byte strings in and out as lowercase hex digits. */
TEST_F(cli, hex_option)
{
	struct run *r = &self->r;

	/* In: hex digits, "hex:" optional, upper case accepted. */
	CTL(r, "-x", "-m", self->name, "store", "00FF41", "");
	EXPECT_EQ(0, r->status);
	CTL(r, "-x", "-m", self->name, "store", "hex:6869", "74686572 65");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->err, "' ' is not a hex digit"));
	CTL(r, "-x", "-m", self->name, "store", "hex:6869", "7468657265");
	EXPECT_EQ(0, r->status);
	/* Out: JSON and plain, every command. */
	CTL(r, "-x", "-j", "-m", self->name, "load", "00ff41");
	EXPECT_STREQ("{\"found\":true,\"value\":\"\"}\n", r->out);
	CTL(r, "-x", "-m", self->name, "load", "00ff41");
	EXPECT_STREQ("\"\"\n", r->out);
	CTL(r, "-x", "-j", "-m", self->name, "load", "6869");
	EXPECT_STREQ("{\"found\":true,\"value\":\"7468657265\"}\n", r->out);
	CTL(r, "-x", "-m", self->name, "load", "6869");
	EXPECT_STREQ("7468657265\n", r->out);
	CTL(r, "-x", "-j", "-m", self->name, "load-or-store", "6869", "00");
	EXPECT_STREQ("{\"loaded\":true,\"value\":\"7468657265\"}\n", r->out);
	CTL(r, "-x", "-m", self->name, "load-or-store", "01", "0a0b");
	EXPECT_STREQ("stored: 0a0b\n", r->out);
	CTL(r, "-x", "-j", "-m", self->name, "swap", "01", "ff");
	EXPECT_STREQ("{\"loaded\":true,\"value\":\"0a0b\"}\n", r->out);
	CTL(r, "-x", "-m", self->name, "swap", "01", "fe");
	EXPECT_STREQ("previous: ff\n", r->out);
	CTL(r, "-x", "-j", "-m", self->name, "cas", "01", "fe", "fd");
	EXPECT_STREQ("{\"swapped\":true}\n", r->out);
	CTL(r, "-x", "-j", "-m", self->name, "load-and-delete", "01");
	EXPECT_STREQ("{\"loaded\":true,\"value\":\"fd\"}\n", r->out);
	CTL(r, "-x", "-m", self->name, "store", "", "00");
	CTL(r, "-x", "-j", "-m", self->name, "range");
	EXPECT_TRUE(contains(r->out, "{\"key\":\"00ff41\",\"value\":\"\"}"));
	EXPECT_TRUE(contains(r->out, "{\"key\":\"6869\",\"value\":\"7468657265\"}"));
	EXPECT_TRUE(contains(r->out, "{\"key\":\"\",\"value\":\"00\"}"));
	CTL(r, "-x", "-m", self->name, "range");
	EXPECT_TRUE(contains(r->out, "00ff41  \"\"\n"));
	EXPECT_TRUE(contains(r->out, "6869    7468657265\n"));
	EXPECT_TRUE(contains(r->out, "\"\"      00\n"));
	/* Without -x, as before: bytes, \u00XX in JSON, hex: in plain. */
	CTL(r, "-j", "-m", self->name, "load", "hi");
	EXPECT_STREQ("{\"found\":true,\"value\":\"there\"}\n", r->out);
	CTL(r, "-m", self->name, "load", "hex:00ff41");
	EXPECT_STREQ("\"\"\n", r->out);
	/* Batches: bare tokens are hex, quoted tokens their own bytes. */
	CTL_IN(r, "store 0102 \"raw\"\nstore \"k\" hex:ff\nload 0102\nload 6b\n"
	       "load \"k\"\nload 0bad\nswap 6b 00\n",
	       "-x", "-j", "-m", self->name, "batch", "-");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"ok\":true}\n{\"ok\":true}\n"
		     "{\"found\":true,\"value\":\"726177\"}\n"
		     "{\"found\":true,\"value\":\"ff\"}\n"
		     "{\"found\":true,\"value\":\"ff\"}\n"
		     "{\"found\":false,\"value\":null}\n"
		     "{\"loaded\":true,\"value\":\"ff\"}\n", r->out);
	CTL_IN(r, "load 0102\nload k\n", "-x", "-m", self->name, "batch", "-");
	EXPECT_EQ(2, r->status);
	EXPECT_STREQ("726177\n", r->out);
	EXPECT_TRUE(contains(r->err, "line 2"));
	EXPECT_TRUE(contains(r->err, "'k' is not a hex digit"));
	/* --hex spells the same. */
	CTL(r, "--hex", "-m", self->name, "load", "0102");
	EXPECT_STREQ("726177\n", r->out);
}

/* A byte string as lowercase hex digits, as -x prints it. */
static void to_hex(char *out, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = '\0';
}

#define RT_ENTRIES	150

/* Random binary keys (the empty one, up to 512 bytes) and values. */
struct round_trip {
	unsigned char *key[RT_ENTRIES], *value[RT_ENTRIES];
	size_t key_len[RT_ENTRIES], value_len[RT_ENTRIES];
	char *batch;		/* "store hex:KEY hex:VALUE" lines */
	uint64_t seed;
};

static int round_trip_make(struct round_trip *rt, uint64_t seed)
{
	size_t i, j, room = 0;
	char *p;

	rt->seed = seed;
	for (i = 0; i < RT_ENTRIES; i++) {
		/* Two bytes of index make the keys distinct. */
		rt->key_len[i] = i ? 2 + sm_rng_below(&seed, SYNCMAP_KEY_MAX - 1) : 0;
		rt->value_len[i] = i == 1 ? SYNCMAP_VALUE_MAX :
				   sm_rng_below(&seed, 2048);
		rt->key[i] = malloc(rt->key_len[i] + 1);
		rt->value[i] = malloc(rt->value_len[i] + 1);
		if (!rt->key[i] || !rt->value[i])
			return -1;
		for (j = 0; j < rt->key_len[i]; j++)
			rt->key[i][j] = sm_rng_next(&seed);
		for (j = 0; j < rt->value_len[i]; j++)
			rt->value[i][j] = sm_rng_next(&seed);
		if (rt->key_len[i]) {
			rt->key[i][0] = i >> 8;
			rt->key[i][1] = i;
		}
		room += 2 * (rt->key_len[i] + rt->value_len[i]) + 32;
	}
	rt->batch = p = malloc(room);
	if (!p)
		return -1;
	for (i = 0; i < RT_ENTRIES; i++) {
		p += sprintf(p, "store hex:");
		to_hex(p, rt->key[i], rt->key_len[i]);
		p += strlen(p);
		p += sprintf(p, " hex:");
		to_hex(p, rt->value[i], rt->value_len[i]);
		p += strlen(p);
		*p++ = '\n';
	}
	*p = '\0';
	return 0;
}

static void round_trip_free(struct round_trip *rt)
{
	size_t i;

	for (i = 0; i < RT_ENTRIES; i++) {
		free(rt->key[i]);
		free(rt->value[i]);
	}
	free(rt->batch);
}

/* Which entry @key (@len bytes) is, or -1. */
static int round_trip_find(const struct round_trip *rt,
			   const unsigned char *key, size_t len)
{
	size_t i;

	for (i = 0; i < RT_ENTRIES; i++)
		if (rt->key_len[i] == len && !memcmp(rt->key[i], key, len))
			return i;
	return -1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode the hex digits at @s up to the next '"' into @out (@size bytes);
 * -1 on anything but pairs of lowercase hex digits.
 */
static long from_hex(const char *s, unsigned char *out, size_t size,
		     const char **end)
{
	size_t n = 0;
	int hi, lo;

	while (*s != '"') {
		hi = hex_value(s[0]);
		lo = hi < 0 ? -1 : hex_value(s[1]);
		if (n == size || lo < 0)
			return -1;
		out[n++] = hi << 4 | lo;
		s += 2;
	}
	*end = s;
	return n;
}

/*
 * Entries of a -x -j range output that are not exactly the round trip's
 * (each found once, same value); the count of entries in *@n.
 */
static int round_trip_diff(const struct round_trip *rt, const char *json,
			   int *n)
{
	static unsigned char key[SYNCMAP_KEY_MAX + 1], value[SYNCMAP_VALUE_MAX + 1];
	bool seen[RT_ENTRIES] = { false };
	const char *p = json;
	long kl, vl;
	int bad = 0, i;

	*n = 0;
	while ((p = strstr(p, "{\"key\":\"")) != NULL) {
		kl = from_hex(p + 8, key, sizeof(key), &p);
		if (kl < 0 || strncmp(p, "\",\"value\":\"", 11))
			return -1;
		vl = from_hex(p + 11, value, sizeof(value), &p);
		if (vl < 0)
			return -1;
		(*n)++;
		i = round_trip_find(rt, key, kl);
		if (i < 0 || seen[i] || rt->value_len[i] != (size_t)vl ||
		    memcmp(rt->value[i], value, vl)) {
			fprintf(stderr, "# entry %d (%ld-byte key) wrong\n", i, kl);
			bad++;
		}
		if (i >= 0)
			seen[i] = true;
	}
	return bad;
}

/* Entries of map @name that differ from the round trip's, read by ioctl. */
static int round_trip_check_map(const struct round_trip *rt, const char *name)
{
	static unsigned char buf[SYNCMAP_VALUE_MAX];
	int fd = sm_open_bound(name, O_RDONLY), bad = 0;
	size_t i, len;

	if (fd < 0)
		return -1;
	for (i = 0; i < RT_ENTRIES; i++) {
		if (syncmap_load(fd, rt->key[i], rt->key_len[i], buf,
				 sizeof(buf), &len) != 1 ||
		    len != rt->value_len[i] ||
		    memcmp(buf, rt->value[i], len))
			bad++;
	}
	if (sm_len(fd) != RT_ENTRIES)
		bad++;
	close(fd);
	return bad;
}

/* Random binary keys and values through -x, in and out, without jq. */
TEST_F_TIMEOUT(cli, hex_round_trip_random, 300)
{
	struct round_trip rt = { 0 };
	struct run *r = &self->r;
	int n = 0;

	ASSERT_EQ(0, round_trip_make(&rt, 0x5eed0f5ca1ab1eULL + getpid()));
	CTL_IN(r, rt.batch, "-x", "-m", self->name, "batch", "-");
	ASSERT_EQ(0, r->status) {
		TH_LOG("seed %llx: %s", (unsigned long long)rt.seed, r->err);
	}
	EXPECT_EQ(0, round_trip_check_map(&rt, self->name));
	CTL(r, "-x", "-j", "-m", self->name, "range");
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(1, count_lines(r->out));
	EXPECT_EQ(0, round_trip_diff(&rt, r->out, &n)) {
		TH_LOG("seed %llx", (unsigned long long)rt.seed);
	}
	EXPECT_EQ(RT_ENTRIES, n);
	/* Plain -x prints what -x reads: a key typed as range printed it. */
	ASSERT_TRUE(rt.key_len[5] <= SYNCMAP_KEY_MAX);
	to_hex(self->expect, rt.key[5], rt.key_len[5]);
	CTL(r, "-x", "-m", self->name, "load", self->expect);
	EXPECT_EQ(0, r->status);
	EXPECT_EQ(rt.value_len[5] ? 2 * rt.value_len[5] + 1 : 3, strlen(r->out));
	to_hex(self->expect, rt.value[5], rt.value_len[5] < 1024 ? rt.value_len[5] : 1024);
	EXPECT_EQ(0, strncmp(self->expect, r->out, strlen(self->expect)));
	round_trip_free(&rt);
}

/*
 * The round trip a user does with jq: range -x -j into jq -r, jq's lines
 * into a batch -x that stores them in another map, which ends up with
 * the same bytes.  Needs jq in the guest (the host copies it there with
 * its libraries); skipped without it.
 */
TEST_F_TIMEOUT(cli, hex_round_trip_through_jq, 300)
{
	char copy[SYNCMAP_NAME_MAX], script[2048];
	struct round_trip rt = { 0 };
	struct run *r = &self->r;
	char *hex;

	if (!have_program("jq"))
		SKIP(return, "jq is not in $PATH");
	ASSERT_EQ(0, round_trip_make(&rt, 0xb1a5ed0000ULL + getpid()));
	sm_unique(copy, "cli-jq");
	ASSERT_EQ(0, sm_create(copy, 0600, 0, 0));
	CTL_IN(r, rt.batch, "-x", "-m", self->name, "batch", "-");
	ASSERT_EQ(0, r->status);
	snprintf(script, sizeof(script),
		 "set -e; \"$SYNCMAPCTL\" -x -j -m %s range |"
		 " jq -r '.entries[] | \"store hex:\\(.key) hex:\\(.value)\"' |"
		 " \"$SYNCMAPCTL\" -x -m %s batch -", self->name, copy);
	run_sh(r, NULL, script);
	EXPECT_EQ(0, r->status) {
		TH_LOG("%s: %s", script, r->err);
	}
	EXPECT_EQ(0, round_trip_check_map(&rt, copy)) {
		TH_LOG("seed %llx", (unsigned long long)rt.seed);
	}
	/* One value: load -x -j | jq -r .value gives its hex digits. */
	hex = malloc(2 * SYNCMAP_VALUE_MAX + 2);
	ASSERT_TRUE(hex != NULL);
	to_hex(hex, rt.key[2], rt.key_len[2]);
	snprintf(script, sizeof(script),
		 "\"$SYNCMAPCTL\" -x -j -m %s load %s | jq -r .value", copy, hex);
	run_sh(r, NULL, script);
	EXPECT_EQ(0, r->status);
	to_hex(hex, rt.value[2], rt.value_len[2]);
	strcat(hex, "\n");
	EXPECT_STREQ(hex, r->out);
	free(hex);
	sm_destroy(copy);
	round_trip_free(&rt);
}

/* Every error names its cause and the limit it met, plain and JSON. */
TEST_F(cli, errors_name_cause_and_limit)
{
	char big[SYNCMAP_VALUE_MAX + 2], name[SYNCMAP_NAME_MAX];
	struct run *r = &self->r;
	int i;

	/* A key over 512 bytes, a value over 65536. */
	memset(big, 'k', SYNCMAP_KEY_MAX + 1);
	big[SYNCMAP_KEY_MAX + 1] = '\0';
	CTL(r, "-m", self->name, "store", big, "v");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->err, "(E2BIG): the key is 513 bytes; keys are at most 512 bytes\n"));
	memset(big, 'v', SYNCMAP_VALUE_MAX + 1);
	big[SYNCMAP_VALUE_MAX + 1] = '\0';
	CTL(r, "-j", "-m", self->name, "store", "k", big);
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"Argument list too long\",\"errno\":7,"
		     "\"detail\":\"the value is 65537 bytes; values are at most 65536 bytes\"}\n",
		     r->out);
	/* The naming rule. */
	CTL(r, "create", "a b");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->err, "(EINVAL): 'a b' is not a map name: map names are 1 to 63 bytes of A-Z a-z 0-9 _ . -, not starting with '.'\n"));
	CTL(r, "-j", "create", ".hidden");
	EXPECT_EQ(1, r->status);
	EXPECT_STREQ("{\"error\":\"Invalid argument\",\"errno\":22,"
		     "\"detail\":\"'.hidden' is not a map name: map names are 1 to 63 bytes of A-Z a-z 0-9 _ . -, not starting with '.'\"}\n",
		     r->out);
	memset(big, 'n', 64);
	big[64] = '\0';
	CTL(r, "-j", "create", big);
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":36,\"detail\":\"'nnnnnnnnnnnnnnnnnnnn...' is 64 bytes: map names are 1 to 63 bytes"));
	CTL(r, "-m", "bad/name", "len");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->err, "'bad/name' is not a map name"));

	/*
	 * ENOSPC below max_entries: a deleted key still holds its entry
	 * (promoted by the walk, then deleted) until a compaction.
	 */
	sm_unique(name, "cli-full");
	CTL(r, "create", name, "max-entries", "2");
	ASSERT_EQ(0, r->status);
	CTL_IN(r, "store a 1\nstore b 2\nrange\ndelete a\nlen\n", "-m", name,
	       "batch", "-");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, "\n1\n"));
	CTL(r, "-m", name, "store", "c", "3");
	EXPECT_EQ(1, r->status);
	snprintf(self->expect, sizeof(self->expect),
		 "syncmapctl: store: No space left on device (ENOSPC): map '%s' is at its max-entries limit of 2: it holds 2 entries, of which 1 are deleted entries that still count until a compaction drops them ('syncmapctl -m %s compact' frees them)\n",
		 name, name);
	EXPECT_STREQ(self->expect, r->err);
	CTL(r, "-j", "-m", name, "store", "c", "3");
	EXPECT_TRUE(contains(r->out, "\"errno\":28,\"detail\":\"map '"));
	EXPECT_TRUE(contains(r->out, "of which 1 are deleted entries"));
	/* As it says: compact frees it, once an RCU grace period has passed. */
	CTL(r, "-m", name, "compact");
	EXPECT_EQ(0, r->status);
	for (i = 0; i < 200; i++) {
		CTL(r, "-m", name, "store", "c", "3");
		if (r->status != 1 || !contains(r->err, "ENOSPC"))
			break;
		sm_sleep_ms(50);
	}
	EXPECT_EQ(0, r->status);
	CTL(r, "destroy", name);

	/* policy: no repeated words; the keys and ranges named. */
	CTL(r, "-m", self->name, "policy", "colour=red");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(starts_with(r->err, "syncmapctl: policy: unknown key 'colour': a policy is key=value words"));
	EXPECT_FALSE(contains(r->err, "policy: policy:"));
	CTL(r, "-m", self->name, "policy", "multiplier=2000");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->err, "multiplier 2000 is more than 1024"));
	CTL(r, "create", "x", "policy", "colour=red");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(starts_with(r->err, "syncmapctl: create: policy: unknown key 'colour': "));

	/* Usage errors have a detail too: the synopsis, or the rule. */
	CTL(r, "-j", "-m", self->name, "cas", "k", "old");
	EXPECT_EQ(2, r->status);
	EXPECT_STREQ("{\"error\":\"usage: cas KEY OLD NEW\",\"errno\":22,"
		     "\"detail\":\"2 arguments were given\"}\n", r->out);
	CTL(r, "-j", "chmod", self->name, "4755");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->out, "\"detail\":\"a map's mode is an octal number from 0 to 0777"));
	CTL(r, "-j", "-m", self->name, "store", "hex:abc", "v");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->out, "\"detail\":\"hex digits are 0-9 and a-f (or A-F), two for each byte\"}"));
	CTL(r, "-j", "--colour");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->out, "\"detail\":\"the options are -j (--json), -x (--hex)"));
	/* The device: another path that does not exist. */
	setenv("SYNCMAP_DEVICE", "/dev/syncmap-absent", 1);
	CTL(r, "-j", "len");
	unsetenv("SYNCMAP_DEVICE");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->out, "\"detail\":\"/dev/syncmap-absent is missing or has no driver: is the syncmap module loaded"));
}

TEST_F(cli, usage_errors_exit_2)
{
	struct run *r = &self->r;

	CTL(r, "-j");
	EXPECT_EQ(2, r->status);
	CTL(r, "-j", "bogus");
	EXPECT_EQ(2, r->status);
	EXPECT_EQ(0, strncmp("{\"error\":\"", r->out, 10));
	EXPECT_TRUE(contains(r->out, "\"errno\":22,\"detail\":\"the commands are create, "));
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
	EXPECT_STREQ("{\"error\":\"No such file or directory\",\"errno\":2,"
		     "\"detail\":\"there is no map named 'no-such-map'; 'syncmapctl list' shows the maps you may read\"}\n",
		     r->out);
	EXPECT_TRUE(contains(r->err, "ENOENT"));
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CTL(r, "-m", self->name, "store", big, "v");
	EXPECT_EQ(1, r->status);
	EXPECT_TRUE(contains(r->err, "E2BIG"));
	CTL(r, "-j", "-m", self->name, "store", big, "v");
	EXPECT_STREQ("{\"error\":\"Argument list too long\",\"errno\":7,"
		     "\"detail\":\"the key is 513 bytes; keys are at most 512 bytes\"}\n",
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
		     "{\"error\":\"Argument list too long\",\"errno\":7,\"line\":2,"
		     "\"detail\":\"the key is 513 bytes; keys are at most 512 bytes\"}\n",
		     r->out);
	EXPECT_TRUE(contains(r->err, "line 2"));
	EXPECT_TRUE(contains(r->err, "E2BIG"));
	CTL(r, "-j", "-m", self->name, "range");
	EXPECT_STREQ("{\"entries\":[{\"key\":\"a\",\"value\":\"1\"}]}\n", r->out);

	/* A usage error at a line: exit 2, the lines before it ran. */
	CTL_IN(r, "store b 2\n\n# comment\nfrobnicate\nstore c 3\n",
	       "-j", "-m", self->name, "batch", "-");
	EXPECT_EQ(2, r->status);
	EXPECT_TRUE(contains(r->out, "\"errno\":22,\"line\":4,\"detail\":\"the commands are "));
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
	snprintf(self->expect, sizeof(self->expect),
		 "{\"ok\":true}\n{\"ok\":true}\n"
		 "{\"error\":\"No space left on device\",\"errno\":28,\"line\":3,"
		 "\"detail\":\"map '%s' is at its max-entries limit of 2: it holds 2 entries, of which 0 are deleted entries that still count until a compaction drops them ('syncmapctl -m %s compact' frees them)\"}\n",
		 name, name);
	EXPECT_STREQ(self->expect, r->out);
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

/* create-bind: the batch goes on with the map it created, or stops. */
TEST_F(cli, batch_create_bind)
{
	char text[512], name[SYNCMAP_NAME_MAX];
	struct run *r = &self->r;

	sm_unique(name, "cli-cb");
	snprintf(text, sizeof(text),
		 "create-bind %s mode 0400\nstore k v\nload k\ninfo\n", name);
	CTL_IN(r, text, "batch", "-");
	EXPECT_EQ(0, r->status) {
		TH_LOG("stderr: %s", r->err);
	}
	EXPECT_NE(NULL, strstr(r->out, name));
	CTL(r, "-m", name, "load", "k");
	EXPECT_STREQ("v\n", r->out);
	/* Taken: EEXIST, and nothing after it runs. */
	snprintf(text, sizeof(text), "create-bind %s\nstore k other\n", name);
	CTL_IN(r, text, "batch", "-");
	EXPECT_EQ(1, r->status);
	EXPECT_NE(NULL, strstr(r->err, "EEXIST"));
	CTL(r, "-m", name, "load", "k");
	EXPECT_STREQ("v\n", r->out);
	CTL(r, "destroy", name);
	EXPECT_EQ(0, r->status);
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
	EXPECT_TRUE(contains(r->err, "does not grant you read access, which load needs"));
	CTL(r, "chmod", self->name, "644");
	CTL_AS(r, 65534, "-j", "-m", self->name, "load", "k");
	EXPECT_EQ(0, r->status);
	EXPECT_STREQ("{\"found\":true,\"value\":\"v\"}\n", r->out);
	CTL_AS(r, 65534, "-j", "-m", self->name, "store", "k", "w");
	EXPECT_EQ(1, r->status);
	snprintf(self->expect, sizeof(self->expect),
		 "{\"error\":\"Permission denied\",\"errno\":13,\"detail\":\"map '%s' does not grant you write access, which store needs; 'syncmapctl info %s' shows its owner and mode, and its owner may chmod it\"}\n",
		 self->name, self->name);
	EXPECT_STREQ(self->expect, r->out);
	CTL_AS(r, 65534, "-j", "destroy", self->name);
	EXPECT_EQ(1, r->status);
	snprintf(self->expect, sizeof(self->expect),
		 "{\"error\":\"Operation not permitted\",\"errno\":1,\"detail\":\"only the owner of map '%s' or a process with CAP_SYS_ADMIN may destroy it\"}\n",
		 self->name);
	EXPECT_STREQ(self->expect, r->out);
	/* What another user may not read, its list does not show. */
	CTL_AS(r, 65534, "-j", "list");
	EXPECT_EQ(0, r->status);
	EXPECT_TRUE(contains(r->out, self->name));
	EXPECT_FALSE(contains(r->out, "\"default\""));
	chmod(SM_DEVICE, mode);
}

TEST_HARNESS_MAIN
