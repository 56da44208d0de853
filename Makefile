# SPDX-License-Identifier: GPL-2.0
#
# syncmap: entry points.  What the module is made of is in Kbuild; the work
# behind the other targets is in scripts/.
#
#   make                  build kmod/syncmap.ko against KDIR
#   make bench            benchmarks against the peers, UML and QEMU; docs/bench.md
#   make demo             boot Debian's 6.12 in QEMU with the module loaded
#   make shell [K=NAME]   a shell in a VM with the module loaded, syncmapctl,
#                         its man page and completion; `exit` powers off.
#                         K as for make vm, default uml-6.12 (native speed)
#   make check            every build, lint and VM test; see scripts/check.sh
#   make vm K=NAME        one VM test run: testkernel-6.12, kcsan-6.12,
#                         debian-6.1, debian-6.12, debian-6.12-rt or
#                         uml-6.12 (User-Mode Linux: native speed, 1 CPU)
#   make kunit [K=NAME]   only the KUnit suites, on uml-6.12 by default:
#                         the fastest way to run them
#   make torture          DURATION seconds (600) of torture, half on each
#                         engine, and FUZZ_CALLS
#                         (100000) ioctl fuzzer calls in the test kernel
#   make kcsan            the VM test run on the test kernel with KCSAN
#                         instead of KASAN, DURATION (120) s of torture
#   make testkernel       build (or find cached) the debug test kernel
#   make fuzz             fuzz the core in userspace for FUZZ_TIME seconds
#   make bench-native     the core in userspace beside Go's sync.Map;
#                         writes docs/bench-native.md (tools/testing)
#   make install          the module and what consumer modules build
#                         against (install-module), syncmapctl, the udev
#                         rule, libsyncmap (install-tools); DESTDIR, PREFIX
#                         (/usr/local), LIBDIR, UDEVDIR; see below
#   make install-test-modules  the test, benchmark and example modules
#   make uninstall        remove what make install installed
#   make deb              Debian packages syncmap-dkms and syncmap-tools
#                         in build/deb/ (scripts/deb.sh)
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	@test -d $(KDIR) || { echo "KDIR=$(KDIR) does not exist:" \
		"install the kernel's headers or pass KDIR=<kernel build tree>" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

check:
	scripts/check.sh

demo:
	scripts/demo.sh

shell:
	@scripts/shell.sh $(or $(K),uml-6.12)

bench:
	scripts/bench.sh

vm:
	scripts/vm.sh $(K)

kunit:
	scripts/vm.sh $(or $(K),uml-6.12) --kunit

testkernel:
	scripts/build-testkernel.sh

DURATION ?= 600
FUZZ_CALLS ?= 100000
torture:
	scripts/torture.sh $(DURATION) $(FUZZ_CALLS)

kcsan:
	scripts/kcsan.sh $(if $(filter command line,$(origin DURATION)),$(DURATION),120)

# Installation, in three parts that `make install` does together:
#
#   install-module   syncmap.ko in /lib/modules/RELEASE/extra/syncmap/ of the
#                    kernel KDIR belongs to (depmod run when that kernel is
#                    installed there), and what an out-of-tree consumer
#                    module builds against: PREFIX/src/syncmap/include/
#                    (syncmap.h and uapi/syncmap.h, for -I) and
#                    PREFIX/src/syncmap/RELEASE/Module.symvers (for
#                    KBUILD_EXTRA_SYMBOLS)
#   install-tools    syncmapctl and its man page (and bash completion),
#                    the uapi header as <linux/syncmap.h>, the udev rule,
#                    libsyncmap with <syncmap.h>, its .pc and man pages
#   install-test-modules  the example, benchmark, torture and KUnit
#                    modules, in /lib/modules/RELEASE/extra/syncmap-test/;
#                    not part of `make install`
#
# The module is copied as built: not signed, not compressed (modprobe
# takes either), so nothing of the kernel's signing set-up is needed.
# With a DESTDIR, depmod is left to whoever installs the tree (a package's
# postinst): depmod -b on a partial tree only warns.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
UDEVDIR ?= /etc/udev/rules.d
KRELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR = $(DESTDIR)/lib/modules/$(KRELEASE)/extra/syncmap
TESTMODDIR = $(DESTDIR)/lib/modules/$(KRELEASE)/extra/syncmap-test
DEVDIR = $(DESTDIR)$(PREFIX)/src/syncmap
INSTALL_BUILD = $(CURDIR)/build/install/
TEST_MODULES = samples/syncmap_example.ko bench/syncmap_holdtime.ko \
	bench/syncmap_bench.ko torture/syncmap_torture.ko syncmap_kunit.ko
COMPLETION = $(wildcard tools/syncmapctl/syncmapctl.bash-completion \
	tools/syncmapctl/bash-completion/syncmapctl tools/syncmapctl/syncmapctl.bash)
# depmod, when the kernel is installed in the tree written to.
DEPMOD = test ! -f $(DESTDIR)/lib/modules/$(KRELEASE)/modules.builtin || \
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KRELEASE)

