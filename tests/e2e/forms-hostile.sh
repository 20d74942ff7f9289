#!/bin/sh
# Hostile content in notes, links and contacts: HTML, script links, SQL
# metacharacters are stored verbatim (and harmless) or refused with a clear
# message; invalid UTF-8, NUL bytes, a 1 MB note and a 5 MB record are refused.
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --commune 11989 --out "$T/forms" > /dev/null
F=$T/forms/form-2024-11989.csv
HTML='<img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>'
SQL="'); DROP TABLE observation; -- \" OR 1=1; SELECT * FROM run"
# Notes with HTML and SQL are kept as written.
printf '%s' "$HTML" > "$T/html.note"
printf '%s' "$SQL" > "$T/sql.note"
fill_good "$F" "$T/notes.csv" "dx_staff.note@=$T/html.note" "infosec_doc.note@=$T/sql.note"
dti form import "$T/notes.csv" 2> "$T/err" || { cat "$T/err"; die "a form with odd notes was refused"; }
expect_eq "html note" "$(q "SELECT note FROM observation WHERE variable = 'dx_staff'")" "$HTML"
expect_eq "sql note" "$(q "SELECT note FROM observation WHERE variable = 'infosec_doc'")" "$SQL"
expect_eq "tables intact" "$(q "SELECT count(*) FROM observation")" 18

# Links that are not http(s): refused, each named.
fill_good "$F" "$T/links.csv" "dx_staff=có|javascript:alert(document.cookie)" \
  "community_tech_team=có|JAVASCRIPT://%0aalert(1)" "tslcd_connected=có|data:text/html,<script>alert(1)</script>" \
  "dx_plan_annual=có|https://example.vn/a b" "dvc_promotion_doc=có|https://"
dti form import "$T/links.csv" 2> "$T/err" && die "bad links accepted"
cat "$T/err"
L='cột "Đường dẫn tài liệu kiểm chứng (http/https)"'
for item in dx_staff community_tech_team tslcd_connected; do
  grep -q "($item), $L: đường dẫn không bắt đầu bằng http:// hoặc https://: ghi dạng https://…" "$T/err" || die "link of $item"
done
grep -q "(dx_plan_annual), $L: đường dẫn chứa dấu cách, dấu nháy" "$T/err" || die "link with a space"
grep -q "(dvc_promotion_doc), $L: đường dẫn thiếu tên trang web" "$T/err" || die "link without host"

# Invalid UTF-8 and a NUL byte in notes.
printf 'ghi ch\377\376 sai' > "$T/latin.note"
printf 'a\000b' > "$T/nul.note"
fill_good "$F" "$T/bytes.csv" "dx_staff.note@=$T/latin.note" "infosec_doc.note@=$T/nul.note"
dti form import "$T/bytes.csv" 2> "$T/err" && die "invalid UTF-8 accepted"
cat "$T/err"
grep -q "bytes.csv:24 (dx_staff), cột \"Ghi chú\": không phải UTF-8: lưu lại tệp dạng \"CSV UTF-8\"" "$T/err" || die "invalid UTF-8 message"
# The CSV reader refuses a NUL byte for every reader, naming line and column.
grep -q "bytes.csv:25: column 7 contains a NUL byte" "$T/err" || die "NUL message"

# A 1 MB note: refused, with the size.
python3 -c "import sys; sys.stdout.write('Đ' * 524288)" > "$T/big.note"
fill_good "$F" "$T/big.csv" "dx_staff.note@=$T/big.note"
dti form import "$T/big.csv" 2> "$T/err" && die "a 1 MB note was accepted"
grep -q "big.csv:24 (dx_staff), cột \"Ghi chú\": ghi chú dài 1048576 byte; chỉ giữ tối đa 4000 byte: hãy rút gọn" "$T/err" || { cat "$T/err"; die "1 MB note message"; }

# A 5 MB field: the CSV reader refuses the record (limit 4 MB) and says where.
python3 -c "import sys; sys.stdout.write('x' * (5 << 20))" > "$T/huge.note"
fill_good "$F" "$T/huge.csv" "dx_staff.note@=$T/huge.note"
dti form import "$T/huge.csv" 2> "$T/err" && die "a 5 MB record was accepted"
cat "$T/err" | cut -c1-300
grep -q "huge.csv" "$T/err" || die "5 MB record message names no file"
grep -q "không lưu gì từ phiếu này" "$T/err" || die "5 MB record not refused"

# Contact fields a spreadsheet would run as formulas, a bad phone and e-mail.
fill_good "$F" "$T/contact.csv"
sed -i 's/^contact.officer,\([^,]*\),Nguyễn Thị Hương,/contact.officer,\1,=HYPERLINK("http:\/\/evil"),/' "$T/contact.csv"
sed -i 's/,84 221 3987 654,/,call me maybe,not-an-email/' "$T/contact.csv"
sed -i 's/,0912 345 678,/,+84 912 345 678,/; s/,Văn phòng - Thống kê xã,/,-1+2,/' "$T/contact.csv"
dti form import "$T/contact.csv" 2> "$T/err" && die "formula contact accepted"
cat "$T/err"
grep -q "(contact.officer), cột \"Họ tên\": bắt đầu bằng '=', bảng tính sẽ coi là công thức: bỏ ký tự '=' ở đầu" "$T/err" || die "formula"
grep -q "(contact.approver), cột \"Điện thoại liên hệ\": 'call me maybe' không phải số điện thoại" "$T/err" || die "phone"
grep -q "(contact.officer), cột \"Điện thoại liên hệ\": '+84 912 345 678' bắt đầu bằng '+', bảng tính sẽ coi là công thức: ghi số dạng 0… hoặc 84…" "$T/err" || die "phone +"
grep -q "(contact.officer), cột \"Đơn vị công tác\": bắt đầu bằng '-', bảng tính sẽ coi là công thức" "$T/err" || die "unit -"
grep -q "(contact.approver), cột \"Email\": 'not-an-email' không phải địa chỉ email" "$T/err" || die "email"

expect_eq "only the first form stored" "$(q "SELECT count(*) FROM observation")" 18
expect_eq "refused runs" "$(q "SELECT count(*) FROM run WHERE status = 'failed'")" 5
echo "forms-hostile: ok"
