#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a test kernel from linux-source-6.12 and print its build directory,
# which is usable as KDIR (out-of-tree modules, `make C=2` sparse runs) and
# holds the image at arch/x86/boot/bzImage, or, for User-Mode Linux, the
# program `linux`.
#
# Usage: scripts/build-testkernel.sh [FRAGMENT...]
#
# The configuration is `make tinyconfig`, then the fragments merged in order
# (later ones win), then `make olddefconfig`; every option a fragment sets
# must survive into .config or the build stops.  The default fragment is
# scripts/testkernel.config.  The kernel is named after the last fragment
# (testkernel.config -> testkernel) and cached, keyed by the source tarball,
# the fragments and the compiler, in $SYNCMAP_CACHE/<name>-<version>-<key>;
# a build that did not finish leaves no stamp and is redone from scratch.
#
# A fragment with the line "# syncmap-arch: um" makes a User-Mode Linux
# kernel (ARCH=um, from `make ARCH=um tinyconfig`); the default is x86_64.
# Every make in such a tree needs ARCH=um: scripts/lib.sh's kernel_make
# passes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Bump when the recipe below changes in a way that alters the result.
RECIPE=2

[ $# -gt 0 ] || set -- "$SYNCMAP_ROOT/scripts/testkernel.config"
for f in "$@"; do
	[ -f "$f" ] || die "no such fragment: $f"
done
fragments=("$@")
name=$(basename "${fragments[-1]}" .config)
arch=$(sed -n 's/^# syncmap-arch:[[:space:]]*//p' "${fragments[@]}" | tail -n1)
arch=${arch:-x86_64}

src=$("$SYNCMAP_ROOT/scripts/linux-src.sh")
cache=$(syncmap_cache_dir)
version=$(make -s -C "$src" kernelversion)
key=$({
	echo "recipe $RECIPE"
	basename "$src"
	cat "${fragments[@]}"
	${CC:-gcc} --version | head -n1
	ld --version | head -n1
} | sha256sum | cut -c1-12)
out=$cache/$name-$version-$key
stamp=$out/.syncmap-complete

if [ -f "$stamp" ]; then
	say "$name: cached in $out"
	echo "$out"
	exit 0
fi

exec 9>"$cache/.$name.lock"
if ! flock -n 9; then
	say "$name: another build holds $cache/.$name.lock; waiting"
	flock 9
fi
if [ -f "$stamp" ]; then
	echo "$out"
	exit 0
fi

log=$out.log
rm -rf "$out"
mkdir -p "$out"
say "$name: building $version in $out (log: $log)"
start=$(date +%s)

kmake() {
	make -C "$src" O="$out" ARCH="$arch" "$@" >>"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		die "$name: 'make $*' failed; full log: $log"
	}
}

: >"$log"
# ARCH=x86_64 (kmake's default), not x86: a 64-bit tinyconfig.  With ARCH=x86,
# allnoconfig turns 64BIT off and the 32-bit defaults (FRAME_WARN=1024...)
# would stick.
kmake tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "${fragments[@]}" >>"$log" 2>&1 ||
	die "$name: merge_config.sh failed; full log: $log"
kmake olddefconfig

# olddefconfig silently drops what it cannot satisfy: check every option the
# fragments ask for (the last setting of each wins, as in merge_config.sh).
missing=0
while read -r want; do
	opt=${want%%=*}
	opt=${opt#\# }
	opt=${opt% is not set}
	if [[ $want == "# "* ]]; then
		if grep -q "^$opt=" "$out/.config"; then
			say "$name: $opt is set, but a fragment says: $want"
			missing=1
		fi
	elif ! grep -qxF "$want" "$out/.config"; then
		say "$name: '$want' did not land: $(grep -E "^(# )?${opt}[= ]" "$out/.config" || echo "$opt absent")"
		missing=1
	fi
done < <(cat "${fragments[@]}" |
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' |
	tac | awk '{ o = $0; sub(/^# /, "", o); sub(/[= ].*/, "", o); if (!seen[o]++) print }')
[ "$missing" = 0 ] || die "$name: the configuration lacks options its fragments ask for"
cp "${fragments[@]}" "$out/"

# A full build, not just bzImage: out-of-tree modules need Module.symvers.
kmake -j"$(nproc)"

elapsed=$(($(date +%s) - start))
echo "$elapsed" >"$out/.syncmap-build-seconds"
touch "$stamp"
say "$name: built in $((elapsed / 60))m$((elapsed % 60))s"

# Drop what earlier runs left: builds that never finished, and all but the
# newest finished one besides this.  (We hold the lock: none is building.)
for old in "$cache/$name"-[0-9]*/; do
	old=${old%/}
	if [ "$old" != "$out" ] && [ ! -f "$old/.syncmap-complete" ]; then
		say "$name: removing unfinished build $old"
		rm -rf "$old" "$old.log"
	fi
done
# shellcheck disable=SC2012	# our own directory names: no odd characters
ls -1dt "$cache/$name"-[0-9]*/ 2>/dev/null | tail -n +3 | while read -r old; do
	say "$name: removing old build ${old%/}"
	rm -rf "${old%/}" "${old%/}.log"
done
echo "$out"
