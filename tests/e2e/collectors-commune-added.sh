#!/bin/sh
# A commune added to the set gets its feed values (issue #13, item 1): Văn
# Lâm loaded without 12016, the portal and telecom feeds collected, the full
# list loaded, the feeds collected again.  The payloads are the same bytes,
# but what they store is not (one commune more): the second runs store
# 12016's values instead of saying "unchanged".  A third run is unchanged;
# --force stores again and is recorded as forced.  `dti import --if-changed`
# reads a sheet again when the framework edition changed.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
C=$R/config/dti.json
grep -v '^12016,' "$R/config/communes-van-lam.csv" >"$T/without-12016.csv"
dti() { "$B/dti" --config "$C" --db "$DB" "$@"; }
collect() {
	"$B/dti-collect-portal" --config "$C" --db "$DB" "$@" >>"$T/out.txt" 2>>"$T/err.txt" &&
		"$B/dti-collect-telecom" --config "$C" --db "$DB" "$@" >>"$T/out.txt" 2>>"$T/err.txt" ||
		{ cat "$T/out.txt" "$T/err.txt"; fail "collecting failed"; }
}
runs() { sql "select group_concat(r.status, ' ') from (select status from run order by id) r"; }

dti communes load "$T/without-12016.csv" 2>/dev/null || fail "loading the communes without 12016"
collect
[ "$(runs)" = "ok ok ok ok" ] || fail "first runs: $(runs)"
[ "$(sql "select count(*) from current_input where commune_code = '12016'")" = 0 ] ||
	fail "12016 has values before it is assessed"

dti communes load "$R/config/communes-van-lam.csv" 2>/dev/null || fail "loading the full list"
: >"$T/out.txt"
collect
grep unchanged "$T/out.txt" && fail "a run after the set changed says unchanged"
[ "$(runs)" = "ok ok ok ok ok ok ok ok" ] || fail "runs after the set changed: $(runs)"
for v in dossiers_total smartphone_users; do
	[ "$(sql "select count(*) from current_input where commune_code = '12016' and variable = '$v'")" = 1 ] ||
		fail "current_input has no $v for 12016"
done
# Only what is new is stored: 12016's values, the others' were current.
[ "$(sql "select count(distinct commune_code) from observation where run_id > 4")" = 1 ] ||
	fail "the second runs stored values of communes already current"

: >"$T/out.txt"
collect
[ "$(grep -c ': unchanged run=' "$T/out.txt")" = 4 ] || { cat "$T/out.txt"; fail "third runs not unchanged"; }

: >"$T/out.txt"
USER=op-e2e collect --force
[ "$(grep -c ': ok run=.* stored=0 ' "$T/out.txt")" = 4 ] || { cat "$T/out.txt"; fail "--force did not store (nothing new)"; }
[ "$(sql "select count(*) from run where forced = 1 and status = 'ok' and user = 'op-e2e'")" = 4 ] ||
	fail "--force runs not recorded as forced"
"$B/dti-collect-portal" --help | grep -q -- '--force' || fail "--help lacks --force"

# dti import --if-changed: the same sheet with another framework edition
# (the file's bytes changed) is read again.
sheet=$R/samples/sheets/bank-branches.csv
dti import --if-changed --source s:bank "$sheet" 2>/dev/null || fail "first import"
dti import --if-changed --source s:bank "$sheet" 2>"$T/imp.err" || fail "second import"
grep -q "unchanged since" "$T/imp.err" || fail "a second import of the same sheet is not unchanged"
mkdir -p "$T/conf/frameworks"
cp -R "$R/config/." "$T/conf/"
printf '\n' >>"$T/conf/frameworks/commune-2024.json"
"$B/dti" --config "$T/conf/dti.json" --db "$DB" import --if-changed --source s:bank "$sheet" 2>"$T/imp.err" ||
	{ cat "$T/imp.err"; fail "import with the new edition"; }
grep -q "unchanged since" "$T/imp.err" && fail "a sheet read with another framework edition is unchanged"
[ "$(sql "select r.status from run r join source s on s.id = r.source_id where s.name = 's:bank' order by r.id desc limit 1")" = ok ] ||
	fail "the import with another framework edition did not store"
echo "all ok"
