#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: everything that must pass before a change lands.
#
#  1. the test kernel (built once, then cached);
#  2. the module built with W=1, warnings as errors, against the test kernel
#     and Debian's 6.1, 6.12 and 6.12-rt headers;
#  2b. samples/syncmap_example.c built out of tree as README.md says;
#  3. checkpatch.pl --strict on every C file of the module, and sparse
#     (make C=2) against the test kernel;
#  3b. packaging: modinfo, make install/uninstall into a DESTDIR, DKMS for
#     the Debian kernels (scripts/package-check.sh);
#  4. a VM run on each kernel (scripts/vm-run.sh): KUnit where the kernel
#     has it, the kselftests everywhere, splats and leaks fail the run;
#  4b. `make shell` on uml-6.12, driven with commands on stdin;
#  5. userspace tests, if tools/testing/Makefile exists (`make check` there).
#
# Goes on after a failure, prints one line per group and, last,
# "N passed, N failed" over everything.  Exits 1 if anything failed.
# Logs: build/check/ and build/logs/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$SYNCMAP_BUILD/check
mkdir -p "$SYNCMAP_BUILD"
exec 8>"$SYNCMAP_BUILD/.check.lock"
if ! flock -n 8; then
	say "another 'make check' is running in this tree; waiting"
	flock 8
fi
rm -rf "$out"
mkdir -p "$out"

groups=()
declare -A passed failed skipped
t0=$(date +%s)

# record GROUP ok|fail|skip ITEM [DETAIL]
record() {
	local group=$1 status=$2 item=$3 detail=${4:-}

	if [ -z "${passed[$group]+set}" ]; then
		groups+=("$group")
		passed[$group]=0 failed[$group]=0 skipped[$group]=0
	fi
	case $status in
	ok)	passed[$group]=$((passed[$group] + 1)); echo "  ok    $group: $item" ;;
	skip)	skipped[$group]=$((skipped[$group] + 1)); echo "  skip  $group: $item${detail:+ ($detail)}" ;;
	*)	failed[$group]=$((failed[$group] + 1)); echo "  FAIL  $group: $item${detail:+ ($detail)}" ;;
	esac
}

# add_counts GROUP FILE: fold a VM run's "passed failed skipped" in.
add_counts() {
	local group=$1 p f s

	read -r p f s <"$2" || return 1
	if [ -z "${passed[$group]+set}" ]; then
		groups+=("$group")
		passed[$group]=0 failed[$group]=0 skipped[$group]=0
	fi
	passed[$group]=$((passed[$group] + p))
	failed[$group]=$((failed[$group] + f))
	skipped[$group]=$((skipped[$group] + s))
}

section() {
	echo
	echo "==== $* ($(($(date +%s) - t0))s)"
}

# show_problems LOG PATTERN: the lines of a failed step worth reading.
show_problems() {
	grep -E "$2" "$1" | head -n 25 | sed 's/^/        /'
	echo "        (full log: $1)"
}

# --- 1. The kernels ---------------------------------------------------------
section "kernels"
declare -A kdir image
for k in $SYNCMAP_KERNELS; do
	start=$(date +%s)
	if kernel_paths "$k"; then
		kdir[$k]=$KDIR
		image[$k]=$KIMAGE
		if [ -r "$KIMAGE" ]; then
			record "$k" ok "kernel $(basename "$KDIR") ($(($(date +%s) - start))s)"
		else
			record "$k" fail "kernel" "cannot read $KIMAGE"
			unset "kdir[$k]"
		fi
	else
		record "$k" fail "kernel"
	fi
done
tk=${kdir[testkernel-6.12]:-}

# --- 2. W=1 builds ----------------------------------------------------------
section "module builds with W=1, warnings are errors"
for k in $SYNCMAP_KERNELS; do
	[ -n "${kdir[$k]:-}" ] || continue
	src=$out/w1-$k
	copy_module_source "$src"
	log=$out/w1-$k.log
	if kernel_make "${kdir[$k]}" -j"$(nproc)" M="$src" W=1 KCFLAGS=-Werror modules >"$log" 2>&1 &&
	   ! grep -qE 'warning:|WARNING:' "$log"; then
		record "$k" ok "W=1 build"
	else
		record "$k" fail "W=1 build"
		show_problems "$log" 'warning:|WARNING:|error:|Error'
	fi
done

