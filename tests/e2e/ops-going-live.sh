#!/bin/sh
# A new deployment from an empty database through going live, step by step
# as docs/administrator.md "Going live" says: before `dti init` readers refuse
# and create nothing; init creates the database with the configured
# communes; the sources are listed and read once without storing anything;
# the first nightly run ends ok and `dti status` says ok; the timer and
# its service are as described.
. "$DTI_ROOT/tests/e2e/ops-common.inc"
configure real '[]'

# 2. Before `dti init`, a reader refuses and leaves nothing behind.
dti status >"$DTI_TMP/s0.out" 2>"$DTI_TMP/s0.err"
rc=$?
[ "$rc" = 4 ] || fail "status before init exited $rc"
grep -q "does not exist: run 'dti init' to create it" "$DTI_TMP/s0.err" ||
	fail "status before init: $(cat "$DTI_TMP/s0.err")"
[ ! -e "$db" ] || fail "status before init created the database"

dti init 2>"$DTI_TMP/init.err" || fail "dti init: $(cat "$DTI_TMP/init.err")"
grep -q "ready (schema [0-9]*), 11 communes configured, framework commune-2024" "$DTI_TMP/init.err" ||
	fail "dti init did not say the database is ready: $(cat "$DTI_TMP/init.err")"

# 3. The communes.
n=$(dti communes list | grep -c '^1[12][0-9][0-9][0-9]')
[ "$n" = 11 ] || fail "communes list shows $n communes, not 11"

# 4. The sources, then every source read once without storing anything.
dti sources >"$DTI_TMP/sources.out" || fail "dti sources failed"
[ -s "$DTI_TMP/sources.out" ] || fail "dti sources listed nothing"
before=$(q "SELECT count(*) FROM observation")
nightly --dry-run 2>"$DTI_TMP/dry.err" || fail "dry run: $(tail -n 5 "$DTI_TMP/dry.err")"
grep -q "dry run: \([0-9]*\) of \1 sources read, 0 failed; nothing stored, scored or published" \
	"$DTI_TMP/dry.err" || fail "dry run summary: $(tail -n 3 "$DTI_TMP/dry.err")"
[ "$(q "SELECT count(*) FROM observation")" = "$before" ] || fail "the dry run stored figures"
[ "$(q "SELECT count(*) FROM scoring_run")" = 0 ] || fail "the dry run scored"

# 5. The first nightly run, then the status.
nightly 2>"$DTI_TMP/n1.err"
rc=$?
[ "$rc" = 0 ] || fail "the first nightly exited $rc: $(tail -n 5 "$DTI_TMP/n1.err")"
dti status >"$DTI_TMP/status.out" 2>&1 || fail "status after the first run: $(cat "$DTI_TMP/status.out")"
tail -n 1 "$DTI_TMP/status.out" | grep -q '^status:    ok$' || fail "status does not end ok"
[ -s "$dep/var/out/2024/report/index.html" ] || fail "nothing published"
ls "$dep"/var/backup/dti-*.db >/dev/null 2>&1 || fail "no backup"
check_db "after going live"

# 6. The timer starts the service, which cannot be enabled on its own.
grep -q '^WantedBy=timers.target$' "$R/cron/dti-nightly.timer" || fail "timer not wanted by timers.target"
grep -q '^\[Install\]' "$R/cron/dti-nightly.service" && fail "the service has an [Install] section"
echo "going live ok"
