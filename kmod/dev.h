/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syncmap: the misc device /dev/syncmap and its ioctls (docs/abi.md).
 */
#ifndef _SYNCMAP_DEV_H
#define _SYNCMAP_DEV_H

int syncmap_dev_init(void);
void syncmap_dev_exit(void);

#endif /* _SYNCMAP_DEV_H */
