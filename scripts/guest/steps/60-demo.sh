# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: demo
#
# `make demo`: show the module at work (scripts/demo-guest.sh).

sm_run text demo sh /demo.sh
