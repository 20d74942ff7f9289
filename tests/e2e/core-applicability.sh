#!/bin/sh
# Issue 14 item 6, framework editions by applicability: a small framework
# (tests/fixtures/applicability/) whose indicator 1.2 applies to "Phường"
# only and 2.2 (cross-commune) to "Phường" and "Đặc khu", over a ward and
# two communes of new Hưng Yên.  A non-applicable indicator is neither
# scored nor counted in the maximum; the ranking is by the share of each
# commune's own maximum; the report says "Không áp dụng"; the advice offers
# no point of it; a bad "applies_to" is refused naming file and indicator.
set -eu
R=$DTI_ROOT T=$DTI_TMP F=$DTI_ROOT/tests/fixtures/applicability
fail() { echo "core-applicability: $*" >&2; exit 1; }
dti() { "$DTI_BIN/dti" --config "$T/c.json" "$@"; }
q() { sqlite3 "$T/db" "$1"; }
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/c.json" \
	"framework=\"$F/framework.json\"" "communes_csv=\"$F/communes.csv\"" \
	'unit_list="2026-04-30"' "database=\"$T/db\"" "output_dir=\"$T/out\"" year=2025 'sources=[]' \
	'rating_bands=[{"min": 80, "label": "Tốt"}, {"min": 0, "label": "Yếu"}]'

dti init >/dev/null
[ "$(q "select group_concat(code || '=' || unit_type, ' ') from (select * from commune order by code)")" = \
	"11953=Phường 11977=Xã 11992=Xã" ] || fail "unit types not stored: $(q 'select code, unit_type from commune')"
dti import "$F/inputs.csv" >/dev/null
dti score >/dev/null

