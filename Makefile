# microchat: small C CGI programs on one static library, one SQLite file,
# behind lighttpd.  `make run` serves it, `make test` proves it.

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SANITIZE ?= 0
PKGS      = sqlite3 libcurl libsodium jansson

ifeq ($(SANITIZE),1)
BUILD     = build-asan
SANFLAGS  = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT       = -O1 -g
else
SANFLAGS  =
OPT       = -O2 -g
endif

CC       ?= cc
CFLAGS   ?= $(OPT)
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
            -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Ilib $(SANFLAGS)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# What each program is, named once; conf/lighttpd.sh reads it from
# $(BUILD)/programs.env and each program's compile gets it as APP_KIND
# (lib/core/app.h), so nothing greps the sources for it.
#   CGI_ONLY_PROGRAMS  never run as a FastCGI worker (chat: a reply can take
#                      minutes; lighttpd's SIGTERM must reach that one reply)
#   CURL_PROGRAMS      call a model backend, so load libcurl (lazily:
#                      lib/models/curl_lazy.c) and keep the shared C library
#   TWIN_PROGRAMS      fully static, but hand a request that needs libcurl
#                      to their twin in libexec/ (the same program with the
#                      shared C library), which FastCGI runs as the worker
CGI_ONLY_PROGRAMS = chat
CURL_PROGRAMS     = chat health
TWIN_PROGRAMS     = models
program_kind = ($(if $(filter $1,$(CGI_ONLY_PROGRAMS)),APP_CGI_ONLY|)$(if $(filter $1,$(TWIN_PROGRAMS)),APP_HAS_TWIN|)0)

# A CGI program starts for every request, and the dynamic loader's work for
# each shared library is a measurable part of that (docs/PERFORMANCE.md), so
# SQLite, libsodium, jansson and libfcgi are linked from their static
# archives (Debian's -dev packages ship them), and libcurl is loaded on first
# use (lib/models/curl_lazy.c). LINK_STATIC=0 links them shared.
#
# FULL_STATIC=1 (the default with LINK_STATIC=1) goes further for every
# program but CURL_PROGRAMS: they are linked with -static, C library
# included, so an exec maps one file and runs no loader at all (a cached
# read then costs what a trivial C CGI costs). They are linked with
# lib/models/curl_none.c, which stands in for libcurl and says it cannot
# fetch, so no static program carries the dlopen of curl_lazy. Sanitizer
# builds and valgrind need the shared C library (tests/run.sh builds that
# variant, make dyn, for valgrind). tests/linkage.sh reads every built
# program's ELF headers and fails when its linkage is not what this says.
LINK_STATIC ?= 1
FULL_STATIC ?= $(LINK_STATIC)
ifeq ($(SANITIZE),1)
FULL_STATIC = 0
endif
STATIC_PKGS = sqlite3 libsodium jansson
ifeq ($(LINK_STATIC),1)
STATIC_L  := $(shell pkg-config --libs-only-l $(STATIC_PKGS) 2>/dev/null) -lfcgi
PKG_LIBS  := $(shell pkg-config --libs-only-L $(PKGS) 2>/dev/null) -Wl,-Bstatic $(STATIC_L) -Wl,-Bdynamic \
             $(filter-out $(STATIC_L),$(shell pkg-config --libs --static $(STATIC_PKGS) 2>/dev/null)) \
             $(shell pkg-config --libs libcurl 2>/dev/null)
else
PKG_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfcgi
endif
FULL_STATIC_LIBS := $(shell pkg-config --libs --static $(STATIC_PKGS) 2>/dev/null) -lfcgi -lm
LDLIBS   += $(PKG_LIBS) -lm
# libcurl is on the command line for the CURL_PROGRAMS' link, but their
# calls land in curl_lazy: --as-needed (asked for, not left to the
# compiler's default) drops it from what they load at exec.
LDFLAGS  += -Wl,--as-needed $(SANFLAGS)

