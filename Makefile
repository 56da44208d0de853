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
#   make torture          DURATION seconds (600) of torture and FUZZ_CALLS
#                         (100000) ioctl fuzzer calls in the test kernel
#   make kcsan            the VM test run on the test kernel with KCSAN
#                         instead of KASAN, DURATION (120) s of torture
#   make testkernel       build (or find cached) the debug test kernel
#   make fuzz             fuzz the core in userspace for FUZZ_TIME seconds
#   make bench-native     the core in userspace beside Go's sync.Map;
#                         writes docs/bench-native.md (tools/testing)
#   make install          the module (modules_install + depmod), the uapi
#                         header, syncmapctl and its man page, the udev
#                         rule; DESTDIR, PREFIX (/usr/local), UDEVDIR
#   make uninstall        remove what make install installed
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

# Installation.  The modules go to /lib/modules/RELEASE/extra/syncmap/ of the
# kernel KDIR belongs to; the uapi header is <linux/syncmap.h>.
PREFIX ?= /usr/local
UDEVDIR ?= /etc/udev/rules.d
KRELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR = $(DESTDIR)/lib/modules/$(KRELEASE)/extra/syncmap
INSTALL_BUILD = $(CURDIR)/build/install/

install: modules
	@test -n "$(KRELEASE)" || { echo "cannot tell KDIR's kernel release" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KRELEASE) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra/syncmap modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KRELEASE)
	$(MAKE) -C tools/syncmapctl OUTPUT=$(INSTALL_BUILD)
	install -D -m 755 $(INSTALL_BUILD)syncmapctl $(DESTDIR)$(PREFIX)/bin/syncmapctl
	install -D -m 644 tools/syncmapctl/syncmapctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/syncmapctl.8
	install -D -m 644 include/uapi/syncmap.h $(DESTDIR)$(PREFIX)/include/linux/syncmap.h
	install -D -m 644 tools/udev/60-syncmap.rules $(DESTDIR)$(UDEVDIR)/60-syncmap.rules
	$(MAKE) -C tools/lib/syncmap OUTPUT=$(INSTALL_BUILD)libsyncmap/ DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) install

uninstall:
	@test -n "$(KRELEASE)" || { echo "cannot tell KDIR's kernel release" >&2; exit 1; }
	rm -rf $(MODDIR)
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KRELEASE)
	rm -f $(DESTDIR)$(PREFIX)/bin/syncmapctl \
		$(DESTDIR)$(PREFIX)/share/man/man8/syncmapctl.8 \
		$(DESTDIR)$(PREFIX)/include/linux/syncmap.h \
		$(DESTDIR)$(UDEVDIR)/60-syncmap.rules
	$(MAKE) -C tools/lib/syncmap DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) uninstall

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
	-test ! -f tools/Makefile || $(MAKE) -C tools clean

.PHONY: all modules check demo shell bench vm kunit testkernel torture kcsan install uninstall fuzz bench-native clean
