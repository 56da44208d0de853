#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging checks for `make check`:
#
#   modinfo     syncmap.ko shows a description, license, author and version
#               (the version dkms.conf has), and every module parameter of
#               kmod/ with a description;
#   install     `make install` into a DESTDIR puts in place the module (and
#               no test module), the consumer's header and Module.symvers,
#               syncmapctl, its man page, the udev rule and libsyncmap, and
#               prints no warning (signing, depmod); a consumer module
#               (samples/) builds out of tree against what it installed;
#               `make install-test-modules` adds the test modules; `make
#               uninstall` and `make uninstall-test-modules` leave DESTDIR
#               empty;
#   deb         `make deb` (scripts/deb.sh) builds syncmap-dkms and
#               syncmap-tools; lintian finds no error and no warning that
#               debian/*.lintian-overrides does not justify;
#   dkms        the packages installed on this machine: DKMS builds the
#               module for each Debian kernel given (the postinst builds
#               for the kernels it picks, `dkms install` for the rest);
#               the built modules are left as OUTDIR/dkms-RELEASE.ko, for
#               check.sh to boot one (scripts/vm-run.sh --prebuilt); a
#               program builds against the installed libsyncmap with
#               pkg-config; then the packages are purged and nothing of
#               them is left: their files, /usr/src/syncmap-VERSION,
#               /var/lib/dkms/syncmap, syncmap.ko under /lib/modules.
#               (The system group "syncmap" that syncmap-tools creates
#               stays, as Debian's packages leave their system groups.)
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
files=(lib/modules/$release/extra/syncmap/syncmap.ko
       usr/src/syncmap/include/syncmap.h usr/src/syncmap/include/uapi/syncmap.h
       usr/src/syncmap/$release/Module.symvers
       usr/bin/syncmapctl usr/share/man/man8/syncmapctl.8
       usr/include/linux/syncmap.h usr/include/syncmap.h
       usr/lib/libsyncmap.a usr/lib/pkgconfig/libsyncmap.pc
       etc/udev/rules.d/60-syncmap.rules)
log=$out/install.log
if (cd "$src" && make install KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr) >"$log" 2>&1; then
	problems=
	for f in "${files[@]}"; do
		[ -e "$dest/$f" ] || problems+=" missing-$f"
	done
	kos=$(cd "$dest" && find . -name '*.ko*' | sort | tr '\n' ' ')
	[ "$kos" = "./lib/modules/$release/extra/syncmap/syncmap.ko " ] ||
		problems+=" modules:$kos"
	noise=$(grep -E 'warning:|WARNING|sign-file|SSL error|depmod: |No such file' \
		"$log" | head -n1)
	[ -z "$noise" ] || problems+=" printed:'$noise'"
	if [ -z "$problems" ]; then
		ok "make install DESTDIR PREFIX=/usr (the module alone, quiet)"
	else
		fail "make install:$problems (see $log)"
	fi
	# What README.md tells a consumer module's author to do.
	consumer=$out/consumer
	rm -rf "$consumer"
	mkdir -p "$consumer"
	cp "$SYNCMAP_ROOT/samples/syncmap_example.c" "$consumer/"
	printf 'obj-m := syncmap_example.o\nccflags-y := -I%s\n' \
		"$dest/usr/src/syncmap/include" >"$consumer/Kbuild"
	if make -C "$kdir" M="$consumer" \
		KBUILD_EXTRA_SYMBOLS="$dest/usr/src/syncmap/$release/Module.symvers" \
		modules >"$out/consumer.log" 2>&1 &&
	   ! grep -qE 'WARNING|warning:' "$out/consumer.log"; then
		ok "a consumer module builds against the installed header and Module.symvers"
	else
		fail "consumer module build (see $out/consumer.log)"
	fi
	if (cd "$src" && make install-test-modules KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr) \
		>>"$log" 2>&1 &&
	   [ -f "$dest/lib/modules/$release/extra/syncmap-test/syncmap_torture.ko" ]; then
		ok "make install-test-modules"
	else
		fail "make install-test-modules (see $log)"
	fi
	if (cd "$src" && make uninstall-test-modules uninstall KDIR="$kdir" DESTDIR="$dest" \
		PREFIX=/usr) >>"$log" 2>&1 &&
	   [ -z "$(find "$dest" -mindepth 1 | head -n1)" ]; then
		ok "make uninstall, uninstall-test-modules: DESTDIR is empty again"
	else
		fail "make uninstall: left $(find "$dest" -mindepth 1 | head -n3 | tr '\n' ' ')"
	fi
else
	fail "make install (see $log)"
fi

# --- Debian packages: build, lintian ------------------------------------------
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh_dkms >/dev/null ||
   ! command -v lintian >/dev/null; then
	fail "deb (needs dpkg-dev, debhelper, dh-dkms, lintian: scripts/deps.sh)"
	exit 1
fi
debs=$out/deb
start=$(date +%s)
if "$SYNCMAP_ROOT/scripts/deb.sh" "$debs" >"$out/deb.log" 2>&1; then
	ok "make deb: $(cd "$debs" && ls -- *.deb | tr '\n' ' ')($(($(date +%s) - start))s)"
else
	fail "make deb (see $out/deb.log)"
	exit 1
