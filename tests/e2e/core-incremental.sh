#!/bin/sh
# Cost that follows the change: a re-import stores only what changed; a
# second scoring run of the same inputs shares every commune's stored
# score rows with the first (the score view reads the same rows for both);
# `score --if-changed` stops on the marker before reading anything while
# nothing changed, and scores again after a change, sharing the rows of
# the communes whose scores did not change.
. "$DTI_ROOT/tests/e2e/forms_env"

dti init > /dev/null 2>&1 || die "init"
python3 - "$T/sheet.csv" 7 <<'PY'
import csv, sys
codes = ['11986', '11989', '11992', '11995', '11998', '12001', '12004', '12007', '12010', '12013', '12016']
with open(sys.argv[1], 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['commune_code', 'variable', 'value'])
    for i, c in enumerate(codes):
        w.writerow([c, 'villages', 8 + i % 3]); w.writerow([c, 'villages_with_team', 2 + i % 5])
        w.writerow([c, 'households', 1000 + 37 * i]); w.writerow([c, 'fiber_households', 500 + 11 * i])
PY
dti import "$T/sheet.csv" 2> /dev/null || die "import"
dti import "$T/sheet.csv" 2> "$T/re.log" || die "re-import"
grep -q "stored 0 values (44 records read, 44 empty or unchanged)" "$T/re.log" || { cat "$T/re.log"; die "unchanged re-import stored something"; }
sed 's/^11989,villages,9/11989,villages,10/' "$T/sheet.csv" > "$T/sheet2.csv"
dti import "$T/sheet2.csv" 2> "$T/re.log" || die "changed re-import"
grep -q "stored 1 values (44 records read, 43 empty or unchanged)" "$T/re.log" || { cat "$T/re.log"; die "changed re-import"; }

dti score 2> /dev/null || die "score 1"
sets=$(q "SELECT count(*) FROM score_set")
dti score 2> /dev/null || die "score 2"
expect_eq "second run shares every set" "$(q "SELECT count(*) FROM score_set")" "$sets"
expect_eq "both runs link the same sets" "$(q "SELECT count(*) FROM score_result a JOIN score_result b ON b.commune_code = a.commune_code AND b.score_set = a.score_set WHERE a.scoring_run_id = 1 AND b.scoring_run_id = 2")" 11
expect_eq "the score view reads the same rows" "$(q "SELECT count(*) FROM (SELECT commune_code, item, level, points, max_points, fraction, ratio, flags, rank FROM score WHERE scoring_run_id = 1 EXCEPT SELECT commune_code, item, level, points, max_points, fraction, ratio, flags, rank FROM score WHERE scoring_run_id = 2)")" 0
expect_eq "rows per run" "$(q "SELECT count(*) FROM score WHERE scoring_run_id = 2")" "$(q "SELECT count(*) FROM score WHERE scoring_run_id = 1")"
expect_eq "rank on totals only" "$(q "SELECT count(*) FROM score WHERE rank IS NOT NULL AND level <> 'total'")" 0

dti score --if-changed 2> "$T/ic.log" || die "if-changed 1"
grep -q "inputs of 2024 unchanged since scoring run 2; not scored again" "$T/ic.log" || { cat "$T/ic.log"; die "if-changed did not stop"; }
expect_eq "no run added" "$(q "SELECT count(*) FROM scoring_run")" 2
expect_eq "marker kept" "$(q "SELECT count(*) FROM scoring_run WHERE marker IS NOT NULL")" 2
# A change: scored again; the communes whose scores stayed share their rows.
printf 'commune_code,variable,value\n12016,households,4000\n' > "$T/one.csv"
dti import "$T/one.csv" 2> /dev/null || die "one change"
dti score --if-changed 2> /dev/null || die "if-changed 2"
expect_eq "a run added" "$(q "SELECT count(*) FROM scoring_run")" 3
new=$(q "SELECT count(*) FROM score_result WHERE scoring_run_id = 3 AND score_set NOT IN (SELECT score_set FROM score_result WHERE scoring_run_id = 2)")
[ "$new" -ge 1 ] && [ "$new" -lt 11 ] || die "new sets after one change: $new"
# An appraisal is a change too.
ID=$(q "SELECT max(id) FROM observation")
dti appraise verify "$ID" --by "Phạm Thị Lan" 2> /dev/null || die "verify"
dti score --if-changed 2> /dev/null || die "if-changed 3"
expect_eq "an appraisal rescored" "$(q "SELECT count(*) FROM scoring_run")" 4
# The same inputs found again by their fingerprint take the newer marker.
dti score --if-changed 2> "$T/ic.log" || die "if-changed 4"
grep -q "not scored again" "$T/ic.log" || die "if-changed 4 scored"
dti explain 11989 4.2 > "$T/explain" 2> /dev/null || die "explain"
dti export --out "$T/export" > /dev/null 2>&1 || die "export"
[ "$(wc -l < "$T/export/ranking-2024.csv")" -ge 12 ] || die "ranking export"
dti check > /dev/null 2>&1 || die "check"
echo "core-incremental: ok"
