/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * syncmap: userspace ABI.
 *
 * Only fixed-width types; every structure is naturally aligned with
 * explicit padding, so 32-bit and 64-bit callers share one layout.
 * Addresses are passed as __u64.  docs/abi.md documents every ioctl, the
 * errno of each failure and the calls that can fail after taking effect.
 *
 * Extensible structures: the kernel takes the size of the caller's
 * structure from the command (_IOC_SIZE), so a binary built against an
 * older or newer header keeps working.  A structure smaller than its first
 * published version is refused with EINVAL; a larger one whose extra bytes
 * are not all zero with E2BIG.  Output is truncated to the caller's size,
 * and any extra bytes it has are zeroed.  Fields are only ever appended.
 *
 * Flags the kernel does not know and reserved fields that are not zero are
 * refused with EINVAL; unknown commands with ENOTTY.
 */
#ifndef _UAPI_SYNCMAP_H
#define _UAPI_SYNCMAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Longest key and value the map accepts, in bytes. */
#define SYNCMAP_KEY_MAX		512
#define SYNCMAP_VALUE_MAX	(64 * 1024)

/*
 * A map's name: 1 to SYNCMAP_NAME_MAX - 1 bytes of [A-Za-z0-9_.-], not
 * starting with '.'.  In a structure: NUL-terminated, with the bytes after
 * the NUL zero.
 */
#define SYNCMAP_NAME_MAX	64

/* The map that exists from load on and cannot be destroyed. */
#define SYNCMAP_DEFAULT_NAME	"default"

/* Most items one batch call takes. */
#define SYNCMAP_BATCH_MAX	4096

/**
 * struct syncmap_stats - every counter of one map
 *
 * The exact definition of each field is in docs/counters.md.  Booleans
 * are 0 or 1.  Fields are only ever appended.
 */
struct syncmap_stats {
	/* The algorithm's own state. */
	__u64 misses;
	__u64 read_len;
	__u64 dirty_len;
	__u64 dirty_present;
	__u64 amended;
	__u64 len;
	__u64 entries;
	__u64 bytes;
	/* Promotions and dirty-table rebuilds. */
	__u64 promotions;
	__u64 promotions_misses;
	__u64 promotions_range;
	__u64 promotions_compact;
	__u64 dirty_rebuilds;
	__u64 rebuild_copied;
	__u64 rebuild_expunged;
	/* Operations. */
	__u64 loads;
	__u64 read_hits;
	__u64 read_misses;
	__u64 dirty_hits;
	__u64 stores;
	__u64 new_keys;
	__u64 deletes;
	__u64 clears;
	__u64 compactions;
	/* Longest time the map's spinlock was held, in nanoseconds. */
	__u64 lock_hold_max_ns;
	/* The map's &enum syncmap_engine. */
	__u64 engine;
};

/**
 * enum syncmap_engine - the algorithm behind a map
 * @SYNCMAP_ENGINE_GO: Go's sync.Map, counter for counter (the default):
 *                     the first new key after a promotion copies the read
 *                     table into a new dirty table.
 * @SYNCMAP_ENGINE_MERGE: no operation copies on the caller's path: new keys
 *                        go to a table of their own that loads read under
 *                        RCU, merged into the read table off the callers'
 *                        path (docs/design.md).
 * @SYNCMAP_ENGINE_NR: the number of engines.
 */
enum syncmap_engine {
	SYNCMAP_ENGINE_GO,
	SYNCMAP_ENGINE_MERGE,
	SYNCMAP_ENGINE_NR,
};

/* ----- Named maps ----------------------------------------------------- */

/**
 * struct syncmap_ioc_name - a map by name (BIND, DESTROY)
 * @name: the map's name.
 * @flags: none yet, must be 0.
 * @reserved: must be 0.
 */
struct syncmap_ioc_name {
	char name[SYNCMAP_NAME_MAX];
	__u32 flags;
	__u32 reserved;
};

/**
 * struct syncmap_ioc_create - create a named map (CREATE)
 * @name: the new map's name.
 * @mode: permission bits, as a file's (0 to 0777): read allows load,
 *        walk, len, stats and info; write allows the mutations and clear.
 * @flags: SYNCMAP_CREATE_* bits.
 * @max_entries: most entries the map may hold, whatever their state;
 *               0 for no limit.
 * @max_bytes: most bytes for keys, values and per-entry overhead; 0 for
 *             no limit (refused with ENOSPC while the module caps the
 *             total memory of all maps).
 */
struct syncmap_ioc_create {
	char name[SYNCMAP_NAME_MAX];
	__u32 mode;
	__u32 flags;
	__u64 max_entries;
	__u64 max_bytes;
};

