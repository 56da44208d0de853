# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the host-side scripts.  Source it; do not run it.

# The repository root, whichever script sourced us.
SYNCMAP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Where results and logs of this tree go (ignored by git).
SYNCMAP_BUILD=${SYNCMAP_BUILD:-$SYNCMAP_ROOT/build}

# Kernel trees are big and slow to build: keep them outside the repository so
# that a fresh clone, `make clean` or `git clean` does not throw them away.
syncmap_cache_dir() {
	local dir=${SYNCMAP_CACHE:-}

	if [ -z "$dir" ]; then
		dir=/var/cache/syncmap
		if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
			dir=${XDG_CACHE_HOME:-$HOME/.cache}/syncmap
		fi
	fi
	mkdir -p "$dir"
	echo "$dir"
}

say() {
	echo "${0##*/}: $*" >&2
}

die() {
	say "error: $*"
	exit 1
}

# newest PATTERN: the last existing path matching a glob, in version order.
newest() {
	local p

	for p in "$@"; do
		[ -e "$p" ] && echo "$p"
	done | sort -V | tail -n1
}

# Debian's kernels, found by globbing so that the ABI number in their names
# can move with security updates.  Each prints the headers directory.
debian_headers() {
	case $1 in
	debian-6.1)	newest /usr/src/linux-headers-6.1.*-amd64 ;;
	debian-6.12)	newest /usr/src/linux-headers-6.12.*+deb12-amd64 ;;
	debian-6.12-rt)	newest /usr/src/linux-headers-6.12.*+deb12-rt-amd64 ;;
	*)		return 1 ;;
	esac
}

# The kernel image that matches a Debian headers directory.
debian_image() {
	echo "/boot/vmlinuz-${1#/usr/src/linux-headers-}"
}

# copy_module_source DEST: the files Kbuild needs, without build products,
# so that several kernels can be built at once without clobbering each
# other or the working tree.
copy_module_source() {
	local dest=$1

	rm -rf "$dest"
	mkdir -p "$dest"
	tar -C "$SYNCMAP_ROOT" -c \
		--exclude=./.git --exclude=./build \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude=Module.symvers --exclude=modules.order \
		. | tar -C "$dest" -x
}

# The kernels the tests run on, by name: the debug test kernel (KASAN,
# lockdep, KUnit...), the same with KCSAN instead of KASAN, Debian's, and
# User-Mode Linux with the debug options (native speed, one CPU).
SYNCMAP_KERNELS="testkernel-6.12 kcsan-6.12 debian-6.1 debian-6.12 debian-6.12-rt uml-6.12"

# kernel_is_uml KDIR: true for a User-Mode Linux build tree.
kernel_is_uml() {
	grep -qx 'CONFIG_UML=y' "$1/.config" 2>/dev/null
}

# kernel_make KDIR MAKE-ARGS...: make in a kernel build tree or headers, with
# the ARCH=um a User-Mode Linux tree needs on every make.
kernel_make() {
	local kdir=$1

	shift
	if kernel_is_uml "$kdir"; then
		make -C "$kdir" ARCH=um "$@"
	else
		make -C "$kdir" "$@"
	fi
}

