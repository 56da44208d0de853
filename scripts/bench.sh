#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: build syncmap, bench/syncmap_bench.ko and the userspace
# benchmark against Debian's stock 6.12 kernel, boot it in QEMU (TCG, 2
# vCPUs), run the full benchmark there, then write docs/bench.md and the
# plots docs/bench-*.png from the results (bench/report.py).
#
# Environment:
#   BENCH_DURATION_MS   length of each timed run (300)
#   BENCH_SIZES         sizes of the read workloads (1024,100000,1000000)
#   BENCH_PASSES        passes of the whole module benchmark (2)
#   BENCH_POLICIES      syncmap promotion policies to compare, blank-separated
#                       module parameter sets, commas inside one set
#   BENCH_UBENCH_ARGS   arguments of the userspace program
#   BENCH_REPORT        where to write the report (docs/bench.md); "none"
#                       to keep only the raw log
#   BENCH_PARAMS        the module's parameters of each pass, replacing
#                       the three above (e.g. "" for its smoke defaults)
#   BENCH_UBENCH        0 to skip the userspace benchmark
#   BENCH_KERNEL        a kernel name of scripts/lib.sh (debian-6.12), or
#   BENCH_KDIR          a kernel build tree, with BENCH_IMAGE its image
#   BENCH_MEM           guest memory (4G)
#
# Raw results: build/bench/<date>/results.log; console: console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

duration=${BENCH_DURATION_MS:-300}
bsizes=${BENCH_SIZES:-1024,100000,1000000}
passes=${BENCH_PASSES:-2}
policies=${BENCH_POLICIES-multiplier=4 floor=4096 ceiling=64 adaptive=1}
ubench_args=${BENCH_UBENCH_ARGS:--M 262144}
go_workloads=LoadMostlyHits,LoadMostlyMisses,LoadOrStoreBalanced,LoadOrStoreUnique,LoadOrStoreCollision,LoadAndDeleteBalanced,Range,AdversarialAlloc,AdversarialDelete,SwapMostlyHits,CompareAndSwapMostlyHits,Clear
report=${BENCH_REPORT:-$SYNCMAP_ROOT/docs/bench.md}
kname=${BENCH_KERNEL:-debian-6.12}
mem=${BENCH_MEM:-4G}
timeout=${BENCH_TIMEOUT:-7200}

[ -n "${BENCH_NO_DEPS:-}" ] || "$SYNCMAP_ROOT/scripts/deps.sh"
if [ -n "${BENCH_KDIR:-}" ]; then
	KDIR=$BENCH_KDIR
	KIMAGE=${BENCH_IMAGE:-$KDIR/arch/x86/boot/bzImage}
else
	kernel_paths "$kname" || exit 1
fi

work=$SYNCMAP_BUILD/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$work"
root=$work/initramfs
mkdir -p "$root"/{bin,dev,etc,modules,proc,sys,tmp,usr/bin}

# 1. The modules.
copy_module_source "$work/src"
# Only the map and the benchmark: other modules of the tree are not needed
# here (and a work in progress there must not stop the benchmark).
sed -i -E '/^obj-m \+= /{/ kmod\/$| bench\/syncmap_bench\.o$/!d}' "$work/src/Kbuild"
say "building the modules against $(basename "$KDIR")"
make -C "$KDIR" M="$work/src" modules >"$work/modules.log" 2>&1 ||
	die "module build failed: see $work/modules.log"
mkdir -p "$root/modules/bench"
cp "$work/src/kmod/syncmap.ko" "$root/modules/"
cp "$work/src/bench/syncmap_bench.ko" "$root/modules/bench/"

# 2. Userspace, static: the benchmark program and syncmapctl.
make -C "$SYNCMAP_ROOT/bench" OUTPUT="$work/ubench/" >"$work/ubench.log" 2>&1 ||
	die "userspace benchmark build failed: see $work/ubench.log"
cp "$work/ubench/syncmap_ubench" "$root/usr/bin/"
if LDFLAGS=-static make -C "$SYNCMAP_ROOT/tools" OUTPUT="$work/tools/" \
	>"$work/tools.log" 2>&1; then
	cp "$work/tools/syncmapctl" "$root/usr/bin/"
else
	say "syncmapctl did not build (see $work/tools.log); its batch row is skipped"
fi

# 3. The initramfs: busybox and bench/guest.sh as /init.
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
install -m 755 "$SYNCMAP_ROOT/bench/guest.sh" "$root/init"
cat >"$root/etc/bench.conf" <<EOF
BENCH_PASSES=$passes
BENCH_PARAMS="${BENCH_PARAMS-duration_ms=$duration sizes=$bsizes sweep_step=1 single=1}"
BENCH_POLICY_PARAMS="duration_ms=$duration sizes=1024 impls=syncmap,rwlock workloads=$go_workloads"
BENCH_POLICIES="$policies"
BENCH_UBENCH_ARGS="$ubench_args"
BENCH_UBENCH=${BENCH_UBENCH:-1}
EOF
"$SYNCMAP_ROOT/scripts/mkinitramfs.py" "$root" "$work/initrd.gz"

# 4. Boot; the results come on the second serial port.
say "booting $(basename "$KIMAGE") with $mem (timeout ${timeout}s); results in $work"
start=$(date +%s)
timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
	-accel tcg,thread=multi -smp 2 -m "$mem" \
	-kernel "$KIMAGE" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=4 log_buf_len=8M panic=-1 oops=panic" \
	-nodefaults -display none -no-reboot -net none \
	-serial file:"$work/console.log" -serial file:"$work/results.log" \
	>"$work/qemu.log" 2>&1 || die "qemu failed or timed out: see $work/console.log"
{
	tr -d '\r' <"$work/results.log"
	echo "@@bench host loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$work/results.txt"
say "guest ran for $(($(date +%s) - start))s"
grep -q '^@@bench done' "$work/results.txt" ||
	die "the guest did not finish: see $work/console.log and $work/results.txt"
if grep -qE 'BUG:|WARNING:|Oops|Call Trace' "$work/console.log"; then
	die "the kernel complained: see $work/console.log"
fi

# 5. The report.
[ "$report" = none ] && exit 0
"$SYNCMAP_ROOT/bench/report.py" --kernel "$(basename "$KIMAGE")" \
	--out "$report" --plots "$(dirname "$report")" "$work/results.txt"
say "wrote $report"
