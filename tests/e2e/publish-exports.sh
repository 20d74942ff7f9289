#!/bin/sh
# dti publish on the spec's vector, two years: every number in the long and
# wide CSV files and in the JSON matches the score table of the run; BOM
# variants; rating bands from the configuration (and none when absent);
# year over year; usage and configuration errors.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP

# Configurations with absolute paths: with the sample bands, without, and bad.
conf() { python3 "$DTI_ROOT/tests/e2e/lib/config_abs.py" "$DTI_ROOT/config/dti.json" "$@"; }
conf "$T/bands.json" output_dir="\"$T/out\"" \
	rating_bands='[{"min": 600, "label": "Khá"}, {"min": 640, "label": "Tốt \"nhất\", <b>"}, {"min": 0, "label": "Yếu"}]'
conf "$T/nobands.json" output_dir="\"$T/out\"" rating_bands=
conf "$T/badbands.json" output_dir="\"$T/out\"" rating_bands='[{"min": "high", "label": "Tốt"}]'
dti() { cfg=$1; shift; "$DTI_BIN/dti" --config "$T/$cfg.json" --db "$T/dti.db" "$@"; }

dti bands communes load "$V/communes.csv"
# 2023: the same communes, some figures lower.
sed -e 's/^25270,portal_dx_posts,.*/25270,portal_dx_posts,2/' -e 's/^25273,dossiers_online_full,.*/25273,dossiers_online_full,10/' \
  "$V/inputs.csv" > "$T/inputs-2023.csv"
