# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# modes: shell
#
# `make shell`: a shell on the console with the map loaded (step 20), until
# it exits; step 80 then unloads the map and init powers off.  The host
# wrote the terminal's type and size to /etc/syncmap.conf (SM_SHELL_*).
#
# SM_SHELL_PIPED=1: the host types the lines of a pipe, all at once, as
# soon as the shell shows its first prompt ("shell ready" on the results
# channel, from bash's PROMPT_COMMAND: /root/.bashrc), so that they land
# while the line editor reads, which echoes each line as it takes it.

export TERM="${SM_SHELL_TERM:-vt100}" PAGER=less ENV=/etc/shrc
export SM_SHELL_PIPED="${SM_SHELL_PIPED:-0}"
# cttyhack leaves the shell no fd 3: it opens the results channel itself.
SM_SHELL_CHANNEL=/dev/console
[ -c "$SM_CHANNEL" ] && SM_SHELL_CHANNEL=$SM_CHANNEL
export SM_SHELL_CHANNEL
# shellcheck disable=SC2086	# rows, then columns
set -- ${SM_SHELL_SIZE:-24 80}
stty rows "$1" cols "$2" 2>/dev/null
# The boot was quiet; warnings and worse show while the shell runs.  The
# whole kernel log goes to the host when the shell exits, to be judged.
echo 5 >/proc/sys/kernel/printk
# bash's process substitution, <(...), opens /dev/fd/N.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
cat /etc/motd
[ -x /bin/bash ] || sm_emit "shell ready"
# A session of its own with the console as its controlling terminal, so
# that Ctrl-C and job control work.
if [ -x /bin/bash ]; then
	setsid cttyhack /bin/bash
else
	setsid cttyhack /bin/sh
fi
sm_result ok "shell:exit" "rc=$?"
sm_run log dmesg dmesg
