#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make shell [K=NAME]`: boot a kernel with kmod/syncmap.ko loaded and a
# shell on this terminal: syncmapctl, its man page and bash completion,
# jq, debugfs mounted.  `exit` unloads the module and powers off; the run
# fails if the module did not unload or the kernel printed a splat.
#
# Usage: scripts/shell.sh [NAME [vm-run.sh options]]   (default: uml-6.12)
#
# NAME is a kernel as in `make vm`.  uml-6.12 (User-Mode Linux, the debug
# options of the test kernel) runs at native speed and is up in seconds;
# debian-6.12 is Debian's own kernel under QEMU (TCG), slower to boot
# (Ctrl-A x leaves QEMU).  Commands on stdin that is not a terminal are
# typed into the shell, then `exit`: make check drives it that way.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

k=${1:-uml-6.12}
# syncmapctl and libsyncmap are built once and kept (make rebuilds what
# changed).
export SYNCMAP_VM_USERSPACE=${SYNCMAP_VM_USERSPACE:-$SYNCMAP_BUILD/vm/shell-userspace}
shift || true
"$SYNCMAP_ROOT/scripts/deps.sh" shell "$k"
kernel_paths "$k" || exit 1
exec "$SYNCMAP_ROOT/scripts/vm-run.sh" --shell --name "shell-$k" "$@" \
	"$KIMAGE" "$KDIR"
