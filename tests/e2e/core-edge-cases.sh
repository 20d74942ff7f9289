#!/bin/sh
# Missing inputs, zero denominators, exact thresholds, ties and a bad file:
# the run never fails, flags say why, and a refused file stores nothing.
set -eu
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$DTI_TMP/dti.db" "$@"; }

printf 'code,name\n11986,Thị trấn Như Quỳnh\n11989,Lạc Đạo\n11992,XÃ CHỈ ĐẠO\n' > "$DTI_TMP/communes.csv"
dti communes load "$DTI_TMP/communes.csv"

# 11986: exact thresholds; 11989: zero denominators; 11992: nothing at all.
cat > "$DTI_TMP/in.csv" <<'CSV'
commune_code,variable,value
11986,dossiers_total,1000
11986,dossiers_online_partial,500
11986,dossiers_online_full,300
11986,work_records_total,1000
11986,work_records_online,600
11986,budget_spending_total,10000
11986,digital_economy_spending,25
11986,digital_society_investment,0
11989,dossiers_total,0
11989,dossiers_online_partial,0
11989,dossiers_online_full,0
11989,work_records_total,0
11989,work_records_online,5
11989,digital_society_investment,0
CSV
dti import "$DTI_TMP/in.csv"
dti score
dti export --out "$DTI_TMP/out" >/dev/null
S=$DTI_TMP/out/scores-2024.csv
grep -q '^2024,11986,[^,]*,6.3,indicator,.*,40,40,1,$' "$S"       # r = 0.8 exactly
grep -q '^2024,11986,[^,]*,6.5,indicator,.*,24,40,0.6,$' "$S"     # r = 0.6 exactly
grep -q '^2024,11986,[^,]*,7.7,indicator,.*,20,20,1,$' "$S"       # 0.25 % exactly
grep -q '^2024,11989,[^,]*,6.3,indicator,.*,0,40,0,no_denominator$' "$S"
grep -q '^2024,11989,[^,]*,6.5,indicator,.*,0,40,0,no_denominator$' "$S"
grep -q '^2024,11992,[^,]*,1.1,indicator,.*,0,20,0,missing$' "$S"
grep -q '^2024,11992,[^,]*,8.4,indicator,.*,0,30,0,missing$' "$S"
grep -q '^2024,11986,[^,]*,8.4,indicator,.*,0,30,0,$' "$S"        # max = 0 gives 0
# 11989 and 11992 both total 0: they share rank 2.
grep -q '^2024,2,11989,' "$DTI_TMP/out/ranking-2024.csv"
grep -q '^2024,2,11992,' "$DTI_TMP/out/ranking-2024.csv"
grep -q '^2024,1,11986,' "$DTI_TMP/out/ranking-2024.csv"

# A file with problems: every problem named, exit 1, nothing stored, a failed run recorded.
before=$(sqlite3 "$DTI_TMP/dti.db" "SELECT count(*) FROM observation")
printf 'commune_code,variable,value\n11986,population,9000\n11986,households,-1\n12345,population,1\n' > "$DTI_TMP/bad.csv"
if dti import "$DTI_TMP/bad.csv" 2> "$DTI_TMP/err"; then echo "bad file accepted"; exit 1; else test $? -eq 1; fi
grep -q "bad.csv:3:3 (value): '-1' is negative" "$DTI_TMP/err"
grep -q "bad.csv:4:1 (commune_code): unknown commune '12345'" "$DTI_TMP/err"
grep -q "nothing of this file was stored" "$DTI_TMP/err"
test "$(sqlite3 "$DTI_TMP/dti.db" "SELECT count(*) FROM observation")" = "$before"
test "$(sqlite3 "$DTI_TMP/dti.db" "SELECT count(*) FROM run WHERE status='failed' AND input LIKE '%bad.csv'")" = 1

# A typo in a commune code is an error naming the code; the set is unchanged.
printf 'code,name\n11987,Xã Lạc Đạo\n' > "$DTI_TMP/typo.csv"
if dti communes load "$DTI_TMP/typo.csv" 2> "$DTI_TMP/err"; then echo "typo accepted"; exit 1; fi
grep -q "unknown commune code 11987" "$DTI_TMP/err"
test "$(dti communes list | wc -l)" = 4

# A wrong name for a real code is refused too.
printf 'code,name\n11989,Xã Chỉ Đạo\n' > "$DTI_TMP/name.csv"
if dti communes load "$DTI_TMP/name.csv" 2> "$DTI_TMP/err"; then echo "wrong name accepted"; exit 1; fi
grep -q "11989 is 'Xã Lạc Đạo' in the national list" "$DTI_TMP/err"

# Usage errors exit 2; a newer schema is refused.
if dti frobnicate 2>/dev/null; then exit 1; else test $? -eq 2; fi
sqlite3 "$DTI_TMP/dti.db" "PRAGMA user_version = 99"
if dti score 2> "$DTI_TMP/err"; then exit 1; fi
grep -q "newer than this program" "$DTI_TMP/err"
