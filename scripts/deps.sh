#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what a fresh Debian 12 machine lacks, by purpose.  Idempotent and
# quiet: packages already present are skipped.
#
# Usage: scripts/deps.sh [demo | shell [KERNEL] | all]   (default: all)
#
#   demo   make demo: build the module against Debian's 6.12 headers and
#          boot that kernel in QEMU (no Go, gnuplot, liburcu, clang...)
#   shell  make shell: the demo's, jq and groff for the guest, and what
#          building the UML or test kernel takes (KERNEL uml-* or
#          testkernel-*, the default uml-6.12)
#   all    everything make check, make bench and the packages use (CI)
#
# demo and shell leave the package lists alone when nothing is missing and
# a 6.12 kernel is installed; all always looks for the newest 6.12.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
purpose=${1:-all}

demo_pkgs=(
	build-essential kmod cpio gzip python3 dwarves
	qemu-system-x86 busybox-static
)
# Building a kernel from linux-source-6.12 (the test kernels, UML).
kernel_build_pkgs=(
	bc bison flex libelf-dev libssl-dev dwarves xz-utils perl
	linux-source-6.12
)
base_pkgs=(
	"${demo_pkgs[@]}" "${kernel_build_pkgs[@]}"
	sparse dkms gcc-multilib
	debhelper dh-dkms lintian	# make deb, and its checks in make check
	linux-headers-amd64 linux-image-amd64
	liburcu-dev
	clang llvm libclang-rt-14-dev valgrind gnuplot-nox
	golang-1.19	# Go's own sync.Map benchmarks, for make bench-native
	prometheus jq	# promtool checks syncmapctl's metrics; jq its JSON
	groff-base	# make shell formats the man pages for the guest
)
# The 6.12 flavours whose headers and image each purpose boots.
flavours=(amd64)
case $purpose in
demo)	pkgs=("${demo_pkgs[@]}") ;;
shell)
	pkgs=("${demo_pkgs[@]}" jq groff-base)
	case ${2:-uml-6.12} in
	uml-* | testkernel-* | kcsan-*) pkgs+=("${kernel_build_pkgs[@]}") ;;
	esac
	;;
all)	pkgs=("${base_pkgs[@]}"); flavours=(amd64 rt-amd64) ;;
*)	echo "usage: $0 [demo | shell [KERNEL] | all]" >&2; exit 2 ;;
esac

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	$SUDO apt-get update -qq >/dev/null
	apt_updated=1
}

# The 6.12 names carry an ABI number that moves with security updates:
# resolve the newest one the archive offers now.
resolve_612() {
	local flavour=$1	# "amd64" or "rt-amd64"
	apt-cache search --names-only "^linux-image-6\.12\.[0-9]+\+deb12-${flavour}-unsigned\$" |
		awk '{print $1}' | sort -V | tail -n1 |
		sed -e 's/^linux-image-//' -e 's/-unsigned$//'
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$p"
	done
}

# An installed 6.12 of FLAVOUR, headers and image.
have_612() {
	local h

	for h in /usr/src/linux-headers-6.12.*+deb12-"$1"; do
		[ -d "$h" ] && [ -f "/boot/vmlinuz-${h#/usr/src/linux-headers-}" ] && return 0
	done
	return 1
}

if [ "$purpose" != all ] && [ -z "$(missing "${pkgs[@]}")" ] && have_612 amd64; then
	echo "deps: ok"
	exit 0
fi
apt_update
for fl in "${flavours[@]}"; do
	rel=$(resolve_612 "$fl")
	if [ -z "$rel" ]; then
		echo "deps: no linux-image-6.12.*-$fl-unsigned in the archive" >&2
		exit 1
	fi
	pkgs+=("linux-headers-$rel" "linux-image-$rel-unsigned")
done

todo=$(missing "${pkgs[@]}")
if [ -n "$todo" ]; then
	echo "deps: installing $(echo $todo | wc -w) packages"
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $todo >/dev/null
fi
echo "deps: ok"
