# dti — build, test, install.  See README.md.
.SUFFIXES:

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
SHAREDIR  ?= $(PREFIX)/share/dti
DOCDIR    ?= $(PREFIX)/share/doc/dti
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var

CC       ?= cc
PKG_CONFIG ?= pkg-config
PKGS     = libcurl jansson sqlite3 libutf8proc libcrypto
WARN     = -Wall -Wextra -Werror -pedantic -Wmissing-prototypes -Wstrict-prototypes \
           -Wwrite-strings -Wvla -Wformat-security -Wshadow -Wpointer-arith -Wno-format-truncation
OPT      ?= -O2 -g
SAN      ?=
CFLAGS_ALL = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(OPT) $(SAN) \
             -Ilib -Iscorer $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CFLAGS)
LIBS_ALL = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm -pthread $(LDLIBS)

# B is the build folder: build/ for the normal build, build/san/ for sanitizers.
B        ?= build
BIN      ?= bin

LIB_SRC  = $(wildcard lib/*.c) $(filter-out scorer/dti.c,$(wildcard scorer/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/obj/%.o)
PROG_SRC = scorer/dti.c $(wildcard collectors/dti-*.c)
PROGS    = $(foreach p,$(PROG_SRC),$(BIN)/$(basename $(notdir $(p))))
TEST_SRC = $(wildcard tests/unit/test_*.c)
TESTS    = $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
HDRS     = $(wildcard lib/*.h scorer/*.h tests/unit/*.h)

all: $(PROGS)

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/libdti.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/%: $(B)/obj/scorer/%.o $(B)/libdti.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS_ALL)

$(BIN)/%: $(B)/obj/collectors/%.o $(B)/libdti.a
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS_ALL)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/libdti.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(shell $(PKG_CONFIG) --libs cmocka) $(LIBS_ALL)

$(B)/obj/tests/unit/%.o: tests/unit/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell $(PKG_CONFIG) --cflags cmocka) -c -o $@ $<

.PRECIOUS: $(B)/obj/%.o $(B)/obj/tests/unit/%.o

deps:
	@sh scripts/install-deps.sh

# The README's two commands.
run: deps
	@$(MAKE) --no-print-directory all
	@sh cron/dti-nightly --config config/dti.json

test: deps
	@$(MAKE) --no-print-directory unit e2e
	@$(MAKE) --no-print-directory check

unit: $(TESTS) $(PROGS)
	@sh tests/run-unit.sh $(TESTS)

e2e: $(PROGS)
	@DTI_BIN=$(CURDIR)/$(BIN) sh tests/run-e2e.sh

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
check:
	@$(MAKE) --no-print-directory B=build/san BIN=build/san/bin OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit e2e

bench: all
	@sh tests/bench/run.sh

UNITDIR  ?= $(PREFIX)/lib/systemd/system
DATADIR   = $(LOCALSTATEDIR)/lib/dti
LOGDIR    = $(LOCALSTATEDIR)/log/dti
DOCS      = README.md
# Paths written into the installed units and crontab example.
INSTALL_PATHS = sed -e 's|/usr/bin/|$(BINDIR)/|g' -e 's|/etc/dti|$(SYSCONFDIR)/dti|g' \
	  -e 's|/var/lib/dti|$(DATADIR)|g' -e 's|/var/log/dti|$(LOGDIR)|g' \
	  -e 's|/usr/share/doc/dti|$(DOCDIR)|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/frameworks $(DESTDIR)$(DOCDIR)/examples \
	  $(DESTDIR)$(SYSCONFDIR)/dti $(DESTDIR)$(DATADIR) $(DESTDIR)$(DATADIR)/sheets \
	  $(DESTDIR)$(LOGDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 755 cron/dti-nightly $(DESTDIR)$(BINDIR)/dti-nightly
	install -m 644 config/frameworks/*.json $(DESTDIR)$(SHAREDIR)/frameworks/
	install -m 644 config/admin-units-2025-03-01.csv $(DESTDIR)$(SHAREDIR)/
	cp -R samples $(DESTDIR)$(SHAREDIR)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(SHAREDIR)/samples
	$(if $(DOCS),install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/)
	for u in dti-nightly.service dti-nightly.timer dti-nightly-failure@.service; do \
	  $(INSTALL_PATHS) cron/$$u >$(DESTDIR)$(UNITDIR)/$$u && chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	for e in dti.crontab dti.logrotate; do \
	  $(INSTALL_PATHS) cron/$$e >$(DESTDIR)$(DOCDIR)/examples/$$e && chmod 644 $(DESTDIR)$(DOCDIR)/examples/$$e || exit 1; \
	done
	sh scripts/install-config.sh "$(DESTDIR)" "$(SYSCONFDIR)/dti" "$(SHAREDIR)" "$(DATADIR)" "$(LOGDIR)"

clean:
	rm -rf build bin

.PHONY: all deps run test unit e2e check bench install clean
