# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the guest's steps (busybox sh).  Steps are sourced in a
# subshell with these functions defined.
#
# The results channel (fd 3, the VM's second serial port) is line-oriented.
# Lines starting with "@@syncmap " are records; everything between a "begin"
# and its "end" is the raw output of one test program:
#
#   @@syncmap result ok|fail NAME [DETAIL]     one check done by a step
#   @@syncmap begin KIND NAME                  KIND: kunit, kselftest (parsed
#   ...TAP or KTAP...                            as TAP/KTAP), text (shown by
#   @@syncmap end KIND NAME rc=N                 make demo) or another word
#                                                (a program: passes on rc 0)
#   @@syncmap done                             the run reached its end
#
# The host (scripts/parse-results.py) fails the run on any "fail", any TAP
# failure, a plan not met, a nonzero rc (but 4, kselftest's skip), or a
# missing "done".

SM_CHANNEL=${SM_CHANNEL:-/dev/ttyS1}

sm_channel_open() {
	if [ -c "$SM_CHANNEL" ]; then
		stty -F "$SM_CHANNEL" raw -echo 115200 2>/dev/null
		exec 3>"$SM_CHANNEL"
	else
		echo "syncmap-vm: no $SM_CHANNEL; results go to the console" >&2
		exec 3>/dev/console
	fi
}

sm_channel_close() {
	# Let the UART drain before the machine goes away.
	sleep 1
	exec 3>&-
}

# sm_log TEXT: a progress line on the console, for people reading the log;
# none with SM_QUIET=1 (make shell: the console is the user's terminal).
sm_log() {
	[ "${SM_QUIET:-0}" = 1 ] || echo "syncmap-vm: $*" >/dev/console
}

# sm_emit TEXT: a record on the results channel.
sm_emit() {
	echo "@@syncmap $*" >&3
}

# sm_result ok|fail NAME [DETAIL]: record one check.  NAME has no spaces.
sm_result() {
	if [ "$1" = fail ]; then
		echo "syncmap-vm: $1 $2${3:+ ($3)}" >/dev/console
	else
		sm_log "$1 $2${3:+ ($3)}"
	fi
	sm_emit "result $*"
}

# sm_check NAME CMD...: run CMD, record ok if it exits 0, fail otherwise.
sm_check() {
	_sm_name=$1
	shift
	if "$@" >/dev/console 2>&1; then
		sm_result ok "$_sm_name"
	else
		sm_result fail "$_sm_name" "'$*' exited $?"
	fi
}

# sm_run KIND NAME CMD...: run a test program, its output (stdout and
# stderr) on the results channel between begin and end records.
sm_run() {
	_sm_kind=$1
	_sm_name=$2
	shift 2
	sm_log "run $_sm_kind $_sm_name"
	sm_emit "begin $_sm_kind $_sm_name"
	"$@" </dev/null >&3 2>&1
	_sm_rc=$?
	sm_emit "end $_sm_kind $_sm_name rc=$_sm_rc"
	sm_log "end $_sm_kind $_sm_name rc=$_sm_rc"
	return $_sm_rc
}

# sm_modules: the modules in load order, one path per line.
sm_modules() {
	cat /modules/order 2>/dev/null
}
