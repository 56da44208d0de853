# SPDX-License-Identifier: GPL-2.0
#
# One build variant of the userspace core and its programs, in $(O)/$(V).
# Called by Makefile as `make -f variant.mk V=<variant>`.

CC ?= gcc
CLANG ?= clang
B := $(O)/$(V)
T := tools/testing

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers
# As the kernel: no strict aliasing, signed overflow wraps, null checks kept.
BASE := -std=gnu11 -g -fno-strict-aliasing -fwrapv \
	-fno-delete-null-pointer-checks $(WARN)
SHIM_INCLUDES := -I$(ROOT)/$(T)/shim/include -I$(ROOT)/include \
		 -I$(ROOT)/kmod -I$(ROOT)/kunit -I$(ROOT)/$(T)

# The kernel's memcpy() and friends carry no nonnull attribute (memcpy(d,
# NULL, 0) is fine there, and callers rely on it for empty values), nor
# does the kernel's UBSAN check it: glibc's declarations would.
UBSAN_KERNEL := -fno-sanitize=nonnull-attribute

ifeq ($(V),dbg)
VCC := $(CC)
VFLAGS := -O2 -Wno-maybe-uninitialized
RCU := urcu
PROGRAMS := kunit difftest stress
else ifeq ($(V),asan)
VCC := $(CLANG)
VFLAGS := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer $(UBSAN_KERNEL)
RCU := urcu
PROGRAMS := kunit difftest stress
else ifeq ($(V),tsan)
VCC := $(CLANG)
VFLAGS := -O1 -fsanitize=thread -fno-omit-frame-pointer
RCU := c11
PROGRAMS := kunit stress
else ifeq ($(V),fuzzer)
VCC := $(CLANG)
VFLAGS := -O1 -fsanitize=fuzzer-no-link,address,undefined \
	  -fno-sanitize-recover=all -fno-omit-frame-pointer $(UBSAN_KERNEL)
LDFLAGS_fuzzer := -fsanitize=fuzzer
RCU := urcu
PROGRAMS := fuzz
else ifeq ($(V),bench)
VCC := $(CC)
VFLAGS := -O2 -flto=auto -DSHIM_DEBUG=0 -Wno-maybe-uninitialized
RCU := urcu
PROGRAMS := bench
else
$(error unknown variant V=$(V))
endif

LIBS_urcu := -lurcu-memb
LIBS_c11 :=
LIBS := $(LIBS_$(RCU)) -lpthread

CORE := kmod/map.c kmod/engine_go.c kmod/engine_merge.c kmod/iter.c \
	kmod/clear.c kmod/stats.c kmod/table.c kmod/entry.c
SHIM := $(addprefix $(T)/shim/,shim.c kthread.c rcu-callbacks.c rcu-$(RCU).c)
# Every KUnit suite of the project runs here too, but those that need a
# real kernel (pipeline_test checks the loading of the module itself;
# registry_test needs the named-map registry, which is not core;
# alloc_test watches the slab allocator's kmalloc tracepoint).
KUNIT_KERNEL_ONLY := kunit/pipeline_test.c kunit/registry_test.c \
		     kunit/alloc_test.c
KUNIT := $(filter-out $(KUNIT_KERNEL_ONLY),\
	   $(patsubst $(ROOT)/%,%,$(wildcard $(ROOT)/kunit/*_test.c)))
MODEL := kunit/go_model.c $(T)/diff.c

objs = $(patsubst %.c,$(B)/obj/%.o,$(1))

all: $(addprefix $(B)/,$(PROGRAMS))

# VERBOSE=1 shows the commands.
Q := $(if $(VERBOSE),,@)

$(B)/obj/%.o: $(ROOT)/%.c $(ROOT)/$(T)/variant.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [$(V)] $*.c")
	$(Q)$(VCC) $(VFLAGS) $(BASE) $(SHIM_INCLUDES) -MMD -MP -c -o $@ $<

# These see liburcu's headers, not the shim's.
$(B)/obj/$(T)/shim/rcu-urcu.o $(B)/obj/$(T)/bench_peers.o: SHIM_INCLUDES :=

$(B)/libsyncmap.a: $(call objs,$(CORE) $(SHIM))
	@rm -f $@
	$(Q)gcc-ar rcs $@ $^

LINK = @$(if $(Q),echo "  LD [$(V)] $(@F)";) \
	$(VCC) $(VFLAGS) $(LDFLAGS_$(V)) -o $@ $^ $(LIBS)

$(B)/kunit: $(call objs,$(T)/kunit_main.c kunit/go_model.c $(KUNIT)) \
	    $(B)/libsyncmap.a
	$(LINK)

$(B)/difftest: $(call objs,$(T)/difftest.c $(MODEL)) $(B)/libsyncmap.a
	$(LINK)

$(B)/stress: $(call objs,$(T)/stress.c) $(B)/libsyncmap.a
	$(LINK)

$(B)/fuzz: $(call objs,$(T)/fuzz.c $(MODEL)) $(B)/libsyncmap.a
	$(LINK)

$(B)/bench: $(call objs,$(T)/bench.c $(T)/bench_peers.c) $(B)/libsyncmap.a
	$(LINK) -lurcu-cds

-include $(shell find $(B) -name '*.d' 2>/dev/null)

.PHONY: all
