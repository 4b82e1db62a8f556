# dsmirror - see README.md.  `make`, `make check`, `make install PREFIX=...`.

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
PKGS     = libgit2 libcurl jansson libcrypto

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Werror
CPPFLAGS += -D_GNU_SOURCE -Iinclude -DDSMIRROR_VERSION=\"$(VERSION)\"
# pkg-config is asked when a recipe first needs the flags, never when this
# file is read: in `make deps all` the libraries are installed by then.  The
# answer is kept (the lazy := idiom), and a library pkg-config cannot find
# stops the build with that said, instead of a link without the libraries.
pkg_flags  = $(if $(shell pkg-config --exists $(PKGS) && echo yes),$(shell \
             pkg-config $(1) $(PKGS)),$(error pkg-config cannot find all of \
             $(PKGS): install them first ("make deps" on Debian 12)))
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg_flags,--cflags))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(call pkg_flags,--libs))$(PKG_LIBS)

# `make check SANITIZE=1` builds and tests everything under ASan + UBSan,
# in its own build folder so that the two builds never mix.
ifeq ($(SANITIZE),1)
BUILD    = build/asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
BIN      = $(BUILD)/dsmirror
else
BUILD    = build/default
SANFLAGS =
BIN      = dsmirror
endif

SRCS = src/config.c src/error.c src/github.c src/http.c src/jsonpos.c \
       src/record.c src/report_metrics.c src/report_table.c src/status.c \
       src/license_diff.c src/license_match.c src/license_norm.c \
       src/lock.c src/mirror.c src/netstream.c src/pin.c \
       src/progress.c src/releases.c src/report.c src/report_json.c \
       src/report_junit.c src/report_text.c src/result.c src/run.c \
       src/state.c src/util.c src/verify.c src/worker.c \
       src/http_rules.c src/url.c src/preserve.c src/recover.c src/haves.c \
       src/maint.c src/packed.c src/fsck.c src/license_spdx.c src/spdx_data.c \
       src/inventory.c src/verify_tree.c src/lsrefs.c src/localrefs.c \
       src/fastpath.c
MAIN = src/main.c
OBJS = $(SRCS:src/%.c=$(BUILD)/%.o)

UNIT_TESTS = tests/unit/test_config tests/unit/test_http tests/unit/test_license \
             tests/unit/test_releases tests/unit/test_util \
             tests/unit/test_result tests/unit/test_state \
             tests/unit/test_record tests/unit/test_pin \
             tests/unit/test_report tests/unit/test_run tests/unit/test_url \
             tests/unit/test_inventory tests/unit/test_lsrefs
UNIT_BINS  = $(UNIT_TESTS:tests/unit/%=$(BUILD)/unit/%)
UNIT_UTIL  = tests/unit/unit_util.c

ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP

.PHONY: all check unit integration asan install uninstall clean deps bench

all: $(BIN)

$(BIN): $(OBJS) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(UNIT_UTIL) tests/unit/unit_util.h $(OBJS) \
    | $(BUILD)/unit
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $$(pkg-config --cflags cmocka) -o $@ \
	    $< $(UNIT_UTIL) $(OBJS) $(PKG_LIBS) $$(pkg-config --libs cmocka)

$(BUILD) $(BUILD)/unit:
	mkdir -p $@

check: unit integration

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do echo "== $$t"; $$t || exit 1; done

integration: $(BIN)
	DSMIRROR=$(abspath $(BIN)) tests/run-integration.sh

asan:
	$(MAKE) check SANITIZE=1

bench: $(BIN)
	DSMIRROR=$(abspath $(BIN)) bench/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/dsmirror
	install -d $(DESTDIR)$(MANDIR)
	install -m 0644 dsmirror.1 $(DESTDIR)$(MANDIR)/dsmirror.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dsmirror $(DESTDIR)$(MANDIR)/dsmirror.1

# Build and test dependencies on Debian 12: as root, or as a user who may
# sudo (apt-get then runs through sudo; the build stays the user's).
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)

deps:
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends \
	    build-essential pkg-config libgit2-dev libcurl4-openssl-dev \
	    libjansson-dev libcmocka-dev libssl-dev git lighttpd python3 \
	    ca-certificates procps libxml2-utils curl openssl \
	    groff-base python3-yaml systemd clang libclang-rt-14-dev valgrind \
	    strace lighttpd-mod-openssl shellcheck licensecheck

clean:
	rm -rf build dsmirror

# `make deps all`, even with -j: nothing is compiled before deps is done.
ifneq ($(filter deps,$(MAKECMDGOALS)),)
$(OBJS) $(BUILD)/main.o $(UNIT_BINS): | deps
endif

# make fuzz (libFuzzer targets) and make check-valgrind.
include mk/fuzz.mk mk/valgrind.mk

-include $(OBJS:.o=.d) $(BUILD)/main.d

# The compiled-in SPDX data (spdx_data.c includes the file with .incbin).
$(BUILD)/spdx_data.o: data/spdx-licenses.json
