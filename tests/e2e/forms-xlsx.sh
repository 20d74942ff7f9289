#!/bin/sh
# The .xlsx commune form: generated with its drop-down lists, protection and
# print layout; opened by LibreOffice Calc, printed one page wide; filled
# through Calc (a macro, as an officer types) and imported as .xlsx and .ods;
# the file-level refusals in Vietnamese (a formula, a wrong kind of file, a
# CSV not in UTF-8, a column deleted) and the annotated copy of a refused form.
. "$DTI_ROOT/tests/e2e/forms_env"
. "$DTI_ROOT/tests/e2e/lo_env"

dti form generate --commune 11989 --format xlsx --out "$T/forms" > "$T/generated" || die "generate failed"
X=$T/forms/form-2024-11989.xlsx
expect_eq "path printed" "$(cat "$T/generated")" "$X"
mkdir -p "$T/unz"
(cd "$T/unz" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall()' "$X") || die "not a zip"
S=$T/unz/xl/worksheets/sheet1.xml
grep -q '<sheetProtection' "$S" || die "sheet not protected"
grep -q 'password=' "$S" && die "the protection has a password"
# Every one of the 18 items is checked: 14 lists (yes/no, enums), 4 counts.
expect_eq "drop-down lists" "$(grep -o '<dataValidation type="list"' "$S" | wc -l | tr -d ' ')" 14
expect_eq "whole-number checks" "$(grep -o '<dataValidation type="whole"' "$S" | wc -l | tr -d ' ')" 4
grep -q 'type="whole" operator="greaterThanOrEqual"' "$S" || die "counts not whole numbers from 0"
# fitToWidth is 1 unless written otherwise.
grep -q 'fitToPage="1"' "$S" && grep -q 'fitToHeight="0"' "$S" || die "not one page wide"
grep -q 'fitToWidth=' "$S" && die "not one page wide"
grep -q 'paperSize="9"' "$S" || die "not A4"
grep -q '_xlnm.Print_Titles' "$T/unz/xl/workbook.xml" || die "heading row not repeated"
grep -q '&quot;Có,Không&quot;\|"Có,Không"' "$S" || die "yes/no list missing"
grep -q 'Trả lời' "$T/unz/xl/sharedStrings.xml" || die "Vietnamese headings missing"
grep -q '17:00 ngày 31/12/2099 (giờ Việt Nam)' "$T/unz/xl/sharedStrings.xml" || die "deadline not in Vietnamese"

# Calc opens it; printed, every page holds the first and the last column.
mkdir -p "$T/pdf"
lo --convert-to pdf --outdir "$T/pdf" "$X"
P=$T/pdf/form-2024-11989.pdf
pages=$(pdfinfo "$P" | sed -n 's/^Pages: *//p')
[ "$pages" -ge 1 ] || die "no page"
for n in $(seq 1 "$pages"); do
  pdftotext -f "$n" -l "$n" -layout "$P" - > "$T/page.txt"
  grep -q 'Mã' "$T/page.txt" && grep -q 'Ghi chú' "$T/page.txt" || die "page $n does not hold the whole width"
done
pdfinfo "$P" | grep -q 'Page size: *841.89 x 595' || die "not A4 landscape"
pdftoppm -r 50 -png -f 1 -l 1 "$P" "$T/pdf/page"
python3 - "$T/pdf/page-1.png" <<'PY' || die "page 1 not rendered as A4 landscape"
import struct, sys
b = open(sys.argv[1], "rb").read(32)
w, h = struct.unpack(">II", b[16:24])
sys.exit(0 if b[:8] == b"\x89PNG\r\n\x1a\n" and w > h > 0 else 1)
PY

# Filled through Calc and saved as .xlsx and .ods: both import, the same.
_old=$IFS
IFS='
'
# shellcheck disable=SC2086
values $GOOD_ANSWERS $CONTACTS > "$T/values.csv"
IFS=$_old
lo_fill "$X" "$T/values.csv" "$T/filled.xlsx" "$T/filled.ods"
dti form import --dry-run "$T/filled.ods" 2> "$T/err" || { cat "$T/err"; die "the .ods filled in Calc was refused"; }
grep -q '18 câu trả lời hợp lệ' "$T/err" || { cat "$T/err"; die "ods answers"; }
dti form import "$T/filled.xlsx" 2> "$T/err" || { cat "$T/err"; die "the .xlsx filled in Calc was refused"; }
expect_eq "steering_head" "$(q "SELECT value FROM current_input WHERE variable = 'steering_head'")" chair
expect_eq "dx_meetings_chaired" "$(q "SELECT value FROM current_input WHERE variable = 'dx_meetings_chaired'")" 3
expect_eq "radio_dx_frequency" "$(q "SELECT value FROM current_input WHERE variable = 'radio_dx_frequency'")" monthly
expect_eq "phone kept as text" "$(q "SELECT phone FROM current_contact WHERE role = 'officer'")" "0912 345 678"
expect_eq "note" "$(q "SELECT note FROM observation WHERE variable = 'online_meeting_all_devices' ORDER BY id DESC LIMIT 1")" "Đã triển khai cho 25/25 cán bộ"

# Regenerated, the stored answers come back marked as prefilled.
dti form generate --commune 11989 --format xlsx --out "$T/again" > /dev/null
python3 - "$T/again/form-2024-11989.xlsx" <<'PY' || die "prefilled answers not marked"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
comments = [n for n in names if n.startswith("xl/comments")]
sys.exit(0 if comments and "Điền sẵn" in z.read(comments[0]).decode() else 1)
PY

# A formula in an answer cell is refused, in Vietnamese, naming the cell.
values "dx_meetings_total==2+2" > "$T/formula.csv"
lo_fill "$T/filled.xlsx" "$T/formula.csv" "$T/formula.xlsx" "$T/formula.ods"
for f in formula.xlsx formula.ods; do
  dti form import --dry-run "$T/$f" 2> "$T/err" && die "$f with a formula accepted"
  grep -q "$f:[0-9]* (dx_meetings_total): ô C[0-9]* chứa công thức: hãy nhập giá trị trực tiếp" "$T/err" || { cat "$T/err"; die "formula message ($f)"; }
done

# A refused form comes back annotated: a "Lỗi" column, Calc opens it.
values "dx_meetings_chaired=9" "portal_dx_posts=nhiều" > "$T/bad.csv"
lo_fill "$T/filled.xlsx" "$T/bad.csv" "$T/bad.xlsx" "$T/bad.ods"
dti form import --annotate "$T/back" "$T/bad.xlsx" 2> "$T/err" && die "bad form accepted"
grep -q "phiếu có đánh dấu các lỗi đã ghi ở $T/back/bad-loi.xlsx" "$T/err" || { cat "$T/err"; die "annotated copy not said"; }
mkdir -p "$T/backcsv"
lo_csv "$T/back/bad-loi.xlsx" "$T/backcsv"
python3 - "$T/backcsv/bad-loi.csv" <<'PY' || die "annotated copy"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0][7] == "Lỗi", rows[0]
bad = {r[0]: r[7] for r in rows if len(r) > 7 and r[7]}
assert "portal_dx_posts" in bad and "nhiều" in bad["portal_dx_posts"], bad
assert "dx_meetings_chaired" in bad, bad
assert "steering_head" not in bad, bad
assert any(r[0] == "steering_head" and r[2] for r in rows), "answers lost"
PY