# --- 2b. The README's consumer module, out of tree ---------------------------
# samples/syncmap_example.c built as README.md's "Writing a consumer
# module" says: its own directory, -I to syncmap's include/,
# KBUILD_EXTRA_SYMBOLS to syncmap's Module.symvers (the W=1 build's).
section "a consumer module out of tree (README)"
k=debian-6.12
if [ -n "${kdir[$k]:-}" ] && [ -f "$out/w1-$k/Module.symvers" ]; then
	cons=$out/consumer
	rm -rf "$cons"
	mkdir -p "$cons"
	cp "$SYNCMAP_ROOT/samples/syncmap_example.c" "$cons/"
	# shellcheck disable=SC2016	# make's $(SYNCMAP), not the shell's
	printf '%s\n' 'obj-m := syncmap_example.o' \
		'ccflags-y := -I$(SYNCMAP)/include' >"$cons/Kbuild"
	log=$out/consumer.log
	if make -C "${kdir[$k]}" M="$cons" SYNCMAP="$out/w1-$k" \
		KBUILD_EXTRA_SYMBOLS="$out/w1-$k/Module.symvers" modules >"$log" 2>&1 &&
	   ! grep -qE 'warning:|WARNING:' "$log" &&
	   [ "$(modinfo -F depends "$cons/syncmap_example.ko")" = syncmap ]; then
		record consumer ok "samples/syncmap_example.c out of tree ($k)"
	else
		record consumer fail "samples/syncmap_example.c out of tree ($k)"
		show_problems "$log" 'warning:|WARNING:|error:|Error'
	fi
else
	record consumer fail "samples/syncmap_example.c out of tree" "no W=1 build for $k"
fi

# --- 3. checkpatch and sparse -----------------------------------------------
section "checkpatch --strict, sparse"
linux_src=$("$SYNCMAP_ROOT/scripts/linux-src.sh" 2>>"$out/linux-src.log")
if [ -z "$linux_src" ]; then
	record lint fail "checkpatch" "no linux source tree: see $out/linux-src.log"
else
	mapfile -t sources < <(cd "$SYNCMAP_ROOT" && find kmod include kunit samples torture \
		-name '*.[ch]' 2>/dev/null | sort)
	for f in "${sources[@]}"; do
		log=$out/checkpatch-${f//\//_}.log
		# Accepted findings: scripts/checkpatch.ignore.
		ignore=$(awk -v f="$f" '$1 == f { print $2 }' \
			"$SYNCMAP_ROOT/scripts/checkpatch.ignore")
		if (cd "$SYNCMAP_ROOT" && "$linux_src/scripts/checkpatch.pl" --strict \
			--no-tree --no-summary --show-types ${ignore:+--ignore "$ignore"} \
			-f "$f") >"$log" 2>&1; then
			record lint ok "checkpatch $f${ignore:+ (ignoring $ignore)}"
		else
			record lint fail "checkpatch $f"
			show_problems "$log" '^(ERROR|WARNING|CHECK)|^#[0-9]+:|^\+'
		fi
	done
fi

if [ -n "$tk" ]; then
	src=$out/sparse
	copy_module_source "$src"
	log=$out/sparse.log
	if make -j"$(nproc)" -C "$tk" M="$src" C=2 modules >"$log" 2>&1 &&
	   ! grep -qE ': (warning|error):' "$log"; then
		record lint ok "sparse (C=2, testkernel-6.12)"
	else
		record lint fail "sparse (C=2, testkernel-6.12)"
		show_problems "$log" ': (warning|error):|Error'
	fi
else
	record lint fail "sparse" "no test kernel"
fi

# --- 3b. Packaging: modinfo, make install/uninstall, DKMS --------------------
section "packaging (modinfo, make install, dkms)"
debian_kdirs=()
for k in debian-6.12 debian-6.1 debian-6.12-rt; do
	[ -n "${kdir[$k]:-}" ] && debian_kdirs+=("${kdir[$k]}")
done
if [ ${#debian_kdirs[@]} -gt 0 ]; then
	while read -r status item; do
		case $status in
		ok)	record packaging ok "$item" ;;
		skip)	record packaging skip "$item" ;;
		FAIL)	record packaging fail "$item" ;;
		*)	echo "        $status $item" ;;
		esac
	done < <("$SYNCMAP_ROOT/scripts/package-check.sh" "$out/packaging" \
		"${debian_kdirs[@]}" 2>&1)
else
	record packaging fail "packaging" "no Debian headers"
fi

# --- 4. VM runs -------------------------------------------------------------
# TCG keeps a vCPU's host thread busy only while that vCPU runs, and most of
# a run is one guest thread at a time: SYNCMAP_VM_JOBS (2) runs go at once,
# each into its own log, printed in order when all are done.  The longest
# (KCSAN, the test kernel) start first.  The torture passes last as long
# as they are told, whatever share of the host they get.
section "VM runs, ${SYNCMAP_VM_JOBS:-2} at a time"
# Their userspace programs are the same for every kernel: built once.
export SYNCMAP_VM_USERSPACE=$out/vm-userspace
vm_names=()
# vm_start NAME vm-run.sh-ARGS...: start a run when a slot is free.
vm_start() {
	local name=$1

	shift
	while [ "$(jobs -rp | wc -l)" -ge "${SYNCMAP_VM_JOBS:-2}" ]; do
		wait -n || true
	done
	echo "  start $name ($(($(date +%s) - t0))s)"
	vm_names+=("$name")
	"$SYNCMAP_ROOT/scripts/vm-run.sh" --name "$name" "$@" \
		>"$out/vm-$name.out" 2>&1 &
}

