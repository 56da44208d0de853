#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging checks for `make check`:
#
#   modinfo     syncmap.ko shows a description, license, author and version
#               (the version dkms.conf has), and every module parameter of
#               kmod/ with a description;
#   install     `make install` into a DESTDIR puts the module, depmod's
#               files, the uapi header, syncmapctl, its man page and the
#               udev rule in place; `make uninstall` takes them away;
#   dkms        `dkms add`, `dkms build -k` and `dkms install -k` for each
#               installed Debian kernel (a copy of the tree as
#               /usr/src/syncmap-VERSION), then `dkms remove`; the built
#               modules are left as OUTDIR/dkms-RELEASE.ko, for check.sh
#               to boot one (scripts/vm-run.sh --prebuilt).
#
# Usage: scripts/package-check.sh OUTDIR KDIR...   (KDIR: Debian headers)
# Prints "ok|FAIL|skip NAME [DETAIL]" lines; exits 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$1
shift
mkdir -p "$out"
failed=0
ok() { echo "ok $*"; }
fail() { echo "FAIL $*"; failed=1; }
skip() { echo "skip $*"; }

# Debian's 6.1 headers say 6.1.NNN in kernel.release: trust utsrelease.h.
kernel_release() {
	sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SYNCMAP_ROOT/dkms.conf")

# --- modinfo ----------------------------------------------------------------
kdir=$1
src=$out/pkg-src
copy_module_source "$src"
if make -C "$kdir" M="$src" modules >"$out/pkg-build.log" 2>&1; then
	ko=$src/kmod/syncmap.ko
	problems=
	for field in description license author version; do
		[ -n "$(modinfo -F "$field" "$ko")" ] || problems+=" no-$field"
	done
	[ "$(modinfo -F version "$ko")" = "$version" ] ||
		problems+=" version-is-not-dkms.conf's-$version"
	mapfile -t params < <(grep -ohE 'module_param(_cb|_named|_array)?\([a-z_0-9]+' \
		"$SYNCMAP_ROOT"/kmod/*.c | sed 's/.*(//' | sort -u)
	for p in "${params[@]}"; do
		desc=$(modinfo -F parm "$ko" | sed -n "s/^$p:\(.*\)/\1/p")
		[ -n "${desc// /}" ] || problems+=" param-$p-undescribed"
	done
	if [ -z "$problems" ]; then
		ok "modinfo syncmap.ko (${#params[@]} parameters, version $version)"
	else
		fail "modinfo syncmap.ko:$problems"
	fi
else
	fail "modinfo (build failed: $out/pkg-build.log)"
fi

# --- make install / uninstall -----------------------------------------------
dest=$out/destdir
rm -rf "$dest"
release=$(kernel_release "$kdir")
files=(lib/modules/$release/extra/syncmap/kmod/syncmap.ko* lib/modules/$release/modules.dep
       usr/bin/syncmapctl usr/share/man/man8/syncmapctl.8
       usr/include/linux/syncmap.h etc/udev/rules.d/60-syncmap.rules)
if (cd "$src" && make install KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr) \
	>"$out/install.log" 2>&1; then
	missing=
	for f in "${files[@]}"; do
		# shellcheck disable=SC2086	# the module may be compressed
		ls $dest/$f >/dev/null 2>&1 || missing+=" $f"
	done
	grep -q 'syncmap.ko' "$dest/lib/modules/$release/modules.dep" ||
		missing+=" syncmap-in-modules.dep"
	if [ -z "$missing" ]; then
		ok "make install DESTDIR PREFIX=/usr"
	else
		fail "make install: missing$missing"
	fi
	if (cd "$src" && make uninstall KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr) \
		>>"$out/install.log" 2>&1 &&
	   [ -z "$(find "$dest" -type f ! -name 'modules.*')" ]; then
		ok "make uninstall"
	else
		fail "make uninstall: left $(find "$dest" -type f ! -name 'modules.*' | head -3)"
	fi
else
	fail "make install (see $out/install.log)"
fi

# --- DKMS -------------------------------------------------------------------
if ! command -v dkms >/dev/null || [ "$(id -u)" != 0 ]; then
	skip "dkms (needs root and the dkms package)"
	exit $failed
fi
exec 7>"$(syncmap_cache_dir)/.dkms.lock"
flock 7
usr_src=/usr/src/syncmap-$version
dkms remove "syncmap/$version" --all >/dev/null 2>&1
rm -rf "$usr_src"
copy_module_source "$usr_src"
log=$out/dkms.log
: >"$log"
if dkms add "syncmap/$version" >>"$log" 2>&1; then
	for kdir in "$@"; do
		release=$(kernel_release "$kdir")
		if dkms build -k "$release" "syncmap/$version" >>"$log" 2>&1 &&
		   dkms install -k "$release" "syncmap/$version" >>"$log" 2>&1 &&
		   modinfo -k "$release" -F version syncmap 2>/dev/null | grep -qx "$version"; then
			ok "dkms build+install -k $release"
			# Kept for a VM boot with the DKMS-built module.
			ko=$(find "/var/lib/dkms/syncmap/$version/$release" \
				-name 'syncmap.ko*' | head -n1)
			case $ko in
			*.xz)	xz -dc "$ko" >"$out/dkms-$release.ko" ;;
			*.gz)	gzip -dc "$ko" >"$out/dkms-$release.ko" ;;
			*.zst)	zstd -qdc "$ko" >"$out/dkms-$release.ko" ;;
			?*)	cp "$ko" "$out/dkms-$release.ko" ;;
			esac
		else
			fail "dkms build+install -k $release (see $log)"
		fi
	done
else
	fail "dkms add (see $log)"
fi
dkms remove "syncmap/$version" --all >>"$log" 2>&1
rm -rf "$usr_src"
exit $failed
