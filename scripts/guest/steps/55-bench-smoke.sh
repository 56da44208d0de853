# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: test
#
# The userspace benchmark (bench/syncmap_ubench.c), tiny: every workload,
# syncmap through its ioctls against a BPF hash map, 1 and 2 threads, for
# a few milliseconds each, so the code cannot rot.  make bench runs it for
# real; the in-kernel benchmark's smoke run is its load in step 20.

command -v syncmap_ubench >/dev/null || return 0
sm_run bench ubench-smoke syncmap_ubench -d 5 -n 256 -M 1024 -t 2
