#!/bin/sh
# Issue 14 item 2, the report of a province: new Hưng Yên (province 33 on
# the list after 1 July 2025, 104 units) is ranked as a whole and by group —
# a page per unit type (xã, phường) and per former district (a new commune's
# predecessors' districts, from the conversion table) — each listing exactly
# the communes the lists say, with ranks in the group and overall, plain
# HTML without script.  Quảng Ninh has đặc khu; the old list's district
# (Văn Lâm) keeps one ranking with no district pages.
set -eu
R=$DTI_ROOT T=$DTI_TMP
fail() { echo "publish-province: $*" >&2; exit 1; }
conf() { python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$@"; }
conf "$T/p33.json" 'unit_list="2026-04-30"' communes_csv= 'district={"province_code":"33"}' \
	"database=\"$T/p33.db\"" "output_dir=\"$T/out33\"" year=2025 'name="Tỉnh Hưng Yên"'
conf "$T/p22.json" 'unit_list="2026-04-30"' communes_csv= 'district={"province_code":"22"}' \
	"database=\"$T/p22.db\"" "output_dir=\"$T/out22\"" year=2025 'name="Tỉnh Quảng Ninh"'
conf "$T/old.json" "database=\"$T/old.db\"" "output_dir=\"$T/outold\""
p33() { "$DTI_BIN/dti" --config "$T/p33.json" "$@"; }

# Figures that differ from commune to commune, so that the ranks do.
# Yes/no answers in a pattern (with ties), and a steering head.
awk -F, 'BEGIN { print "commune_code,variable,value"; split("none deputy chair", head, " ") }
	NR > 1 && $1 == "33" { n++
		print $3 ",dx_plan_annual," (n % 2 ? "yes" : "no")
		print $3 ",party_dx_resolution," (n % 3 ? "yes" : "no")
		print $3 ",radio_dx_segment," (n % 5 ? "no" : "yes")
		print $3 ",steering_head," head[n % 3 + 1] }' "$R/config/admin-units-2026-04-30.csv" >"$T/in33.csv"
p33 import "$T/in33.csv" >/dev/null 2>&1 || fail "import"
p33 score >/dev/null 2>&1 || fail "score"
p33 publish >"$T/paths" 2>"$T/err" || fail "publish: $(cat "$T/err")"
rep=$T/out33/2025/report
[ "$(tail -n 1 "$T/paths")" = "$rep/index.html" ] || fail "the index is not the last path"

python3 - "$T/p33.db" "$rep" "$R/config/admin-units-2026-04-30.csv" \
	"$R/config/admin-crosswalk-2025-07-01.csv" <<'PY'
import csv, html, os, re, sqlite3, sys
db, rep, units, table = sys.argv[1:5]
con = sqlite3.connect(db)
run = con.execute("SELECT max(id) FROM scoring_run WHERE status = 'ok'").fetchone()[0]
total = dict(con.execute("SELECT commune_code, points FROM score WHERE scoring_run_id = ? AND item = 'TOTAL'", (run,)))
rank = dict(con.execute("SELECT commune_code, rank FROM score WHERE scoring_run_id = ? AND item = 'TOTAL'", (run,)))
types = {r["commune_code"]: r["commune_type"] for r in csv.DictReader(open(units, encoding="utf-8")) if r["province_code"] == "33"}
assert len(types) == 104 == len(total), (len(types), len(total))
districts = {}
names = {}
for r in csv.DictReader(open(table, encoding="utf-8")):
    if r["new_province_code"] == "33" and r["old_district_code"]:
        districts.setdefault(r["old_district_code"], set()).add(r["new_commune_code"])
        names.setdefault(r["old_district_code"], set()).add(r["old_district_name"])

def rows(path):
    page = open(path, encoding="utf-8").read()
    assert "<script" not in page.lower() and "javascript:" not in page.lower(), path
    body = re.search(r'<table id="ranking".*?<tbody>\n(.*?)</tbody>', page, re.S).group(1)
    return page, re.findall(r"<tr>(.*?)</tr>", body)

def code_of(row):
    return re.search(r'href="commune-(\d+)\.html"', row).group(1)

def check_group(path, members, what):
    page, got = rows(path)
    codes = [code_of(r) for r in got]
    assert set(codes) == members, (what, sorted(set(codes) ^ members))
    assert len(codes) == len(members), (what, "a commune twice")
    for r in got:
        c = code_of(r)
        group_rank, overall = [int(x) for x in re.findall(r'^<td class="n">(\d+)</td><td class="n">(\d+)</td>', r)[0]]
        assert overall == rank[c], (what, c, overall, rank[c])
        # Equal totals share a rank in the group as in the whole.
        assert group_rank == 1 + sum(1 for m in members if total[m] > total[c] + 1e-9), (what, c, group_rank)
    return page

# The index: every commune, its type from the unit list, links to each group.
page, got = rows(rep + "/index.html")
assert len(got) == 104, len(got)
for r in got:
    c = code_of(r)
    cells = re.findall(r"<td>(.*?)</td>", r)
    assert html.unescape(cells[1]) == types[c], (c, cells, types[c])
assert 'href="ranking-xa.html">Xã (93)</a>' in page and 'href="ranking-phuong.html">Phường (11)</a>' in page
for d in districts:
    # The table spells some districts two ways ("Thị Xã", "Thị xã"): one of them.
    links = ['href="ranking-huyen-%s.html">%s (%d)</a>' % (d, html.escape(n, quote=False), len(districts[d])) for n in names[d]]
    assert any(l in page for l in links), links
# One page per type and per former district, with exactly their communes.
assert len(set(total.values())) > 4, "the totals hardly differ: the ranks test nothing"
check_group(rep + "/ranking-xa.html", {c for c, t in types.items() if t == "Xã"}, "xã")
check_group(rep + "/ranking-phuong.html", {c for c, t in types.items() if t == "Phường"}, "phường")
for d, members in districts.items():
    check_group("%s/ranking-huyen-%s.html" % (rep, d), members, d)
assert districts["325"] == {"11992", "11995", "12004"}, districts["325"]
# A new commune of two former districts is in both pages, and says so.
both = [c for c in types if sum(c in m for m in districts.values()) > 1]
assert both, "no commune of two former districts"
files = sorted(f for f in os.listdir(rep) if f.startswith("ranking-"))
assert len(files) == 2 + len(districts), files
print("province 33: %d communes, %d types, %d former districts" % (len(types), 2, len(districts)))
PY

# Quảng Ninh: its đặc khu have their page.
"$DTI_BIN/dti" --config "$T/p22.json" score --force >/dev/null 2>&1 || fail "score 22"
"$DTI_BIN/dti" --config "$T/p22.json" publish >/dev/null 2>&1 || fail "publish 22"
dk=$T/out22/2025/report/ranking-dac-khu.html
[ -s "$dk" ] || fail "no page of the đặc khu"
[ "$(grep -c 'href="commune-' "$dk")" = "$(grep -c '^22,.*,Đặc khu' "$R/config/admin-units-2026-04-30.csv")" ] ||
	fail "the đặc khu page does not list Quảng Ninh's đặc khu"
grep -q 'Đặc khu Vân Đồn' "$dk" || fail "Vân Đồn"

# Communes of two provinces: types, but no former districts (they group a
# province's communes).
printf 'code,name\n11992,Xã Lạc Đạo\n11995,Xã Đại Đồng\n11953,Phường Phố Hiến\n06994,Đặc khu Vân Đồn\n' >"$T/two.csv"
conf "$T/two.json" 'unit_list="2026-04-30"' "communes_csv=\"$T/two.csv\"" \
	"database=\"$T/two.db\"" "output_dir=\"$T/outtwo\"" year=2025
"$DTI_BIN/dti" --config "$T/two.json" score --force >/dev/null 2>&1 || fail "score two"
"$DTI_BIN/dti" --config "$T/two.json" publish >/dev/null 2>&1 || fail "publish two"
[ "$(ls "$T/outtwo/2025/report" | grep '^ranking-' | tr '\n' ' ')" = "ranking-dac-khu.html ranking-phuong.html ranking-xa.html " ] ||
	fail "two provinces: $(ls "$T/outtwo/2025/report" | grep '^ranking-' | tr '\n' ' ')"
grep -q 'Huyện cũ' "$T/outtwo/2025/report/index.html" && fail "former districts across two provinces"

# The old list's district: one district, so no district pages.
"$DTI_BIN/dti" --config "$T/old.json" score --force >/dev/null 2>&1 || fail "score old"
"$DTI_BIN/dti" --config "$T/old.json" publish >/dev/null 2>&1 || fail "publish old"
ls "$T/outold/2024/report" | grep -q '^ranking-huyen' && fail "district pages for one district"
grep -q 'Huyện cũ' "$T/outold/2024/report/index.html" && fail "a former-district column on the old list"
[ "$(grep -c '<tr><td class="n">' "$T/outold/2024/report/index.html")" = 11 ] || fail "Văn Lâm's ranking is not its 11 communes"
echo "publish-province: ok"
