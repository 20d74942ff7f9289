#!/bin/sh
# Current values resolved when written (current_value, read by
# current_input): after every kind of write — a form, imports from three
# sources, a re-import unchanged and changed, each appraisal act, a
# re-sent form, scoring and a voided run, every bundled collector — the
# table is what `dti check` recomputes from the raw observations and
# appraisals.  A corrupted, a missing and an extra row are each named by
# commune and variable, exit 1.
. "$DTI_ROOT/tests/e2e/forms_env"

check() { # check WHAT: dti check passes and agrees with the view
  dti check > "$T/check.out" 2> "$T/check.err" || { cat "$T/check.err"; die "dti check after $1"; }
  expect_eq "rows after $1" "$(q "SELECT count(*) FROM current_input")" \
    "$(q "SELECT count(*) FROM current_input_resolved")"
  grep -q "^$(q "SELECT count(*) FROM current_input") current values, each as the observations and appraisals give it$" "$T/check.out" ||
    die "check summary after $1: $(cat "$T/check.out")"
}

dti init > /dev/null 2>&1 || die "init"
check "init"
dti form generate --commune 11989 --out "$T/forms" > /dev/null
fill_good "$T/forms/form-2024-11989.csv" "$T/form.csv"
dti form import "$T/form.csv" 2> /dev/null || die "form refused"
check "a form"
printf 'commune_code,variable,value\n11989,dx_meetings_total,10\n11992,dx_meetings_total,3\n' > "$T/docs.csv"
printf 'commune_code,variable,value\n11989,portal_dx_posts,11\n' > "$T/portal.csv"
printf 'commune_code,variable,value\n11989,villages,8\n11992,villages,6\n' > "$T/sheet.csv"
dti import --source document-system "$T/docs.csv" 2> /dev/null || die "docs import"
check "an import over a form"
dti import --source portal-feed "$T/portal.csv" 2> /dev/null || die "portal import"
dti import "$T/sheet.csv" 2> /dev/null || die "sheet import"
check "imports"
dti import "$T/sheet.csv" 2> /dev/null || die "sheet re-import"
check "an unchanged re-import"
printf 'commune_code,variable,value\n11989,villages,9\n11992,villages,6\n' > "$T/sheet.csv"
dti import "$T/sheet.csv" 2> /dev/null || die "sheet changed"
expect_eq "changed value current" "$(q "SELECT value || ' ' || state FROM current_input WHERE commune_code = '11989' AND variable = 'villages'")" "9 raw"
check "a changed re-import"

DOCS=$(q "SELECT o.id FROM observation o JOIN source s ON s.id = o.source_id WHERE s.name = 'document-system' AND commune_code = '11989'")
dti appraise reject "$DOCS" --reason "Đếm cả giao ban" --by "Phạm Thị Lan" 2> /dev/null || die "reject"
check "a rejection"
dti appraise verify --commune 11989 --variable dx_meetings_total --by "Phạm Thị Lan" 2> /dev/null || die "verify"
check "a verification"
dti appraise correct --commune 11989 --variable dx_meetings_chaired 2 --reason "Biên bản" --by "Phạm Thị Lan" 2> /dev/null || die "correct"
expect_eq "corrected value current" "$(q "SELECT value || ' ' || state FROM current_input WHERE commune_code = '11989' AND variable = 'dx_meetings_chaired'")" "2 corrected"
check "a correction"
fill_good "$T/forms/form-2024-11989.csv" "$T/form2.csv" "dx_staff=không"
dti form import "$T/form2.csv" 2> /dev/null || die "re-sent form"
check "a re-sent form"
dti score 2> /dev/null || die "score"
dti runs void 1 --reason "thử" --by "Phạm Thị Lan" > /dev/null 2>&1 || die "void"
check "scoring and a voided run"

# Every bundled collector (file: URLs), summed operators included.
C="$DTI_BIN/dti --config $R/config/dti.json --db $T/c.db"
$C init > /dev/null 2>&1 || die "collectors: init"
for k in portal telecom postal onetouch sheet; do
  "$DTI_BIN/dti-collect-$k" --config "$R/config/dti.json" --db "$T/c.db" > "$T/c-$k.log" 2>&1 || { cat "$T/c-$k.log"; die "dti-collect-$k"; }
  $C check > /dev/null 2> "$T/c.err" || { cat "$T/c.err"; die "dti check after dti-collect-$k"; }
done
expect_eq "summed operators" "$(sqlite3 "$T/c.db" "SELECT value || '/' || sources FROM current_input WHERE commune_code = '11986' AND variable = 'smartphone_users'")" "9992/3"

# Corruption is named, commune and variable, and exits 1.
q "UPDATE current_value SET value = '999' WHERE commune_code = '11989' AND variable = 'villages'"
q "DELETE FROM current_value WHERE commune_code = '11992' AND variable = 'dx_meetings_total'"
q "INSERT INTO current_value(year, commune_code, variable, value, num, state, sources, observation_ids, observation_id) VALUES (2024, '11998', 'villages', '4', 4.0, 'raw', 1, '999999', 999999)"
set +e
dti check > "$T/check.out" 2> "$T/check.err"
code=$?
set -e
expect_eq "exit of a failed check" "$code" 1
grep -q "commune 11989, variable villages, 2024: the current value is '999' (raw, observations [0-9]*); the observations and appraisals give '9' (raw" "$T/check.err" || { cat "$T/check.err"; die "changed row not named"; }
grep -q "commune 11992, variable dx_meetings_total, 2024: the current value is 'no row'" "$T/check.err" || { cat "$T/check.err"; die "missing row not named"; }
grep -q "commune 11998, variable villages, 2024: .*give 'no row'" "$T/check.err" || { cat "$T/check.err"; die "extra row not named"; }
grep -q "3 of the current values differ" "$T/check.err" || { cat "$T/check.err"; die "count of differences"; }
echo "core-current: ok"
