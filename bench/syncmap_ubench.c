// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap_ubench: syncmap through /dev/syncmap against a BPF hash map
 * (BPF_MAP_TYPE_HASH through bpf(2), no libbpf), with the same 8-byte keys
 * and 8-byte values, on 1 and 2 threads.
 *
 * syncmap's side goes through libsyncmap (tools/lib/syncmap, linked
 * statically), whose calls on the timed paths are each one ioctl with its
 * structure on the stack, nothing allocated: what is measured is still the
 * ioctl's cost.  The walk uses syncmap_walk_chunk() on the worker's own
 * buffer, as the bare ioctl loop did.
 *
 *   single load / store       SYNCMAP_IOC_LOAD / STORE against
 *                             BPF_MAP_LOOKUP_ELEM / UPDATE_ELEM
 *   batch load / store of B   SYNCMAP_IOC_BATCH_LOAD / STORE against a loop
 *                             of B single BPF calls and BPF_MAP_UPDATE_BATCH
 *   walk                      a full SYNCMAP_IOC_WALK against a full
 *                             BPF_MAP_LOOKUP_BATCH dump
 *   syncmapctl batch          `syncmapctl -m M batch FILE` of B lines
 *   memory                    bytes per entry beyond key and value: syncmap's
 *                             `bytes` stat; BPF's memlock (fdinfo); both
 *                             maps' MemFree drop, BPF preallocated and with
 *                             BPF_F_NO_PREALLOC at the same max_entries
 *
 * Rates are keys per second summed over the threads; each thread has its
 * own file (BPF: its own fd from BPF_MAP_GET_FD_BY_ID), so no struct file
 * refcount is shared.  One line per result, for bench/report.py:
 *
 *   ubench test=T impl=I threads=N keys_per_s=R
 *   ubench mem impl=I entries=N delta_bytes=D overhead=B [memlock=M]
 *
 * Run as root with syncmap.ko loaded: syncmap_ubench [-d MS] [-n KEYS]
 * [-M ENTRIES] [-t THREADS].
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <syncmap.h>

#define MAP_NAME	"ubench"
#define MEM_NAME	"ubench-mem"
#define BATCH_BIG	1024

static unsigned int duration_ms = 300;
static unsigned int nkeys = 1024;
static unsigned int mem_entries = 131072;
static unsigned int max_threads = 2;

static int bpf_fd, bpf_id;
static volatile int stop;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "syncmap_ubench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int bpf_create(unsigned int max_entries, unsigned int flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = 8;
	a.value_size = 8;
	a.max_entries = max_entries;
	a.map_flags = flags;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int bpf_lookup(int fd, uint64_t key, uint64_t *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)value;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

static int bpf_update(int fd, uint64_t key, uint64_t value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&value;
	a.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int bpf_map_id(int fd)
{
	struct bpf_map_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a))
		die("BPF_OBJ_GET_INFO_BY_FD");
	return info.id;
}

static int bpf_fd_by_id(int id)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_id = id;
	fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &a);
	if (fd < 0)
		die("BPF_MAP_GET_FD_BY_ID");
	return fd;
}

/* A libsyncmap call that failed: its -errno, for die(). */
static void die_ret(const char *what, int ret)
{
	errno = -ret;
	die(what);
}

static int sm_open(const char *name)
{
	int fd = syncmap_open_map(name, O_RDWR);

	if (fd < 0)
		die_ret("syncmap_open_map", fd);
	return fd;
}

static void sm_create(int fd, const char *name)
{
	int ret = syncmap_create(fd, name, 0600, 0, 0);

	if (ret)
		die_ret("syncmap_create", ret);
}

static void sm_destroy(int fd, const char *name)
{
	syncmap_destroy(fd, name);
}

static int sm_load(int fd, uint64_t key, uint64_t *value)
{
	return syncmap_load(fd, &key, sizeof(key), value, sizeof(*value), NULL);
}

static int sm_store(int fd, uint64_t key, uint64_t value)
{
	return syncmap_store(fd, &key, sizeof(key), &value, sizeof(value));
}

/* One thread's state, on cache lines of its own. */
struct worker {
	pthread_t thread;
	int fd;
	unsigned int id;
	uint64_t keys;
	uint64_t ns;
	uint64_t i;
	uint64_t *kbuf;		/* batch keys */
	uint64_t *vbuf;		/* batch values */
	struct syncmap_batch_item *items;
	void *walk_buf;
	uint64_t (*fn)(struct worker *w);
	unsigned int batch;
} __attribute__((aligned(128)));

