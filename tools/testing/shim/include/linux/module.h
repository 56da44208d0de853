/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>

#define MODULE_LICENSE(s)
#define MODULE_DESCRIPTION(s)
#define MODULE_AUTHOR(s)
#define MODULE_VERSION(s)
#define MODULE_IMPORT_NS(ns)
#define module_init(fn)
#define module_exit(fn)

#endif
