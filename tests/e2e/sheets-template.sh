#!/bin/sh
# dti sheet template: the offices' sheets with Vietnamese headings, as .xlsx
# (opened and printed by LibreOffice Calc, filled through it, imported) and
# as CSV (filled by a script, imported by its Vietnamese headings).
. "$DTI_ROOT/tests/e2e/forms_env"
. "$DTI_ROOT/tests/e2e/lo_env"

dti form status > /dev/null 2>&1 || dti form generate --out "$T/forms" > /dev/null
dti sheet template --out "$T/tpl" > "$T/paths" || die "template failed"
expect_eq "templates written" "$(wc -l < "$T/paths" | tr -d ' ')" 5
for k in tai-chinh thue giao-duc ngan-hang thong-ke; do
  grep -qx "$T/tpl/sheet-2024-$k.xlsx" "$T/paths" || die "no template for $k"
done
# Calc opens each; printed, page 1 holds the first and the last column.
mkdir -p "$T/pdf"
for k in ngan-hang thong-ke; do
  lo --convert-to pdf --outdir "$T/pdf" "$T/tpl/sheet-2024-$k.xlsx"
  pdftotext -f 1 -l 1 "$T/pdf/sheet-2024-$k.pdf" - | tr -s ' \n' '  ' > "$T/page1"
  grep -q 'Mã xã' "$T/page1" || die "$k: page 1 has no code column"
done
pdftotext -f 1 -l 1 "$T/pdf/sheet-2024-ngan-hang.pdf" - | tr -s ' \n' '  ' | grep -q 'tài khoản giao dịch đang hoạt động' || die "the bank's last column is not on page 1"
pdftotext -f 1 -l 1 "$T/pdf/sheet-2024-thong-ke.pdf" - | tr -s ' \n' '  ' | grep -q 'SMEdx' || die "the statistics office's last column is not on page 1"

# The bank's sheet filled through Calc imports by its Vietnamese headings.
cat > "$T/bank.csv" <<'CSV'
11989,3,6092,n
11989,4,3766,n
11986,3,13362,n
11986,4,11885,n
CSV
lo_fill "$T/tpl/sheet-2024-ngan-hang.xlsx" "$T/bank.csv" "$T/bank.xlsx" "$T/bank.ods"
dti import "$T/bank.xlsx" 2> "$T/err" || { cat "$T/err"; die "the bank's .xlsx refused"; }
expect_eq "bank_accounts_15plus" "$(q "SELECT value FROM current_input WHERE variable = 'bank_accounts_15plus' AND commune_code = '11989'")" 3766
expect_eq "population_15plus" "$(q "SELECT value FROM current_input WHERE variable = 'population_15plus' AND commune_code = '11986'")" 13362
dti import --dry-run "$T/bank.ods" 2> "$T/err" || { cat "$T/err"; die "the bank's .ods refused"; }
# A bad value names the sheet's row and column.
printf '11992,4,nhiều,t\n' > "$T/badv.csv"
lo_fill "$T/bank.xlsx" "$T/badv.csv" "$T/bad.xlsx" "$T/bad.ods"
dti import "$T/bad.xlsx" 2> "$T/err" && die "a bad value accepted"
dti sheet template --office ngan-hang --format csv --out "$T/bankcsv" > /dev/null
row=$(grep -n '^11992,' "$T/bankcsv/sheet-2024-ngan-hang.csv" | cut -d: -f1)
grep -q "bad.xlsx:$row:5 (Số người từ 15 tuổi trở lên có tài khoản giao dịch đang hoạt động (người))" "$T/err" || { cat "$T/err"; die "bad value message"; }

# The CSV template, filled by a script, imports by its Vietnamese headings.
dti sheet template --office giao-duc --format csv --out "$T/csv" > /dev/null
C=$T/csv/sheet-2024-giao-duc.csv
head -1 "$C" | grep -q '^.Mã xã,Tên xã,Năm,' || die "Vietnamese headings"
python3 - "$C" "$T/edu.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows[1:]:
    r[3], r[4] = "4", "3"
csv.writer(open(sys.argv[2], "w", encoding="utf-8-sig", newline=""), lineterminator="\r\n").writerows(rows)
PY
dti import "$T/edu.csv" 2> "$T/err" || { cat "$T/err"; die "the education CSV refused"; }
expect_eq "schools_dx" "$(q "SELECT value FROM current_input WHERE variable = 'schools_dx' AND commune_code = '11989'")" 3
echo "sheets-template: ok"
