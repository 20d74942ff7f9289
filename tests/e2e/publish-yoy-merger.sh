#!/bin/sh
# Issue 14 item 3, year over year across the merger: a 2024 database on the
# old list (the default sample, Văn Lâm, its run approved) and a 2025 one on
# the new list for the new communes Lạc Đạo 11992, Đại Đồng 11995 and Như
# Quỳnh 12004 give a year-over-year page whose figures follow the rule of
# docs/report.md, recomputed here from the 2024 database and the
# conversion table: the population-weighted mean of the predecessors'
# official totals, flagged "Nhập một phần" where a predecessor was split.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

# 2024: the default deployment, scored by the nightly run.
configure real '[]'
nightly 2>"$DTI_TMP/n.err" || fail "the 2024 nightly run failed: $(tail -n 5 "$DTI_TMP/n.err")"
r2024=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
[ -n "$r2024" ] || fail "no 2024 scoring run"

# 2025: the new list, three new communes, a database of its own that names
# the 2024 one as "previous".
printf 'code,name\n11992,Xã Lạc Đạo\n11995,Xã Đại Đồng\n12004,Xã Như Quỳnh\n' >"$dep/config/new-communes.csv"
# A local correction of the table whose words are shown back escaped.
{ cat "$DTI_ROOT/config/crosswalk-corrections.csv"
  echo '12007,Xã Minh Hải,11992,Xã Lạc Đạo,"Nhập toàn bộ <i>x</i>",test: shown escaped'
} >"$dep/config/crosswalk-corrections.csv"
python3 - "$dep/config/dti.json" "$dep/config/y2025.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c.update({"name": "Tỉnh Hưng Yên (thử)", "year": 2025, "unit_list": "2026-04-30",
          "communes_csv": "new-communes.csv", "database": "../var/dti-2025.db",
          "output_dir": "../var/out-2025", "sources": [],
          "previous": {"year": 2024, "database": "../var/dti.db"}})
c.pop("admin_units", None)
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
new() { "$DTI_BIN/dti" --config "$dep/config/y2025.json" "$@"; }
cat >"$DTI_TMP/in2025.csv" <<'CSV'
commune_code,variable,value
11992,population,21000
11992,portal_dx_posts,14
11995,population,30500
11995,households,7100
12004,population,52000
12004,steering_head,chair
CSV
new import "$DTI_TMP/in2025.csv" >/dev/null 2>&1 || fail "2025 import"
new score >/dev/null 2>&1 || fail "2025 score"
yoy=$dep/var/out-2025/2025/report/year-over-year.html

# Before 2024 is approved: the page says the year has no official result.
new publish >/dev/null 2>"$DTI_TMP/p.err" || fail "publish: $(cat "$DTI_TMP/p.err")"
grep -q 'Năm 2024 chưa có kết quả chính thức' "$yoy" || fail "no official 2024 result not said"
grep -q 'class="n figure">—<' "$yoy" || fail "a figure without an official result"

# Approved, then published: the figures.
dti approve "$r2024" --decision 45/QĐ-UBND --decision-date 2025-02-10 --by "Sở KH&CN" >/dev/null 2>&1 ||
	fail "approve 2024"
new publish >/dev/null 2>"$DTI_TMP/p.err" || fail "publish: $(cat "$DTI_TMP/p.err")"
grep -q "so với kết quả chính thức theo Quyết định số 45/QĐ-UBND ngày 10/02/2025 (lần chấm điểm số $r2024)" "$yoy" ||
	fail "the page does not name the official 2024 result"

python3 - "$db" "$dep/var/dti-2025.db" "$DTI_ROOT/config/admin-crosswalk-2025-07-01.csv" "$yoy" \
	"$dep/var/out-2025/2025/report" <<'PY'
import csv, html, re, sqlite3, sys
old_db, new_db, table, page, report = sys.argv[1:6]
old = sqlite3.connect(old_db)
new = sqlite3.connect(new_db)
run = old.execute("SELECT scoring_run_id FROM official_result WHERE year = 2024").fetchone()[0]
total = dict(old.execute("SELECT commune_code, points FROM score WHERE scoring_run_id = ? AND item = 'TOTAL'", (run,)))
pop = dict(old.execute("SELECT commune_code, num FROM score_input WHERE scoring_run_id = ? "
                       "AND variable = 'population' AND state IN ('raw','verified','corrected')", (run,)))
assert len(total) == 11 and len(pop) == 11, (total, pop)
rows = list(csv.DictReader(open(table, encoding="utf-8")))
times = {}
for r in rows:
    times[r["old_commune_code"]] = times.get(r["old_commune_code"], 0) + 1
