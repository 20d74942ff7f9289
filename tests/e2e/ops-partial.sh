#!/bin/sh
# Nightly runs with failing sources: the others are stored and scored, the
# run exits 1 (partial), the failed sources show as failing/stale in the
# status (which exits 1), in the view source_status and in the nightly
# record; every other source is ok.  First with the real collectors (a
# feed that is missing, an invalid district sheet), then with fake
# collectors that crash, hang or are not installed.  Then: dry run, --only,
# every source failing exits 4, configuration errors exit 3, usage 2.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

# A copy of the configuration's first telecom block whose feed is missing.
broken=$(python3 - "$R/config/dti.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
b = next((s for s in c.get("sources", []) if s.get("kind") == "telecom"),
         {"kind": "telecom", "max_age_hours": 36})
b = dict(b, name="telecom:broken", url="file:../samples/feeds/no-such-feed.json")
print(json.dumps([b]))
PY
)
configure real "$broken"
# One district office sheet is invalid: refused whole, recorded as failed.
printf 'commune_code,variable,value\n11986,population,-5\n' >"$dep/samples/sheets/zz-broken.csv"
all=$(dti sources | wc -l)

nightly >"$DTI_TMP/n1.out" 2>"$DTI_TMP/n1.err"
rc=$?
cat "$DTI_TMP/n1.err"
[ "$rc" = 1 ] || fail "nightly with failing sources exited $rc, expected 1"
grep -q "summary: sources $((all - 2)) ok, 2 failing,stale (telecom:broken, district-sheet:zz-broken); scoring run 1 " \
	"$DTI_TMP/n1.err" || fail "summary does not name exactly the failed sources"
# Time-stamped lines on stderr and in the log file.
grep -Eq '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:.]+Z dti-nightly: starting' "$DTI_TMP/n1.err" ||
	fail "stderr lines are not time-stamped"
grep -Eq '^20[0-9-]+T[0-9:.]+Z dti import: .*bank-branches.csv: run [0-9]+ stored' \
	"$dep/var/log/dti-nightly.log" || fail "the log file lacks the programs' time-stamped lines"
grep -q 'summary:' "$dep/var/log/dti-nightly.log" || fail "the log file lacks the summary"
# Every line, continuations of multi-line messages included.
if grep -v '^20[0-9-]*T[0-9:.]*Z ' "$dep/var/log/dti-nightly.log" | grep -q .; then
	grep -v '^20[0-9-]*T[0-9:.]*Z ' "$dep/var/log/dti-nightly.log" | head -5
	fail "lines without a time stamp in the log"
fi

# Scored with the sources that worked, and published.
[ "$(q "SELECT count(*) FROM current_ranking WHERE year = 2024")" = 11 ] || fail "no ranking of 11 communes"
[ -s "$dep/var/out/2024/ranking-2024.csv" ] || fail "nothing published"
# The report flags the failed sources as stale (its data-quality page).
dq=$dep/var/out/2024/report/data-quality.html
stale=$(sed -n '/id="stale"/,/<\/table>/p' "$dq")
for src in telecom:broken district-sheet:zz-broken; do
	printf '%s\n' "$stale" | grep -q ">$src<" || fail "the report does not flag $src as stale"
done
printf '%s\n' "$stale" | grep -q ">district-sheet:bank-branches<" && fail "the report flags a fresh source"
ls "$dep"/var/backup/dti-*.db >/dev/null 2>&1 || fail "no backup"
check_db "after the partial run"

dti status >"$DTI_TMP/status.out"
src=$?
cat "$DTI_TMP/status.out"
[ "$src" = 1 ] || fail "status exited $src with failing sources, expected 1"
grep -q "^telecom:broken	telecom	failing,stale	.*no-such-feed.json" "$DTI_TMP/status.out" ||
	fail "status does not flag telecom:broken with its error"
grep -q "^district-sheet:zz-broken	sheet	failing,stale	.*zz-broken.csv:2" "$DTI_TMP/status.out" ||
	fail "status lacks the sheet's error (file:line)"
ok=$(awk -F '\t' '$3 == "ok"' "$DTI_TMP/status.out" | wc -l)
[ "$ok" = $((all - 2)) ] || fail "$ok of $all sources ok in status, expected $((all - 2))"
grep -q '^nightly:   run 1 partial (exit 1)' "$DTI_TMP/status.out" || fail "status lacks the nightly outcome"
grep -q '^published: .* by dti ' "$DTI_TMP/status.out" || fail "status lacks the publishing"
grep -q '^status:    ATTENTION: telecom:broken (failing,stale), district-sheet:zz-broken (failing,stale)$' \
	"$DTI_TMP/status.out" || fail "status verdict"
[ "$(q "SELECT status || ' ' || sources_failed FROM nightly_run ORDER BY id DESC LIMIT 1")" = "partial 2" ] ||
	fail "nightly_run does not record the partial run"
# The same verdicts for analysts and the report, in the view source_status.
[ "$(q "SELECT group_concat(source || '=' || state, ' ') FROM (SELECT * FROM source_status
        WHERE state <> 'ok' ORDER BY source)")" = \
	"district-sheet:zz-broken=failing,stale telecom:broken=failing,stale" ] ||
	fail "source_status: $(q "SELECT source, state FROM source_status")"
[ "$(q "SELECT count(*) FROM source_status WHERE state = 'ok'")" = $((all - 2)) ] ||
	fail "source_status does not count the other sources ok"
