// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_hammer: processes hammering one map through /dev/syncmap with
 * random single operations and batches, checking every value they read
 * (torture/torture_value.h).  Run alone it is a short stress test; the
 * torture step of the test VM runs it beside the torture module, on the
 * same map.
 *
 *   syncmap_hammer [SECONDS [PROCESSES [MAP]]]     (default: 2 2 default)
 *
 * -ENOMEM is accepted (the torture module injects allocation failures);
 * any other error, or a bad value, fails the test.  As in the torture
 * module (struct torture_deaths), the processes share a ring per key of
 * the generations they saw replaced or deleted (by swap and
 * load-and-delete); a read that returns one recorded before it began
 * returned a value that was not current at any point during the read.  At the end the keys it
 * used are deleted.  Prints TAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "syncmap_test.h"
#include "../torture/torture_value.h"

#define HAMMER_SMALL	16
#define HAMMER_LARGE	2048
#define HAMMER_BATCH	16

#define HAMMER_DEATHS	4

struct hammer {
	int fd;
	uint64_t rng;
	uint64_t gen;		/* the process's number in the top 16 bits */
	unsigned long ops, batches, enomem, errors, deaths;
};

/* Shared by the processes: per key, the last values seen dying. */
struct hammer_deaths {
	uint64_t gen[HAMMER_DEATHS];
	uint32_t next;
};

struct hammer_snap {
	uint64_t gen[HAMMER_DEATHS];
};

static struct hammer_deaths *deaths;	/* small keys, then large */

static uint32_t below(struct hammer *h, uint32_t n)
{
	return sm_rng_below(&h->rng, n);
}

static void make_key(uint8_t *key, int large, uint32_t i)
{
	key[0] = 'u';
	key[1] = large ? 'l' : 's';
	memcpy(key + 2, &i, sizeof(i));
}

/* Pick a key; returns its index among all keys. */
static uint32_t pick_key(struct hammer *h, uint8_t *key)
{
	int large = below(h, 4) == 0;
	uint32_t i = below(h, large ? HAMMER_LARGE : HAMMER_SMALL);

	make_key(key, large, i);
	return large ? HAMMER_SMALL + i : i;
}

static uint64_t value_gen(const void *v)
{
	struct torture_value_head head;

	memcpy(&head, v, sizeof(head));
	return head.gen;
}

static void deaths_snap(uint32_t idx, struct hammer_snap *snap)
{
	int i;

	for (i = 0; i < HAMMER_DEATHS; i++)
		snap->gen[i] = __atomic_load_n(&deaths[idx].gen[i],
					       __ATOMIC_ACQUIRE);
}

static void death_record(struct hammer *h, uint32_t idx, const void *v)
{
	uint32_t slot = __atomic_fetch_add(&deaths[idx].next, 1,
					   __ATOMIC_RELAXED);

	__atomic_store_n(&deaths[idx].gen[slot % HAMMER_DEATHS], value_gen(v),
			 __ATOMIC_RELEASE);
	h->deaths++;
}

static void fail(struct hammer *h, const char *what, int err)
{
	h->errors++;
	if (h->errors <= 10)
		fprintf(stderr, "# pid %d: %s: %s\n", getpid(), what,
			err > 0 ? torture_value_problem(err) : strerror(-err));
}

/* An intact value of @key, current at some point since @snap was taken. */
static int check(struct hammer *h, const uint8_t *key, const void *v,
		 uint32_t len, const struct hammer_snap *snap, const char *what)
{
	int p = torture_value_check(key, TORTURE_KEY_LEN, v, len);
	int i;

	if (p) {
		fail(h, what, p);
		return 0;
	}
	for (i = 0; i < HAMMER_DEATHS; i++) {
		if (value_gen(v) == snap->gen[i]) {
			h->errors++;
			fprintf(stderr, "# pid %d: %s: generation %#llx was replaced or deleted before the read began\n",
				getpid(), what, (unsigned long long)value_gen(v));
		}
	}
	return 1;
}

/* A call's -errno; -ENOMEM counted and forgiven. */
static int result(struct hammer *h, int ret, const char *what)
{
	if (ret == -ENOMEM) {
		h->enomem++;
		return ret;
	}
	if (ret < 0)
		fail(h, what, ret);
	return ret;
}

static void single(struct hammer *h)
{
	uint8_t key[TORTURE_KEY_LEN], val[TORTURE_VALUE_MAX];
	uint8_t buf[TORTURE_VALUE_MAX];
	enum { LOAD, STORE, SWAP, LOAD_OR_STORE, LOAD_AND_DELETE, DELETE };
	unsigned int cmd = below(h, 6);
	struct hammer_snap snap;
	uint32_t val_len, idx;
	size_t out_len = 0;
	int ret;

	idx = pick_key(h, key);
	deaths_snap(idx, &snap);
	val_len = torture_value_make(val, key, sizeof(key), ++h->gen,
				     below(h, TORTURE_FILLER_MAX + 1));
	switch (cmd) {
	case LOAD:
		ret = syncmap_load(h->fd, key, sizeof(key), buf, sizeof(buf),
				   &out_len);
		break;
	case STORE:
		ret = syncmap_store(h->fd, key, sizeof(key), val, val_len);
		break;
	case SWAP:
		ret = syncmap_swap(h->fd, key, sizeof(key), val, val_len, buf,
				   sizeof(buf), &out_len);
		break;
	case LOAD_OR_STORE:
		ret = syncmap_load_or_store(h->fd, key, sizeof(key), val,
					    val_len, buf, sizeof(buf),
					    &out_len);
		break;
	case LOAD_AND_DELETE:
		ret = syncmap_load_and_delete(h->fd, key, sizeof(key), buf,
					      sizeof(buf), &out_len);
		break;
	default:
		ret = syncmap_delete(h->fd, key, sizeof(key));
		break;
	}
	/* ret is the operation's result (1 or 0), or -errno. */
	if (result(h, ret, "op") < 0)
		return;
	if (ret && out_len) {
		if (check(h, key, buf, out_len, &snap, "op value") &&
		    (cmd == SWAP || cmd == LOAD_AND_DELETE))
			death_record(h, idx, buf);
	} else if (ret && cmd != STORE && cmd != DELETE)
		fail(h, "found an empty value", 1);
}