fi
start=$(date +%s)
# lintian warns that it runs as root: that is make check's doing.
lintian --fail-on error,warning --info --display-experimental \
	"$debs"/*.changes 2>&1 | grep -v 'running with root privileges' >"$out/lintian.log"
if [ "${PIPESTATUS[0]}" = 0 ]; then
	ok "lintian: no error or warning, $(grep -c . "$out/lintian.log") notes ($(($(date +%s) - start))s)"
else
	fail "lintian (see $out/lintian.log)"
	sed 's/^/        /' "$out/lintian.log" | head -n 20
fi

# --- The packages installed: DKMS, then purged --------------------------------
if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null; then
	skip "dkms (needs root and the dkms package)"
	exit $failed
fi
exec 7>"$(syncmap_cache_dir)/.dkms.lock"
flock 7
log=$out/dkms.log
: >"$log"
# purge_packages: what an interrupted run or an older tree copy left.
purge_packages() {
	dpkg --purge syncmap-tools syncmap-dkms >>"$log" 2>&1
	if [ -d /var/lib/dkms/syncmap ]; then
		dkms remove "syncmap/$version" --all >>"$log" 2>&1
		rm -rf /var/lib/dkms/syncmap
	fi
	rm -rf "/usr/src/syncmap-$version"
}
purge_packages
# Every file the packages hold, to look for after the purge.
mapfile -t pkg_files < <(for d in "$debs"/syncmap-dkms_*.deb "$debs"/syncmap-tools_*.deb; do
	dpkg-deb -c "$d" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }'
done)
start=$(date +%s)
if dpkg -i "$debs"/syncmap-dkms_*.deb "$debs"/syncmap-tools_*.deb >>"$log" 2>&1; then
	ok "dpkg -i syncmap-dkms syncmap-tools ($(($(date +%s) - start))s)"
else
	fail "dpkg -i (see $log)"
fi
for kdir in "$@"; do
	release=$(kernel_release "$kdir")
	start=$(date +%s)
	how="by the postinst"
	# grep -q reads from a here-string, not a pipe: under pipefail, a
	# writer that outlives grep -q's early exit dies of SIGPIPE.
	if ! grep -q ': installed' <<<"$(dkms status -m syncmap -v "$version" -k "$release" 2>/dev/null)"; then
		how="by dkms install"
		dkms install -m syncmap -v "$version" -k "$release" >>"$log" 2>&1
	fi
	ko=$(find "/lib/modules/$release/updates/dkms" -name 'syncmap.ko*' 2>/dev/null | head -n1)
	if [ -n "$ko" ] &&
	   grep -qx "$version" <<<"$(modinfo -k "$release" -F version syncmap 2>/dev/null)"; then
		ok "dkms: syncmap.ko for $release, built $how ($(($(date +%s) - start))s)"
		# Kept for a VM boot with the DKMS-built module.
		case $ko in
		*.xz)	xz -dc "$ko" >"$out/dkms-$release.ko" ;;
		*.gz)	gzip -dc "$ko" >"$out/dkms-$release.ko" ;;
		*.zst)	zstd -qdc "$ko" >"$out/dkms-$release.ko" ;;
		*)	cp "$ko" "$out/dkms-$release.ko" ;;
		esac
	else
		fail "dkms: no syncmap.ko for $release (see $log)"
	fi
done
# The installed library, header and .pc, as a program's build uses them.
prog=$out/libsyncmap-user
printf '#include <syncmap.h>\n#include <stdio.h>\nint main(void)\n{\n\tint fd = %s;\n\n\t%s\n\treturn 0;\n}\n' \
	'syncmap_open(0)' 'printf("%d\\n", fd);' >"$prog.c"
# shellcheck disable=SC2046	# pkg-config prints words
if cc -o "$prog" "$prog.c" $(pkg-config --cflags --libs libsyncmap) >"$prog.log" 2>&1 &&
   ldd "$prog" >>"$prog.log" 2>&1 &&
   grep -q 'libsyncmap.so.0 => /' "$prog.log"; then
	ok "a program builds and links against the installed libsyncmap (pkg-config)"
else
	fail "a program against the installed libsyncmap (see $prog.log)"
fi
[ -x /usr/bin/syncmapctl ] && [ -f /lib/udev/rules.d/60-syncmap.rules ] &&
	getent group syncmap >/dev/null ||
	fail "syncmap-tools: syncmapctl, the udev rule or the group syncmap is missing"

start=$(date +%s)
if dpkg --purge syncmap-tools syncmap-dkms >>"$log" 2>&1; then
	left=
	for f in "${pkg_files[@]}"; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || left+=" $f"
	done
	[ ! -e "/usr/src/syncmap-$version" ] || left+=" /usr/src/syncmap-$version"
	[ ! -e /var/lib/dkms/syncmap ] || left+=" /var/lib/dkms/syncmap"
	left+=$(find /lib/modules -name 'syncmap.ko*' -printf ' %p' 2>/dev/null)
	for p in syncmap-dkms syncmap-tools; do
		st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
		case $st in ""|?n*) ;; *) left+=" dpkg-status-$p=$st" ;; esac
	done
	if [ -z "$left" ]; then
		ok "dpkg --purge: nothing left ($(($(date +%s) - start))s)"
	else
		fail "dpkg --purge left:$left"
	fi
else
	fail "dpkg --purge (see $log)"
fi
purge_packages
exit $failed
