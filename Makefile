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
# A CGI program starts for every request, and the dynamic loader's work for
# each shared library is a measurable part of that (docs/PERFORMANCE.md), so
# SQLite, libsodium, jansson and libfcgi are linked from their static
# archives (Debian's -dev packages ship them), and libcurl is loaded on first
# use (lib/models/curl_lazy.c). LINK_STATIC=0 links them shared.
#
# FULL_STATIC=1 (the default with LINK_STATIC=1) goes further for the
# programs that are mostly reads: they are linked with -static, C library
# included, so an exec maps one file and runs no loader at all (a cached
# read then costs what a trivial C CGI costs). chat and health load libcurl,
# which needs the shared C library, so they keep it; models needs libcurl
# only when a backend's model list is due, and then hands the request to
# its twin in libexec/, the same program linked with the shared C library
# (lib/core/app.c: app_exec_twin), which FastCGI mode also runs as the worker.
# The linker warns that SQLite's extension loader (dlopen) and libfcgi's TCP
# listener (gethostbyname) would need glibc's shared libraries at run time;
# microchat uses neither. Sanitizer builds and valgrind need the shared C
# library (tests/run.sh builds that variant for valgrind).
LINK_STATIC ?= 1
FULL_STATIC ?= $(LINK_STATIC)
ifeq ($(SANITIZE),1)
FULL_STATIC = 0
endif
CURL_PROGRAMS = chat health
TWIN_PROGRAMS = models
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
LDFLAGS  += $(SANFLAGS)

LIB_SRC  := $(wildcard lib/*/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/migrations.o
LIB_A    := $(BUILD)/libmicrochat.a
MIGRATIONS := $(sort $(wildcard db/migrations/*.sql))

# Every cgi-bin/*.c is a program served under /cgi-bin/; the admin
# command-line tool lives in tools/ and is never served.
CGI_SRC  := $(wildcard cgi-bin/*.c)
CGI_BIN  := $(CGI_SRC:cgi-bin/%.c=$(BUILD)/cgi-bin/%)
TOOL_BIN := $(BUILD)/bin/microchat-admin

FULL_STATIC_BIN := $(filter-out $(CURL_PROGRAMS:%=$(BUILD)/cgi-bin/%),$(CGI_BIN))
ifeq ($(FULL_STATIC),1)
$(FULL_STATIC_BIN): LDFLAGS += -static
$(FULL_STATIC_BIN): LDLIBS = $(FULL_STATIC_LIBS)
TWIN_BIN := $(TWIN_PROGRAMS:%=$(BUILD)/libexec/%)
endif
# The same programs linked against the shared C library, for valgrind
# (which cannot follow malloc in a fully static program).
DYN_BIN  := $(CGI_SRC:cgi-bin/%.c=$(BUILD)/dyn/cgi-bin/%)

TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run test test-build test-unit check-deps vendor install clean bench dyn

all: $(CGI_BIN) $(TWIN_BIN) $(TOOL_BIN) vendor

$(BUILD)/%.o: %.c $(wildcard lib/*/*.h) | $(BUILD)/.dirs
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/gen/migrations.c: $(MIGRATIONS) db/gen-migrations.sh | $(BUILD)/.dirs
	sh db/gen-migrations.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# How every program is linked (its flags differ by target, see FULL_STATIC).
LINK_PROGRAM = $(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/cgi-bin/%: $(BUILD)/cgi-bin/%.o $(LIB_A) Makefile
	$(LINK_PROGRAM)

ifeq ($(FULL_STATIC),1)
# The warnings every -static link of SQLite, libfcgi and lib/models/curl_lazy.c
# gives (see FULL_STATIC above: code a static program never runs) are
# dropped; any other linker message still shows.
STATIC_LD_NOISE = -e 'in statically linked applications requires at runtime' \
	-e "in function \`unixDlOpen'" -e "in function \`OS_CreateLocalIpcFd'" \
	-e "(curl_lazy.o): in function \`load'"
$(FULL_STATIC_BIN): $(BUILD)/cgi-bin/%: $(BUILD)/cgi-bin/%.o $(LIB_A) Makefile
	$(LINK_PROGRAM) 2> $@.ld || { cat $@.ld >&2; rm -f $@.ld; exit 1; }
	@grep -v $(STATIC_LD_NOISE) $@.ld >&2 || true; rm -f $@.ld
endif

$(BUILD)/dyn/cgi-bin/%: $(BUILD)/cgi-bin/%.o $(LIB_A) Makefile
	@mkdir -p $(dir $@)
	$(LINK_PROGRAM)

dyn: $(DYN_BIN)

$(BUILD)/libexec/%: $(BUILD)/cgi-bin/%.o $(LIB_A) Makefile
	@mkdir -p $(dir $@)
	$(LINK_PROGRAM)

$(TOOL_BIN): $(BUILD)/tools/microchat-admin.o $(LIB_A) Makefile
	$(LINK_PROGRAM)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

$(BUILD)/.dirs:
	mkdir -p $(sort $(dir $(LIB_OBJ))) $(BUILD)/gen $(BUILD)/cgi-bin $(BUILD)/tools $(BUILD)/bin $(BUILD)/tests/unit
	touch $@

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

clean:
	rm -rf build build-asan htdocs/vendor tests/out run