static void batch(struct hammer *h)
{
	uint8_t keys[HAMMER_BATCH][TORTURE_KEY_LEN];
	uint8_t vals[HAMMER_BATCH][TORTURE_VALUE_MAX];
	struct syncmap_batch_item items[HAMMER_BATCH];
	struct hammer_snap snaps[HAMMER_BATCH];
	uint32_t i, kind = below(h, 3), len;
	int ret;

	for (i = 0; i < HAMMER_BATCH; i++) {
		deaths_snap(pick_key(h, keys[i]), &snaps[i]);
		if (kind == 0) {
			len = torture_value_make(vals[i], keys[i],
						 TORTURE_KEY_LEN, ++h->gen,
						 below(h, TORTURE_FILLER_MAX + 1));
			syncmap_batch_item_set(&items[i], keys[i],
					       TORTURE_KEY_LEN, vals[i], len);
		} else if (kind == 1) {
			syncmap_batch_item_set(&items[i], keys[i],
					       TORTURE_KEY_LEN, vals[i],
					       TORTURE_VALUE_MAX);
		} else {
			syncmap_batch_item_set(&items[i], keys[i],
					       TORTURE_KEY_LEN, NULL, 0);
		}
	}
	ret = kind == 0 ? syncmap_batch_store(h->fd, items, HAMMER_BATCH, 0) :
	      kind == 1 ? syncmap_batch_load(h->fd, items, HAMMER_BATCH, 0) :
			  syncmap_batch_delete(h->fd, items, HAMMER_BATCH, 0);
	if (result(h, ret, "batch") < 0)
		return;
	h->batches++;
	if (ret != HAMMER_BATCH)
		fail(h, "batch: not all items done", -EIO);
	for (i = 0; i < HAMMER_BATCH; i++) {
		if (items[i].result < 0) {
			result(h, items[i].result, "batch item");
			continue;
		}
		if (kind == 1 && items[i].result == 1)
			check(h, keys[i], vals[i], items[i].value_len,
			      &snaps[i], "batch load value");
	}
}

static int hammer(const char *map, unsigned int seconds, unsigned int seed,
		  unsigned int nr)
{
	struct hammer h = {
		.rng = (uint64_t)seed * 0x9e3779b97f4a7c15ULL | 1,
		.gen = (uint64_t)(nr + 1) << 48,	/* unique across processes */
	};
	time_t end = time(NULL) + seconds;

	h.fd = sm_open_bound(map, O_RDWR);
	if (h.fd < 0) {
		fprintf(stderr, "# bind %s: %s\n", map, strerror(-h.fd));
		return 2;
	}
	while (time(NULL) < end) {
		unsigned int i;

		for (i = 0; i < 64; i++) {
			if (below(&h, 8) == 0)
				batch(&h);
			else
				single(&h);
			h.ops++;
		}
		if (sm_len(h.fd) < 0)
			fail(&h, "len", -errno);
	}
	printf("# pid %d: ops %lu batches %lu enomem %lu values seen dying %lu errors %lu\n",
	       getpid(), h.ops, h.batches, h.enomem, h.deaths, h.errors);
	fflush(stdout);
	close(h.fd);
	return h.errors ? 1 : 0;
}

/* Delete every key the hammer may have stored. */
static int cleanup(const char *map)
{
	uint8_t key[TORTURE_KEY_LEN];
	int fd = sm_open_bound(map, O_RDWR);
	uint32_t i;
	int large;

	if (fd < 0)
		return fd;
	for (large = 0; large < 2; large++) {
		for (i = 0; i < (large ? HAMMER_LARGE : HAMMER_SMALL); i++) {
			int ret;

			make_key(key, large, i);
			ret = syncmap_delete(fd, key, sizeof(key));
			if (ret < 0) {
				close(fd);
				return ret;
			}
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int seconds = argc > 1 ? strtoul(argv[1], NULL, 0) : 2;
	unsigned int procs = argc > 2 ? strtoul(argv[2], NULL, 0) : 2;
	const char *map = argc > 3 ? argv[3] : SYNCMAP_DEFAULT_NAME;
	unsigned int i, failed = 0;
	int status, ret;

	printf("TAP version 13\n1..2\n");
	if (access(SM_DEVICE, R_OK | W_OK)) {
		printf("ok 1 # SKIP no %s\nok 2 # SKIP\n", SM_DEVICE);
		return 4;
	}
	fflush(stdout);
	deaths = mmap(NULL, (HAMMER_SMALL + HAMMER_LARGE) * sizeof(*deaths),
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (deaths == MAP_FAILED)
		return 1;
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(hammer(map, seconds, getpid() ^ time(NULL), i));
	}
	for (i = 0; i < procs; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed++;
	}
	printf("%s 1 - %u processes for %us on map %s, %u failed\n",
	       failed ? "not ok" : "ok", procs, seconds, map, failed);
	ret = cleanup(map);
	printf("%s 2 - delete the hammer's keys%s%s\n", ret ? "not ok" : "ok",
	       ret ? ": " : "", ret ? strerror(-ret) : "");
	return failed || ret ? 1 : 0;
}
