/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap torture: the values the torture module and the userspace hammer
 * store, built so that a reader can tell an intact value from a torn one,
 * another key's value or freed memory.  Shared by the kernel module
 * (torture/syncmap_torture.c) and userspace (selftests/syncmap_hammer.c).
 *
 *   magic     TORTURE_MAGIC
 *   len       the value's whole length
 *   gen       a generation stamp, unique per store
 *   keysum    the checksum of the key it was stored under
 *   sum       the checksum of the whole value, with sum itself as 0
 *   filler    0..TORTURE_FILLER_MAX bytes derived from gen
 *
 * Keys the torture checks are 6 bytes: 't' (kernel) or 'u' (userspace),
 * a space letter, then a 32-bit index.
 */
#ifndef _SYNCMAP_TORTURE_VALUE_H
#define _SYNCMAP_TORTURE_VALUE_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <string.h>
#include <linux/types.h>
#endif

#define TORTURE_MAGIC		0x53594e43U	/* "SYNC" */
#define TORTURE_VALUE_MIN	24
#define TORTURE_FILLER_MAX	40
#define TORTURE_VALUE_MAX	(TORTURE_VALUE_MIN + TORTURE_FILLER_MAX)
#define TORTURE_KEY_LEN		6

struct torture_value_head {
	__u32 magic;
	__u32 len;
	__u64 gen;
	__u32 keysum;
	__u32 sum;
};

/* FNV-1a: order-sensitive, so a torn or shifted value does not add up. */
static inline __u32 torture_sum(__u32 h, const void *data, __u32 len)
{
	const __u8 *p = data;

	while (len--)
		h = (h ^ *p++) * 16777619U;
	return h;
}

static inline __u32 torture_value_sum(const void *value, __u32 len)
{
	struct torture_value_head head;
	__u32 h;

	memcpy(&head, value, sizeof(head));
	head.sum = 0;
	h = torture_sum(2166136261U, &head, sizeof(head));
	return torture_sum(h, (const __u8 *)value + sizeof(head),
			   len - sizeof(head));
}

/* Fill @buf (TORTURE_VALUE_MAX bytes); returns the value's length. */
static inline __u32 torture_value_make(void *buf, const void *key,
				       __u32 key_len, __u64 gen, __u32 filler)
{
	struct torture_value_head head;
	__u8 *p = buf;
	__u32 i;

	if (filler > TORTURE_FILLER_MAX)
		filler = TORTURE_FILLER_MAX;
	head.magic = TORTURE_MAGIC;
	head.len = sizeof(head) + filler;
	head.gen = gen;
	head.keysum = torture_sum(2166136261U, key, key_len);
	head.sum = 0;
	memcpy(p, &head, sizeof(head));
	for (i = 0; i < filler; i++)
		p[sizeof(head) + i] = (__u8)(gen + i);
	head.sum = torture_value_sum(p, head.len);
	memcpy(p, &head, sizeof(head));
	return head.len;
}

static inline int torture_key_is_checked(const void *key, __u32 key_len)
{
	const __u8 *k = key;

	return key_len == TORTURE_KEY_LEN && (k[0] == 't' || k[0] == 'u');
}

/* 0 if @value is an intact value of @key, else what is wrong with it. */
static inline int torture_value_check(const void *key, __u32 key_len,
				      const void *value, __u32 len)
{
	struct torture_value_head head;

	if (len < sizeof(head) || len > TORTURE_VALUE_MAX)
		return 1;
	memcpy(&head, value, sizeof(head));
	if (head.magic != TORTURE_MAGIC || head.len != len)
		return 2;
	if (head.sum != torture_value_sum(value, len))
		return 3;
	if (head.keysum != torture_sum(2166136261U, key, key_len))
		return 4;
	return 0;
}

static inline const char *torture_value_problem(int problem)
{
	switch (problem) {
	case 0:
		return "intact";
	case 1:
		return "length out of range";
	case 2:
		return "bad magic or length (freed or torn)";
	case 3:
		return "bad checksum (torn or overwritten)";
	default:
		return "the value of another key";
	}
}

#endif /* _SYNCMAP_TORTURE_VALUE_H */
