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
# lockdep, KUnit...), the same with KCSAN instead of KASAN, and Debian's.
SYNCMAP_KERNELS="testkernel-6.12 kcsan-6.12 debian-6.1 debian-6.12 debian-6.12-rt"

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