run25 = new.execute("SELECT id FROM latest_scoring_run WHERE year = 2025").fetchone()[0]
now = dict(new.execute("SELECT commune_code, points FROM score WHERE scoring_run_id = ? AND item = 'TOTAL'", (run25,)))
text = open(page, encoding="utf-8").read()
def vn(s):
    return float(s.replace(".", "").replace(",", "."))
want_preds = {"11992": {"11989", "11992", "12007"},
              "11995": {"11989", "11995", "11998", "12004", "12010"},
              "12004": {"11986", "12001", "12004", "12013", "12016"}}
for new_code, preds in want_preds.items():
    got = {r["old_commune_code"] for r in rows if r["new_commune_code"] == new_code}
    assert got == preds, (new_code, got)
    # The rule, independently: weights are the 2024 scored populations, a
    # split predecessor counted whole.
    figure = sum(pop[c] * total[c] for c in preds) / sum(pop[c] for c in preds)
    row = re.search(r'<tr id="c%s">(.*?)</tr>' % new_code, text, re.S)
    assert row, new_code
    row = row.group(1)
    shown = re.search(r'<td class="n figure">([0-9.,]+)</td>', row).group(1)
    assert abs(vn(shown) - figure) < 0.006, (new_code, shown, figure)
    change = re.search(r'</td><td class="n(?: up| down)?">([-+0-9.,]+)</td><td>', row).group(1)
    assert abs(vn(change.lstrip("+")) - (now[new_code] - figure)) < 0.011, (new_code, change, now[new_code] - figure)
    assert "bình quân theo dân số của %d đơn vị cũ" % len(preds) in row, row
    split = [c for c in preds if times[c] > 1]
    assert split and "Nhập một phần" in row, (new_code, split)
    for c in preds:
        m = re.search(r'<span class="pred" id="p%s-%s">(.*?)</span>(?:<br>|</td>)' % (new_code, c), row, re.S)
        assert m, (new_code, c)
        assert abs(vn(re.search(r'class="total">([0-9.,]+)<', m.group(1)).group(1)) - total[c]) < 0.006
        assert abs(vn(re.search(r'class="pop">([0-9.,]+)<', m.group(1)).group(1)) - pop[c]) < 0.006
    # The same figure on the commune's page and in the ranking.
    cp = open("%s/commune-%s.html" % (report, new_code), encoding="utf-8").read()
    assert re.search(r"Điểm so sánh năm 2024: <strong>%s</strong>" % re.escape(shown), cp), new_code
    idx = open(report + "/index.html", encoding="utf-8").read()
    assert re.search(r'commune-%s\.html">.*?<td class="n">%s(?: <span|</td>)' % (new_code, re.escape(shown)), idx), new_code
# Identity is (list, code): 11992 is not compared with old 11992 Chỉ Đạo alone.
assert "Xã Chỉ Đạo" in text and "Xã Minh Hải" in text
# What came from outside is escaped.
assert "Nhập toàn bộ &lt;i&gt;x&lt;/i&gt;" in text and "<i>" not in text
print("year over year across the merger follows the rule")
PY
[ $? = 0 ] || fail "the figures do not follow the rule"

# The same list on both sides (2026 against the 2025 database): each
# commune is compared directly with its own official total of 2025.
r2025=$(sqlite3 "$dep/var/dti-2025.db" "SELECT id FROM latest_scoring_run WHERE year = 2025")
new approve "$r2025" --decision 7/QĐ-UBND --decision-date 2026-01-20 --by "Sở KH&CN" >/dev/null 2>&1 ||
	fail "approve 2025"
python3 - "$dep/config/y2025.json" "$dep/config/y2026.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c.update({"year": 2026, "database": "../var/dti-2026.db", "output_dir": "../var/out-2026",
          "previous": {"database": "../var/dti-2025.db"}})
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
y26() { "$DTI_BIN/dti" --config "$dep/config/y2026.json" "$@"; }
sed 's/^11992,portal_dx_posts,14$/11992,portal_dx_posts,30/' "$DTI_TMP/in2025.csv" >"$DTI_TMP/in2026.csv"
y26 import "$DTI_TMP/in2026.csv" >/dev/null 2>&1 || fail "2026 import"
y26 score >/dev/null 2>&1 || fail "2026 score"
y26 publish >/dev/null 2>"$DTI_TMP/p.err" || fail "2026 publish: $(cat "$DTI_TMP/p.err")"
python3 - "$dep/var/dti-2025.db" "$dep/var/out-2026/2026/report/year-over-year.html" <<'PY'
import re, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
run = con.execute("SELECT scoring_run_id FROM official_result WHERE year = 2025").fetchone()[0]
text = open(sys.argv[2], encoding="utf-8").read()
assert "danh mục đơn vị hành chính 2026-04-30) so với năm 2025 (danh mục 2026-04-30)" in text
assert "Cùng một danh mục" in text
for code, total in con.execute("SELECT commune_code, points FROM score WHERE scoring_run_id = ? AND item = 'TOTAL'", (run,)):
    row = re.search(r'<tr id="c%s">(.*?)</tr>' % code, text, re.S).group(1)
    shown = re.search(r'<td class="n figure">([0-9.,]+)</td>', row).group(1)
    assert abs(float(shown.replace(".", "").replace(",", ".")) - total) < 0.006, (code, shown, total)
    assert "cùng đơn vị" in row and "Nhập một phần" not in row, row
