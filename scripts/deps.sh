#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything a fresh Debian 12 machine lacks to build and test
# syncmap.  Idempotent and quiet: packages already present are skipped.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

base_pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	xz-utils gzip python3 perl
	qemu-system-x86 busybox-static
	sparse dkms gcc-multilib
	linux-source-6.12
	linux-headers-amd64 linux-image-amd64
	liburcu-dev
	clang llvm libclang-rt-14-dev valgrind gnuplot-nox
	golang-1.19	# Go's own sync.Map benchmarks, for make bench-native
	prometheus jq	# promtool checks syncmapctl's metrics; jq its JSON
)

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

apt_update
pkgs=("${base_pkgs[@]}")
for fl in amd64 rt-amd64; do
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
