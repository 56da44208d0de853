// SPDX-License-Identifier: GPL-2.0
/*
 * syncmapctl: observability and tuning: health, policy, compact, and the
 * health gauges of stats --prometheus.  docs/observability.md defines the
 * checks and the policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmapctl.h"

/* One health check: its value in thousandths, threshold, warn bit. */
static const struct check {
	const char *name;
	size_t offset;
	const char *op;
	unsigned int limit;	/* thousandths */
	unsigned int bit;
	const char *help;
} checks[] = {
	{ "leak_ratio", offsetof(struct syncmap_health, leak_ratio), "<", 700,
	  SYNCMAP_HEALTH_LEAK,
	  "Live entries over distinct keys held by read and dirty; warn below 0.7." },
	{ "read_staleness", offsetof(struct syncmap_health, staleness), ">", 300,
	  SYNCMAP_HEALTH_STALE,
	  "Deleted (nil or expunged) entries of the read table over its entries; warn above 0.3." },
	{ "dirty_bloat", offsetof(struct syncmap_health, bloat), ">", 2000,
	  SYNCMAP_HEALTH_BLOAT,
	  "dirty_len over max(read_len, 1) while dirty is present; warn above 2.0." },
};

#define N_CHECKS (sizeof(checks) / sizeof(checks[0]))

static unsigned int check_value(const struct syncmap_health *h,
				const struct check *c)
{
	uint32_t v;

	memcpy(&v, (const char *)h + c->offset, sizeof(v));
	return v;
}

static double milli(unsigned int v)
{
	return v / 1000.0;
}

int do_health(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct syncmap_health h;
	size_t i;
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	ret = map_fd(ctx, NEED_READ, &fd);
	if (ret)
		return ret;
	ret = syncmap_health(fd, &h);
	if (ret)
		return map_fail(ctx, -ret);
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_name(ctx->jw, "checks");
		jw_start_array(ctx->jw);
		for (i = 0; i < N_CHECKS; i++) {
			jw_start_object(ctx->jw);
			jw_string_field(ctx->jw, "name", checks[i].name);
			jw_double_field(ctx->jw, "value",
					milli(check_value(&h, &checks[i])));
			jw_double_field(ctx->jw, "threshold",
					milli(checks[i].limit));
			jw_string_field(ctx->jw, "status",
					h.warn & checks[i].bit ? "warn" : "ok");
			jw_end_object(ctx->jw);
		}
		jw_end_array(ctx->jw);
		jw_uint_field(ctx->jw, "live", h.live);
		jw_uint_field(ctx->jw, "keys", h.keys);
		jw_uint_field(ctx->jw, "read_len", h.read_len);
		jw_uint_field(ctx->jw, "read_stale", h.read_stale);
		jw_uint_field(ctx->jw, "dirty_len", h.dirty_len);
		jw_bool_field(ctx->jw, "dirty_present", h.dirty_present);
		jw_uint_field(ctx->jw, "read_bytes", h.read_bytes);
		jw_uint_field(ctx->jw, "dirty_bytes", h.dirty_bytes);
		jw_end_object(ctx->jw);
	} else {
		for (i = 0; i < N_CHECKS; i++)
			printf("%-15s %.3f  (warn %s %.3f)  %s\n",
			       checks[i].name,
			       milli(check_value(&h, &checks[i])),
			       checks[i].op, milli(checks[i].limit),
			       h.warn & checks[i].bit ? "WARN" : "ok");
		printf("%-15s %llu\n%-15s %llu\n%-15s %llu\n",
		       "read_bytes", (unsigned long long)h.read_bytes,
		       "dirty_bytes", (unsigned long long)h.dirty_bytes,
		       "live", (unsigned long long)h.live);
	}
	return h.warn ? EXIT_WARN : EXIT_OK;
}

#define POLICY_RULE "a policy is key=value words, blanks or commas between: multiplier=1..1024 (0: 1), floor=N and ceiling=N (0: none), adaptive=0|1; or default, Go's rule"

/*
 * SPEC: key=value words (in one argument or several, blanks or commas
 * between them) over *@p: multiplier, floor, ceiling, adaptive; "default"
 * resets to Go's rule.  Errors name the policy unless the command does.
 */
int policy_parse(struct ctx *ctx, int argc, const struct arg *argv,
		 struct syncmap_policy *p)
{
	const char *what = !strcmp(ctx->cmd, "policy") ? "" : "policy: ";
	char *copy, *s, *word, *val, *end;
	unsigned long long n;
	int i, ret = EXIT_OK;

