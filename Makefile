# dti — build, test, install.  See README.md and docs/administrator.md.
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
PKGS     = libcurl jansson sqlite3 libutf8proc libcrypto xlsxwriter libzip expat libsodium \
           libmicrohttpd zlib libisal
WARN     = -Wall -Wextra -Werror -pedantic -Wmissing-prototypes -Wstrict-prototypes \
           -Wwrite-strings -Wvla -Wformat-security -Wshadow -Wpointer-arith -Wno-format-truncation
OPT      ?= -O2 -g
SAN      ?=
# Each layer sees only its own headers and those below it: lib/ (the shared
# core) sees lib/; scorer/ (scoring and publishing) sees scorer/ and lib/;
# the programs see everything.  Arrows run one way, and the build proves it.
CFLAGS_BASE = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(OPT) $(SAN) \
             $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CFLAGS)
INC_lib    = -Ilib
INC_scorer = -Iscorer -Ilib
INC_prog   = -Idti -Iscorer -Ilib
LIBS_ALL = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm -pthread $(LDLIBS)

# B is the build folder: build/ for the normal build, build/san/ for sanitizers.
B        ?= build
BIN      ?= bin

CORE_SRC   = $(wildcard lib/*.c)
# The --help texts and the man pages come from one source, man/*.md
# (scripts/gen-man.py): the texts are compiled into the core, the pages
# made by `make man` and installed by `make install`.
MAN_SRC    = $(wildcard man/*.md)
HELP_C     = $(B)/gen/help_text.c
VERSION   := $(shell sed -n 's/^\#define DTI_VERSION "\(.*\)"/\1/p' lib/util.h)
SCORER_SRC = $(wildcard scorer/*.c)
DTI_SRC    = $(filter-out dti/dti.c,$(wildcard dti/*.c))
CORE_LIB   = $(B)/libdti-core.a
SCORER_LIB = $(B)/libdti-scorer.a
DTI_LIB    = $(B)/libdti-cmd.a
PROG_SRC = dti/dti.c $(wildcard collectors/dti-*.c)
PROGS    = $(foreach p,$(PROG_SRC),$(BIN)/$(basename $(notdir $(p)))) $(BIN)/dti-web
# dti-web (web/): its pages, the route table and the server, with its style
# sheet compiled in (scripts/gen-static.py).
WEB_SRC  = $(wildcard web/*.c)
WEB_CSS  = web/static/dti.css
WEB_CSS_C = $(B)/gen/web_static.c
INC_web  = -Iweb -Iscorer -Ilib
TEST_SRC = $(wildcard tests/unit/test_*.c)
TESTS    = $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
CORE_HDRS   = $(wildcard lib/*.h)
SCORER_HDRS = $(CORE_HDRS) $(wildcard scorer/*.h)
ALL_HDRS    = $(SCORER_HDRS) $(wildcard dti/*.h tests/unit/*.h)

all: $(PROGS) man

$(B)/obj/lib/%.o: lib/%.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_lib) -c -o $@ $<

$(B)/obj/scorer/%.o: scorer/%.c $(SCORER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_scorer) -c -o $@ $<

$(B)/obj/dti/%.o: dti/%.c $(ALL_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_prog) -c -o $@ $<

# Collectors stand on the core alone.
$(B)/obj/collectors/%.o: collectors/%.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_lib) -c -o $@ $<

$(HELP_C): $(MAN_SRC) scripts/gen-man.py
	@mkdir -p $(dir $@)
	@echo "  GEN $@"
	@python3 scripts/gen-man.py --c $@ $(MAN_SRC)

$(B)/obj/web/%.o: web/%.c $(SCORER_HDRS) $(wildcard web/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_web) -c -o $@ $<

$(WEB_CSS_C): $(WEB_CSS) scripts/gen-static.py
	@mkdir -p $(dir $@)
	@echo "  GEN $@"
	@python3 scripts/gen-static.py $@ $(WEB_CSS)

$(B)/obj/gen/web_static.o: $(WEB_CSS_C)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) -c -o $@ $<

$(BIN)/dti-web: $(WEB_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/web_static.o $(SCORER_LIB) $(CORE_LIB)
	@mkdir -p $(BIN)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS_BASE) -o $@ $^ $(LIBS_ALL)

$(B)/obj/gen/help_text.o: $(HELP_C) lib/help.h
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_lib) -c -o $@ $<

$(B)/man/.made: $(MAN_SRC) scripts/gen-man.py lib/util.h
	@echo "  GEN $(B)/man"
	@python3 scripts/gen-man.py --version "$(VERSION)" --man $(B)/man $(MAN_SRC)
	@touch $@

man: $(B)/man/.made

$(CORE_LIB): $(CORE_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/help_text.o
	@rm -f $@
	@ar rcs $@ $^

$(SCORER_LIB): $(SCORER_SRC:%.c=$(B)/obj/%.o)
	@rm -f $@
	@ar rcs $@ $^

$(DTI_LIB): $(DTI_SRC:%.c=$(B)/obj/%.o)
	@rm -f $@
	@ar rcs $@ $^

$(BIN)/dti: $(B)/obj/dti/dti.o $(DTI_LIB) $(SCORER_LIB) $(CORE_LIB)
	@mkdir -p $(BIN)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS_BASE) -o $@ $^ $(LIBS_ALL)

$(BIN)/%: $(B)/obj/collectors/%.o $(CORE_LIB)
	@mkdir -p $(BIN)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS_BASE) -o $@ $^ $(LIBS_ALL)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(DTI_LIB) $(SCORER_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS_BASE) -o $@ $^ $(shell $(PKG_CONFIG) --libs cmocka) $(LIBS_ALL)

$(B)/obj/tests/unit/%.o: tests/unit/%.c $(ALL_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(INC_prog) $(shell $(PKG_CONFIG) --cflags cmocka) -c -o $@ $<

# Objects are kept: a rebuild after an edit recompiles only what changed.
.SECONDARY:

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

# dti-web on the sample district with demo accounts (README).
web-demo: all
	@sh scripts/web-demo.sh

UNITDIR  ?= $(PREFIX)/lib/systemd/system
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Programs completed by completion/dti: links to it, so that bash-completion
# finds it under each program's name.
COMPLETED = $(filter-out dti,$(notdir $(PROGS))) dti-nightly
DATADIR   = $(LOCALSTATEDIR)/lib/dti
LOGDIR    = $(LOCALSTATEDIR)/log/dti
DOCS      = README.md
# The pages by reader, under DOCDIR/docs/ so that the README's links hold.
DOC_PAGES = $(wildcard docs/*.md)
# Paths written into the installed units and crontab example.
INSTALL_PATHS = sed -e 's|/usr/bin/|$(BINDIR)/|g' -e 's|/etc/dti|$(SYSCONFDIR)/dti|g' \
	  -e 's|/var/lib/dti|$(DATADIR)|g' -e 's|/var/log/dti|$(LOGDIR)|g' \
	  -e 's|/usr/share/doc/dti|$(DOCDIR)|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/frameworks $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)/docs \
	  $(DESTDIR)$(SYSCONFDIR)/dti $(DESTDIR)$(DATADIR) $(DESTDIR)$(DATADIR)/sheets \
	  $(DESTDIR)$(LOGDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 $(B)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(B)/man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(B)/man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 completion/dti $(DESTDIR)$(BASHCOMPDIR)/dti
	for p in $(COMPLETED); do ln -sf dti $(DESTDIR)$(BASHCOMPDIR)/$$p || exit 1; done
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 755 cron/dti-nightly $(DESTDIR)$(BINDIR)/dti-nightly
	install -m 755 cron/dti-nightly-notify $(DESTDIR)$(BINDIR)/dti-nightly-notify
	install -m 644 config/frameworks/*.json $(DESTDIR)$(SHAREDIR)/frameworks/
	install -m 644 config/admin-units-2025-03-01.csv config/admin-units-2026-04-30.csv \
	  config/admin-crosswalk-2025-07-01.csv $(DESTDIR)$(SHAREDIR)/
	cp -R samples $(DESTDIR)$(SHAREDIR)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(SHAREDIR)/samples
	$(if $(DOCS),install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/)
	$(if $(DOC_PAGES),install -m 644 $(DOC_PAGES) $(DESTDIR)$(DOCDIR)/docs/)
	for u in cron/dti-nightly.service cron/dti-nightly.timer cron/dti-nightly-failure@.service web/dti-web.service; do \
	  $(INSTALL_PATHS) $$u >$(DESTDIR)$(UNITDIR)/$$(basename $$u) && chmod 644 $(DESTDIR)$(UNITDIR)/$$(basename $$u) || exit 1; \
	done
	$(INSTALL_PATHS) web/nginx-dti.conf >$(DESTDIR)$(DOCDIR)/examples/nginx-dti.conf && chmod 644 $(DESTDIR)$(DOCDIR)/examples/nginx-dti.conf
	for e in dti.crontab dti.logrotate dti-nightly-failure-local-mta.conf; do \
	  $(INSTALL_PATHS) cron/$$e >$(DESTDIR)$(DOCDIR)/examples/$$e && chmod 644 $(DESTDIR)$(DOCDIR)/examples/$$e || exit 1; \
	done
	sh scripts/install-config.sh "$(DESTDIR)" "$(SYSCONFDIR)/dti" "$(SHAREDIR)" "$(DATADIR)" "$(LOGDIR)"

# The tree's layout is .clang-format's: `make format` applies it, and
# `make format-check` (run by CI) fails on any file that differs.
FORMAT_SRC = $(wildcard lib/*.[ch] scorer/*.[ch] dti/*.[ch] collectors/*.c web/*.[ch] tests/unit/*.[ch])
CLANG_FORMAT ?= clang-format

format:
	@$(CLANG_FORMAT) -i $(FORMAT_SRC)

format-check:
	@$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRC) && echo "format: every file as .clang-format says"

clean:
	rm -rf build bin

.PHONY: all man deps run test unit e2e check bench web-demo install clean format format-check
