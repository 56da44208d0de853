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
grep -q '^syncmap ' /proc/modules