OBJ      := $(BUILD)/obj
LIB_SRC  := $(filter-out lib/models/curl_none.c,$(wildcard lib/*/*.c))
LIB_H    := $(wildcard lib/*/*.h)
LIB_OBJ  := $(LIB_SRC:%.c=$(OBJ)/%.o) $(OBJ)/gen/migrations.o $(OBJ)/gen/seed.o
LIB_A    := $(BUILD)/libmicrochat.a
CURL_NONE := $(OBJ)/lib/models/curl_none.o
MIGRATIONS := $(sort $(wildcard db/migrations/*.sql))
# The seed data a database created by a request gets (lib/data/seed.c).
SEEDS    := $(sort $(wildcard db/seed/*.csv))

# Every cgi-bin/*.c is a program served under /cgi-bin/; the operator's
# tool lives in tools/ and is never served. Objects are built in $(OBJ),
# so the served folder holds the programs and nothing else.
PROGRAMS := $(sort $(basename $(notdir $(wildcard cgi-bin/*.c))))
CGI_BIN  := $(PROGRAMS:%=$(BUILD)/cgi-bin/%)
TOOL_BIN := $(BUILD)/bin/microchat-admin

ifeq ($(FULL_STATIC),1)
FULL_STATIC_PROGRAMS := $(filter-out $(CURL_PROGRAMS),$(PROGRAMS))
TWIN_BIN := $(TWIN_PROGRAMS:%=$(BUILD)/libexec/%)
else
FULL_STATIC_PROGRAMS :=
endif
FULL_STATIC_BIN := $(FULL_STATIC_PROGRAMS:%=$(BUILD)/cgi-bin/%)
# The same programs linked against the shared C library, for valgrind
# (which cannot follow malloc in a fully static program).
DYN_BIN  := $(PROGRAMS:%=$(BUILD)/dyn/cgi-bin/%)

TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run test test-build test-unit check-deps vendor install clean bench dyn check-layers fuzz dist

all: $(CGI_BIN) $(TWIN_BIN) $(TOOL_BIN) $(BUILD)/programs.env vendor
	@rm -f $(BUILD)/cgi-bin/*.o $(BUILD)/cgi-bin/*.ld # left by builds before objects moved to obj/

# Every recipe makes its own folder: a stamp would go stale when the
# layout changes under an old build tree.
$(OBJ)/lib/%.o: lib/%.c $(LIB_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(OBJ)/cgi-bin/%.o: cgi-bin/%.c $(LIB_H) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -DAPP_KIND='$(call program_kind,$*)' -c -o $@ $<

$(OBJ)/%.o: %.c $(LIB_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(OBJ)/gen/migrations.c: $(MIGRATIONS) db/gen-migrations.sh
	@mkdir -p $(@D)
	sh db/gen-migrations.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(OBJ)/gen/seed.c: $(SEEDS) db/gen-seed.sh
	@mkdir -p $(@D)
	sh db/gen-seed.sh $(SEEDS) > $@.tmp && mv $@.tmp $@

$(OBJ)/gen/%.o: $(OBJ)/gen/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# How every program is linked (its flags differ by target, see FULL_STATIC).
LINK_PROGRAM = $(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/cgi-bin/%: $(OBJ)/cgi-bin/%.o $(LIB_A) Makefile
	@mkdir -p $(@D)
	$(LINK_PROGRAM)

ifeq ($(FULL_STATIC),1)
# A -static link of SQLite warns that its extension loader (unixDlOpen,
# dlopen) would need glibc's shared libraries at run time, and one of
# libfcgi that its TCP listener (OS_CreateLocalIpcFd, gethostbyname) would:
# microchat uses neither. Exactly those two warnings, each a line naming
# the function and the warning line after it, are dropped; any other
# linker message still shows.
STATIC_LD_KNOWN = unixDlOpen|OS_CreateLocalIpcFd
$(FULL_STATIC_BIN): LDFLAGS += -static
$(FULL_STATIC_BIN): LDLIBS = $(FULL_STATIC_LIBS)
$(FULL_STATIC_BIN): $(BUILD)/cgi-bin/%: $(OBJ)/cgi-bin/%.o $(CURL_NONE) $(LIB_A) Makefile
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(CURL_NONE) $(LIB_A) $(LDLIBS) 2> $@.ld || { cat $@.ld >&2; rm -f $@.ld; exit 1; }
	@awk -v known='$(STATIC_LD_KNOWN)' 'skip && /warning: Using/ { skip = 0; next } \
		{ skip = 0 } $$0 ~ "in function .(" known ")." { skip = 1; next } { print }' $@.ld >&2; rm -f $@.ld
endif

$(BUILD)/dyn/cgi-bin/%: $(OBJ)/cgi-bin/%.o $(LIB_A) Makefile
	@mkdir -p $(dir $@)
	$(LINK_PROGRAM)

dyn: $(DYN_BIN)

$(BUILD)/libexec/%: $(OBJ)/cgi-bin/%.o $(LIB_A) Makefile
	@mkdir -p $(dir $@)
	$(LINK_PROGRAM)

$(TOOL_BIN): $(OBJ)/tools/microchat-admin.o $(LIB_A) Makefile
	@mkdir -p $(@D)
	$(LINK_PROGRAM)

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# The program kinds, for conf/lighttpd.sh and tests/linkage.sh.
# (A new cgi-bin/*.c changes PROGRAMS: the file is written again.)
$(BUILD)/programs.env: Makefile $(wildcard cgi-bin/*.c)
	@mkdir -p $(@D)
	{ echo 'PROGRAMS="$(PROGRAMS)"'; echo 'CGI_ONLY_PROGRAMS="$(CGI_ONLY_PROGRAMS)"'; \
	  echo 'CURL_PROGRAMS="$(CURL_PROGRAMS)"'; echo 'TWIN_PROGRAMS="$(if $(TWIN_BIN),$(TWIN_PROGRAMS))"'; \
	  echo 'FULL_STATIC_PROGRAMS="$(FULL_STATIC_PROGRAMS)"'; echo 'LINK_STATIC="$(LINK_STATIC)"'; \
	  echo 'STATIC_LIBS="sqlite3 sodium jansson fcgi"'; } > $@.tmp && mv $@.tmp $@

# The fuzz targets (clang), built and each run briefly: FUZZ_SECONDS=60 for longer.
fuzz:
	sh tests/fuzz/run.sh

# Layers only point down (lib/LAYERS), and no include cycle.
check-layers:
	@sh tests/layers.sh

.SECONDARY:

# Front-end libraries come from npm and are copied, never committed.
vendor: htdocs/vendor/.stamp
htdocs/vendor/.stamp: conf/vendor.txt package-lock.json node_modules/.package-lock.json
	sh conf/vendor.sh conf/vendor.txt htdocs/vendor
	touch $@
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

check-deps:
	@sh conf/deps.sh run

run: check-deps all
	sh conf/run.sh

test: 
	@sh conf/deps.sh test
	bash tests/run.sh

test-build: $(TEST_BIN)

test-unit: $(TEST_BIN)
	@for t in $(TEST_BIN); do $$t || exit 1; done

bench: all
	bash bench/run.sh

# The shared-hosting tarball (docs/HOSTING.md): the build brought up to date
# first, then packed again every time.
VERSION := $(shell cat VERSION)
dist: all
	BUILD=$(BUILD) VERSION=$(VERSION) sh conf/dist.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/microchat/cgi-bin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/microchat/htdocs $(DESTDIR)$(PREFIX)/share/microchat/db \
		$(DESTDIR)$(PREFIX)/etc/microchat
	install -m 755 $(CGI_BIN) $(DESTDIR)$(PREFIX)/lib/microchat/cgi-bin/
	$(if $(TWIN_BIN),install -d $(DESTDIR)$(PREFIX)/lib/microchat/libexec && install -m 755 $(TWIN_BIN) $(DESTDIR)$(PREFIX)/lib/microchat/libexec/)
	install -m 755 $(TOOL_BIN) $(DESTDIR)$(PREFIX)/bin/
	cp -R htdocs/. $(DESTDIR)$(PREFIX)/share/microchat/htdocs/
	cp -R db/seed $(DESTDIR)$(PREFIX)/share/microchat/db/
	install -m 644 conf/microchat.conf conf/lighttpd*.conf.in $(DESTDIR)$(PREFIX)/etc/microchat/
	install -d $(DESTDIR)$(PREFIX)/etc/microchat/errors
	install -m 644 conf/errors/* $(DESTDIR)$(PREFIX)/etc/microchat/errors/

clean:
	rm -rf build build-asan build-fuzz htdocs/vendor tests/out run dist