static uint64_t t_sm_load(struct worker *w)
{
	uint64_t v;

	sm_load(w->fd, w->i++ % nkeys, &v);
	return 1;
}

static uint64_t t_bpf_load(struct worker *w)
{
	uint64_t v;

	bpf_lookup(w->fd, w->i++ % nkeys, &v);
	return 1;
}

static uint64_t t_sm_store(struct worker *w)
{
	sm_store(w->fd, w->i % nkeys, w->i);
	w->i++;
	return 1;
}

static uint64_t t_bpf_store(struct worker *w)
{
	bpf_update(w->fd, w->i % nkeys, w->i);
	w->i++;
	return 1;
}

static void fill_keys(struct worker *w)
{
	unsigned int j;

	for (j = 0; j < w->batch; j++) {
		w->kbuf[j] = (w->i + j) % nkeys;
		w->vbuf[j] = w->i + j;
	}
	w->i += w->batch;
}

static uint64_t sm_batch(struct worker *w, int load)
{
	unsigned int j;
	int ret;

	fill_keys(w);
	for (j = 0; j < w->batch; j++)
		syncmap_batch_item_set(&w->items[j], &w->kbuf[j], 8,
				       &w->vbuf[j], 8);
	ret = load ? syncmap_batch_load(w->fd, w->items, w->batch, 0) :
		     syncmap_batch_store(w->fd, w->items, w->batch, 0);
	if (ret < 0)
		die_ret(load ? "syncmap_batch_load" : "syncmap_batch_store",
			ret);
	return w->batch;
}

static uint64_t t_sm_batch_load(struct worker *w)
{
	return sm_batch(w, 1);
}

static uint64_t t_sm_batch_store(struct worker *w)
{
	return sm_batch(w, 0);
}

static uint64_t t_bpf_loop_load(struct worker *w)
{
	unsigned int j;

	fill_keys(w);
	for (j = 0; j < w->batch; j++)
		bpf_lookup(w->fd, w->kbuf[j], &w->vbuf[j]);
	return w->batch;
}

static uint64_t t_bpf_loop_store(struct worker *w)
{
	unsigned int j;

	fill_keys(w);
	for (j = 0; j < w->batch; j++)
		bpf_update(w->fd, w->kbuf[j], w->vbuf[j]);
	return w->batch;
}

static uint64_t t_bpf_update_batch(struct worker *w)
{
	union bpf_attr a;

	fill_keys(w);
	memset(&a, 0, sizeof(a));
	a.batch.map_fd = w->fd;
	a.batch.keys = (uintptr_t)w->kbuf;
	a.batch.values = (uintptr_t)w->vbuf;
	a.batch.count = w->batch;
	if (sys_bpf(BPF_MAP_UPDATE_BATCH, &a))
		die("BPF_MAP_UPDATE_BATCH");
	return w->batch;
}

#define WALK_BUF	(64 * 1024)

static uint64_t t_sm_walk(struct worker *w)
{
	__u64 cursor = 0;
	uint64_t n = 0;
	int ret;

	do {
		ret = syncmap_walk_chunk(w->fd, &cursor, w->walk_buf, WALK_BUF,
					 NULL);
		if (ret < 0)
			die_ret("syncmap_walk_chunk", ret);
		n += ret;
	} while (cursor);
	return n;
}

static uint64_t t_bpf_dump(struct worker *w)
{
	uint64_t n = 0, in = 0, out = 0;
	union bpf_attr a;
	int first = 1, ret;

	do {
		memset(&a, 0, sizeof(a));
		a.batch.map_fd = w->fd;
		a.batch.in_batch = first ? 0 : (uintptr_t)&in;
		a.batch.out_batch = (uintptr_t)&out;
		a.batch.keys = (uintptr_t)w->kbuf;
		a.batch.values = (uintptr_t)w->vbuf;
		a.batch.count = BATCH_BIG;
		ret = sys_bpf(BPF_MAP_LOOKUP_BATCH, &a);
		if (ret && errno != ENOENT)
			die("BPF_MAP_LOOKUP_BATCH");
		n += a.batch.count;
		in = out;
		first = 0;
	} while (!ret);
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t t0 = now_ns(), keys = 0;

	while (!stop)
		keys += w->fn(w);
	w->ns = now_ns() - t0;
	w->keys = keys;
	return NULL;
}

enum impl { SYNCMAP, BPF };

