# make fuzz: the libFuzzer targets fuzz/fuzz_*.c, built with clang under
# ASan + UBSan into build/fuzz/ and linked with the real sources, each run
# for FUZZ_TIME seconds (default 60) on a working copy of its seed corpus
# tests/fuzz/<target>/.  Fails on any crash, leak or timeout.
# make fuzz-build only builds them.  See fuzz/README.md.

FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_TARGETS ?= config license github_json http_headers url inventory lsrefs
FUZZ_BUILD    = build/fuzz

# The modules the targets reach: pure ones, no git and no network.  They
# link without libgit2 and libcurl, so a call into either fails the build.
FUZZ_SRCS = src/config.c src/error.c src/http_rules.c src/jsonpos.c \
            src/license_diff.c src/license_match.c src/license_norm.c \
            src/releases.c src/result.c src/url.c src/util.c \
            src/inventory.c src/license_spdx.c src/spdx_data.c src/lsrefs.c
FUZZ_OBJS = $(FUZZ_SRCS:src/%.c=$(FUZZ_BUILD)/obj/%.o) \
            $(FUZZ_BUILD)/obj/check.o
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_PKGS = jansson libcrypto
FUZZ_LIBS = $(eval FUZZ_LIBS := $(shell pkg-config --libs $(FUZZ_PKGS)))$(FUZZ_LIBS)

FUZZ_SAN    = -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer
FUZZ_CFLAGS = $(WARN) -g -O1 $(FUZZ_SAN) $(PKG_CFLAGS)

.PHONY: fuzz fuzz-build
# Objects named only by a pattern rule are intermediate: keep them.
.SECONDARY: $(FUZZ_OBJS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_TARGETS)

# Objects get coverage instrumentation (but for fuzz/coverage.ignore);
# only a target gets libFuzzer's main.
$(FUZZ_BUILD)/obj/%.o: src/%.c fuzz/coverage.ignore | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -fsanitize-coverage-ignorelist=fuzz/coverage.ignore \
	    -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/obj/check.o: fuzz/check.c | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP \
	    -o $@ $< $(FUZZ_OBJS) $(FUZZ_LIBS)

$(FUZZ_BUILD)/obj:
	mkdir -p $@

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