sheets=$(ls "$dep"/samples/sheets/*.csv | wc -l)
[ "$(q "SELECT count(*) FROM source_status WHERE source LIKE 'district-sheet:%' AND max_age_hours = 36")" = "$sheets" ] ||
	fail "source_status lacks the sheets' configured maximum age"

# Failures the sample feeds cannot produce, with fake collectors: a crash
# (exit 7), a kind whose program is not installed, a source that never
# recorded a run.
configure fake '[{"name": "telecom-fail", "kind": "telecom", "max_age_hours": 36},
                 {"name": "postal-crash", "kind": "postal", "max_age_hours": 36},
                 {"name": "onetouch-missing", "kind": "onetouch"}]'
nightly 2>"$DTI_TMP/f.err"
rc=$?
[ "$rc" = 1 ] || fail "nightly with fake failures exited $rc, expected 1"
grep -q "summary: sources 5 ok, 1 stale (telecom-fail), 3 failing,stale (postal-crash, onetouch-missing, district-sheet:zz-broken); " "$DTI_TMP/f.err" ||
	fail "summary of the fake failures"
dti status >"$DTI_TMP/status2.out"
cat "$DTI_TMP/status2.out"
grep -q "^telecom-fail	telecom	stale	never" "$DTI_TMP/status2.out" || fail "status does not flag telecom-fail"
grep -q "^postal-crash	postal	failing,stale	.*dti-collect-postal ended with exit status 7" "$DTI_TMP/status2.out" ||
	fail "status lacks the crash reason"
grep -q "^onetouch-missing	onetouch	failing,stale	.*no collector program 'dti-collect-onetouch'" \
	"$DTI_TMP/status2.out" || fail "status lacks the missing-program reason"

# A dry run reads everything, stores nothing, does not score or publish.
before=$(q "SELECT (SELECT count(*) FROM run WHERE status <> 'dry_run') || '/' ||
                   (SELECT count(*) FROM nightly_run) || '/' || (SELECT count(*) FROM scoring_run)")
nightly --dry-run 2>"$DTI_TMP/dry.err"
rc=$?
[ "$rc" = 1 ] || fail "dry run with failing sources exited $rc, expected 1"
grep -q "zz-broken.csv: 1 problem" "$DTI_TMP/dry.err" || fail "the dry run did not validate the sheets"
grep -q "dry run: not scoring" "$DTI_TMP/dry.err" || fail "the dry run did not say it skips scoring"
after=$(q "SELECT (SELECT count(*) FROM run WHERE status <> 'dry_run') || '/' ||
                  (SELECT count(*) FROM nightly_run) || '/' || (SELECT count(*) FROM scoring_run)")
[ "$before" = "$after" ] || fail "the dry run stored something ($before -> $after)"

# --only one good source: that source, then score and publish; exit 0.
nightly --only district-sheet:bank-branches 2>"$DTI_TMP/only.err"
rc=$?
[ "$rc" = 0 ] || fail "--only a good source exited $rc"
[ "$(grep -c 'dti import: \|: [a-z_]* run=[0-9]' "$DTI_TMP/only.err")" = 1 ] || fail "--only ran other sources"
[ "$(q "SELECT only_source FROM nightly_run ORDER BY id DESC LIMIT 1")" = district-sheet:bank-branches ] ||
	fail "--only not recorded"

# Every source failing: nothing could run (4).
nightly --only telecom-fail 2>"$DTI_TMP/n2.err"
rc=$?
[ "$rc" = 4 ] || fail "--only a failing source exited $rc, expected 4"
# A source that hangs is stopped after source_timeout_seconds, recorded as
# failed with the reason.
configure fake '[{"name": "portal-slow", "kind": "portal"}]' source_timeout_seconds=1
t0=$(date +%s)
FAKE_SLEEP=30 nightly --only portal-slow 2>"$DTI_TMP/slow.err"
rc=$?
[ "$rc" = 4 ] || fail "--only a hanging source exited $rc, expected 4"
[ $(($(date +%s) - t0)) -lt 15 ] || fail "the hanging source was not stopped in time"
dti status | grep -q "^portal-slow	portal	failing,stale	.*stopped after 1 s" ||
	fail "status lacks the time-out of portal-slow"
# An unknown source name is a usage error (2); so is a bad option.
nightly --only no-such-source 2>/dev/null
[ $? = 2 ] || fail "--only an unknown source did not exit 2"
nightly --bogus 2>/dev/null
[ $? = 2 ] || fail "a bad option did not exit 2"
nightly --year 19x 2>/dev/null
[ $? = 2 ] || fail "a bad year did not exit 2"
# Configuration errors (3) before anything runs: a duplicate source name,
# an unknown kind, a kind that could name a path, a malformed file.
configure fake '[{"name": "a", "kind": "telecom"}, {"name": "a", "kind": "postal"}]'
nightly 2>"$DTI_TMP/n3.err"
rc=$?
[ "$rc" = 3 ] || fail "duplicate source name exited $rc, expected 3"
grep -q "used twice" "$DTI_TMP/n3.err" || fail "duplicate name not explained"
configure fake '[{"name": "x", "kind": "nokind"}]'
nightly 2>"$DTI_TMP/n4.err"
[ $? = 3 ] || fail "an unknown kind did not exit 3"
grep -q '"kind" must be portal, telecom' "$DTI_TMP/n4.err" || fail "unknown kind not explained"
configure fake '[{"name": "x", "kind": "../../bin/sh"}]'
nightly 2>/dev/null
[ $? = 3 ] || fail "a kind with a path did not exit 3"
printf '{ "year": ' >"$dep/config/dti.json"
nightly 2>/dev/null
[ $? = 3 ] || fail "malformed configuration did not exit 3"
[ "$(q "SELECT count(*) FROM nightly_run")" = 5 ] || fail "a refused run was recorded"
echo "partial-run behaviour ok"