for k in kcsan-6.12 testkernel-6.12 $SYNCMAP_KERNELS; do
	[ -n "${kdir[$k]:-}" ] || continue
	case " ${vm_names[*]} " in *" $k "*) continue ;; esac
	vm_start "$k" "${image[$k]}" "${kdir[$k]}"
done

# A stock kernel with the module DKMS built, running the kselftests.
k=debian-6.1
if [ -n "${kdir[$k]:-}" ]; then
	dkms_ko=$out/packaging/dkms-$(basename "${kdir[$k]}" | sed 's/^linux-headers-//').ko
	if [ -s "$dkms_ko" ]; then
		vm_start "dkms-$k" --prebuilt "$dkms_ko" "${image[$k]}" "${kdir[$k]}"
	else
		record "dkms-$k" fail "VM run" "no DKMS-built module: see the packaging lines"
	fi
fi
wait

for name in "${vm_names[@]}"; do
	section "VM run: $name"
	grep -v '^[^ ].*: [0-9]* passed, [0-9]* failed' "$out/vm-$name.out"
	add_counts "$name" "$SYNCMAP_BUILD/vm/$name/counts" ||
		record "$name" fail "VM run" "it reported no results"
done

# --- 4b. make shell, driven -------------------------------------------------
# Commands on stdin, typed into the guest's shell (scripts/shell.sh), and
# what they print checked here.  The run itself fails if the module does
# not load and unload or the kernel printed a splat.
section "make shell, driven (uml-6.12)"
if [ -n "${kdir[uml-6.12]:-}" ]; then
	log=$out/shell.log
	shell_rc=0
	# The echoed command lines must not match the patterns below: the
	# guest computes what is checked.
	timeout 600 "$SYNCMAP_ROOT/scripts/shell.sh" uml-6.12 --timeout 300 >"$log" 2>&1 <<'EOF' || shell_rc=$?
echo "modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
syncmapctl create shelltest max-entries 10
syncmapctl -m shelltest store greeting "hello from the shell"
echo "loaded: $(syncmapctl -m shelltest load greeting)"
syncmapctl list
echo "debugfs: $(cat /sys/kernel/debug/syncmap/maps/shelltest/policy >/dev/null && echo yes)"
echo "man: $(man syncmapctl | grep -c '^SYNCMAPCTL(8)')"
COMP_WORDS=(syncmapctl -m shelltest lo); COMP_CWORD=3; _syncmapctl; echo "completion: ${COMPREPLY[*]}"
echo "shell: $BASH_VERSION"
syncmapctl destroy shelltest
EOF
	if [ "$shell_rc" = 0 ]; then
		record shell ok "make shell: powers off on exit, the module unloaded, no splat"
	else
		record shell fail "make shell: exited $shell_rc"
		tail -n 20 "$log" | sed 's/^/        /'
	fi
	# check_shell ITEM PATTERN: a line of the session matches PATTERN.
	check_shell() {
		# Not tr | grep -q: under pipefail, tr could die of SIGPIPE.
		if grep -qE "$2" < <(tr -d '\r' <"$log"); then
			record shell ok "make shell: $1"
		else
			record shell fail "make shell: $1" "no line matches '$2' in $log"
		fi
	}
	check_shell "only syncmap.ko loaded" '^modules: syncmap $'
	check_shell "syncmapctl stores and loads" '^loaded: hello from the shell$'
	check_shell "syncmapctl list" '^shelltest +0 +0 0600 +1 +10 '
	check_shell "debugfs mounted" '^debugfs: yes$'
	check_shell "man syncmapctl" '^man: [1-9]'
	check_shell "bash completion" '^completion: load load-or-store load-and-delete$'
	check_shell "bash as the shell" '^shell: [0-9]'
else
	record shell fail "make shell" "no uml-6.12 kernel"
fi

# --- 5. Userspace tests, once another issue adds them -------------------------
if [ -f "$SYNCMAP_ROOT/tools/testing/Makefile" ]; then
	section "userspace tests (make -C tools/testing check)"
	log=$out/userspace.log
	if make -C "$SYNCMAP_ROOT/tools/testing" check >"$log" 2>&1; then
		record userspace ok "make -C tools/testing check"
	else
		record userspace fail "make -C tools/testing check"
		tail -n 25 "$log" | sed 's/^/        /'
		echo "        (full log: $log)"
	fi
fi

# --- Summary ----------------------------------------------------------------
section "summary"
total_p=0
total_f=0
for g in "${groups[@]}"; do
	line="$g: ${passed[$g]} passed, ${failed[$g]} failed"
	[ "${skipped[$g]}" = 0 ] || line+=", ${skipped[$g]} skipped"
	echo "$line"
	total_p=$((total_p + passed[$g]))
	total_f=$((total_f + failed[$g]))
done
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