install: install-module install-tools

install-kdir:
	@test -d $(KDIR) || { echo "KDIR=$(KDIR) does not exist: pass KDIR=<kernel" \
		"build tree>, one of:" $(wildcard /lib/modules/*/build) >&2; exit 1; }
	@test -n "$(KRELEASE)" || { echo "cannot tell KDIR's kernel release" >&2; exit 1; }

install-module: install-kdir modules
	install -D -m 644 kmod/syncmap.ko $(MODDIR)/syncmap.ko
	install -D -m 644 include/syncmap.h $(DEVDIR)/include/syncmap.h
	install -D -m 644 include/uapi/syncmap.h $(DEVDIR)/include/uapi/syncmap.h
	install -D -m 644 Module.symvers $(DEVDIR)/$(KRELEASE)/Module.symvers
	@$(DEPMOD)

install-test-modules: install-kdir modules
	install -d $(TESTMODDIR)
	install -m 644 $(wildcard $(TEST_MODULES)) $(TESTMODDIR)/
	@$(DEPMOD)

install-tools:
	$(MAKE) -C tools/syncmapctl OUTPUT=$(INSTALL_BUILD)
	install -D -m 755 $(INSTALL_BUILD)syncmapctl $(DESTDIR)$(PREFIX)/bin/syncmapctl
	install -D -m 644 tools/syncmapctl/syncmapctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/syncmapctl.8
	$(if $(COMPLETION),install -D -m 644 $(firstword $(COMPLETION)) \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/syncmapctl)
	install -D -m 644 tools/udev/60-syncmap.rules $(DESTDIR)$(UDEVDIR)/60-syncmap.rules
	$(MAKE) -C tools/lib/syncmap OUTPUT=$(INSTALL_BUILD)libsyncmap/ DESTDIR=$(DESTDIR) \
		PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) install

# What install put in place, and the directories it made that are left
# empty: syncmap's own always; in a DESTDIR, where nothing else owns them,
# the generic ones too (bin, man/man8...), up to DESTDIR itself.
RMDIRS = for d in $(patsubst %/,%,$(1)); do \
		while [ "$$d" != "$(patsubst %/,%,$(DESTDIR))" ]; do \
			rmdir "$$d" 2>/dev/null || [ ! -d "$$d" ] || break; \
			d=$${d%/*}; \
		done; \
	done

uninstall: uninstall-module uninstall-tools

uninstall-module: install-kdir
	rm -rf $(MODDIR) $(DEVDIR)/include $(DEVDIR)/$(KRELEASE)
	-@rmdir $(DEVDIR) 2>/dev/null; true
	@$(DEPMOD)
	@test -z "$(DESTDIR)" || $(call RMDIRS,$(dir $(MODDIR)) $(dir $(DEVDIR)))

uninstall-test-modules: install-kdir
	rm -rf $(TESTMODDIR)
	@$(DEPMOD)
	@test -z "$(DESTDIR)" || $(call RMDIRS,$(dir $(TESTMODDIR)))

uninstall-tools:
	rm -f $(DESTDIR)$(PREFIX)/bin/syncmapctl \
		$(DESTDIR)$(PREFIX)/share/man/man8/syncmapctl.8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/syncmapctl \
		$(DESTDIR)$(UDEVDIR)/60-syncmap.rules
	$(MAKE) -C tools/lib/syncmap DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) uninstall
	@test -z "$(DESTDIR)" || $(call RMDIRS,$(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(UDEVDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/linux)

# Debian packages syncmap-dkms and syncmap-tools (debian/), built from a
# copy of the tree with dpkg-buildpackage, into build/deb/.
deb:
	scripts/deb.sh

fuzz bench-native:
	$(MAKE) -C tools/testing $@

clean:
	rm -rf build
	-test ! -d $(KDIR) || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' -o -name '*.a' \) -type f -print0 | \
		xargs -0r rm -f
	rm -f Module.symvers modules.order
	-test ! -f selftests/Makefile || $(MAKE) -C selftests clean
	-test ! -f bench/Makefile || $(MAKE) -C bench clean
	-test ! -f tools/Makefile || $(MAKE) -C tools clean

.PHONY: all modules check demo shell bench vm kunit testkernel torture kcsan install uninstall fuzz bench-native clean
.PHONY: install-kdir install-module install-tools install-test-modules uninstall-module
.PHONY: uninstall-tools uninstall-test-modules deb
