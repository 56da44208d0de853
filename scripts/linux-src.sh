#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a pristine, extracted linux-source-6.12 tree, extracting
# it into the cache first if needed.  The tree is never built in: the test
# kernels are built out of it with O=, and checkpatch.pl and the kselftest
# harness are used straight from it.
#
# Usage: scripts/linux-src.sh
# Environment: SYNCMAP_LINUX_SOURCE (default: newest /usr/src/linux-source-6.12.tar.*),
#              SYNCMAP_CACHE (default: /var/cache/syncmap)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=${SYNCMAP_LINUX_SOURCE:-$(newest /usr/src/linux-source-6.12.tar.*)}
[ -f "$tarball" ] || die "no linux-source-6.12 tarball in /usr/src: run scripts/deps.sh"

cache=$(syncmap_cache_dir)
key=$(sha256sum "$tarball" | cut -c1-12)
dest=$cache/linux-source-$key

if [ ! -d "$dest" ]; then
	exec 9>"$cache/.linux-source.lock"
	flock 9
	if [ ! -d "$dest" ]; then
		say "extracting $tarball"
		rm -rf "$cache"/.extract.*	# left by an interrupted run
		tmp=$(mktemp -d "$cache/.extract.XXXXXX")
		tar -C "$tmp" -xf "$tarball"
		# The tarball holds one top-level directory; rename it into place
		# atomically so that an interrupted extraction is never used.
		mv "$tmp"/* "$dest"
		rmdir "$tmp"
	fi
fi
echo "$dest"
