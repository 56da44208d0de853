/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: /sys/kernel/debug/syncmap/ (docs/observability.md).
 */
#ifndef _SYNCMAP_DEBUGFS_H
#define _SYNCMAP_DEBUGFS_H

struct syncmap_named;
struct syncmap_ns;

void syncmap_debugfs_init(void);
void syncmap_debugfs_exit(void);
void syncmap_debugfs_add(struct syncmap_named *nm);
void syncmap_debugfs_remove(struct syncmap_named *nm);
void syncmap_debugfs_ns_add(struct syncmap_ns *ns);
void syncmap_debugfs_ns_remove(struct syncmap_ns *ns);

#endif /* _SYNCMAP_DEBUGFS_H */
