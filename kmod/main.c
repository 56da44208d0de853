// SPDX-License-Identifier: GPL-2.0
/*
 * syncmap: module init and exit.
 */
#include <linux/module.h>

#include "debugfs.h"
#include "dev.h"
#include "map.h"
#include "registry.h"
#include "syncmap.h"

static bool time_lock_holds;
module_param(time_lock_holds, bool, 0444);
MODULE_PARM_DESC(time_lock_holds,
		 "record each map's longest spinlock hold in its stats (lock_hold_max_ns); off by default: it reads the clock twice per hold");

static int __init syncmap_init(void)
{
	int ret;

	ret = syncmap_core_init();
	if (ret)
		return ret;
	syncmap_debugfs_init();
	ret = syncmap_registry_init();
	if (ret)
		goto debugfs_exit;
	ret = syncmap_dev_init();
	if (ret)
		goto registry_exit;
	if (time_lock_holds)
		syncmap_time_lock_holds(true);
	pr_debug("loaded\n");
	return 0;

registry_exit:
	syncmap_registry_exit();
debugfs_exit:
	syncmap_debugfs_exit();
	syncmap_core_exit();
	return ret;
}

static void __exit syncmap_exit(void)
{
	syncmap_dev_exit();
	if (time_lock_holds)
		syncmap_time_lock_holds(false);
	syncmap_registry_exit();
	syncmap_debugfs_exit();
	syncmap_core_exit();
	pr_debug("unloaded\n");
}

module_init(syncmap_init);
module_exit(syncmap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Concurrent key/value map with Go's sync.Map design");
MODULE_AUTHOR("syncmap developers");
MODULE_VERSION("0.1");
