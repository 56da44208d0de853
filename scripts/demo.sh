#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: on a fresh Debian 12 machine, install what it needs, build
# syncmap against Debian's stock 6.12 kernel, boot that kernel in QEMU, load
# the module (kmod/syncmap.ko alone) and run scripts/demo-guest.sh in the
# VM, showing its output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$SYNCMAP_ROOT/scripts/deps.sh" demo
kernel_paths debian-6.12 || exit 1
exec "$SYNCMAP_ROOT/scripts/vm-run.sh" --demo --name demo-debian-6.12 \
	"$KIMAGE" "$KDIR"
