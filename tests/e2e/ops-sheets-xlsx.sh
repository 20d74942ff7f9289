#!/bin/sh
# The nightly run imports the district office sheets saved as .xlsx or
# .ods as it does the CSVs: the bank's sheet as a workbook (written here
# with python, text and number cells) is a source named as the CSV was,
# its figures stored; Excel's lock file "~$…xlsx" beside it is no source;
# a sheet saved both as .csv and .xlsx is one name twice, a configuration
# error (exit 3).
. "$DTI_ROOT/tests/e2e/ops-common.inc"
S=$dep/samples/sheets
configure real '[]'
python3 - "$S/bank-branches.csv" "$S/bank-branches.xlsx" <<'PY'
import csv, sys, zipfile
from xml.sax.saxutils import escape
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
def cell(v, i):
    if v.isdigit() and not v.startswith("0"):
        return "<c><v>%s</v></c>" % v
    return '<c t="inlineStr"><is><t>%s</t></is></c>' % escape(v)
data = "".join("<row>%s</row>" % "".join(cell(v, i) for i, v in enumerate(r)) for r in rows)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook %s/>' % NS)
    z.writestr("xl/worksheets/sheet1.xml",
               '<?xml version="1.0"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, data))
PY
mv "$S/bank-branches.csv" "$DTI_TMP/bank-branches.csv"
printf 'not a workbook' > "$S/~\$bank-branches.xlsx"
dti sources > "$DTI_TMP/sources" || fail "dti sources"
grep -q '^district-sheet:bank-branches	' "$DTI_TMP/sources" || { cat "$DTI_TMP/sources"; fail "the .xlsx sheet is not a source"; }
grep -q '~' "$DTI_TMP/sources" && fail "Excel's lock file taken for a sheet"
nightly --only district-sheet:bank-branches > "$DTI_TMP/n.out" 2> "$DTI_TMP/n.err" ||
	{ cat "$DTI_TMP/n.err"; fail "nightly with the .xlsx sheet"; }
want=$(awk -F , 'NR > 1 { n++ } END { print n }' "$DTI_TMP/bank-branches.csv")
got=$(q "SELECT count(*) FROM current_input WHERE variable = 'bank_accounts_15plus'")
[ "$got" = "$want" ] || fail "bank_accounts_15plus: $got communes stored, want $want"
got=$(q "SELECT num FROM current_input WHERE variable = 'bank_accounts_15plus' AND commune_code = '11986'")
[ "$got" = 11885.0 ] || fail "11986: stored $got, want 11885.0"
check_db "after the .xlsx sheet"
# The same sheet as .csv and .xlsx: one source name twice.
cp "$DTI_TMP/bank-branches.csv" "$S/bank-branches.csv"
dti sources > /dev/null 2> "$DTI_TMP/err"
rc=$?
[ "$rc" = 3 ] || fail "a sheet as .csv and .xlsx: exit $rc, want 3"
grep -q "district-sheet:bank-branches" "$DTI_TMP/err" || { cat "$DTI_TMP/err"; fail "the clash not named"; }
echo "ops-sheets-xlsx: ok"
