# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bash in the VM of `make shell`.

. /etc/shrc
for f in /usr/share/bash-completion/completions/*; do
	# shellcheck source=/dev/null
	[ -r "$f" ] && . "$f"
done
unset f
# Typed from a pipe (make check): the host types once the first prompt is
# up (70-shell.sh).
if [ "${SM_SHELL_PIPED:-0}" = 1 ]; then
	PROMPT_COMMAND='unset PROMPT_COMMAND; echo "@@syncmap shell ready" >"$SM_SHELL_CHANNEL"'
fi
