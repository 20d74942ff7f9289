#!/bin/sh
# A form with many problems: every problem is listed with its line and item,
# nothing of the form is stored, and the refused run is recorded.
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --commune 11989 --out "$T/forms" > /dev/null
F=$T/forms/form-2024-11989.csv
fill "$F" "$T/bad.csv" contact=default \
  "steering_head=Trưởng thôn" \
  "dx_meetings_chaired=5|$LINK" "dx_meetings_total=3" \
  "portal_dx_section=maybe" \
  "portal_dx_posts=-2" \
  "radio_dx_segment=Có|javascript:alert(1)" \
  "radio_dx_frequency=2.5" \
  "party_dx_resolution=yes" \
  "villages_with_team=1.5|$LINK" \
  "dx_staff=có|ftp://files.example.vn/qd.pdf" \
  "row=population,x,5,,,," "row=dx_staff,x,có,,,," "row=bogus_item,x,1,,,,"
dti form import "$T/bad.csv" 2> "$T/err" && die "a bad form was accepted"
cat "$T/err"
n=0
check() { grep -q -F -- "$1" "$T/err" || die "missing problem: $1"; n=$((n + 1)); }
A='cột "Trả lời"'
L='cột "Đường dẫn tài liệu kiểm chứng (http/https)"'
K='cột "Mã"'
check "bad.csv:9 (steering_head), $A: 'Trưởng thôn' không phải câu trả lời hợp lệ: ghi một trong các câu \"Bí thư/Chủ tịch xã/thị trấn\""
# A refused answer does not hide that its indicator needs a link (one pass).
check "bad.csv:9 (steering_head), $L: chỉ số 1.1: nếu câu trả lời được tính điểm thì cần đường dẫn (http/https) tới tài liệu kiểm chứng: "
check "bad.csv:10 (dx_meetings_chaired), $A: chỉ số 1.2: tử số (5) lớn hơn mẫu số dx_meetings_total (3)"
check "bad.csv:12 (portal_dx_section), $A: 'maybe' không phải câu trả lời Có/Không: ghi Có hoặc Không"
check "bad.csv:12 (portal_dx_section), $L: chỉ số 1.3: nếu câu trả lời được tính điểm thì cần đường dẫn"
check "bad.csv:13 (portal_dx_posts), $A: '-2' là số âm"
check "bad.csv:14 (radio_dx_segment), $L: đường dẫn không bắt đầu bằng http:// hoặc https://"
check "bad.csv:14 (radio_dx_segment), $L: chỉ số 1.4 cần đường dẫn"
check "bad.csv:15 (radio_dx_frequency), $A: '2.5' không phải câu trả lời hợp lệ"
check "bad.csv:15 (radio_dx_frequency), $L: chỉ số 1.5: nếu câu trả lời được tính điểm thì cần đường dẫn"
check "bad.csv:16 (party_dx_resolution), $L: chỉ số 2.1 cần đường dẫn (http/https) tới tài liệu kiểm chứng: Nghị quyết, kế hoạch cấp ủy"
check "bad.csv:23 (villages_with_team), $A: '1.5' không phải số nguyên"
check "bad.csv:24 (dx_staff), $L: đường dẫn không bắt đầu bằng http:// hoặc https://"
check "bad.csv:30 (population), $K: không phải mục của phiếu xã (số liệu này do district_sheet cung cấp)"
check "bad.csv:31 (dx_staff), $K: mục này đã có ở dòng 24"
check "bad.csv:32 (bogus_item), $K: mục không có trong phiếu"
check "17 lỗi; không lưu gì từ phiếu này"
expect_eq "observations" "$(q "SELECT count(*) FROM observation")" 0
expect_eq "contacts" "$(q "SELECT count(*) FROM commune_contact")" 0
expect_eq "failed run" "$(q "SELECT status || ' ' || records_stored FROM run")" "failed 0"
q "SELECT error FROM run" | grep -q "bad.csv:9 (steering_head)" || die "run error text"

# Wrong commune, name and year; missing contact; an item row deleted.
fill "$F" "$T/wrong.csv" "dx_staff=có|$LINK" "infosec_doc=perhaps"
sed -i -e 's/^commune,Mã xã\/thị trấn,11989/commune,Mã xã\/thị trấn,99999/' \
  -e 's/^year,Năm đánh giá,2024/year,Năm đánh giá,2023/' -e '/^sme_dx_doc,/d' "$T/wrong.csv"
dti form import "$T/wrong.csv" 2> "$T/err2" && die "a wrong form was accepted"
cat "$T/err2"
grep -q "wrong.csv:5, $A: xã '99999' không thuộc các xã được đánh giá" "$T/err2" || die "wrong commune"
grep -q "wrong.csv:7, $A: phiếu của năm 2023 nhưng đợt đánh giá đang mở là năm 2024" "$T/err2" || die "wrong year"
grep -q "wrong.csv:24 (infosec_doc), $A: .perhaps. không phải câu trả lời Có/Không" "$T/err2" || die "answers checked with a wrong commune"
grep -q "wrong.csv:1 (sme_dx_doc): thiếu mục này trong phiếu" "$T/err2" || die "deleted row"
grep -q "wrong.csv:27 (contact.officer), cột \"Họ tên\": chưa điền (bắt buộc)" "$T/err2" || die "contact"

# A name that is not the code's commune.
fill "$F" "$T/name.csv" contact=default
sed -i 's/^commune_name,Tên xã\/thị trấn,Xã Lạc Đạo/commune_name,Tên xã\/thị trấn,Xã Đình Dù/' "$T/name.csv"
dti form import "$T/name.csv" 2> "$T/err3" && die "a mismatched name was accepted"
grep -q "name.csv:6, $A: 'Xã Đình Dù' không phải tên của xã 11989 (Xã Lạc Đạo)" "$T/err3" || { cat "$T/err3"; die "name check"; }
# Not a form at all.
printf 'commune_code,variable,value\n11989,dx_staff,yes\n' > "$T/sheet.csv"
dti form import "$T/sheet.csv" 2> "$T/err4" && die "a sheet was accepted as a form"
grep -q "sheet.csv:1: không phải phiếu của xã" "$T/err4" || die "not a form"
# An administrator's deployment may say it in English ("language": "en").
sed -i 's/"year": 2024,/"year": 2024, "language": "en",/' "$T/dti.json"
dti form import "$T/sheet.csv" 2> "$T/err5" && die "a sheet was accepted as a form"
grep -q "sheet.csv:1: not a commune form: the first row must be the header" "$T/err5" || { cat "$T/err5"; die "not a form, in English"; }
grep -q "sheet.csv: 1 problem; nothing of this form was stored" "$T/err5" || die "summary in English"
expect_eq "observations" "$(q "SELECT count(*) FROM observation")" 0
echo "forms-problems: ok ($n problems checked)"
