#!/bin/sh
# dti publish writes .xlsx copies of the exports beside the Excel CSVs; read
# back through LibreOffice Calc, the numbers are number cells (shown with a
# decimal comma) and the commune codes text cells with their zeros (a
# commune coded 00004), under Vietnamese headings.  Skips when soffice is absent (a failure in CI).
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
die() { echo "FAIL: $*" >&2; exit 1; }
if ! command -v soffice >/dev/null 2>&1; then
  echo "SKIP: soffice is not installed (apt-get install libreoffice-calc-nogui)"
  [ "${DTI_REQUIRE_LIBREOFFICE:-0}" = 1 ] && exit 1
  exit 0
fi
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
# One commune of the vectors given a code of Hà Nội's, with its leading zero.
mkdir -p "$T/v"
sed 's/^25276,.*/00004,Phường Trúc Bạch/' "$V/communes.csv" > "$T/v/communes.csv"
sed 's/^25276,/00004,/' "$V/inputs.csv" > "$T/v/inputs.csv"
grep -q '^00004,' "$T/v/inputs.csv" || die "no 00004 in the inputs"
dti communes load "$T/v/communes.csv"
dti import "$T/v/inputs.csv"
dti score
dti publish --out "$T/out" > "$T/paths"
E=$T/out/2024/excel
for f in scores-2024.xlsx wide-2024.xlsx; do
  [ -s "$E/$f" ] || die "no $f"
done
mkdir -p "$T/calc"
for f in scores-2024 wide-2024; do
  timeout 180 soffice --headless --norestore "-env:UserInstallation=file://$T/lo-profile" \
    --convert-to ods --outdir "$T/calc" "$E/$f.xlsx" > "$T/calc/$f.log" 2>&1 || true
  [ -s "$T/calc/$f.ods" ] || { cat "$T/calc/$f.log"; die "Calc did not open $f.xlsx"; }
done
python3 - "$T/dti.db" "$T/calc/wide-2024.ods" "$T/calc/scores-2024.ods" <<'PY'
import sqlite3, sys, zipfile
from xml.etree import ElementTree as ET
NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
O = "{%s}" % NS["office"]
def rows(path):
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    out = []
    for tr in root.iter("{%s}table-row" % NS["table"]):
        cells = []
        for tc in tr.findall("table:table-cell", NS):
            n = int(tc.get("{%s}number-columns-repeated" % NS["table"], "1"))
            shown = "\n".join("".join(p.itertext()) for p in tc.findall("text:p", NS))
            cells += [(tc.get(O + "value-type"), tc.get(O + "value"), shown)] * min(n, 50)
        if any(c[2] for c in cells):
            out.append(cells)
    return out
con = sqlite3.connect(sys.argv[1])
want = {code: total for code, total in con.execute(
    "SELECT commune_code, points FROM score WHERE level = 'total'")}
wide = rows(sys.argv[2])
head = [c[2] for c in wide[0]]
assert head[:4] == ["Năm", "Hạng", "Mã xã", "Tên xã"] and "Tổng điểm" in head, head
ti = head.index("Tổng điểm")
seen = 0
for r in wide[1:]:
    code = r[2]
    assert code[0] == "string", ("code not text", r)
    assert code[2] in want, ("code changed", code[2], sorted(want))
    t = r[ti]
    assert t[0] == "float", ("total not a number", t)
    assert abs(float(t[1]) - want[code[2]]) < 1e-9, (code[2], t, want[code[2]])
    if float(t[1]) != int(float(t[1])):
        assert "," in t[2] and "." not in t[2], ("not a decimal comma", t)
    seen += 1
assert seen == len(want), (seen, len(want))
# A code is a text cell, so "00004" keeps its zeros.
assert "00004" in want and any(r[2][2] == "00004" for r in wide[1:]), "00004 lost in wide"
scores = rows(sys.argv[3])
assert [c[2] for c in scores[0]][:3] == ["Năm", "Mã xã", "Tên xã"], scores[0]
for r in scores[1:]:
    assert r[1][0] == "string" and r[6][0] == "float", r
codes = {r[1][2] for r in scores[1:]}
assert codes == set(want), ("codes of the scores", sorted(codes), sorted(want))
print("publish-xlsx: %d communes, %d score rows" % (seen, len(scores) - 1))
PY
echo "publish-xlsx: ok"
