/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for <trace/define_trace.h>: the events need no second reading. */
