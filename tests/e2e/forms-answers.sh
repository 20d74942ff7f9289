#!/bin/sh
# Answers as commune officers write them: each accepted variant is stored
# as its canonical value, each refused one gets its Vietnamese message
# naming file, line, item and column, and a form with 12 problems reports
# all 12 at once (#17 items 3 and 4).
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --commune 11989 --out "$T/forms" > /dev/null
F=$T/forms/form-2024-11989.csv
A='cột "Trả lời"'
L='cột "Đường dẫn tài liệu kiểm chứng (http/https)"'
# The form itself: the deadline in Vietnamese, the column of prefilled answers.
grep -q '^deadline,Hạn nộp,17:00 ngày 31/12/2099 (giờ Việt Nam),' "$F" || die "deadline not in Vietnamese"
head -1 "$F" | grep -q ',Ghi chú,Nguồn câu trả lời điền sẵn' || die "no column for prefilled answers"

# Accepted as written.
fill_good "$F" "$T/ok.csv" \
  "steering_head=Chủ tịch xã|$LINK" \
  "radio_dx_frequency=Hàng tuần|$LINK" \
  "portal_dx_posts=1.234" \
  "dx_plan_5year=Chưa" \
  "sme_dx_doc=Chưa có" \
  "infosec_doc=CHƯA" \
  "party_dx_resolution=Đã ban hành|$LINK" \
  "dx_plan_annual=Đã có|$LINK" \
  "community_tech_team=x|$LINK" \
  "dvc_promotion_doc=đã có|laocai.example.vn/van-ban/qd-123.pdf" \
  "villages_with_team=12|$LINK"
dti form import "$T/ok.csv" 2> "$T/ok.log" || { cat "$T/ok.log"; die "ordinary answers refused"; }
cat "$T/ok.log"
v() { q "SELECT value FROM current_input WHERE commune_code = '11989' AND variable = '$1'"; }
expect_eq "Chủ tịch xã" "$(v steering_head)" chair
expect_eq "Hàng tuần" "$(v radio_dx_frequency)" weekly
expect_eq "1.234" "$(q "SELECT value || '/' || num FROM current_input WHERE commune_code = '11989' AND variable = 'portal_dx_posts'")" "1234/1234.0"
expect_eq "Chưa" "$(v dx_plan_5year)" no
expect_eq "Chưa có" "$(v sme_dx_doc)" no
expect_eq "CHƯA" "$(v infosec_doc)" no
expect_eq "Đã ban hành" "$(v party_dx_resolution)" yes
expect_eq "Đã có" "$(v dx_plan_annual)" yes
expect_eq "x" "$(v community_tech_team)" yes
expect_eq "đã có" "$(v dvc_promotion_doc)" yes
expect_eq "link given https://" "$(q "SELECT proof_url FROM observation WHERE variable = 'dvc_promotion_doc'")" "https://laocai.example.vn/van-ban/qd-123.pdf"
# What was read otherwise than written is said, as a note.
grep -q "ok.csv:9 (steering_head), $A: 'Chủ tịch xã' được đọc là \"Bí thư/Chủ tịch xã/thị trấn\" (ghi nhận, không phải lỗi)" "$T/ok.log" || die "no note on the enum read by a part"
grep -q "ok.csv:19 (dvc_promotion_doc), $L: đường dẫn 'laocai.example.vn/van-ban/qd-123.pdf' chưa có https://: đã đọc là https://laocai.example.vn/van-ban/qd-123.pdf" "$T/ok.log" || die "no note on the link given https://"
grep -q "đã lưu phiếu của xã 11989 năm 2024" "$T/ok.log" || die "no summary in Vietnamese"
dti form status --commune 11989 2> "$T/status.log" > /dev/null
grep -q "xã 11989: đã nộp phiếu, đã trả lời 18/18 mục" "$T/status.log" || { cat "$T/status.log"; die "status in Vietnamese"; }

# Prefilled answers say where they come from: this year's, last year's.
dti form generate --commune 11989 --out "$T/again" > /dev/null
grep -q '^dx_staff,.*,Có,Có / Không,.*,Đã nộp năm nay' "$T/again/form-2024-11989.csv" || die "this year's prefill not marked"
dti --year 2025 form generate --commune 11989 --out "$T/next" > /dev/null
grep -q '^portal_dx_posts,.*,1234,.*,Năm trước (2024): kiểm tra lại' "$T/next/form-2025-11989.csv" || die "last year's prefill not marked"
grep -c 'Năm trước (2024): kiểm tra lại' "$T/next/form-2025-11989.csv" | grep -qx 18 || die "every prefilled answer marked"

