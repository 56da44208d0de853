// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: statistics, health and policy.
 *
 * What a map reports about itself (docs/counters.md, and the health
 * checks of docs/observability.md) and the policy that says when its
 * dirty table is promoted.  Reading any of it counts no miss and changes
 * nothing the algorithm sees; the algorithm applies the policy
 * (threshold_locked() and adapt_locked()).
 */
#include <linux/export.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "core.h"
#include "engine_merge.h"

/* The per-CPU event counters, summed while CPUs update them, by design. */
static void events_sum(struct syncmap *map, u64 events[SYNCMAP_EV_NR])
{
	int cpu, ev;

	memset(events, 0, sizeof(u64) * SYNCMAP_EV_NR);
	for_each_possible_cpu(cpu) {
		const struct syncmap_pcpu_stats *s = per_cpu_ptr(map->pcpu, cpu);

		for (ev = 0; ev < SYNCMAP_EV_NR; ev++)
			events[ev] += READ_ONCE(s->events[ev]);
	}
}

/**
 * syncmap_get_stats() - take a snapshot of every counter
 * @map: the map.
 * @stats: filled in; docs/counters.md defines each field.
 *
 * The algorithm's state (misses, table sizes, amended, promotions) is read
 * in one critical section and is consistent; the per-CPU event counters
 * are summed without stopping writers.  Event counters count from the
 * last syncmap_reset_stats().  Counts no miss and changes nothing.
 *
 * Context: Process or softirq context.  Takes the map's softirq-safe
 * spinlock for O(1) work.
 */
void syncmap_get_stats(struct syncmap *map, struct syncmap_stats *stats)
{
	struct syncmap_counters_snapshot base;
	const struct syncmap_counters *was = &base.counters;
	struct syncmap_counters now;
	u64 ev[SYNCMAP_EV_NR];
	struct syncmap_table *read;
	int i;

	memset(stats, 0, sizeof(*stats));
	map_lock(map);
	read = read_locked(map);
	stats->misses = map->misses;
	stats->read_len = read->count;
	stats->amended = read->amended;
	stats->dirty_present = !!map->dirty;
	stats->dirty_len = map->dirty ? map->dirty->count : 0;
	stats->lock_hold_max_ns = map->lock_hold_max_ns;
	if (map->engine == SYNCMAP_ENGINE_MERGE)
		syncmap_merge_stats_locked(map, stats);
	now = map->counters;
	base = map->reset_base;
	map_unlock(map);
	/*
	 * After the lock: a reset publishes its sums under it, so the
	 * per-CPU counters, which only grow, are summed here no lower than
	 * the base they are compared with.
	 */
	events_sum(map, ev);
	for (i = 0; i < SYNCMAP_EV_NR; i++)
		ev[i] -= base.events[i];

	/* A load counts its read hit or miss and nothing else. */
	stats->loads = ev[SYNCMAP_EV_LOAD_HITS] + ev[SYNCMAP_EV_LOAD_MISSES];
	stats->read_hits = ev[SYNCMAP_EV_LOAD_HITS] + ev[SYNCMAP_EV_READ_HITS];
	stats->read_misses = ev[SYNCMAP_EV_LOAD_MISSES] +
			     ev[SYNCMAP_EV_READ_MISSES];
	stats->dirty_hits = ev[SYNCMAP_EV_DIRTY_HITS];
	stats->stores = ev[SYNCMAP_EV_STORES];
	stats->deletes = ev[SYNCMAP_EV_DELETES];

	stats->promotions_misses = now.promotions_misses -
				   was->promotions_misses;
	stats->promotions_range = now.promotions_range - was->promotions_range;
	stats->promotions_compact = now.promotions_compact -
				    was->promotions_compact;
	stats->promotions = stats->promotions_misses +
			    stats->promotions_range +
			    stats->promotions_compact;
	stats->dirty_rebuilds = now.dirty_rebuilds - was->dirty_rebuilds;
	stats->rebuild_copied = now.rebuild_copied - was->rebuild_copied;
	stats->rebuild_expunged = now.rebuild_expunged -
				  was->rebuild_expunged;
	stats->new_keys = now.new_keys - was->new_keys;
	stats->clears = now.clears - was->clears;
	stats->compactions = now.compactions - was->compactions;

	stats->len = syncmap_len(map);
	stats->entries = atomic_long_read(&map->entries);
	/* The sum races with updates by design (syncmap_value_for_store()). */
	stats->bytes = data_race(percpu_counter_sum_positive(&map->bytes));
	stats->engine = map->engine;
}
EXPORT_SYMBOL_GPL(syncmap_get_stats);

/**
 * syncmap_reset_stats() - zero the event counters
 * @map: the map.
 *
 * Zeroes the counters of events (promotions, rebuilds, operations, clears,
 * compactions, the longest lock hold) as syncmap_get_stats() reports them.
 * The algorithm's own state (misses, len, table sizes, entries, bytes) and
 * the adaptive policy's factor are untouched, so the map behaves exactly
 * as before.  Events racing with the reset may or may not be counted.
 *
 * Context: Process context; may sleep.  Takes the map's mutex, and its
 * softirq-safe spinlock for O(1) work.
 */
