#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build syncmap for a kernel, boot that kernel in QEMU with a busybox
# initramfs, load the modules, run the KUnit suites and kselftests, unload,
# power off, and judge the run from the logs.  A User-Mode Linux kernel
# runs the same initramfs as a host process instead of in QEMU.
#
# Usage: scripts/vm-run.sh [--name NAME] [--timeout SECONDS] [--demo | --kunit]
#                         [--prebuilt SYNCMAP_KO] IMAGE KDIR
#
#   --demo   load the map and run scripts/demo-guest.sh (make demo)
#   --kunit  load the map and the KUnit modules only, collect their results
#            and unload: the inner loop for KUnit work (make kunit)
#
#   IMAGE  the kernel image (bzImage, /boot/vmlinuz-*, or UML's `linux`)
#   KDIR   its build tree or headers, to build the modules against
#
# The guest runs scripts/guest/init, which runs the steps in
# scripts/guest/steps/ (see there to add one).  The run's work files are in
# build/vm/NAME/; its logs in build/logs/NAME.log (console, then the results
# channel).  Prints "NAME: N passed, N failed" and writes "passed failed
# skipped" to build/vm/NAME/counts; exits 1 on any failure.
#
# The guest is stopped, and the run fails, if it prints nothing for
# SYNCMAP_VM_IDLE seconds (300) or runs longer than --timeout /
# SYNCMAP_VM_TIMEOUT (1800): a loaded host slows TCG down a lot, so the
# limit that catches hangs is the one on silence.
#
# Environment: SYNCMAP_VM_USERSPACE (where to build the static userspace
# programs, to share them between runs), SYNCMAP_VM_APPEND (more kernel
# parameters), SYNCMAP_TEST_TIMEOUT (300, per kselftest binary),
# SYNCMAP_TORTURE_DURATION and SYNCMAP_FUZZ_CALLS (make torture; the
# guest's defaults are short).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=
timeout=${SYNCMAP_VM_TIMEOUT:-1800}
idle=${SYNCMAP_VM_IDLE:-300}
mode="test"
prebuilt=
while [ $# -gt 0 ]; do
	case $1 in
	--name)		name=$2; shift 2 ;;
	--timeout)	timeout=$2; shift 2 ;;
	--demo)		mode=demo; shift ;;
	--kunit)	mode=kunit; shift ;;
	--prebuilt)	prebuilt=$2; shift 2 ;;
	-*)		die "unknown option $1" ;;
	*)		break ;;
	esac