	for (i = 0; i < argc && !ret; i++) {
		copy = strdup(argv[i].s);
		if (!copy)
			return no_memory(ctx);
		s = copy;
		while (!ret && (word = strsep(&s, " \t,")) != NULL) {
			if (!*word)
				continue;
			if (!strcmp(word, "default")) {
				memset(p, 0, sizeof(*p));
				continue;
			}
			detail_set(ctx, POLICY_RULE);
			val = strchr(word, '=');
			if (!val) {
				ret = usage_error(ctx, "%s'%s' is not key=value",
						  what, word);
				break;
			}
			*val++ = '\0';
			errno = 0;
			n = strtoull(val, &end, 0);
			if (strcmp(word, "multiplier") && strcmp(word, "adaptive") &&
			    strcmp(word, "floor") && strcmp(word, "ceiling")) {
				ret = usage_error(ctx, "%sunknown key '%s'", what,
						  word);
			} else if (errno || !*val || *end || *val == '-') {
				ret = usage_error(ctx, "%s%s: not a number: '%s'",
						  what, word, val);
			} else if (!strcmp(word, "multiplier")) {
				if (n > SYNCMAP_POLICY_MULT_MAX)
					ret = usage_error(ctx, "%smultiplier %llu is more than %d",
							  what, n, SYNCMAP_POLICY_MULT_MAX);
				p->multiplier = n;
			} else if (!strcmp(word, "adaptive")) {
				if (n > 1)
					ret = usage_error(ctx, "%sadaptive is 0 or 1, not %llu",
							  what, n);
				p->adaptive = n;
			} else if (!strcmp(word, "floor")) {
				p->floor = n;
			} else {
				p->ceiling = n;
			}
			ctx->detail[0] = '\0';
		}
		free(copy);
	}
	p->scale = 0;
	return ret;
}

static void policy_print(struct ctx *ctx, const struct syncmap_policy *p)
{
	if (ctx->json) {
		jw_start_object(ctx->jw);
		jw_uint_field(ctx->jw, "multiplier", p->multiplier);
		jw_uint_field(ctx->jw, "floor", p->floor);
		jw_uint_field(ctx->jw, "ceiling", p->ceiling);
		jw_bool_field(ctx->jw, "adaptive", p->adaptive);
		jw_uint_field(ctx->jw, "adaptive_scale_quarters", p->scale);
		jw_end_object(ctx->jw);
		return;
	}
	printf("multiplier=%u floor=%llu ceiling=%llu adaptive=%u\n",
	       p->multiplier, (unsigned long long)p->floor,
	       (unsigned long long)p->ceiling, p->adaptive);
}

int do_policy(struct ctx *ctx, int argc, const struct arg *argv)
{
	struct syncmap_policy p;
	int fd, ret;

	/* A wrong SPEC is a usage error, whatever the map. */
	memset(&p, 0, sizeof(p));
	ret = policy_parse(ctx, argc, argv, &p);
	if (ret)
		return ret;
	ret = map_fd(ctx, argc ? NEED_READ | NEED_WRITE : NEED_READ, &fd);
	if (ret)
		return ret;
	ret = syncmap_policy_get(fd, &p);
	if (ret)
		return map_fail(ctx, -ret);
	if (!argc) {
		policy_print(ctx, &p);
		return EXIT_OK;
	}
	ret = policy_parse(ctx, argc, argv, &p);
	if (ret)
		return ret;
	ret = syncmap_policy_set(fd, &p);
	if (ret)
		return map_fail(ctx, -ret);
	return print_ok(ctx);
}

/* Set the policy of map @name (create ... policy SPEC). */
int policy_apply(struct ctx *ctx, const char *name,
		 const struct syncmap_policy *p)
{
	const char *saved = ctx->map;
	int fd, ret;

	map_fd_drop(ctx);
	ctx->map = name;
	ret = map_fd(ctx, NEED_WRITE, &fd);
	if (!ret) {
		int err = -syncmap_policy_set(fd, p);

		if (err) {
			explain(ctx, err, name);
			ret = fail(ctx, err, "policy of map '%s'", name);
		}
	}
	map_fd_drop(ctx);
	ctx->map = saved;
	return ret;
}

int do_compact(struct ctx *ctx, int argc, const struct arg *argv)
{
	int fd, ret;

	(void)argv;
	if (argc)
		return usage_args(ctx, argc);
	ret = map_fd(ctx, NEED_WRITE, &fd);
	if (ret)
		return ret;
	ret = syncmap_compact(fd);
	if (ret)
		return map_fail(ctx, -ret);
	return print_ok(ctx);
}

/* The health checks as Prometheus gauges, for stats --prometheus. */
void prometheus_health(const struct syncmap_map_info *maps, const bool *ok,
		       size_t n)
{
	struct syncmap_health *h = calloc(n ? n : 1, sizeof(*h));
	bool *got = calloc(n ? n : 1, sizeof(*got));
	size_t i, j;

	if (!h || !got)
		goto out;
	for (i = 0; i < n; i++)
		got[i] = ok[i] && !map_health(maps[i].name, &h[i]);
	for (j = 0; j < N_CHECKS; j++) {
		printf("# HELP syncmap_health_%s %s\n", checks[j].name,
		       checks[j].help);
		printf("# TYPE syncmap_health_%s gauge\n", checks[j].name);
		for (i = 0; i < n; i++)
			if (got[i])
				printf("syncmap_health_%s{map=\"%s\"} %.3f\n",
				       checks[j].name, maps[i].name,
				       milli(check_value(&h[i], &checks[j])));
	}
	printf("# HELP syncmap_health_warn 1 when the check is in warn.\n");
	printf("# TYPE syncmap_health_warn gauge\n");
	for (i = 0; i < n; i++)
		for (j = 0; got[i] && j < N_CHECKS; j++)
			printf("syncmap_health_warn{map=\"%s\",check=\"%s\"} %d\n",
			       maps[i].name, checks[j].name,
			       !!(h[i].warn & checks[j].bit));
out:
	free(h);
	free(got);
}
