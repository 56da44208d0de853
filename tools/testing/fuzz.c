// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: each input is a sequence of operations run on a fresh
 * map and on the model of Go's sync.Map, through the differential harness
 * (diff.h): every result, every value returned, Go's counters and the
 * event counters are compared after every operation, the contents at the
 * end, and destroying the map must return every allocation.  A difference
 * aborts, so libFuzzer keeps the input.
 *
 * An input is a list of 4-byte records:
 *   byte 0  the operation (mod DIFF_OP_NR) and, in the two top bits, the
 *           buffer a value is copied to: 8 bytes, none, 1 byte, 2 bytes;
 *   byte 1  the key: an index into keys[] below;
 *   byte 2  the value (low nibble) and the old value of CAS/CAD (high),
 *           indexes into values[];
 *   byte 3  faults: bit 7 arms an allocation failure (the nth next, n =
 *           1 + bits 0-2), bit 6 makes an argument oversize (bits 3-4:
 *           key, value or old); bit 5 doubles a walk's chunk.
 * The key and value sets are small on purpose: operations meet on the
 * same keys, values compare equal, and the tables go through all their
 * states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shim.h>

#include "diff.h"
#include "map.h"

#define MAX_OPS	1000

#define S(lit)	{ sizeof(lit) - 1, lit }

static const struct go_str keys[] = {
	S(""), S("a"), S("b"), S("c"), S("d"), S("aa"), S("ab"), S("ba"),
	S("abc"), S("k"), S("\x00"), S("\xff"), S("longkey8"), S("x"), S("y"),
	S("z"),
};

static const struct go_str values[] = {
	S(""), S("0"), S("1"), S("2"), S("00"), S("01"), S("10"), S("v"),
	S("vv"), S("vvv"), S("value"), S("\x00"), S("12345678"), S("w"),
	S("ww"), S("www"),
};

static const u32 buf_sizes[4] = { GO_MODEL_STR, 0, 1, 2 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The same hash keys every run, so a crash reproduces. */
	shim_random_seed(1);
	if (syncmap_core_init())
		abort();
	return 0;
}

static void run_input(const u8 *data, size_t size, u32 engine)
{
	struct diff d;
	struct diff_op op;
	size_t i, n = min(size / 4, (size_t)MAX_OPS);

	if (diff_init(&d, engine))
		abort();
	for (i = 0; i < n && diff_model_room(&d) > 1; i++) {
		const u8 *rec = data + 4 * i;

		memset(&op, 0, sizeof(op));
		op.code = (rec[0] & 0x3f) % DIFF_OP_NR;
		op.buf_size = buf_sizes[rec[0] >> 6];
		op.key = keys[rec[1] % ARRAY_SIZE(keys)];
		op.val = values[rec[2] & 15];
		op.old = values[rec[2] >> 4];
		if (rec[3] & 0x80)
			op.fail_nth = 1 + (rec[3] & 7);
		if (rec[3] & 0x40)
			op.oversize = 1 + ((rec[3] >> 3) & 3) % 3;
		op.chunk = 1 + ((rec[3] >> 5) & 1);
		if (diff_step(&d, &op)) {
			fprintf(stderr, "fuzz: operation %zu: %s\nfuzz: %s\n", i,
				d.op, d.why);
			abort();
		}
	}
	if (diff_finish(&d)) {
		fprintf(stderr, "fuzz: at the end: %s\n", d.why);
		abort();
	}
	if (shim_warnings()) {
		fprintf(stderr, "fuzz: %lu warning(s), see above\n",
			shim_warnings());
		abort();
	}
}

/* Each input runs on a map of each engine. */
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u32 engine;

	for (engine = 0; engine < SYNCMAP_ENGINE_NR; engine++)
		run_input(data, size, engine);
	return 0;
}
