#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: build syncmap, bench/syncmap_bench.ko and the userspace
# benchmark, run the full benchmark on each platform, then write
# docs/bench.md and the plots docs/bench-*.png from the results of all of
# them (bench/report.py).  The platforms, one after the other:
#
#   uml   User-Mode Linux (uml-bench-6.12: no debug options): kernel code
#         runs natively, as a host process, on one CPU
#   tcg   Debian's stock 6.12 in QEMU (TCG, 2 vCPUs): SMP, every guest
#         instruction emulated
#
# Both run the module built from one snapshot of the source.
#
# Environment (each knob marked * can be given per platform, which wins:
# BENCH_UML_PASSES=3 BENCH_TCG_PASSES=1):
#   BENCH_PLATFORMS     the platforms to run, in order ("uml tcg")
#   BENCH_DURATION_MS*  length of each timed run (300)
#   BENCH_SIZES*        sizes of the read workloads (1024,100000,1000000)
#   BENCH_PASSES*       passes of the whole module benchmark (2)
#   BENCH_POLICIES*     syncmap promotion policies to compare, blank-separated
#                       module parameter sets, commas inside one set
#   BENCH_UBENCH_ARGS*  arguments of the userspace program (UML: -t 1 added)
#   BENCH_PARAMS*       the module's parameters of each pass, replacing
#                       the three above (e.g. "" for its smoke defaults)
#   BENCH_UBENCH*       0 to skip the userspace benchmark
#   BENCH_MEM*          guest memory (4G)
#   BENCH_TIMEOUT*      seconds before the guest is killed (uml 1800, tcg 7200)
#   BENCH_REPORT        where to write the report (docs/bench.md); "none"
#                       to keep only the raw logs
#   BENCH_SOURCE        a commit to benchmark (git archive); unset: the
#                       working tree as it is when the run starts
#   BENCH_KERNEL        the TCG kernel, a name of scripts/lib.sh (debian-6.12),
#   BENCH_KDIR          or a kernel build tree, with BENCH_IMAGE its image
#   BENCH_UML_KERNEL    the UML kernel (uml-bench-6.12), or
#   BENCH_UML_KDIR      a UML build tree (its program: BENCH_UML_IMAGE)
#
# On UML the module runs one thread (threads=1) and the userspace program
# -t 1: one CPU.  On TCG the module runs one thread per vCPU and, with
# single=1, one thread.  The passes include the 16- and 64-byte key
# workloads and LoadMostlyHitsWhileStoring (1 reader + 1 writer: TCG only,
# the module skips it on one CPU); on TCG they stop at 100k keys
# (extra_max_size).
#
# Raw results: build/bench/<date>/<platform>/results.txt, with the guest's
# console beside it (console.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

platforms=${BENCH_PLATFORMS:-uml tcg}
report=${BENCH_REPORT:-$SYNCMAP_ROOT/docs/bench.md}
go_workloads=LoadMostlyHits,LoadMostlyMisses,LoadOrStoreBalanced,LoadOrStoreUnique,LoadOrStoreCollision,LoadAndDeleteBalanced,Range,AdversarialAlloc,AdversarialDelete,SwapMostlyHits,SwapMostlyMisses,CompareAndSwapMostlyHits,Clear

for plat in $platforms; do
	case $plat in
	uml | tcg) ;;
	*) die "unknown platform '$plat' in BENCH_PLATFORMS (uml, tcg)" ;;
	esac
done
[ -n "$platforms" ] || die "BENCH_PLATFORMS is empty"

# knob NAME DEFAULT: BENCH_<PLATFORM>_NAME, else BENCH_NAME, else DEFAULT;
# set but empty counts as set.
knob() {
	local v=BENCH_${plat^^}_$1

	if [ -n "${!v+set}" ]; then
		echo "${!v}"
		return
	fi
	v=BENCH_$1
	if [ -n "${!v+set}" ]; then
		echo "${!v}"
		return
	fi
	echo "$2"
}

