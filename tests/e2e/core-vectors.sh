#!/bin/sh
# The documented commands, from a code,name list to the exports, on the
# spec's three-commune vector: every number must match expected.csv.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$DTI_TMP/dti.db" "$@"; }

dti communes load "$V/communes.csv"
dti communes list | grep -q "^25273$(printf '\t')Xã Lộc Hòa$"
dti import "$V/inputs.csv"
dti score
dti export --out "$DTI_TMP/out" > "$DTI_TMP/paths"
grep -q "scores-2024.csv" "$DTI_TMP/paths"

python3 - "$V/expected.csv" "$DTI_TMP/out/scores-2024.csv" "$DTI_TMP/out/ranking-2024.csv" <<'PY'
import csv, sys
exp = {(r['commune_code'], r['indicator']): float(r['score']) for r in csv.DictReader(open(sys.argv[1]))}
got = {(r['commune_code'], r['indicator']): float(r['points']) for r in csv.DictReader(open(sys.argv[2], encoding='utf-8'))}
for r in csv.DictReader(open(sys.argv[3], encoding='utf-8')):
    got[(r['commune_code'], 'RANK')] = float(r['rank'])
bad = [(k, v, got.get(k)) for k, v in exp.items() if k not in got or abs(got[k] - v) > 0.005]
if bad or len(exp) != 150:
    sys.exit("mismatches: %r" % bad[:10])
names = {r['commune_name'] for r in csv.DictReader(open(sys.argv[2], encoding='utf-8'))}
assert 'Thị trấn Lộc Ninh' in names, names
print("150 expected numbers match")
PY

# The clamped ratio carries its flag; explain shows inputs, source and arithmetic.
grep -q '^2024,25270,Thị trấn Lộc Ninh,3.2,indicator,.*,35,35,1,numerator_above_denominator$' "$DTI_TMP/out/scores-2024.csv"
dti explain 25270 6.3 > "$DTI_TMP/explain"
grep -q "from source 'district-sheet'" "$DTI_TMP/explain"
grep -q "r = (dossiers_online_partial 2615 + dossiers_online_full 1581) / dossiers_total 4342" "$DTI_TMP/explain"
dti explain 25276 4.6 | grep -q "normalised x / max"

# A corrected figure re-imported later wins, and the old one stays in history.
printf 'commune_code,variable,value\n25270,portal_dx_section,có\n' > "$DTI_TMP/fix.csv"
dti import "$DTI_TMP/fix.csv"
dti score
dti export --out "$DTI_TMP/out2" >/dev/null
grep -q '^2024,25270,[^,]*,1.3,indicator,.*,10,20,0.5,$' "$DTI_TMP/out2/scores-2024.csv"
test "$(sqlite3 "$DTI_TMP/dti.db" "SELECT count(*) FROM observation WHERE commune_code='25270' AND variable='portal_dx_section'")" = 2