/*
 * struct syncmap_ioc_create.flags: also bind the calling file to the new
 * map, atomically (open(2) with O_CREAT|O_EXCL): EEXIST if the name is
 * taken, EBUSY if the file is already bound (nothing is created then).
 * The file gets the access of its open mode whatever @mode says.  Kernels
 * before it refuse the flag with EINVAL.
 */
#define SYNCMAP_CREATE_BIND	(1U << 0)

/*
 * struct syncmap_ioc_create.flags: the new map runs SYNCMAP_ENGINE_MERGE
 * rather than Go's algorithm (docs/design.md).  Kernels before it refuse
 * the flag with EINVAL.
 */
#define SYNCMAP_CREATE_MERGE	(1U << 1)

/**
 * struct syncmap_ioc_chmod - change a map's permission bits (CHMOD)
 * @name: the map's name.
 * @mode: the new bits, 0 to 0777.
 * @flags: none yet, must be 0.
 */
struct syncmap_ioc_chmod {
	char name[SYNCMAP_NAME_MAX];
	__u32 mode;
	__u32 flags;
};

/* struct syncmap_map_info.state */
#define SYNCMAP_STATE_DEFAULT	(1U << 0)	/* the default map */
#define SYNCMAP_STATE_DESTROYED	(1U << 1)	/* name gone, still bound */

/**
 * struct syncmap_map_info - one map (INFO; an element of LIST)
 * @name: INFO: in, the map's name, or "" for the map this file is bound
 *        to; out, the map's name.
 * @flags: INFO: in, none yet, must be 0.  Out: 0.
 * @uid: owner, in the caller's user namespace.
 * @gid: group, in the caller's user namespace.
 * @mode: permission bits.
 * @len: live entries.
 * @max_entries: limit set at create, 0 for none.
 * @max_bytes: limit set at create, 0 for none.
 * @bytes: bytes held for keys, values and per-entry overhead.
 * @state: SYNCMAP_STATE_* bits.
 * @engine: its &enum syncmap_engine (0, Go's, from kernels before it).
 *
 * Fields other than @name and @flags are ignored on input.
 */
struct syncmap_map_info {
	char name[SYNCMAP_NAME_MAX];
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u64 len;
	__u64 max_entries;
	__u64 max_bytes;
	__u64 bytes;
	__u32 state;
	__u32 engine;
};

/**
 * struct syncmap_ioc_list - the maps the caller may read, by name (LIST)
 * @maps: address of an array of @count elements of @info_size bytes.
 * @count: in, room in @maps; out, elements written.
 * @info_size: size of one element as the caller knows it, at least the
 *             first published size of struct syncmap_map_info.
 * @after: list the maps whose names sort after this one ("" from the
 *         first): pass the last name returned to get the next page.
 * @flags: none yet, must be 0.
 * @total: out, how many maps the caller may read in all.
 *
 * Names sort as unsigned bytes (strcmp).
 */
struct syncmap_ioc_list {
	__u64 maps;
	__u32 count;
	__u32 info_size;
	char after[SYNCMAP_NAME_MAX];
	__u32 flags;
	__u32 total;
};

/* ----- Operations on the bound map ------------------------------------ */

/**
 * struct syncmap_ioc_op - one operation on the bound map
 * @key: address of the key.
 * @value: address of the value to store (STORE, LOAD_OR_STORE, SWAP) or
 *         of the new value (CAS).
 * @old: address of the expected value (CAS, CAD).
 * @buf: address of the buffer receiving a value (LOAD: the value;
 *       LOAD_OR_STORE: the value now in the map; LOAD_AND_DELETE and
 *       SWAP: the previous value).  May be 0 when @buf_size is 0.
 * @key_len: length of the key, at most SYNCMAP_KEY_MAX.
 * @value_len: length of @value, at most SYNCMAP_VALUE_MAX.
 * @old_len: length of @old, at most SYNCMAP_VALUE_MAX.
 * @buf_size: size of @buf.
 * @out_len: out, length of the value written to @buf; with ERANGE, the
 *           size @buf needs.
 * @result: out, 1 if the key was found or the operation happened, 0 if
 *          not (docs/abi.md gives the meaning for each command).
 * @flags: none yet, must be 0.
 * @reserved: must be 0.
 *
 * Fields a command does not use must be 0.
 */