print("the same list compares directly")
PY
[ $? = 0 ] || fail "the same list does not compare directly"

# A "previous" that is not an earlier year, or has no database, is refused.
python3 - "$dep/config/y2025.json" "$dep/config/bad.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["previous"] = {"year": 2025, "database": "../var/dti.db"}
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
if "$DTI_BIN/dti" --config "$dep/config/bad.json" publish >/dev/null 2>"$DTI_TMP/bad.err"; then
	fail "a previous year that is not before accepted"
fi
grep -q '"previous": "year" must be a year before 2025' "$DTI_TMP/bad.err" || fail "bad previous: $(cat "$DTI_TMP/bad.err")"
# A previous database that does not exist: an error naming the key, and
# nothing published over the last report.
sed 's|"../var/dti-2025.db"|"../var/none.db"|' "$dep/config/y2026.json" >"$dep/config/nodb.json"
before=$(cat "$dep/var/out-2026/2026/report/year-over-year.html" | cksum)
if "$DTI_BIN/dti" --config "$dep/config/nodb.json" publish >/dev/null 2>"$DTI_TMP/nodb.err"; then
	fail "a missing previous database accepted"
fi
grep -q '"previous" of the year 2025: .*none.db' "$DTI_TMP/nodb.err" || fail "missing previous: $(cat "$DTI_TMP/nodb.err")"
[ "$(cat "$dep/var/out-2026/2026/report/year-over-year.html" | cksum)" = "$before" ] || fail "the report changed"
[ -e "$dep/var/none.db" ] && fail "the missing previous database was created"
# A "previous" that is a FIFO (or a link to one) is refused at once, not
# waited on: the nightly run would hang on it.
mkfifo "$dep/var/fifo.db"
ln -s fifo.db "$dep/var/link.db"
for f in fifo.db link.db; do
	sed "s|\"../var/dti-2025.db\"|\"../var/$f\"|" "$dep/config/y2026.json" >"$dep/config/fifo.json"
	if timeout 60 "$DTI_BIN/dti" --config "$dep/config/fifo.json" publish >/dev/null 2>"$DTI_TMP/fifo.err"; then
		fail "a FIFO as previous database accepted"
	fi
	grep -qF "\"previous\" of the year 2025: '$dep/config/../var/$f' is not a regular file" "$DTI_TMP/fifo.err" ||
		fail "previous $f: $(cat "$DTI_TMP/fifo.err")"
done
# A 2024 database labelled with the new list though it holds the old
# one's codes (11992 was Chỉ Đạo, is now Lạc Đạo) is refused, naming it,
# rather than compared with unrelated communes; the report stays.
cp "$dep/var/dti.db" "$dep/var/mislabelled.db"
sqlite3 "$dep/var/mislabelled.db" "UPDATE meta SET value = '2026-04-30' WHERE key = 'unit_list'"
sed 's|"../var/dti.db"|"../var/mislabelled.db"|' "$dep/config/y2025.json" >"$dep/config/mis.json"
before=$(cksum <"$yoy")
if "$DTI_BIN/dti" --config "$dep/config/mis.json" publish >/dev/null 2>"$DTI_TMP/mis.err"; then
	fail "a mislabelled previous database accepted"
fi
grep -q "says it is on the unit list 2026-04-30, but [0-9]* of its [0-9]* communes are not named as that list names them (.*11992 Xã Chỉ Đạo (the list: Xã Lạc Đạo)" \
	"$DTI_TMP/mis.err" || fail "mislabelled previous: $(cat "$DTI_TMP/mis.err")"
[ "$(cksum <"$yoy")" = "$before" ] || fail "the report changed after a refused publish"
echo "publish-yoy-merger: ok"
