#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages syncmap-dkms and syncmap-tools (debian/),
# built with dpkg-buildpackage (debhelper, dh-dkms) in a copy of the tree,
# so that the working tree gets none of debhelper's files; the packages,
# .buildinfo and .changes end in build/deb/ (dpkg-buildpackage writes them
# to the parent of the source directory).
#
# Usage: scripts/deb.sh [OUTDIR]   (build/deb by default)
# Needs: dpkg-dev, debhelper, dh-dkms (scripts/deps.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$SYNCMAP_BUILD/deb}
for tool in dpkg-buildpackage dh dh_dkms; do
	command -v "$tool" >/dev/null ||
		die "no $tool: install dpkg-dev, debhelper and dh-dkms (scripts/deps.sh)"
done

# The package's version is the module's: dkms.conf's PACKAGE_VERSION, the
# DKMS source directory's name in the package, and the changelog's.
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SYNCMAP_ROOT/dkms.conf")
deb_version=$(cd "$SYNCMAP_ROOT" && dpkg-parsechangelog -S Version)
[ "${deb_version%-*}" = "$version" ] ||
	die "debian/changelog says $deb_version, dkms.conf $version: make them agree"
grep -q "usr/src/syncmap-$version/" "$SYNCMAP_ROOT/debian/syncmap-dkms.install" ||
	die "debian/syncmap-dkms.install does not install into usr/src/syncmap-$version"

work=$SYNCMAP_BUILD/deb-work
rm -rf "$work"
mkdir -p "$work" "$out"
copy_module_source "$work/syncmap-$version"
log=$out/build.log
say "dpkg-buildpackage in $work/syncmap-$version (log: $log)"
if ! (cd "$work/syncmap-$version" && dpkg-buildpackage -b -us -uc) >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "dpkg-buildpackage failed (log: $log)"
fi
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out"/
rm -rf "$work"
ls "$out"/*.deb