done
[ $# -eq 2 ] || die "usage: $0 [--name NAME] [--timeout SECONDS] [--demo | --kunit] IMAGE KDIR"
image=$1
kdir=$(cd "$2" && pwd)
name=${name:-$(basename "$kdir")}
[ -r "$image" ] || die "cannot read kernel image $image"

work=$SYNCMAP_BUILD/vm/$name
logs=$SYNCMAP_BUILD/logs
mkdir -p "$SYNCMAP_BUILD/vm" "$logs"
exec 9>"$SYNCMAP_BUILD/vm/.$name.lock"
flock 9
rm -rf "$work"
mkdir -p "$work"

# Failures found before the VM boots, as "fail NAME DETAIL" lines.
prefail=$work/prefail
: >"$prefail"
build_step() {	# build_step NAME LOG CMD...
	local step=$1 log=$2

	shift 2
	if ! "$@" >"$log" 2>&1; then
		echo "fail build:$step see $log" >>"$prefail"
		say "$name: building $step failed:"
		grep -E '(error|warning):|\*\*\*' "$log" | head -n 20 >&2 || tail -n 20 "$log" >&2
		return 1
	fi
}

# 1. The modules, from a copy of the sources.
root=$work/initramfs
mkdir -p "$root"/{bin,dev,etc,lib/syncmap,modules,proc,root,run,selftests,steps,sys,tmp,usr/bin}
copy_module_source "$work/src"
modules=()
if build_step modules "$work/modules.log" kernel_make "$kdir" -j"$(nproc)" M="$work/src" modules; then
	# Load order: kmod/syncmap.ko, samples/, anything else, the KUnit modules.
	mapfile -t modules < <(cd "$work/src" && find . -name '*.ko' -printf '%P\n' |
		awk '{ r = 2 }
		     $0 == "kmod/syncmap.ko" { r = 0 }
		     /^samples\// { r = 1 }
		     /kunit/ { r = 3 }
		     { print r " " $0 }' | sort -k1,1n -k2 | cut -d' ' -f2-)
	if [ "$mode" = kunit ]; then
		mapfile -t modules < <(printf '%s\n' "${modules[@]}" |
			grep -E '^kmod/syncmap\.ko$|kunit')
	fi
	for ko in "${modules[@]}"; do
		mkdir -p "$root/modules/$(dirname "$ko")"
		cp "$work/src/$ko" "$root/modules/$ko"
	done
fi
# --prebuilt KO: boot with this syncmap.ko (a DKMS build, say) in place of
# the one built here from the same sources.
if [ -n "$prebuilt" ] && [ -f "$root/modules/kmod/syncmap.ko" ]; then
	cp "$prebuilt" "$root/modules/kmod/syncmap.ko"
fi
printf '%s\n' "${modules[@]}" | grep . >"$root/modules/order" || true
cp "$SYNCMAP_ROOT/scripts/guest/modules.conf" "$root/modules/params"

# 2. Userspace, static, so that it runs on busybox alone.  Each directory's
# Makefile takes OUTPUT (where to put the programs) and must link what it
# builds statically (LDFLAGS=-static comes in the environment).  The
# programs do not depend on the kernel: runs given the same
# SYNCMAP_VM_USERSPACE directory (make check) share them, built once.
ubuild=${SYNCMAP_VM_USERSPACE:-$work}
mkdir -p "$ubuild"
exec 8>"$ubuild/.lock"
flock 8
selftests=()
if [ "$mode" = test ] && [ -f "$SYNCMAP_ROOT/selftests/Makefile" ]; then
	ksft=$("$SYNCMAP_ROOT/scripts/linux-src.sh")/tools/testing/selftests
	if build_step selftests "$ubuild/selftests.log" \
		make -C "$SYNCMAP_ROOT/selftests" OUTPUT="$ubuild/selftests/" KSFT_DIR="$ksft"; then
		mapfile -t listed < <(make -s --no-print-directory \
			-C "$SYNCMAP_ROOT/selftests" list-tests)
		for t in "${listed[@]}"; do
			# On a KCSAN kernel, only the kselftests that race:
			# debugfs readers against writers and destroy, walks
			# under writers.  Step 40 runs the torture with the
			# hammer's processes beside it.
			case $name:$t in
			kcsan-*:observability_test | kcsan-*:syncmap_walk_test) ;;
			kcsan-*:*) continue ;;
			# UML runs no 32-bit programs (no IA32 emulation).
			uml-*:*_32) continue ;;
			esac
			if [ -f "$ubuild/selftests/$t" ]; then
				cp "$ubuild/selftests/$t" "$root/selftests/"
				selftests+=("$t")
			else
				echo "fail build:selftests:$t listed but not built" >>"$prefail"
			fi
		done
	fi
fi
printf '%s\n' "${selftests[@]}" | grep . >"$root/selftests/list" || true

if [ "$mode" != kunit ] && [ -f "$SYNCMAP_ROOT/tools/Makefile" ]; then
	if LDFLAGS=-static build_step tools "$ubuild/tools.log" \
		make -C "$SYNCMAP_ROOT/tools" OUTPUT="$ubuild/tools/"; then
		find "$ubuild/tools" -maxdepth 1 -type f -perm -u+x \
			-exec cp {} "$root/usr/bin/" \;
	fi
