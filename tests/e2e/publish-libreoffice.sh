#!/bin/sh
# LibreOffice Calc opens the wide CSV (UTF-8, and the BOM variant for
# Excel) with the Vietnamese names intact: each file is converted to a
# spreadsheet by Calc and its cells are compared with the scoring run.
# Skips when soffice is absent (Debian package libreoffice-calc-nogui).
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
if ! command -v soffice >/dev/null 2>&1; then
  echo "SKIP: soffice is not installed (apt-get install libreoffice-calc-nogui)"
  # CI installs it: there, a missing LibreOffice is a failure, not a skip.
  [ "${DTI_REQUIRE_LIBREOFFICE:-0}" = 1 ] && exit 1
  exit 0
fi
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
dti communes load "$V/communes.csv"
dti import "$V/inputs.csv"
dti score
dti publish --out "$T/out" > /dev/null
mkdir -p "$T/calc/plain" "$T/calc/excel"
# Calc's CSV import: comma, double quote, UTF-8 (76), from line 1 — what the
# Text Import dialog proposes for a UTF-8 file.
for kind in plain excel; do
  src=$T/out/2024/wide-2024.csv
  [ "$kind" = excel ] && src=$T/out/2024/excel/wide-2024.csv
  timeout 180 soffice --headless --norestore "-env:UserInstallation=file://$T/lo-profile" \
    --infilter="CSV:44,34,76,1" --convert-to ods --outdir "$T/calc/$kind" "$src" > "$T/calc/$kind.log" 2>&1 || true
  [ -s "$T/calc/$kind/wide-2024.ods" ] || { echo "Calc did not convert $src"; cat "$T/calc/$kind.log"; exit 1; }
done
python3 - "$T/dti.db" "$T/calc/plain/wide-2024.ods" "$T/calc/excel/wide-2024.ods" <<'PY'
import re, sqlite3, sys, zipfile
from xml.etree import ElementTree as ET
NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
con = sqlite3.connect(sys.argv[1])
want = {code: (name, total) for code, name, total in con.execute(
    "SELECT s.commune_code, c.name, s.points FROM score s JOIN commune c ON c.code = s.commune_code "
    "WHERE s.level = 'total'")}
for path in sys.argv[2:]:
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    rows = []
    for row in root.iter("{%s}table-row" % NS["table"]):
        cells = []
        for cell in row.findall("table:table-cell", NS):
            rep = int(cell.get("{%s}number-columns-repeated" % NS["table"], "1"))
            text = "".join(p.text or "" for p in cell.findall("text:p", NS))
            val = cell.get("{%s}value" % NS["office"])
            cells.extend([(text, val)] * min(rep, 50))
        if any(t for t, _ in cells):
            rows.append(cells)
    header = [t for t, _ in rows[0]]
    assert header[0] == "year", "%s: first header cell is %r (BOM not understood?)" % (path, header[0])
    ci, ni, ti = header.index("commune_code"), header.index("commune_name"), header.index("total")
    got = {r[ci][0]: (r[ni][0], float(r[ti][1])) for r in rows[1:]}
    assert set(got) == set(want), (path, got.keys())
    for code, (name, total) in want.items():
        assert got[code][0] == name, "%s: %r read as %r" % (path, name, got[code][0])
        assert abs(got[code][1] - total) < 1e-6, (path, code, got[code][1], total)
    print("%s: %d communes, names intact (%s)" % (path, len(got), ", ".join(sorted(n for n, _ in got.values()))))
PY