[ -n "${BENCH_NO_DEPS:-}" ] || "$SYNCMAP_ROOT/scripts/deps.sh"

work=$SYNCMAP_BUILD/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$work"

# 1. One snapshot of the source for every platform, and what it was.
if [ -n "${BENCH_SOURCE:-}" ]; then
	rev=$(git -C "$SYNCMAP_ROOT" rev-parse --verify "$BENCH_SOURCE^{commit}") ||
		die "BENCH_SOURCE=$BENCH_SOURCE is not a commit"
	mkdir -p "$work/src"
	git -C "$SYNCMAP_ROOT" archive "$rev" | tar -C "$work/src" -x
	source=$(git -C "$SYNCMAP_ROOT" describe --always "$rev")
	dirty=
else
	copy_module_source "$work/src"
	source=$(git -C "$SYNCMAP_ROOT" describe --always --dirty 2>/dev/null || echo unknown)
	# What differs from the commit among the files that are measured.
	dirty=$(git -C "$SYNCMAP_ROOT" status --porcelain -- Kbuild kmod include bench 2>/dev/null |
		awk '{ print $NF }' | paste -sd, -)
fi
say "benchmarking $source${dirty:+ (uncommitted: $dirty)}; results in $work"
# Only the map and the benchmark: other modules of the tree are not needed
# here (and a work in progress there must not stop the benchmark).
sed -i -E '/^obj-m \+= /{/ kmod\/$| bench\/syncmap_bench\.o$/!d}' "$work/src/Kbuild"

# 2. Userspace, static, from the same snapshot: the benchmark program and
# syncmapctl.  UML runs the same x86_64 programs.
make -C "$work/src/bench" OUTPUT="$work/ubench/" >"$work/ubench.log" 2>&1 ||
	die "userspace benchmark build failed: see $work/ubench.log"
if ! LDFLAGS=-static make -C "$work/src/tools" OUTPUT="$work/tools/" \
	>"$work/tools.log" 2>&1; then
	say "syncmapctl did not build (see $work/tools.log); its batch row is skipped"
fi

# 3. The initramfs common to the platforms: busybox, the programs, and
# bench/guest.sh as /init.
base=$work/initramfs
mkdir -p "$base"/{bin,dev,etc,modules/bench,proc,sys,tmp,usr/bin}
cp "$work/ubench/syncmap_ubench" "$base/usr/bin/"
[ ! -x "$work/tools/syncmapctl" ] || cp "$work/tools/syncmapctl" "$base/usr/bin/"
cp /bin/busybox "$base/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$base/bin/$applet"
done
install -m 755 "$SYNCMAP_ROOT/bench/guest.sh" "$base/init"

