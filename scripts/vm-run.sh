#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build syncmap for a kernel, boot that kernel in QEMU with a busybox
# initramfs, load the modules, run the KUnit suites and kselftests, unload,
# power off, and judge the run from the logs.  A User-Mode Linux kernel
# runs the same initramfs as a host process instead of in QEMU.
#
# Usage: scripts/vm-run.sh [--name NAME] [--timeout SECONDS]
#                         [--demo | --kunit | --shell]
#                         [--prebuilt SYNCMAP_KO] IMAGE KDIR
#
#   --demo   load the map and run scripts/demo-guest.sh (make demo)
#   --kunit  load the map and the KUnit modules only, collect their results
#            and unload: the inner loop for KUnit work (make kunit)
#   --shell  load the map and give the console to a shell, on this terminal
#            (make shell; see scripts/shell.sh): `exit` powers off.  With
#            stdin not a terminal, its lines are typed into the shell once
#            the shell is up, then `exit`; the run is judged as any other
#            (the module unloads, no splat) and --timeout applies
#
# --demo and --shell build and load only the map, kmod/syncmap.ko.
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
	--shell)	mode=shell; shift ;;
	--prebuilt)	prebuilt=$2; shift 2 ;;
	-*)		die "unknown option $1" ;;
	*)		break ;;
	esac
done
[ $# -eq 2 ] || die "usage: $0 [--name NAME] [--timeout SECONDS] [--demo | --kunit | --shell] IMAGE KDIR"
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
# The demo and the shell show the map alone: build only kmod/.
msrc=$work/src
case $mode in demo|shell) msrc=$work/src/kmod ;; esac
if build_step modules "$work/modules.log" kernel_make "$kdir" -j"$(nproc)" M="$msrc" modules; then
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
# copy_with_libs PROGRAM: a host program and its shared libraries, at the
# same paths in the guest.
copy_with_libs() {
	local f

	for f in "$1" $(ldd "$1" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
}
# jq, with its shared libraries, for syncmapctl_test's round trip of binary
# data through jq (the test skips it without jq), and for the shell.
if [ "$mode" = test ] || [ "$mode" = shell ]; then
	if jq=$(command -v jq); then
		copy_with_libs "$jq"
	fi
fi
# The shell's comforts: scripts/guest/shell/ (its rc files, man), the
# host's bash with the terminal descriptions readline needs (busybox sh
# without bash), the man pages formatted here (the guest has no groff),
# and syncmapctl's bash completion.
if [ "$mode" = shell ]; then
	cp -r "$SYNCMAP_ROOT/scripts/guest/shell/." "$root/"
	if bash=$(command -v bash); then
		copy_with_libs "$bash"
		ln -sf "$bash" "$root/bin/bash"
		for t in "${TERM:-dumb}" dumb linux vt100 vt220 xterm xterm-256color \
			screen screen-256color tmux tmux-256color; do
			for d in /etc/terminfo /lib/terminfo /usr/share/terminfo; do
				f=$d/${t:0:1}/$t
				[ -f "$f" ] || continue
				mkdir -p "$root$(dirname "$f")"
				cp -L "$f" "$root$f"
				break
			done
		done
	fi
	for page in "$SYNCMAP_ROOT"/tools/syncmapctl/*.[1-9] \
		"$SYNCMAP_ROOT"/tools/lib/syncmap/man/*.[1-9]; do
		[ -f "$page" ] || continue
		sec=${page##*.}
		mkdir -p "$root/usr/share/man/man$sec" "$root/usr/share/man/cat$sec"
		cp "$page" "$root/usr/share/man/man$sec/"
		if command -v groff >/dev/null; then
			# Plain text: no bold or underline (busybox less shows
			# neither).
			groff -t -man -Tutf8 -P-cbou -rLL="${COLUMNS:-80}n" "$page" \
				>"$root/usr/share/man/cat$sec/${page##*/}" 2>/dev/null
		fi
	done
	comp=$SYNCMAP_ROOT/tools/syncmapctl/syncmapctl.bash-completion
	if [ -f "$comp" ]; then
		install -D -m 644 "$comp" "$root/usr/share/bash-completion/completions/syncmapctl"
	fi
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
if [ "$mode" = shell ]; then
	# The terminal's size and type, for the guest's tty.  Lines from a
	# pipe: a wide terminal that needs no escape sequences.
	cols=80 rows=24 term=${TERM:-vt100} piped=0
	if [ -t 0 ] && size=$(stty size 2>/dev/null) && [ "$size" != "0 0" ]; then
		read -r rows cols <<<"$size"
	fi
	[ -t 0 ] || { term=dumb piped=1 cols=200; }
	cat >>"$root/etc/syncmap.conf" <<EOF