# score ITEM CODE: points/max_points/flags/rank of one row of the run.
score() { q "select points || '/' || max_points || '/' || flags || '/' || coalesce(rank, '')
	from score where commune_code = '$2' and item = '$1'
	and scoring_run_id = (select max(id) from scoring_run)"; }
expect() { [ "$(score "$1" "$2")" = "$3" ] || fail "$1 of $2: $(score "$1" "$2"), expected $3"; }
# The ward: every indicator applies (1.1 no, 1.2 yes, 2.1 half, 2.2 alone in
# its set: the communes' learners, for whom it does not apply, are not in
# the normalisation, else its x 0.1 against 0.5 would earn 4, not 20).
expect 1.2 11953 '30.0/30.0//'
expect 2.2 11953 '20.0/20.0//'
expect P1 11953 '30.0/60.0//'
expect TOTAL 11953 '60.0/100.0//2'
# Xã Tân Hưng: 1.2 and 2.2 not applicable (its "yes" to 1.2 and its
# learners are not scored); its maximum is 50, all earned.
expect 1.2 11977 '0.0/0.0/not_applicable/'
expect 2.2 11977 '0.0/0.0/not_applicable/'
expect P1 11977 '30.0/30.0//'
expect P2 11977 '20.0/20.0//'
expect TOTAL 11977 '50.0/50.0//1'
# Xã Lạc Đạo: 10 of 50.  Ranked by share: Tân Hưng 100 %, the ward 60 %
# (60 points), Lạc Đạo 20 %; by points the ward would be first.
expect TOTAL 11992 '10.0/50.0//3'
[ "$(q "select count(*) from score where flags like '%missing%'")" = 0 ] ||
	fail "a non-applicable indicator was flagged missing"

dti publish --out "$T/out" >/dev/null
O=$T/out/2025/report
grep -q 'id="ranking-basis"' "$O/index.html" || fail "the ranking does not say it is by share"
grep -q '<td class="n">50 / 50 (100%)</td>' "$O/index.html" || fail "ranking cell of Tân Hưng"
grep -q '<td class="n">60 / 100 (60%)</td>' "$O/index.html" || fail "ranking cell of the ward"
# The scorecard: "Không áp dụng" on the commune's two rows, not on the ward's.
[ "$(grep -c '<td class="n">Không áp dụng</td>' "$O/commune-11977.html")" = 2 ] ||
	fail "Tân Hưng's scorecard does not show 1.2 and 2.2 as not applicable"
if grep -q 'Không áp dụng' "$O/commune-11953.html"; then fail "the ward's page says not applicable"; fi
grep -q 'Tổng điểm <b>50</b> / 50 (100% điểm tối đa của đơn vị; 50 điểm của các chỉ số không áp dụng' \
	"$O/commune-11977.html" || fail "Tân Hưng's summary does not give its own maximum"
grep -q 'Tổng điểm <b>60</b> / 100 ·' "$O/commune-11953.html" || fail "the ward's summary changed"
# Where the points are: none for Tân Hưng (all it can earn is earned); for
# Lạc Đạo 1.1 and 2.1, never 1.2 or 2.2; for the ward 1.1.
grep -q 'Tất cả chỉ số đã đạt điểm tối đa' "$O/commune-11977.html" ||
	fail "advice offers Tân Hưng points it cannot earn"
if grep -q 'href="#i1.2"\|href="#i2.2"' "$O/commune-11992.html"; then
	fail "Lạc Đạo's page offers or lists a non-applicable indicator"
fi
grep -q '2 chỉ số chưa đạt điểm tối đa, còn 40 điểm' "$O/commune-11992.html" ||
	fail "Lạc Đạo's gaps are not 1.1 and 2.1 (40 points)"
grep -q 'href="#i1.1"' "$O/commune-11953.html" || fail "the ward's gap 1.1 is not offered"
# Bands are in the framework's points: 100 % of 50 is a share of 1000 too.
python3 - "$T/out/2025/dti-2025.json" <<'PY' || fail "JSON export"
import json, sys
d = {c['code']: c for c in json.load(open(sys.argv[1], encoding='utf-8'))['communes']}
t, w = d['11977'], d['11953']
assert (t['max'], t['total'], t['rank']) == (50, 50, 1), t
assert (w['max'], w['total'], w['rank']) == (100, 60, 2), w
i = {x['id']: x for x in t['indicators']}
assert i['1.2']['flags'] == ['not_applicable'] and i['1.2']['max'] == 0, i['1.2']
assert 'advice' not in i['1.2'] and 'advice' not in i['2.2'], i
assert [p['max'] for p in t['pillars']] == [30, 20], t['pillars']
assert (t['rating_band'], w['rating_band']) == ('Tốt', 'Yếu'), (t, w)
PY
grep -qx '2025,1,11977,Xã Tân Hưng,50,50,1' "$T/out/2025/ranking-2025.csv" ||
	fail "ranking CSV: $(cat "$T/out/2025/ranking-2025.csv")"
dti explain 11977 1.2 >"$T/explain"
grep -q 'not applicable: the framework scores it for Phường only' "$T/explain" ||
	fail "explain: $(cat "$T/explain")"

# A database made before the type was recorded: filled from the unit list
# at the next start-up, and the scores are the same.
q "update commune set unit_type = null"
dti score >/dev/null
[ "$(q "select count(*) from scoring_run")" = 2 ] || fail "no second run"
expect TOTAL 11977 '50.0/50.0//1'
[ "$(q "select count(*) from commune where unit_type is null")" = 0 ] || fail "unit types not filled"

# The shipped 2024 edition applies everything to everyone: every commune's
# maximum is 1000 in the default deployment.
"$DTI_BIN/dti" --config "$R/config/dti.json" --db "$T/seed.db" init >/dev/null
"$DTI_BIN/dti" --config "$R/config/dti.json" --db "$T/seed.db" import \
	"$R/samples/sheets/commune-answers.csv" >/dev/null
"$DTI_BIN/dti" --config "$R/config/dti.json" --db "$T/seed.db" score >/dev/null
[ "$(sqlite3 "$T/seed.db" "select count(*) from score where level = 'total' and max_points <> 1000
	or flags like '%not_applicable%'")" = 0 ] || fail "the 2024 edition did not apply to all"

# A bad "applies_to" is refused at start-up, naming the file and indicator.
refused() {
	python3 - "$F/framework.json" "$T/bad.json" "$1" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding='utf-8'))
f['pillars'][0]['indicators'][1]['applies_to'] = json.loads(sys.argv[3])
json.dump(f, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)
PY
	python3 "$R/tests/e2e/lib/config_abs.py" "$T/c.json" "$T/bad-c.json" "framework=\"$T/bad.json\""
	code=0
	"$DTI_BIN/dti" --config "$T/bad-c.json" score >/dev/null 2>"$T/err" || code=$?
	[ "$code" = 3 ] || fail "applies_to $1: exit $code, not 3"
	grep -qF "$T/bad.json: indicator 1.2: $2" "$T/err" || fail "applies_to $1: $(cat "$T/err")"
}
refused '["Phuong"]' "\"applies_to\": unknown unit type 'Phuong' (Xã, Phường, Thị trấn, Đặc khu)"
refused '[]' '"applies_to" must be a non-empty list of unit types'
echo "applicability: maxima, totals, ranking, report and refusals as expected"
