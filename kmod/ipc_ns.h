/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the IPC namespace a map's name lives in, the same way on the
 * kernels the module builds against (Debian's 6.1 and 6.12).
 */
#ifndef _SYNCMAP_IPC_NS_H
#define _SYNCMAP_IPC_NS_H

#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>
#include <linux/version.h>

/*
 * IPC namespaces, which scope the names of maps.  A kernel without SysV
 * IPC and POSIX message queues has none: every task's nsproxy->ipc_ns is
 * NULL there, and NULL stands for the one namespace.  Without
 * CONFIG_IPC_NS, get_ipc_ns() and put_ipc_ns() are inline no-ops.
 *
 * 6.12 exports init_ipc_ns and put_ipc_ns() to GPL modules; 6.1 exports
 * neither.  There, the initial namespace is the idle task's (init_task is
 * exported and its nsproxy is init_nsproxy for good), and a reference is
 * dropped through the namespace's proc_ns_operations, whose put is
 * ipcns_put(), a call of put_ipc_ns().  get_ipc_ns() is inline on both.
 */
#if defined(CONFIG_SYSVIPC) || defined(CONFIG_POSIX_MQUEUE)
static inline struct ipc_namespace *syncmap_init_ipc_ns(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	return &init_ipc_ns;
#else
	return init_task.nsproxy->ipc_ns;
#endif
}

static inline void syncmap_put_ipc_ns(struct ipc_namespace *ns)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	put_ipc_ns(ns);
#elif defined(CONFIG_IPC_NS)
	ns->ns.ops->put(&ns->ns);
#endif
}

static inline unsigned int syncmap_ipc_ns_inum(const struct ipc_namespace *ns)
{
	return ns->ns.inum;
}

static inline struct user_namespace *
syncmap_ipc_user_ns(const struct ipc_namespace *ns)
{
	return ns->user_ns;
}
#else
static inline struct ipc_namespace *syncmap_init_ipc_ns(void)
{
	return NULL;
}

static inline void syncmap_put_ipc_ns(struct ipc_namespace *ns)
{
}

static inline unsigned int syncmap_ipc_ns_inum(const struct ipc_namespace *ns)
{
	return 0;
}

static inline struct user_namespace *
syncmap_ipc_user_ns(const struct ipc_namespace *ns)
{
	return &init_user_ns;
}
#endif

/* The namespace of the calling task, with a reference. */
static inline struct ipc_namespace *syncmap_current_ipc_ns(void)
{
	return get_ipc_ns(current->nsproxy->ipc_ns);
}

#endif /* _SYNCMAP_IPC_NS_H */