struct syncmap_ioc_op {
	__u64 key;
	__u64 value;
	__u64 old;
	__u64 buf;
	__u32 key_len;
	__u32 value_len;
	__u32 old_len;
	__u32 buf_size;
	__u32 out_len;
	__u32 result;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct syncmap_ioc_clear - remove every key (CLEAR)
 * @flags: none yet, must be 0.
 * @reserved: must be 0.
 */
struct syncmap_ioc_clear {
	__u32 flags;
	__u32 reserved;
};

/**
 * struct syncmap_ioc_len - live entries of the bound map (LEN)
 * @len: out.
 */
struct syncmap_ioc_len {
	__u64 len;
};

/* ----- Batches -------------------------------------------------------- */

/**
 * struct syncmap_batch_item - one key of a batch
 * @key: address of the key.
 * @value: BATCH_STORE: address of the value.  BATCH_LOAD: address of the
 *         buffer receiving the value.  BATCH_DELETE: must be 0.
 * @key_len: length of the key.
 * @value_len: BATCH_STORE: length of the value.  BATCH_LOAD: in, size of
 *             the buffer; out, length of the value (with ERANGE, the size
 *             needed; 0 when absent).  BATCH_DELETE: must be 0.
 * @result: out, what the single operation returns: 1 or 0 (found or
 *          not; BATCH_STORE: 0), or a negative errno for this item.
 * @flags: none yet, must be 0 (else this item fails with -EINVAL).
 */
struct syncmap_batch_item {
	__u64 key;
	__u64 value;
	__u32 key_len;
	__u32 value_len;
	__s32 result;
	__u32 flags;
};

/* struct syncmap_ioc_batch.flags */
#define SYNCMAP_BATCH_STOP	(1U << 0)	/* stop at the first failing item */

/**
 * struct syncmap_ioc_batch - many keys in one call
 *	(BATCH_LOAD, BATCH_STORE, BATCH_DELETE)
 * @items: address of an array of @count items of @item_size bytes.
 * @count: number of items, at most SYNCMAP_BATCH_MAX.
 * @item_size: size of one item as the caller knows it, at least the first
 *             published size of struct syncmap_batch_item; the bytes of an
 *             item beyond the kernel's size must be zero (else the item
 *             fails with -E2BIG).
 * @done: out, items processed, in order (all of them unless
 *        SYNCMAP_BATCH_STOP stopped at a failing one).
 * @flags: SYNCMAP_BATCH_*.
 *
 * Items run in order, each exactly as the single operation would.  A
 * failing item stores its negative errno in @result and, without
 * SYNCMAP_BATCH_STOP, the others go on; the call itself succeeds.
 */
struct syncmap_ioc_batch {
	__u64 items;
	__u32 count;
	__u32 item_size;
	__u32 done;
	__u32 flags;
};

/* ----- Iteration ------------------------------------------------------ */

/**
 * struct syncmap_walk_entry - one record of a WALK buffer
 * @key_len: length of the key that follows.
 * @value_len: length of the value that follows the key.
 *
 * Followed by the key's bytes, then the value's, then zero bytes up to a
 * multiple of 8: the next record starts SYNCMAP_WALK_ENTRY_SIZE() bytes
 * after this one.
 */
struct syncmap_walk_entry {
	__u32 key_len;
	__u32 value_len;
};

#define SYNCMAP_WALK_ENTRY_SIZE(key_len, value_len) \
	((sizeof(struct syncmap_walk_entry) + (key_len) + (value_len) + 7) & \
	 ~(__u64)7)

/* A buffer this large always holds at least one record. */
#define SYNCMAP_WALK_BUF_MIN \
	SYNCMAP_WALK_ENTRY_SIZE(SYNCMAP_KEY_MAX, SYNCMAP_VALUE_MAX)

/* struct syncmap_ioc_walk.flags */
#define SYNCMAP_WALK_END	(1U << 0)	/* end the walk now */

/**
 * struct syncmap_ioc_walk - walk the bound map in chunks (WALK)
 * @cursor: in, 0 to start a walk, else the cursor the previous call of
 *          this walk returned; out, the cursor for the next call, or 0
 *          when the walk is complete.
 * @buf: address of the buffer receiving struct syncmap_walk_entry
 *       records.
 * @buf_size: size of @buf.
 * @count: out, records written.
 * @bytes: out, bytes written to @buf; with ERANGE, the size the next
 *         record needs (the walk stays where it was).
 * @flags: SYNCMAP_WALK_*.
 *
 * A walk promotes the map once, at its start, as Go's Range does, then
 * returns every key that is present and unchanged for the whole walk
 * exactly once; keys stored during the walk may or may not appear.  One
 * walk at a time per open file: starting one ends the previous one, and
 * a cursor of an ended walk is refused with EINVAL.
 */
struct syncmap_ioc_walk {
	__u64 cursor;
	__u64 buf;
	__u32 buf_size;
	__u32 count;
	__u32 bytes;
	__u32 flags;
};

/* ----- Observability and tuning ------------------------------------- */

/**
 * struct syncmap_policy - when the dirty table is promoted (POLICY_GET/SET)
 * @multiplier: the threshold is @multiplier times len(dirty); 0 reads as 1.
 *              At most SYNCMAP_POLICY_MULT_MAX.
 * @adaptive: 1 to scale the threshold by a factor the map learns from
 *            the cost of misses against the cost of rebuilds
 *            (docs/observability.md); 0 for a fixed threshold.
 * @floor: the threshold is at least this; 0 for no floor.
 * @ceiling: the threshold is at most this; 0 for no ceiling.  Wins over
 *           @floor.
 * @scale: out only: the adaptive factor in quarters (4 is 1.0).
 * @flags: none yet, must be 0.
 *
 * All zero is Go's rule: promote when misses >= len(dirty).
 */
struct syncmap_policy {
	__u32 multiplier;
	__u32 adaptive;
	__u64 floor;
	__u64 ceiling;
	__u32 scale;
	__u32 flags;
};

#define SYNCMAP_POLICY_MULT_MAX	1024

/* struct syncmap_health.warn: the checks that are "warn". */
#define SYNCMAP_HEALTH_LEAK	(1U << 0)	/* leak ratio below 0.7 */
#define SYNCMAP_HEALTH_STALE	(1U << 1)	/* read staleness above 0.3 */
#define SYNCMAP_HEALTH_BLOAT	(1U << 2)	/* dirty bloat above 2.0 */

/**
 * struct syncmap_health - the health checks of the bound map (HEALTH)
 * @live: live entries (len).
 * @keys: distinct keys held by read and dirty together.
 * @read_len: entries of the read table.
 * @read_stale: entries of the read table whose value is nil or expunged.
 * @dirty_len: entries of the dirty table, 0 when absent.
 * @dirty_present: 1 when the dirty table exists.
 * @read_bytes: bytes of the read table (header and slots).
 * @dirty_bytes: bytes of the dirty table, 0 when absent.
 * @leak_ratio: @live / @keys in thousandths; 1000 when @keys is 0.
 * @staleness: @read_stale / @read_len in thousandths; 0 when empty.
 * @bloat: @dirty_len / max(@read_len, 1) in thousandths; 0 when dirty
 *         is absent.
 * @warn: SYNCMAP_HEALTH_* bits, decided on the exact ratios.
 *
 * docs/observability.md defines each check.
 */
struct syncmap_health {
	__u64 live;
	__u64 keys;
	__u64 read_len;
	__u64 read_stale;
	__u64 dirty_len;
	__u64 dirty_present;
	__u64 read_bytes;
	__u64 dirty_bytes;
	__u32 leak_ratio;
	__u32 staleness;
	__u32 bloat;
	__u32 warn;
};

/**
 * struct syncmap_ioc_compact - compact the bound map, or zero its event
 *	counters (COMPACT, RESET_STATS)
 * @flags: none yet, must be 0.
 * @reserved: must be 0.
 */
struct syncmap_ioc_compact {
	__u32 flags;
	__u32 reserved;
};

/*
 * The first published size of each structure: the smallest the kernel
 * takes (a smaller one gives EINVAL).
 */
#define SYNCMAP_STATS_SIZE_VER0		200	/* up to lock_hold_max_ns */
#define SYNCMAP_STATS_SIZE_VER1		208	/* engine */
#define SYNCMAP_IOC_NAME_SIZE_VER0	72
#define SYNCMAP_IOC_CREATE_SIZE_VER0	88
#define SYNCMAP_IOC_CHMOD_SIZE_VER0	72
#define SYNCMAP_MAP_INFO_SIZE_VER0	120
#define SYNCMAP_IOC_LIST_SIZE_VER0	88
#define SYNCMAP_IOC_OP_SIZE_VER0	64
#define SYNCMAP_IOC_CLEAR_SIZE_VER0	8
#define SYNCMAP_IOC_LEN_SIZE_VER0	8
#define SYNCMAP_BATCH_ITEM_SIZE_VER0	32
#define SYNCMAP_IOC_BATCH_SIZE_VER0	24
#define SYNCMAP_IOC_WALK_SIZE_VER0	32
#define SYNCMAP_POLICY_SIZE_VER0	32
#define SYNCMAP_HEALTH_SIZE_VER0	80
#define SYNCMAP_IOC_COMPACT_SIZE_VER0	8

/* ----- Commands ------------------------------------------------------- */

/*
 * 'J' is free in Documentation/userspace-api/ioctl/ioctl-number.rst.
 * Numbers 0x00-0x0f: named maps; 0x10-0x1f: operations; 0x20-0x2f:
 * batches and iteration; 0x30-0x3f: observability and tuning.
 */
#define SYNCMAP_IOC_MAGIC	'J'

#define SYNCMAP_IOC_BIND	_IOW(SYNCMAP_IOC_MAGIC, 0x00, struct syncmap_ioc_name)
#define SYNCMAP_IOC_CREATE	_IOW(SYNCMAP_IOC_MAGIC, 0x01, struct syncmap_ioc_create)
#define SYNCMAP_IOC_DESTROY	_IOW(SYNCMAP_IOC_MAGIC, 0x02, struct syncmap_ioc_name)
#define SYNCMAP_IOC_CHMOD	_IOW(SYNCMAP_IOC_MAGIC, 0x03, struct syncmap_ioc_chmod)
#define SYNCMAP_IOC_INFO	_IOWR(SYNCMAP_IOC_MAGIC, 0x04, struct syncmap_map_info)
#define SYNCMAP_IOC_LIST	_IOWR(SYNCMAP_IOC_MAGIC, 0x05, struct syncmap_ioc_list)

#define SYNCMAP_IOC_LOAD	_IOWR(SYNCMAP_IOC_MAGIC, 0x10, struct syncmap_ioc_op)
#define SYNCMAP_IOC_STORE	_IOWR(SYNCMAP_IOC_MAGIC, 0x11, struct syncmap_ioc_op)
#define SYNCMAP_IOC_LOAD_OR_STORE _IOWR(SYNCMAP_IOC_MAGIC, 0x12, struct syncmap_ioc_op)
#define SYNCMAP_IOC_LOAD_AND_DELETE _IOWR(SYNCMAP_IOC_MAGIC, 0x13, struct syncmap_ioc_op)
#define SYNCMAP_IOC_DELETE	_IOWR(SYNCMAP_IOC_MAGIC, 0x14, struct syncmap_ioc_op)
#define SYNCMAP_IOC_SWAP	_IOWR(SYNCMAP_IOC_MAGIC, 0x15, struct syncmap_ioc_op)
#define SYNCMAP_IOC_CAS		_IOWR(SYNCMAP_IOC_MAGIC, 0x16, struct syncmap_ioc_op)
#define SYNCMAP_IOC_CAD		_IOWR(SYNCMAP_IOC_MAGIC, 0x17, struct syncmap_ioc_op)
#define SYNCMAP_IOC_CLEAR	_IOW(SYNCMAP_IOC_MAGIC, 0x18, struct syncmap_ioc_clear)
#define SYNCMAP_IOC_LEN		_IOR(SYNCMAP_IOC_MAGIC, 0x19, struct syncmap_ioc_len)
#define SYNCMAP_IOC_STATS	_IOR(SYNCMAP_IOC_MAGIC, 0x1a, struct syncmap_stats)

#define SYNCMAP_IOC_BATCH_LOAD	_IOWR(SYNCMAP_IOC_MAGIC, 0x20, struct syncmap_ioc_batch)
#define SYNCMAP_IOC_BATCH_STORE	_IOWR(SYNCMAP_IOC_MAGIC, 0x21, struct syncmap_ioc_batch)
#define SYNCMAP_IOC_BATCH_DELETE _IOWR(SYNCMAP_IOC_MAGIC, 0x22, struct syncmap_ioc_batch)
#define SYNCMAP_IOC_WALK	_IOWR(SYNCMAP_IOC_MAGIC, 0x28, struct syncmap_ioc_walk)

#define SYNCMAP_IOC_POLICY_GET	_IOR(SYNCMAP_IOC_MAGIC, 0x30, struct syncmap_policy)
#define SYNCMAP_IOC_POLICY_SET	_IOW(SYNCMAP_IOC_MAGIC, 0x31, struct syncmap_policy)
#define SYNCMAP_IOC_COMPACT	_IOW(SYNCMAP_IOC_MAGIC, 0x32, struct syncmap_ioc_compact)
#define SYNCMAP_IOC_HEALTH	_IOR(SYNCMAP_IOC_MAGIC, 0x33, struct syncmap_health)
#define SYNCMAP_IOC_RESET_STATS	_IOW(SYNCMAP_IOC_MAGIC, 0x34, struct syncmap_ioc_compact)

#endif /* _UAPI_SYNCMAP_H */
