/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: tracepoints (events/syncmap/ in tracefs).
 *
 * Defined with TRACE_EVENT so that perf, trace-cmd and bpftrace can use
 * them; CREATE_TRACE_POINTS is defined in kmod/map.c only.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM syncmap

#if !defined(_SYNCMAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SYNCMAP_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"
#include "map.h"

#define SYNCMAP_PROMOTE_MISSES	0
#define SYNCMAP_PROMOTE_RANGE	1
#define SYNCMAP_PROMOTE_COMPACT	2

/*
 * syncmap:promote - a table became the read table
 * @reason: misses (misses reached the threshold), range (a walk of an
 *          amended map) or compact (a compaction).
 * @entries: entries of the new read table, whatever their state.
 * @misses: misses counted before the promotion.
 */
TRACE_EVENT(promote,
	    TP_PROTO(const struct syncmap *map, int reason,
		     unsigned int entries, u64 misses),
	    TP_ARGS(map, reason, entries, misses),
	    TP_STRUCT__entry(__field(const void *, map)
			     __string(name, map->name)
			     __field(int, reason)
			     __field(unsigned int, entries)
			     __field(u64, misses)),
	    TP_fast_assign(__entry->map = map;
			   syncmap_assign_str(name, map->name);
			   __entry->reason = reason;
			   __entry->entries = entries;
			   __entry->misses = misses;),
	    TP_printk("map=%p name=%s reason=%s entries=%u misses=%llu",
		      __entry->map, __get_str(name),
		      __print_symbolic(__entry->reason,
				       { SYNCMAP_PROMOTE_MISSES, "misses" },
				       { SYNCMAP_PROMOTE_RANGE, "range" },
				       { SYNCMAP_PROMOTE_COMPACT, "compact" }),
		      __entry->entries, __entry->misses)
);

/*
 * syncmap:dirty_rebuild - Go's dirtyLocked(): a dirty table was built from
 * the read table
 * @copied: entries copied.
 * @expunged: deleted entries expunged instead.
 */
TRACE_EVENT(dirty_rebuild,
	    TP_PROTO(const struct syncmap *map, unsigned int copied,
		     unsigned int expunged),
	    TP_ARGS(map, copied, expunged),
	    TP_STRUCT__entry(__field(const void *, map)
			     __string(name, map->name)
			     __field(unsigned int, copied)
			     __field(unsigned int, expunged)),
	    TP_fast_assign(__entry->map = map;
			   syncmap_assign_str(name, map->name);
			   __entry->copied = copied;
			   __entry->expunged = expunged;),
	    TP_printk("map=%p name=%s copied=%u expunged=%u",
		      __entry->map, __get_str(name), __entry->copied,
		      __entry->expunged)
);

/*
 * syncmap:dirty_miss - a look-up fell through to the dirty table under the
 * lock (Go's missLocked())
 * @found: the dirty table held the key.
 * @misses: misses after this one.
 * @threshold: the policy's threshold the misses are compared with.
 */
TRACE_EVENT(hash_switch,
	    TP_PROTO(const struct syncmap *map, unsigned int read_len,
		     unsigned int dirty_len),
	    TP_ARGS(map, read_len, dirty_len),
	    TP_STRUCT__entry(__field(const void *, map)
			     __string(name, map->name)
			     __field(unsigned int, read_len)
			     __field(unsigned int, dirty_len)),
	    TP_fast_assign(__entry->map = map;
			   syncmap_assign_str(name, map->name);
			   __entry->read_len = read_len;
			   __entry->dirty_len = dirty_len;),
	    TP_printk("map=%p name=%s read_len=%u dirty_len=%u",
		      __entry->map, __get_str(name), __entry->read_len,
		      __entry->dirty_len)
);

TRACE_EVENT(dirty_miss,
	    TP_PROTO(const struct syncmap *map, bool found, u64 misses,
		     u64 threshold),
	    TP_ARGS(map, found, misses, threshold),
	    TP_STRUCT__entry(__field(const void *, map)
			     __string(name, map->name)
			     __field(bool, found)
			     __field(u64, misses)
			     __field(u64, threshold)),
	    TP_fast_assign(__entry->map = map;
			   syncmap_assign_str(name, map->name);
			   __entry->found = found;
			   __entry->misses = misses;
			   __entry->threshold = threshold;),
	    TP_printk("map=%p name=%s found=%d misses=%llu threshold=%llu",
		      __entry->map, __get_str(name), __entry->found,
		      __entry->misses, __entry->threshold)
);

#endif /* _SYNCMAP_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