static double run(const char *test, const char *impl_name, enum impl impl,
		  uint64_t (*fn)(struct worker *), unsigned int batch,
		  unsigned int nr)
{
	struct worker *w = aligned_alloc(128, nr * sizeof(*w));
	struct timespec d = {
		.tv_sec = duration_ms / 1000,
		.tv_nsec = (duration_ms % 1000) * 1000000L,
	};
	double rate = 0;
	unsigned int t;

	if (!w)
		die("malloc");
	memset(w, 0, nr * sizeof(*w));
	stop = 0;
	for (t = 0; t < nr; t++) {
		w[t].id = t;
		w[t].i = (uint64_t)t * 7919;
		w[t].fn = fn;
		w[t].batch = batch;
		w[t].fd = impl == SYNCMAP ? sm_open(MAP_NAME) : bpf_fd_by_id(bpf_id);
		w[t].kbuf = calloc(BATCH_BIG, 8);
		w[t].vbuf = calloc(BATCH_BIG, 8);
		w[t].items = calloc(BATCH_BIG, sizeof(*w[t].items));
		w[t].walk_buf = malloc(WALK_BUF);
		if (!w[t].kbuf || !w[t].vbuf || !w[t].items || !w[t].walk_buf)
			die("malloc");
		if (pthread_create(&w[t].thread, NULL, worker_main, &w[t]))
			die("pthread_create");
	}
	nanosleep(&d, NULL);
	stop = 1;
	for (t = 0; t < nr; t++) {
		pthread_join(w[t].thread, NULL);
		if (w[t].ns)
			rate += w[t].keys * 1e9 / w[t].ns;
		close(w[t].fd);
		free(w[t].kbuf);
		free(w[t].vbuf);
		free(w[t].items);
		free(w[t].walk_buf);
	}
	free(w);
	printf("ubench test=%s impl=%s threads=%u keys_per_s=%.0f\n", test,
	       impl_name, nr, rate);
	fflush(stdout);
	return rate;
}