# boot_guest IMAGE KDIR INITRD MEM APPEND CONSOLE RESULTS LOG: boot a kernel
# with an initramfs; the emulator replaces the calling shell (exec), so run
# it in the background or in a subshell.  Its exit status is the machine's
# (0 for a clean poweroff).  The guest's /dev/console goes to the file
# CONSOLE and its /dev/ttyS1 (the results channel) to RESULTS; the
# emulator's own messages to LOG.
#
# QEMU runs with TCG (a KVM guest hangs on these machines: nested
# virtualisation), 2 vCPUs.  A User-Mode Linux kernel is a host program:
# its console (con0) goes to stdout and its second serial line (ssl1) to
# fd 3, as QEMU's two serial ports do; it runs kernel code natively, on one
# CPU.  A UML panic ends the process (with no core: ulimit -c 0); its
# temporary files go beside INITRD.
#
# CONSOLE "-" puts the console on the terminal (make shell): the guest
# reads stdin and writes stdout.  UML puts a terminal on stdin in raw mode
# itself; QEMU multiplexes its monitor there (Ctrl-A x quits, Ctrl-A h
# helps) when stdin is a terminal.
boot_guest() {
	local image=$1 kdir=$2 initrd=$3 mem=$4 append=$5
	local console=$6 results=$7 log=$8
	local serial=file:$console

	if kernel_is_uml "$kdir"; then
		ulimit -c 0
		if [ "$console" = - ]; then
			# shellcheck disable=SC2086	# APPEND is words
			exec "$image" mem="$mem" initrd="$initrd" \
				uml_dir="$(dirname "$initrd")" umid=syncmap \
				con=null con0=fd:0,fd:1 ssl=null ssl1=null,fd:3 \
				console=tty0 $append \
				2>"$log" 3>"$results"
		fi
		# shellcheck disable=SC2086	# APPEND is words
		exec "$image" mem="$mem" initrd="$initrd" \
			uml_dir="$(dirname "$initrd")" umid=syncmap \
			con=null con0=null,fd:1 ssl=null ssl1=null,fd:3 \
			console=tty0 $append \
			</dev/null >"$console" 2>"$log" 3>"$results"
	fi
	if [ "$console" = - ]; then
		serial=stdio
		[ ! -t 0 ] || serial=mon:stdio
		exec qemu-system-x86_64 \
			-accel tcg,thread=multi -smp 2 -m "$mem" \
			-kernel "$image" -initrd "$initrd" \
			-append "console=ttyS0 panic=-1 $append" \
			-nodefaults -display none -no-reboot -net none \
			-serial "$serial" -serial file:"$results" \
			2>"$log"
	fi
	exec qemu-system-x86_64 \
		-accel tcg,thread=multi -smp 2 -m "$mem" \
		-kernel "$image" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 $append" \
		-nodefaults -display none -no-reboot -net none \
		-serial "$serial" -serial file:"$results" \
		</dev/null >"$log" 2>&1
}

# kernel_paths NAME: set KDIR (build tree or headers) and KIMAGE (bootable
# image) for one of SYNCMAP_KERNELS.  The test kernel is built if needed.
kernel_paths() {
	case $1 in
	testkernel-*)
		KDIR=$("$SYNCMAP_ROOT/scripts/build-testkernel.sh") || return 1
		KIMAGE=$KDIR/arch/x86/boot/bzImage
		;;
	kcsan-*)
		KDIR=$("$SYNCMAP_ROOT/scripts/build-testkernel.sh" \
			"$SYNCMAP_ROOT/scripts/testkernel.config" \
			"$SYNCMAP_ROOT/scripts/testkernel-kcsan.config") || return 1
		KIMAGE=$KDIR/arch/x86/boot/bzImage
		;;
	uml-bench-*)	# make bench only: no debug options
		KDIR=$("$SYNCMAP_ROOT/scripts/build-testkernel.sh" \
			"$SYNCMAP_ROOT/scripts/uml.config" \
			"$SYNCMAP_ROOT/scripts/uml-bench.config") || return 1
		KIMAGE=$KDIR/linux
		;;
	uml-*)
		KDIR=$("$SYNCMAP_ROOT/scripts/build-testkernel.sh" \
			"$SYNCMAP_ROOT/scripts/uml.config") || return 1
		KIMAGE=$KDIR/linux
		;;
	debian-*)
		KDIR=$(debian_headers "$1")
		if [ -z "$KDIR" ]; then
			say "$1: no headers in /usr/src: run scripts/deps.sh"
			return 1
		fi
		KIMAGE=$(debian_image "$KDIR")
		;;
	*)
		say "unknown kernel '$1'; known: $SYNCMAP_KERNELS"
		return 1
		;;
	esac
}
