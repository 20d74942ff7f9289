#!/bin/sh
# Issue 14 acceptance: the national list after 1 July 2025 (3,321 units)
# loads, imports, scores and publishes, on the new list, in one database;
# the times of each step are printed (a figure, never a pass mark).
set -eu
R=$DTI_ROOT T=$DTI_TMP
fail() { echo "units-national-2025: $*" >&2; exit 1; }
python3 "$R/tests/bench/national.py" "$R" "$T/nat" admin-units-2026-04-30.csv >/dev/null
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/c.json" \
	'unit_list="2026-04-30"' "communes_csv=\"$T/nat/communes.csv\"" \
	"database=\"$T/n.db\"" "output_dir=\"$T/out\"" 'name="Toàn quốc"' year=2025 \
	district_sheets= sources=[] official= >/dev/null
d() { "$DTI_BIN/dti" --config "$T/c.json" -q "$@"; }
now() { date +%s.%N; }
step() { # NAME COMMAND...: runs it, prints its time
	name=$1; shift
	t0=$(now)
	"$@" >"$T/$name.out" 2>"$T/$name.err" || fail "$name failed: $(tail -n 5 "$T/$name.err")"
	awk -v a="$t0" -v b="$(now)" -v n="$name" 'BEGIN { printf "units-national-2025: %s %.2f s\n", n, b - a }' >&2
}
step init d init
[ "$(sqlite3 "$T/n.db" "select count(*) from commune where active = 1")" = 3321 ] ||
	fail "the national new list is not 3,321 communes"
[ "$(sqlite3 "$T/n.db" "select value from meta where key = 'unit_list'")" = 2026-04-30 ] ||
	fail "the database does not record the list 2026-04-30"
step import d import "$T/nat/inputs.csv"
step score d score
[ "$(sqlite3 "$T/n.db" "select count(distinct commune_code) from score
	where scoring_run_id = (select max(id) from scoring_run)")" = 3321 ] || fail "not 3,321 communes scored"
step publish d publish
out=$T/out/2025
[ "$(tail -n +2 "$out/ranking-2025.csv" | wc -l)" = 3321 ] || fail "the ranking is not 3,321 communes"
[ "$(ls "$out/report" | grep -c '^commune-.*\.html$')" = 3321 ] || fail "not 3,321 scorecards"
# Every commune of the ranking is a unit of the new list, by code and name.
python3 - "$R/config/admin-units-2026-04-30.csv" "$out/ranking-2025.csv" <<'PY' || fail "ranking not on the new list"
import csv, sys
units = {r["commune_code"]: r["commune_name"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
bad = [r for r in rows if units.get(r.get("commune_code") or r.get("code")) is None]
sys.exit(1 if bad or len(rows) != len(units) else 0)
PY
# The index's ranking, several MB and so written out part by part as it
# is made, holds every commune once, in the ranking's order.
python3 - "$out/ranking-2025.csv" "$out/report/index.html" <<'PY' || fail "the index's ranking is not the ranking"
import csv, re, sys
codes = [r["commune_code"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
page = open(sys.argv[2], encoding="utf-8").read()
table = re.search(r'<table id="ranking".*?</table>', page, re.S).group(0)
shown = re.findall(r'<tr><td class="n">[0-9]+</td><td><a href="commune-([0-9]+)\.html">', table)
assert len(page.encode()) > 2 << 20, len(page.encode())
sys.exit(0 if shown == codes else 1)
PY