static long mem_free(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	sync();
	usleep(200000);	/* RCU frees after a grace period */
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static long fdinfo_memlock(int fd)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void mem_bpf(const char *name, unsigned int flags)
{
	long before = mem_free(), delta;
	uint64_t k;
	int fd = bpf_create(mem_entries, flags);

	if (fd < 0)
		die("BPF_MAP_CREATE");
	for (k = 0; k < mem_entries; k++) {
		if (!bpf_update(fd, k, k))
			continue;
		/*
		 * A map without preallocation takes elements from per-CPU
		 * caches refilled by irq_work; User-Mode Linux runs irq_work
		 * only from its timer tick, so a fast loop empties them.  The
		 * peer's figure is then missing, not the benchmark's.
		 */
		if ((flags & BPF_F_NO_PREALLOC) && errno == ENOMEM) {
			printf("ubench mem impl=%s entries=%u unavailable=ENOMEM after=%llu\n",
			       name, mem_entries, (unsigned long long)k);
			close(fd);
			return;
		}
		die("BPF_MAP_UPDATE_ELEM");
	}
	delta = before - mem_free();
	printf("ubench mem impl=%s entries=%u delta_bytes=%ld overhead=%ld memlock=%ld memlock_overhead=%ld\n",
	       name, mem_entries, delta, delta / (long)mem_entries - 16,
	       fdinfo_memlock(fd),
	       fdinfo_memlock(fd) / (long)mem_entries - 16);
	close(fd);
}

static void mem_syncmap(int ctl)
{
	struct worker w;
	struct syncmap_stats st;
	long before = mem_free(), delta;
	uint64_t k;
	int fd, ret;

	sm_create(ctl, MEM_NAME);
	fd = sm_open(MEM_NAME);
	for (k = 0; k < mem_entries; k++) {
		ret = sm_store(fd, k, k);
		if (ret)
			die_ret("syncmap_store", ret);
	}
	/* A walk promotes the dirty table: the steady read-mostly state. */
	memset(&w, 0, sizeof(w));
	w.fd = fd;
	w.walk_buf = malloc(WALK_BUF);
	t_sm_walk(&w);
	free(w.walk_buf);
	delta = before - mem_free();
	ret = syncmap_stats(fd, &st);
	if (ret)
		die_ret("syncmap_stats", ret);
	printf("ubench mem impl=syncmap entries=%u delta_bytes=%ld overhead=%ld stat_bytes=%llu stat_overhead=%lld\n",
	       mem_entries, delta, delta / (long)mem_entries - 16,
	       (unsigned long long)st.bytes,
	       (long long)(st.bytes / mem_entries) - 16);
	close(fd);
	sm_destroy(ctl, MEM_NAME);
}

/* `syncmapctl -m ubench batch FILE`, FILE holding @n lines of @op. */
static void ctl_batch(const char *op, unsigned int n)
{
	char path[64];
	uint64_t t0, ns;
	unsigned int k, reps = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ubench-%s.txt", op);
	f = fopen(path, "w");
	if (!f)
		die(path);
	for (k = 0; k < n; k++) {
		uint64_t key = k % nkeys;
		const unsigned char *b = (const unsigned char *)&key;

		fprintf(f, "%s hex:%02x%02x%02x%02x%02x%02x%02x%02x%s\n", op,
			b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
			strcmp(op, "store") ? "" : " hex:0102030405060708");
	}
	fclose(f);
	t0 = now_ns();
	do {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			die("fork");
		if (!pid) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			execlp("syncmapctl", "syncmapctl", "-m", MAP_NAME,
			       "batch", path, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			printf("ubench error syncmapctl batch %s: status %d\n",
			       op, status);
			return;
		}
		reps++;
		ns = now_ns() - t0;
	} while (ns < duration_ms * 1000000ULL);
	printf("ubench test=ctl_batch_%s_%u impl=syncmapctl threads=1 keys_per_s=%.0f\n",
	       op, n, (double)reps * n * 1e9 / ns);
}

int main(int argc, char **argv)
{
	unsigned int nr, b, c;
	uint64_t k;
	int opt, ctl;

	while ((opt = getopt(argc, argv, "d:n:M:t:")) != -1) {
		switch (opt) {
		case 'd': duration_ms = atoi(optarg); break;
		case 'n': nkeys = atoi(optarg); break;
		case 'M': mem_entries = atoi(optarg); break;
		case 't': max_threads = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-d MS] [-n KEYS] [-M ENTRIES] [-t THREADS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!nkeys || !mem_entries || !max_threads)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	ctl = syncmap_open(O_RDWR);
	if (ctl < 0)
		die_ret("open " SYNCMAP_DEVICE_PATH, ctl);
	sm_destroy(ctl, MAP_NAME);
	sm_create(ctl, MAP_NAME);
	{
		int fd = sm_open(MAP_NAME), ret;
		struct worker w;

		for (k = 0; k < nkeys; k++) {
			ret = sm_store(fd, k, k);
			if (ret)
				die_ret("syncmap_store", ret);
		}
		/* Promote, as a read-mostly map would be. */
		memset(&w, 0, sizeof(w));
		w.fd = fd;
		w.walk_buf = malloc(WALK_BUF);
		t_sm_walk(&w);
		free(w.walk_buf);
		close(fd);
	}
	bpf_fd = bpf_create(nkeys, 0);
	if (bpf_fd < 0)
		die("BPF_MAP_CREATE");
	for (k = 0; k < nkeys; k++)
		if (bpf_update(bpf_fd, k, k))
			die("BPF_MAP_UPDATE_ELEM");
	bpf_id = bpf_map_id(bpf_fd);
	printf("ubench start keys=%u duration_ms=%u threads=%u\n", nkeys,
	       duration_ms, max_threads);

	for (c = 0; c < (max_threads > 1 ? 2 : 1); c++) {
		nr = c ? max_threads : 1;
		run("load", "syncmap", SYNCMAP, t_sm_load, 1, nr);
		run("load", "bpf", BPF, t_bpf_load, 1, nr);
		run("store", "syncmap", SYNCMAP, t_sm_store, 1, nr);
		run("store", "bpf", BPF, t_bpf_store, 1, nr);
		for (b = 64; b <= BATCH_BIG; b *= 16) {
			char name[32];

			snprintf(name, sizeof(name), "batch_load_%u", b);
			run(name, "syncmap", SYNCMAP, t_sm_batch_load, b, nr);
			run(name, "bpf_loop", BPF, t_bpf_loop_load, b, nr);
			snprintf(name, sizeof(name), "batch_store_%u", b);
			run(name, "syncmap", SYNCMAP, t_sm_batch_store, b, nr);
			run(name, "bpf_loop", BPF, t_bpf_loop_store, b, nr);
			run(name, "bpf_update_batch", BPF, t_bpf_update_batch,
			    b, nr);
		}
		run("walk", "syncmap", SYNCMAP, t_sm_walk, 0, nr);
		run("walk", "bpf_lookup_batch", BPF, t_bpf_dump, 0, nr);
	}
	ctl_batch("store", BATCH_BIG);
	ctl_batch("load", BATCH_BIG);

	mem_syncmap(ctl);
	mem_bpf("bpf_prealloc", 0);
	mem_bpf("bpf_no_prealloc", BPF_F_NO_PREALLOC);

	close(bpf_fd);
	sm_destroy(ctl, MAP_NAME);
	close(ctl);
	printf("ubench done\n");
	return 0;
}
