// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libsyncmap: counters, health and tuning of the bound map
 * (docs/counters.md, docs/observability.md).
 */
#include "internal.h"

/**
 * syncmap_stats() - every counter of the map
 * @fd: a file bound to the map, opened for reading.
 * @stats: filled in.
 *
 * Changes nothing and counts no miss.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -EINVAL @stats NULL.
 */
int syncmap_stats(int fd, struct syncmap_stats *stats)
{
	if (!stats)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	return sm_ioctl(fd, SYNCMAP_IOC_STATS, stats);
}

/**
 * syncmap_reset_stats() - zero the map's event counters
 * @fd: a file bound to the map, opened for writing.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF.
 */
int syncmap_reset_stats(int fd)
{
	struct syncmap_ioc_compact c = { 0 };

	return sm_ioctl(fd, SYNCMAP_IOC_RESET_STATS, &c);
}

/**
 * syncmap_health() - the health checks of the map
 * @fd: a file bound to the map, opened for reading.
 * @health: filled in; @health->warn has a SYNCMAP_HEALTH_* bit for each
 *          check in warn.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -EINVAL @health NULL.
 */
int syncmap_health(int fd, struct syncmap_health *health)
{
	if (!health)
		return -EINVAL;
	memset(health, 0, sizeof(*health));
	return sm_ioctl(fd, SYNCMAP_IOC_HEALTH, health);
}

/**
 * syncmap_policy_get() - when the map promotes its dirty table
 * @fd: a file bound to the map, opened for reading.
 * @policy: filled in, with the adaptive factor in @policy->scale.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -EINVAL @policy NULL.
 */
int syncmap_policy_get(int fd, struct syncmap_policy *policy)
{
	if (!policy)
		return -EINVAL;
	memset(policy, 0, sizeof(*policy));
	return sm_ioctl(fd, SYNCMAP_IOC_POLICY_GET, policy);
}

/**
 * syncmap_policy_set() - change when the map promotes its dirty table
 * @fd: a file bound to the map, opened for writing.
 * @policy: the new policy; all zero is Go's rule.  @policy->scale is
 *          ignored (the adaptive factor starts again at 1.0).
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EINVAL a field out of range (multiplier above
 * SYNCMAP_POLICY_MULT_MAX, adaptive above 1, flags); -EBADFD; -EBADF.
 */
int syncmap_policy_set(int fd, const struct syncmap_policy *policy)
{
	struct syncmap_policy p;

	if (!policy)
		return -EINVAL;
	p = *policy;
	return sm_ioctl(fd, SYNCMAP_IOC_POLICY_SET, &p);
}

/**
 * syncmap_compact() - drop deleted entries and shrink the tables
 * @fd: a file bound to the map, opened for writing.
 *
 * Context: Any thread.  One ioctl(2).
 * Return: 0; -EBADFD; -EBADF; -ENOMEM.
 */
int syncmap_compact(int fd)
{
	struct syncmap_ioc_compact c = { 0 };

	return sm_ioctl(fd, SYNCMAP_IOC_COMPACT, &c);
}