# Wrong kinds of file, each with its own message.
dti form import "$P" 2> "$T/err" && die "a PDF accepted"
grep -q "form-2024-11989.pdf: tệp không phải phiếu của xã (không phải bảng tính .xlsx, .ods hay tệp CSV; đây là tệp PDF)" "$T/err" || { cat "$T/err"; die "PDF message"; }
printf '\320\317\021\340\241\261\032\341rest' > "$T/old.xls"
dti form import "$T/old.xls" 2> "$T/err" && die "an .xls accepted"
grep -q "old.xls: tệp là bảng tính Excel 97-2003 (.xls), định dạng cũ không đọc được" "$T/err" || { cat "$T/err"; die ".xls message"; }
# A CSV saved in Windows-1252 (Excel's "CSV (Comma delimited)").
dti form generate --commune 11989 --out "$T/csvf" > /dev/null
fill_good "$T/csvf/form-2024-11989.csv" "$T/ok.csv"
python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8-sig").read(); open(sys.argv[2], "wb").write(t.encode("cp1252", "replace"))' "$T/ok.csv" "$T/ansi.csv"
dti form import "$T/ansi.csv" 2> "$T/err" && die "a Windows-1252 CSV accepted"
grep -q "ansi.csv:1: tệp CSV không ở bảng mã UTF-8 (có lẽ được lưu bằng Windows-1258 hoặc Windows-1252/ANSI" "$T/err" || { cat "$T/err"; die "encoding message"; }
grep -q 'CSV UTF-8 (Comma delimited)' "$T/err" || die "how to save as UTF-8 not said"
# The same form as Excel's "Unicode Text" (UTF-16 with its byte order mark).
python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8-sig").read(); open(sys.argv[2], "wb").write(t.encode("utf-16"))' "$T/ok.csv" "$T/utf16.csv"
dti form import "$T/utf16.csv" 2> "$T/err" && die "a UTF-16 CSV accepted"
grep -q 'utf16.csv: tệp văn bản ở bảng mã UTF-16 (Excel gọi là "Unicode Text"), không phải CSV UTF-8' "$T/err" || { cat "$T/err"; die "UTF-16 message"; }
# A form with its answer column deleted.
python3 -c 'import csv, sys; rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""))); csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows([r[:2] + r[3:] for r in rows])' "$T/ok.csv" "$T/nocol.csv"
dti form import "$T/nocol.csv" 2> "$T/err" && die "a form without its answer column accepted"
grep -q 'nocol.csv:1: phiếu thiếu cột "Trả lời" (cột C của phiếu): không xoá cột nào của phiếu' "$T/err" || { cat "$T/err"; die "missing column message"; }
expect_eq "problems for a missing column" "$(grep -c 'nocol.csv:' "$T/err")" 2
# The .xlsx named .csv is still read as a workbook (the content decides).
cp "$T/filled.xlsx" "$T/misnamed.csv"
dti form import --dry-run "$T/misnamed.csv" 2> "$T/err" || { cat "$T/err"; die "an .xlsx named .csv refused"; }
echo "forms-xlsx: ok"