void syncmap_reset_stats(struct syncmap *map)
{
	u64 ev[SYNCMAP_EV_NR];

	/* One reset at a time: a base never goes back to older sums. */
	mutex_lock(&map->mutex);
	events_sum(map, ev);
	map_lock(map);
	map->reset_base.counters = map->counters;
	memcpy(map->reset_base.events, ev, sizeof(ev));
	map->lock_hold_max_ns = 0;
	map_unlock(map);
	mutex_unlock(&map->mutex);
}
EXPORT_SYMBOL_GPL(syncmap_reset_stats);

/**
 * syncmap_get_health() - compute the health checks
 * @map: the map.
 * @health: filled in; docs/observability.md defines each check.
 *
 * Pins the read table under the lock (O(1)) and counts its deleted
 * entries without any lock: O(n), for monitoring, not for hot paths.
 * Counts no miss and changes nothing.  A merge map's scan holds its mutex.
 *
 * Context: Process context; may sleep.  Takes the map's softirq-safe
 * spinlock for O(1) work.
 */
void syncmap_get_health(struct syncmap *map, struct syncmap_health *health)
{
	u64 stale = 0, expunged = 0, read_min;
	struct syncmap_table *read;
	struct syncmap_value *p;
	struct syncmap_entry *e;
	unsigned int i;

	if (map->engine == SYNCMAP_ENGINE_MERGE) {
		syncmap_merge_get_health(map, health);
		return;
	}
	memset(health, 0, sizeof(*health));
	map_lock(map);
	read = read_locked(map);
	refcount_inc(&read->ref);	/* the map holds one: cannot be 0 */
	health->dirty_present = !!map->dirty;
	if (map->dirty) {
		health->dirty_len = map->dirty->count;
		health->dirty_bytes = syncmap_table_bytes(map->dirty);
	}
	map_unlock(map);

	health->read_len = read->count;
	health->read_bytes = syncmap_table_bytes(read);
	for (i = 0; i <= read->mask; i++) {
		e = syncmap_table_entry(read, i);
		if (e) {
			/* Only compared, never dereferenced. */
			p = rcu_access_pointer(e->p);
			if (!syncmap_value_live(p))
				stale++;
			if (p == SYNCMAP_EXPUNGED)
				expunged++;
		}
		if ((i & 1023) == 1023)
			cond_resched();
	}
	syncmap_table_put(read);

	health->read_stale = stale;
	health->live = syncmap_len(map);
	/* Dirty holds every entry of read but the expunged ones. */
	health->keys = health->dirty_present ?
		       expunged + health->dirty_len : health->read_len;
	/* Lock-free stores racing with the count: never above 1.0. */
	if (health->keys < health->live)
		health->keys = health->live;

	health->leak_ratio = health->keys ?
			     div64_u64(health->live * 1000, health->keys) : 1000;
	if (health->live * 10 < health->keys * 7)
		health->warn |= SYNCMAP_HEALTH_LEAK;

	if (health->read_len)
		health->staleness = div64_u64(stale * 1000, health->read_len);
	if (stale * 10 > health->read_len * 3)
		health->warn |= SYNCMAP_HEALTH_STALE;

	read_min = max_t(u64, health->read_len, 1);
	if (health->dirty_present) {
		health->bloat = min_t(u64, U32_MAX,
				      div64_u64(health->dirty_len * 1000,
						read_min));
		if (health->dirty_len > 2 * read_min)
			health->warn |= SYNCMAP_HEALTH_BLOAT;
	}
}
EXPORT_SYMBOL_GPL(syncmap_get_health);

/**
 * syncmap_set_policy() - change when the dirty table is promoted
 * @map: the map.
 * @policy: the new policy; all zero is Go's rule.  @policy->scale is
 *          ignored: the adaptive factor starts again at 1.0.
 *
 * Only when promotions happen changes, never the result of an operation.
 * The new threshold applies from the next miss.
 *
 * Context: Process or softirq context.  Takes the map's softirq-safe
 * spinlock for O(1) work.
 * Return: 0, or -EINVAL if a field is out of range (see struct
 * syncmap_policy).
 */
int syncmap_set_policy(struct syncmap *map,
		       const struct syncmap_policy *policy)
{
	if (policy->multiplier > SYNCMAP_POLICY_MULT_MAX ||
	    policy->adaptive > 1 || policy->flags)
		return -EINVAL;
	map_lock(map);
	map->policy = *policy;
	if (!map->policy.multiplier)
		map->policy.multiplier = 1;
	map->policy.scale = ADAPT_ONE;
	map_unlock(map);
	return 0;
}
EXPORT_SYMBOL_GPL(syncmap_set_policy);

/**
 * syncmap_get_policy() - read the promotion policy
 * @map: the map.
 * @policy: filled in, with the adaptive factor in @policy->scale.
 *
 * Context: Process or softirq context.  Takes the map's softirq-safe
 * spinlock for O(1) work.
 */
void syncmap_get_policy(struct syncmap *map, struct syncmap_policy *policy)
{
	map_lock(map);
	*policy = map->policy;
	map_unlock(map);
}
EXPORT_SYMBOL_GPL(syncmap_get_policy);
