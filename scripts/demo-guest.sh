# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# `make demo`, inside the VM, right after syncmap.ko was loaded: what it
# prints is shown on the terminal.  Grow it as features land (syncmapctl).

echo "== kernel"
uname -r
echo
echo "== syncmap is loaded"
grep '^syncmap ' /proc/modules || echo "syncmap is NOT loaded"
for attr in version initstate taint; do
	if [ -r "/sys/module/syncmap/$attr" ]; then
		printf '%-10s %s\n' "$attr:" "$(cat "/sys/module/syncmap/$attr")"
	fi
done
echo
echo "== kernel log"
dmesg | grep -i syncmap | tail -n 5

# syncmapctl against /dev/syncmap: named maps, operations, a batch, stats.
if command -v syncmapctl >/dev/null && [ -c /dev/syncmap ]; then
	demo() {
		line="\$"
		for word in "$@"; do
			case $word in
			*" "*|"")	line="$line \"$word\"" ;;
			*)		line="$line $word" ;;
			esac
		done
		echo "$line"
		"$@"
		echo
	}
	echo
	echo "== syncmapctl"
	demo ls -l /dev/syncmap
	demo syncmapctl create demo mode 0644 max-entries 1000
	demo syncmapctl -m demo store greeting "hello, world"
	demo syncmapctl -m demo store hex:00ff "a binary key"
	demo syncmapctl -m demo load greeting
	demo syncmapctl -m demo -j load greeting
	demo syncmapctl -m demo load missing
	demo syncmapctl -m demo cas greeting "hello, world" bonjour
	demo syncmapctl -m demo swap greeting hi
	echo "\$ syncmapctl -m demo batch - <<EOF"
	cat <<-'EOF' | tee /tmp/demo.batch
	# one command a line; quoted tokens take C escapes
	store colour blue
	store shape "round\tand\x21"
	store "" "the empty key"
	load colour
	delete nothing-here
	load-or-store colour red
	EOF
	echo "EOF"
	syncmapctl -m demo batch /tmp/demo.batch
	echo
	demo syncmapctl -m demo range
	demo syncmapctl -m demo -j range
	demo syncmapctl -m demo len
	demo syncmapctl -m demo stats
	demo syncmapctl -m demo -j stats
	echo "\$ syncmapctl stats --prometheus | grep -E 'promotions_total|syncmap_len'"
	syncmapctl stats --prometheus | grep -E 'promotions_total|syncmap_len'
	echo
	demo syncmapctl list
	demo syncmapctl -j info demo
	echo "== health, compaction and the promotion policy"
	demo syncmapctl -m demo compact
	for k in colour shape greeting; do
		echo "\$ syncmapctl -m demo delete $k"
		syncmapctl -m demo delete "$k"
	done
	echo "\$ syncmapctl -m demo health"
	syncmapctl -m demo health
	echo "(exit status $?)"
	echo
	demo syncmapctl -m demo compact
	echo "\$ syncmapctl -m demo health"
	syncmapctl -m demo health
	echo "(exit status $?)"
	echo
	demo syncmapctl -m demo stats
	echo "\$ syncmapctl stats --prometheus | grep syncmap_health"
	syncmapctl stats --prometheus | grep '^syncmap_health.*demo'
	echo
	demo syncmapctl -m demo policy
	demo syncmapctl -m demo policy multiplier=2,floor=4 adaptive=1
	demo syncmapctl -m demo -j policy
	demo syncmapctl create tuned policy multiplier=4
	demo cat /sys/kernel/debug/syncmap/maps/tuned/policy
	demo cat /sys/kernel/debug/syncmap/summary
	demo syncmapctl destroy tuned
	demo syncmapctl destroy demo
	demo syncmapctl list
fi
grep -q '^syncmap ' /proc/modules