results=()
for plat in $platforms; do
	pwork=$work/$plat
	mkdir -p "$pwork"

	# 4. The platform's kernel.
	if [ "$plat" = uml ]; then
		if [ -n "${BENCH_UML_KDIR:-}" ]; then
			KDIR=$BENCH_UML_KDIR
			KIMAGE=${BENCH_UML_IMAGE:-$KDIR/linux}
			kname=$(basename "$KDIR")
		else
			kname=${BENCH_UML_KERNEL:-uml-bench-6.12}
			kernel_paths "$kname" || exit 1
		fi
		kernel_is_uml "$KDIR" || die "uml: $KDIR is not a User-Mode Linux tree"
		threads=threads=1
		pthreads=" threads=1"
		ubench_extra="-t 1"
		dtimeout=1800
	else
		if [ -n "${BENCH_KDIR:-}" ]; then
			KDIR=$BENCH_KDIR
			KIMAGE=${BENCH_IMAGE:-$KDIR/arch/x86/boot/bzImage}
			kname=$(basename "$KDIR")
		else
			kname=${BENCH_TCG_KERNEL:-${BENCH_KERNEL:-debian-6.12}}
			kernel_paths "$kname" || exit 1
		fi
		! kernel_is_uml "$KDIR" || die "tcg: $KDIR is a User-Mode Linux tree"
		# The 16/64-byte key and mixed workloads up to 100k keys: their
		# 1M-key setups would add many emulated minutes.
		threads="single=1 extra_max_size=100000"
		pthreads=
		ubench_extra=
		dtimeout=7200
	fi
	duration=$(knob DURATION_MS 300)
	bsizes=$(knob SIZES 1024,100000,1000000)
	passes=$(knob PASSES 2)
	policies=$(knob POLICIES "multiplier=4 floor=4096 ceiling=64 adaptive=1")
	ubench_args="$(knob UBENCH_ARGS "-M 262144") $ubench_extra"
	params=$(knob PARAMS "duration_ms=$duration sizes=$bsizes sweep_step=1 $threads")
	mem=$(knob MEM 4G)
	timeout=$(knob TIMEOUT $dtimeout)

	# 5. The modules, against this kernel.
	cp -a "$work/src" "$pwork/src"
	say "$plat: building the modules against $(basename "$KDIR")"
	kernel_make "$KDIR" -j"$(nproc)" M="$pwork/src" modules >"$pwork/modules.log" 2>&1 ||
		die "$plat: module build failed: see $pwork/modules.log"
	root=$pwork/initramfs
	cp -a "$base" "$root"
	cp "$pwork/src/kmod/syncmap.ko" "$root/modules/"
	cp "$pwork/src/bench/syncmap_bench.ko" "$root/modules/bench/"
	cat >"$root/etc/bench.conf" <<-EOF
	BENCH_PLATFORM=$plat
	BENCH_PASSES=$passes
	BENCH_PARAMS="$params"
	BENCH_POLICY_PARAMS="duration_ms=$duration sizes=1024 impls=syncmap,rwlock workloads=$go_workloads$pthreads"
	BENCH_POLICIES="$policies"
	BENCH_UBENCH_ARGS="$ubench_args"
	BENCH_UBENCH=$(knob UBENCH 1)
	EOF
	"$SYNCMAP_ROOT/scripts/mkinitramfs.py" "$root" "$pwork/initrd.gz"

	# 6. Boot; the results come on the guest's second serial line.
	say "$plat: booting $(basename "$KIMAGE") with $mem (timeout ${timeout}s)"
	load0=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)
	start=$(date +%s)
	: >"$pwork/console.log"
	: >"$pwork/results.log"
	rc=0
	# shellcheck disable=SC2016	# expanded by the inner shell
	timeout --kill-after=10 "$timeout" bash -c '. "$0"; boot_guest "$@"' \
		"$SYNCMAP_ROOT/scripts/lib.sh" "$KIMAGE" "$KDIR" "$pwork/initrd.gz" \
		"$mem" "quiet loglevel=4 log_buf_len=8M oops=panic" \
		"$pwork/console.log" "$pwork/results.log" "$pwork/guest.log" || rc=$?
	wall=$(($(date +%s) - start))
	{
		tr -d '\r' <"$pwork/results.log"
		echo "@@bench host platform=$plat kernel_name=$kname source=$source" \
			"dirty=${dirty:-none} wall_s=$wall loadavg_start=$load0" \
			"loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
	} >"$pwork/results.txt"
	say "$plat: the guest ran for ${wall}s (exit status $rc)"
	[ "$rc" = 0 ] || die "$plat: the guest failed or timed out: see $pwork/console.log, $pwork/guest.log"
	grep -q '^@@bench done' "$pwork/results.txt" ||
		die "$plat: the guest did not finish: see $pwork/console.log and $pwork/results.txt"
	if grep -qE 'BUG:|WARNING:|Oops|Call Trace' "$pwork/console.log"; then
		die "$plat: the kernel complained: see $pwork/console.log"
	fi
	results+=("$pwork/results.txt")
done

# 7. The report, from every platform's results.
[ "$report" = none ] && exit 0
"$SYNCMAP_ROOT/bench/report.py" --out "$report" --plots "$(dirname "$report")" \
	--plot-prefix "$(basename "$report" .md)" \
	"${results[@]}"
say "wrote $report"
