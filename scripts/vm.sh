#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make vm K=NAME`: one VM test run on a kernel named as in `make check`.
#
# Usage: scripts/vm.sh [NAME [vm-run.sh options]]   (default: testkernel-6.12)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

k=${1:-testkernel-6.12}
shift || true
kernel_paths "$k" || exit 1
exec "$SYNCMAP_ROOT/scripts/vm-run.sh" --name "$k" "$@" "$KIMAGE" "$KDIR"