SM_QUIET=1
SM_SHELL_TERM=$term
SM_SHELL_SIZE="$rows $cols"
SM_SHELL_PIPED=$piped
EOF
fi
"$SYNCMAP_ROOT/scripts/mkinitramfs.py" "$root" "$work/initrd.gz"

# 4. Boot (scripts/lib.sh's boot_guest: QEMU, or User-Mode Linux).
console=$work/console.log
results=$work/results.log
: >"$console"
: >"$results"
# shell_feed: stdin, typed into the guest's shell once it is up, then
# `exit`; stdin stays open until the guest is gone (at EOF UML hangs the
# console up, and the lines not yet read would be lost).  Stops the guest
# after --timeout.
shell_feed() {
	local t0=$SECONDS

	until grep -q '^@@syncmap shell ready' "$results"; do
		if [ -e "$work/emulator.rc" ] || [ $((SECONDS - t0)) -ge "$timeout" ]; then
			break
		fi
		sleep 0.1
	done
	# The line editor reads a moment after the prompt is printed.
	sleep 0.3
	cat
	echo exit
	while [ ! -e "$work/emulator.rc" ]; do
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			echo "the guest did not power off within ${timeout}s" >"$work/killed"
			kill "$(cat "$work/emulator.pid")" 2>/dev/null
			sleep 5
			kill -9 "$(cat "$work/emulator.pid")" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
}

# shell_boot: the guest with its console on this terminal, and a copy of
# what it prints in the console log.
shell_boot() {
	local rc=0

	(
		echo "$BASHPID" >"$work/emulator.pid"
		boot_guest "$image" "$kdir" "$work/initrd.gz" 1G \
			"oops=panic quiet ${SYNCMAP_VM_APPEND:-}" \
			- "$results" "$work/qemu.log"
	) || rc=$?
	echo "$rc" >"$work/emulator.rc"
}

start=$(date +%s)
if [ "$mode" = shell ]; then
	say "$name: booting $(basename "$image"); \`exit' in the guest powers it off"
	rm -f "$work/emulator.rc" "$work/killed"
	if [ -t 0 ]; then
		saved=$(stty -g)
		trap 'stty "$saved"' EXIT
		shell_boot | tee "$console" || true
		stty "$saved"
		trap - EXIT
	else
		shell_feed | shell_boot | tee "$console" || true
	fi
	rc=$(cat "$work/emulator.rc" 2>/dev/null || echo 1)
	killed=$(cat "$work/killed" 2>/dev/null || true)
	elapsed=$(($(date +%s) - start))
else
	say "$name: booting $(basename "$image") (limits: ${idle}s silent, ${timeout}s in all)"
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
fi
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
if [ "$mode" != shell ]; then
	"$SYNCMAP_ROOT/tools/syncmapctl/promtool-check.sh" "$results" >"$work/promtool" || true
	cat "$work/promtool" >>"$results"
fi
if [ "$mode" = shell ]; then
	# The console showed the warnings only: the kernel log, which the
	# guest sent when the shell exited, is where splats are looked for.
	sed -n '/^@@syncmap begin log dmesg/,/^@@syncmap end/p' "$results" >>"$console"
	# The user saw the console: only the verdict, and what failed.
	if "$SYNCMAP_ROOT/scripts/parse-results.py" "${args[@]}" >"$work/verdict"; then
		tail -n 1 "$work/verdict"
		exit 0
	fi
	grep -v '^  ok ' "$work/verdict"
elif "$SYNCMAP_ROOT/scripts/parse-results.py" "${args[@]}"; then
	exit 0
fi
say "$name: FAILED; guest log: $log"
exit 1