dti bands --year 2023 import "$T/inputs-2023.csv"
dti bands --year 2023 score
dti bands import "$V/inputs.csv"
dti bands score
dti bands publish > "$T/paths"
last=$(tail -n 1 "$T/paths")
case "$last" in
  /*/out/2024/report/index.html) ;;
  *) echo "last line is not the report's absolute path: $last"; exit 1 ;;
esac
test -s "$last"
for f in scores-2024.csv ranking-2024.csv wide-2024.csv dti-2024.json excel/scores-2024.csv \
         excel/wide-2024.csv report/data-quality.html report/year-over-year.html \
         report/commune-25270.html report/commune-25273.html report/commune-25276.html; do
  test -s "$T/out/2024/$f" || { echo "missing $f"; exit 1; }
  grep -qx "$T/out/2024/$f" "$T/paths" || { echo "$f not printed"; exit 1; }
done

python3 - "$T/dti.db" "$T/out/2024" <<'PY'
import csv, io, json, sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
run, edition, sha = con.execute("SELECT id, edition, framework_sha256 FROM scoring_run WHERE year = 2024 AND status = 'ok' ORDER BY id DESC LIMIT 1").fetchone()
score = {(c, i): (p, m, f, fl, r) for c, i, p, m, f, fl, r in con.execute(
    "SELECT commune_code, item, points, max_points, fraction, flags, rank FROM score WHERE scoring_run_id = ?", (run,))}
names = dict(con.execute("SELECT code, name FROM commune"))
bands = [(640, 'Tốt "nhất", <b>'), (600, "Khá"), (0, "Yếu")]
def band(t):
    return next(l for m, l in bands if t >= m)
def close(a, b, eps=1e-6):
    return abs(float(a) - float(b)) <= eps

# Wide CSV: UTF-8 without BOM; the Excel copy is the same after its BOM.
raw = open(out + "/wide-2024.csv", "rb").read()
excel = open(out + "/excel/wide-2024.csv", "rb").read()
assert not raw.startswith(b"\xef\xbb\xbf"), "plain wide CSV has a BOM"
assert excel == b"\xef\xbb\xbf" + raw, "excel wide CSV is not BOM + the plain file"
rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
assert len(rows) == 3, rows
assert [r["rank"] for r in rows] == ["1", "2", "3"], "wide CSV not in rank order"
for r in rows:
    c = r["commune_code"]
    assert r["commune_name"] == names[c], (r["commune_name"], names[c])
    for p in ["P%d" % k for k in range(1, 9)]:
        assert close(r[p], score[(c, p)][0]), (c, p, r[p], score[(c, p)])
    assert close(r["total"], score[(c, "TOTAL")][0])
    assert int(r["rank"]) == score[(c, "TOTAL")][4]
    assert r["rating_band"] == band(score[(c, "TOTAL")][0]), (r["rating_band"], score[(c, "TOTAL")][0])

# Long CSV: every row of the run, points and maxima and flags.
long_raw = open(out + "/scores-2024.csv", "rb").read()
assert open(out + "/excel/scores-2024.csv", "rb").read() == b"\xef\xbb\xbf" + long_raw
n = 0
for r in csv.DictReader(io.StringIO(long_raw.decode("utf-8"))):
    p, m, f, fl, _ = score[(r["commune_code"], r["indicator"])]
    assert close(r["points"], p) and close(r["max_points"], m) and r["flags"] == fl, r
    n += 1
assert n == len(score) == 3 * (40 + 8 + 1), (n, len(score))

# JSON: the framework edition of the run, and exact numbers.
j = json.load(open(out + "/dti-2024.json", encoding="utf-8"))
assert j["year"] == 2024 and j["scoring_run"]["id"] == run
assert j["framework"]["edition"] == edition and j["framework"]["sha256"] == sha
assert sum(p["max"] for p in j["framework"]["pillars"]) == 1000
assert [b["label"] for b in j["rating_bands"]] == [l for _, l in bands]
assert len(j["communes"]) == 3
for c in j["communes"]:
    code = c["code"]
    assert c["name"] == names[code]
    assert c["total"] == score[(code, "TOTAL")][0] and c["rank"] == score[(code, "TOTAL")][4]
    assert c["rating_band"] == band(c["total"])
    for p in c["pillars"]:
        assert p["points"] == score[(code, p["id"])][0]
    assert len(c["indicators"]) == 40
    for i in c["indicators"]:
        p, m, f, fl, _ = score[(code, i["id"])]
        assert i["points"] == p and i["max"] == m and i["fraction"] == f, (code, i)
        assert ",".join(i["flags"]) == fl, (i["flags"], fl)
        if p < m - 1e-9:
            assert abs(i["points_available"] - (m - p)) < 1e-9 and i["advice"], (code, i)
        else:
            assert "advice" not in i
print("wide, long and JSON exports match scoring run", run)
PY

# The report: bands shown (escaped), year over year against 2023.
idx=$T/out/2024/report/index.html
grep -q '<th>Xếp loại</th>' "$idx"
grep -q 'Tốt &quot;nhất&quot;, &lt;b&gt;' "$idx"
grep -q 'Thay đổi so với năm 2023' "$idx"
grep -q 'href="commune-25270.html">Thị trấn Lộc Ninh</a>' "$idx"
grep -q '<th class="n">Tổng 2023</th><th class="n">Tổng 2024</th>' "$T/out/2024/report/year-over-year.html"
# 25270 had 2 posts in 2023 (5 points for 1.3); the change shows on its page.
grep -q 'So với năm 2023' "$T/out/2024/report/commune-25270.html"

# The commune pages: scorecard and "where the points are" hold the run's numbers.
python3 - "$T/dti.db" "$T/out/2024/report" <<'PY'
import re, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
run = con.execute("SELECT max(id) FROM scoring_run WHERE year = 2024").fetchone()[0]
def vn(s):  # "1.234,56" -> 1234.56
    return float(s.replace(".", "").replace(",", "."))
for code, in con.execute("SELECT DISTINCT commune_code FROM score WHERE scoring_run_id = ?", (run,)):
    page = open("%s/commune-%s.html" % (sys.argv[2], code), encoding="utf-8").read()
    db = {i: (p, m) for i, p, m in con.execute(
        "SELECT item, points, max_points FROM score WHERE scoring_run_id = ? AND commune_code = ? AND level = 'indicator'", (run, code))}
    card = dict((i, (vn(p), vn(m))) for i, p, m in re.findall(r'<tr id="i([0-9.]+)">.*?<td class="n">([0-9.,]+) / ([0-9.,]+)</td>', page))
    assert set(card) == set(db), (code, set(db) - set(card))
    for i, (p, m) in db.items():
        assert abs(card[i][0] - round(p, 2)) < 1e-9 and card[i][1] == m, (code, i, card[i], p, m)
    gaps = re.search(r'<table id="gaps">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r'<tr><td><a href="#i([0-9.]+)">.*?<td class="n">([0-9.,]+) / ([0-9.,]+)</td><td class="n">([0-9.,]+)</td><td>(.*?)</td></tr>', gaps)
    below = {i for i, (p, m) in db.items() if m - p > 0.005}
    assert {r[0] for r in rows} == below, (code, below ^ {r[0] for r in rows})
    left = [vn(r[3]) for r in rows]
    assert left == sorted(left, reverse=True), (code, left)
    for i, p, m, a, text in rows:
        assert abs(vn(a) - round(db[i][1] - db[i][0], 2)) < 1e-9, (code, i, a, db[i])
        assert text.strip() and text != "—", (code, i, "no advice")
    print("commune %s: %d indicators below their maximum listed, sorted" % (code, len(rows)))
PY

# Every page is balanced HTML (each element closed in order).
python3 - "$T"/out/2024/report/*.html <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "embed", "source", "track", "wbr"}
class Check(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append((tag, self.stack[-3:], self.getpos()))
        else:
            self.stack.pop()
for f in sys.argv[1:]:
    c = Check()
    c.feed(open(f, encoding="utf-8").read())
    if c.errors or c.stack:
        sys.exit("%s: unbalanced HTML %r, unclosed %r" % (f, c.errors[:3], c.stack))
print("%d pages balanced" % (len(sys.argv) - 1))
PY

# Without bands: no band column in the report, an empty one in the CSV.
dti nobands publish --out "$T/nb" > /dev/null
if grep -q 'Xếp loại' "$T/nb/2024/report/index.html"; then echo "bands shown without configuration"; exit 1; fi
python3 - "$T/nb/2024/wide-2024.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert rows and all(r["rating_band"] == "" for r in rows), rows
PY

# An earlier run by id: its own year's folder, no comparison (nothing before 2023).
run23=$(sqlite3 "$T/dti.db" "SELECT id FROM scoring_run WHERE year = 2023")
dti nobands publish --run "$run23" --out "$T/r23" | tail -n 1 | grep -q '/2023/report/index.html$'
test ! -e "$T/r23/2023/report/year-over-year.html"
grep -q '"year": 2023' "$T/r23/2023/dti-2023.json"

# Data quality: a source past its maximum age is listed as stale, a fresh one
# is not; a missing input and a flagged score are listed per commune.
printf 'commune_code,variable,value\n25276,radio_dx_segment,có\n' > "$T/fresh.csv"
dti nobands import --source fresh-sheet "$T/fresh.csv"
sqlite3 "$T/dti.db" "UPDATE source SET max_age_hours = 24 WHERE name = 'district-sheet';
  UPDATE source SET max_age_hours = 1000 WHERE name = 'fresh-sheet';
  UPDATE run SET finished_at = '2020-01-01T00:00:00.000Z' WHERE source_id = (SELECT id FROM source WHERE name = 'district-sheet');
  DELETE FROM observation WHERE commune_code = '25270' AND variable = 'villages' AND year = 2024;
  DELETE FROM current_value WHERE commune_code = '25270' AND variable = 'villages' AND year = 2024;"
dti nobands score
dti nobands publish --out "$T/dq" > /dev/null
python3 - "$T/dq/2024/report/data-quality.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
stale = re.search(r'<table id="stale-sources">(.*?)</table>', page, re.S)
assert stale, "no stale-sources table"
assert "district-sheet" in stale.group(1) and "fresh-sheet" not in stale.group(1), stale.group(1)
missing = re.search(r'<tr id="c25270">(.*?)</tr>', page, re.S).group(1)
assert "(villages, thiếu)" in missing and '<td class="n">1</td>' in missing, missing
flagged = re.search(r'<table id="flagged">(.*?)</table>', page, re.S).group(1)
assert "4.2" in flagged and "thiếu số liệu" in flagged, "missing villages not flagged on 4.2"
assert "numerator_above_denominator" in flagged, "clamped ratio not listed"
print("data quality: stale source, missing input and flags listed")
PY

# Misuse and bad configuration.
set +e
dti nobands publish --run abc 2> "$T/err"; rc=$?
[ $rc -eq 2 ] || { echo "--run abc: exit $rc"; exit 1; }
dti badbands publish 2> "$T/err"; rc=$?
[ $rc -eq 3 ] || { echo "bad bands: exit $rc"; cat "$T/err"; exit 1; }
grep -q 'rating_bands' "$T/err"
: > "$T/not-a-folder"
dti nobands publish --out "$T/not-a-folder" 2> "$T/err"; rc=$?
[ $rc -eq 4 ] || { echo "unwritable output: exit $rc"; cat "$T/err"; exit 1; }
grep -q 'not-a-folder' "$T/err"
dti nobands --year 2019 publish 2> "$T/err"; rc=$?
[ $rc -eq 1 ] || { echo "no run: exit $rc"; exit 1; }
grep -q 'no scoring run for 2019' "$T/err"
set -e
echo "publish exports ok"
