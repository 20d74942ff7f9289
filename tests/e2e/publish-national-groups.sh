#!/bin/sh
# The national report's rankings by unit type (issue #16, item 3): on the
# list of 1 March 2025 (10,047 units, three types), each type's page holds
# every commune of that type once, in the ranking's order, with its rank
# in the group (equal totals sharing one) and its rank in the whole.  The
# page of the communes ("Xã") is over 1 MB, and so written out part by
# part as it is made, not held whole.
set -eu
R=$DTI_ROOT T=$DTI_TMP
fail() { echo "publish-national-groups: $*" >&2; exit 1; }
d() { "$DTI_BIN/dti" -q --config "$R/config/dti.json" --db "$T/n.db" "$@"; }
python3 "$R/tests/bench/national.py" "$R" "$T/nat" >/dev/null
d communes load "$T/nat/communes.csv"
d import "$T/nat/inputs.csv"
d score >/dev/null
d publish --out "$T/out" >/dev/null
out=$T/out/2024
python3 - "$R/config/admin-units-2025-03-01.csv" "$out/ranking-2024.csv" "$out/report" <<'PY' ||
import csv, os, re, sys
units, ranking, report = sys.argv[1:4]
kind = {r["commune_code"]: r["commune_type"] for r in csv.DictReader(open(units, encoding="utf-8"))}
rows = list(csv.DictReader(open(ranking, encoding="utf-8")))
assert len(rows) == 10047, len(rows)
pages = {"Xã": "ranking-xa.html", "Phường": "ranking-phuong.html", "Thị trấn": "ranking-thi-tran.html"}
assert set(kind[r["commune_code"]] for r in rows) == set(pages), "the list's types changed"
row = re.compile(r'<tr><td class="n">([0-9]+)</td><td class="n">([0-9]+)</td>'
                 r'<td><a href="commune-([0-9]+)\.html">')
for t, name in pages.items():
    path = os.path.join(report, name)
    page = open(path, encoding="utf-8").read()
    table = re.search(r'<table id="ranking".*?</table>', page, re.S).group(0)
    shown = [(int(g), int(w), c) for g, w, c in row.findall(table)]
    want, last, k, rank = [], None, 0, 0
    for r in rows:
        if kind[r["commune_code"]] != t:
            continue
        k += 1
        if r["rank"] != last:
            rank = k
        last = r["rank"]
        want.append((rank, int(r["rank"]), r["commune_code"]))
    if shown != want:
        bad = next(i for i, (a, b) in enumerate(zip(shown + [None] * len(want), want)) if a != b)
        sys.exit(f"{name}: {len(shown)} rows against {len(want)}; first wrong: row {bad + 1}, "
                 f"{shown[bad] if bad < len(shown) else 'none'} instead of {want[bad]}")
    if t == "Xã":
        assert os.path.getsize(path) > 1 << 20, os.path.getsize(path)
PY
	fail "a ranking by type is not the ranking's communes of that type"
echo "publish-national-groups: ok"