# Refused, each with its Vietnamese message and what to write instead.
refused() { # FILE-STEM EXPECTED ASSIGNMENT...
  _stem=$1 _want=$2
  shift 2
  fill_good "$F" "$T/$_stem.csv" "$@"
  dti form import "$T/$_stem.csv" 2> "$T/$_stem.err" && die "$_stem: accepted"
  grep -q -F -- "$_want" "$T/$_stem.err" || { cat "$T/$_stem.err"; die "$_stem: no message '$_want'"; }
}
refused words "words.csv:10 (dx_meetings_chaired), $A: '5 cuộc' có chữ kèm theo số: chỉ ghi số, ví dụ 5" "dx_meetings_chaired=5 cuộc|$LINK"
refused comma "comma.csv:23 (villages_with_team), $A: '1,5' không phải số nguyên (mục này đếm số lượng): ghi số nguyên như 0, 1, 2" "villages_with_team=1,5|$LINK"
refused dot "dot.csv:23 (villages_with_team), $A: '1.5' không phải số nguyên" "villages_with_team=1.5|$LINK"
refused ambiguous "ambiguous.csv:15 (radio_dx_frequency), $A: '1 tuần' khớp với nhiều câu trả lời: \"Từ 1 lần/1 tuần trở lên\", \"Từ 1 lần/1 tháng đến dưới 1 lần/1 tuần\"; ghi đầy đủ một câu" "radio_dx_frequency=1 tuần|$LINK"
refused town "town.csv:9 (steering_head), $A: 'thị trấn' khớp với nhiều câu trả lời: \"Bí thư/Chủ tịch xã/thị trấn\", \"Phó Bí thư/Phó Chủ tịch xã/thị trấn\", \"Chưa có Ban chỉ đạo" "steering_head=thị trấn|$LINK"
refused yesno "yesno.csv:24 (dx_staff), $A: 'Đang làm' không phải câu trả lời Có/Không: ghi Có hoặc Không" "dx_staff=Đang làm|$LINK"
refused script "script.csv:24 (dx_staff), $L: đường dẫn không bắt đầu bằng http:// hoặc https://" "dx_staff=Có|javascript:alert(1)"
# A phone number a spreadsheet read as a number lost its 0: refused.
fill_good "$F" "$T/zero.csv"
sed -i 's/,0912 345 678,/,912345678,/' "$T/zero.csv"
dti form import "$T/zero.csv" 2> "$T/zero.err" && die "a phone number without its 0 was accepted"
grep -q "zero.csv:28 (contact.officer), cột \"Điện thoại liên hệ\": '912345678' đã mất số 0 ở đầu (bảng tính đọc nó là một số): ghi 0912345678 và đặt ô là văn bản" "$T/zero.err" || { cat "$T/zero.err"; die "lost zero message"; }
expect_eq "refused forms stored nothing new" "$(q "SELECT count(*) FROM observation")" 18

# One pass: a form with 12 different problems reports all 12 at once.
fill_good "$F" "$T/twelve.csv" \
  "steering_head=Trưởng thôn|$LINK" \
  "radio_dx_frequency=1 tuần|$LINK" \
  "dx_meetings_chaired=5 cuộc|$LINK" \
  "portal_dx_posts=-2" \
  "villages_with_team=1,5|$LINK" \
  "dx_staff=Đang làm|$LINK" \
  "radio_dx_segment=Có|javascript:alert(1)" \
  "party_dx_resolution=Có" \
  "row=bogus_item,x,1,,,,"
sed -i 's/,0912 345 678,huong.nt@example.vn/,912345678,huong.nt@example/' "$T/twelve.csv"
dti form import "$T/twelve.csv" 2> "$T/twelve.err" && die "a form with 12 problems was accepted"
cat "$T/twelve.err"
n=0
check() { grep -q -F -- "$1" "$T/twelve.err" || die "missing problem: $1"; n=$((n + 1)); }
check "twelve.csv:9 (steering_head), $A: 'Trưởng thôn' không phải câu trả lời hợp lệ"
check "twelve.csv:10 (dx_meetings_chaired), $A: '5 cuộc' có chữ kèm theo số"
check "twelve.csv:13 (portal_dx_posts), $A: '-2' là số âm"
check "twelve.csv:14 (radio_dx_segment), $L: đường dẫn không bắt đầu bằng http:// hoặc https://"
check "twelve.csv:14 (radio_dx_segment), $L: chỉ số 1.4 cần đường dẫn"
check "twelve.csv:15 (radio_dx_frequency), $A: '1 tuần' khớp với nhiều câu trả lời"
check "twelve.csv:16 (party_dx_resolution), $L: chỉ số 2.1 cần đường dẫn (http/https) tới tài liệu kiểm chứng"
check "twelve.csv:23 (villages_with_team), $A: '1,5' không phải số nguyên"
check "twelve.csv:24 (dx_staff), $A: 'Đang làm' không phải câu trả lời Có/Không"
check "twelve.csv:28 (contact.officer), cột \"Điện thoại liên hệ\": '912345678' đã mất số 0 ở đầu"
check "twelve.csv:28 (contact.officer), cột \"Email\": 'huong.nt@example' không phải địa chỉ email"
check "twelve.csv:30 (bogus_item), cột \"Mã\": mục không có trong phiếu"
check "twelve.csv: 12 lỗi; không lưu gì từ phiếu này"
expect_eq "problem lines" "$(grep -c '^dti form import: .*twelve.csv:[0-9]' "$T/twelve.err")" 12
expect_eq "nothing stored" "$(q "SELECT count(*) FROM observation")" 18
# The language is "vi" or "en"; another word is a configuration error (exit 3).
sed -i 's/"year": 2024,/"year": 2024, "language": "fr",/' "$T/dti.json"
rc=0; dti form import "$T/ok.csv" 2> "$T/lang.err" || rc=$?
expect_eq "exit status on a bad language" "$rc" 3
grep -q '"language" must be "vi" or "en"' "$T/lang.err" || { cat "$T/lang.err"; die "bad language message"; }
echo "forms-answers: ok ($n checks of the 12-problem form)"