fi
# jq, with its shared libraries, for syncmapctl_test's round trip of binary
# data through jq (the test skips it without jq).
if [ "$mode" = test ] && jq=$(command -v jq); then
	for f in "$jq" $(ldd "$jq" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
fi
# The userspace benchmark, for step 55's smoke run (make bench runs it).
if [ "$mode" = test ] && [ -f "$SYNCMAP_ROOT/bench/Makefile" ]; then
	if build_step ubench "$ubuild/ubench.log" \
		make -C "$SYNCMAP_ROOT/bench" OUTPUT="$ubuild/bench/"; then
		cp "$ubuild/bench/syncmap_ubench" "$root/usr/bin/"
	fi
fi
flock -u 8

# 3. The initramfs.
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
install -m 755 "$SYNCMAP_ROOT/scripts/guest/init" "$root/init"
cp "$SYNCMAP_ROOT/scripts/guest/lib.sh" "$root/lib/syncmap/"
cp "$SYNCMAP_ROOT"/scripts/guest/steps/* "$root/steps/"
cp "$SYNCMAP_ROOT/scripts/demo-guest.sh" "$root/demo.sh"
cat >"$root/etc/syncmap.conf" <<EOF
SM_MODE=$mode
SM_NAME=$name
SM_TEST_TIMEOUT=${SYNCMAP_TEST_TIMEOUT:-300}
SM_TORTURE_DURATION=${SYNCMAP_TORTURE_DURATION:-}
SM_FUZZ_CALLS=${SYNCMAP_FUZZ_CALLS:-}
EOF
"$SYNCMAP_ROOT/scripts/mkinitramfs.py" "$root" "$work/initrd.gz"

# 4. Boot (scripts/lib.sh's boot_guest: QEMU, or User-Mode Linux).
console=$work/console.log
results=$work/results.log
: >"$console"
: >"$results"
say "$name: booting $(basename "$image") (limits: ${idle}s silent, ${timeout}s in all)"
start=$(date +%s)
boot_guest "$image" "$kdir" "$work/initrd.gz" 1G "oops=panic ${SYNCMAP_VM_APPEND:-}" \
	"$console" "$results" "$work/qemu.log" &
qemu=$!
if [ "$mode" = demo ]; then
	# Show the demo's output as it comes.
	tail -n +1 -f --pid="$qemu" "$results" 2>/dev/null |
		sed -u -n '/^@@syncmap begin text/,/^@@syncmap end/{/^@@syncmap/d;p}' &
fi
# The watchdog: either log growing is progress.
killed=
seen=0
last=$start
while kill -0 "$qemu" 2>/dev/null; do
	sleep 2
	now=$(date +%s)
	size=$(($(stat -c %s "$console") + $(stat -c %s "$results")))
	if [ "$size" != "$seen" ]; then
		seen=$size
		last=$now
	fi
	if [ $((now - start)) -ge "$timeout" ]; then
		killed="the guest did not power off within ${timeout}s"
	elif [ $((now - last)) -ge "$idle" ]; then
		killed="the guest printed nothing for ${idle}s"
	else
		continue
	fi
	kill "$qemu" 2>/dev/null
	sleep 5
	kill -9 "$qemu" 2>/dev/null || true
	break
done
rc=0
wait "$qemu" || rc=$?
wait
elapsed=$(($(date +%s) - start))
if [ -z "$killed" ] && [ "$rc" != 0 ]; then
	echo "fail vm:qemu the guest exited with $rc: $(head -c 300 "$work/qemu.log")" >>"$prefail"
fi
say "$name: guest ran for ${elapsed}s${killed:+; stopped: $killed}"

# 5. Keep the logs where people look, and judge the run.
log=$logs/$name.log
{
	cat "$console"
	echo
	echo "======== results channel (ttyS1) ========"
	cat "$results"
} | tr -d '\r' >"$log"

args=(--name "$name" --console "$console" --results "$results"
      --counts "$work/counts" --killed "$killed")
for ko in "${modules[@]}"; do
	args+=(--module "$ko")
	if [[ $ko == *kunit* ]]; then
		args+=(--kunit)
	fi
done
for t in "${selftests[@]}"; do
	args+=(--kselftest "$t")
done
# Failures from before the boot become result records.
sed 's/^fail /@@syncmap result fail /' "$prefail" >>"$results"
# The Prometheus text syncmapctl_test printed, checked by promtool here on
# the host: one result record per output (none without promtool).
"$SYNCMAP_ROOT/tools/syncmapctl/promtool-check.sh" "$results" >"$work/promtool" || true
cat "$work/promtool" >>"$results"
if "$SYNCMAP_ROOT/scripts/parse-results.py" "${args[@]}"; then
	exit 0
fi
say "$name: FAILED; guest log: $log"
exit 1
