#!/bin/sh
# After the round's deadline a form is refused with a message saying so,
# and recorded as a failed run; --force stores it and records the force.
DEADLINE=2020-01-01T17:00:00+07:00
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --commune 11989 --out "$T/forms" > /dev/null
grep -q '^deadline,Hạn nộp,17:00 ngày 01/01/2020 (giờ Việt Nam),' "$T/forms/form-2024-11989.csv" || die "deadline not shown in Vietnamese"
fill_good "$T/forms/form-2024-11989.csv" "$T/late.csv"
rc=0; dti form import "$T/late.csv" 2> "$T/err" || rc=$?
expect_eq "exit status" "$rc" 1
grep -q "late.csv: đợt đánh giá năm 2024 đã đóng lúc 17:00 ngày 01/01/2020 (giờ Việt Nam); phiếu không được lưu (quản trị viên có thể nhập bằng --force)" "$T/err" || { cat "$T/err"; die "deadline message"; }
expect_eq "nothing stored" "$(q "SELECT count(*) FROM observation")" 0
# A late form with a bad answer hears of both at once, not in two waves.
fill_good "$T/forms/form-2024-11989.csv" "$T/late-bad.csv" "dx_staff=Đang làm|$LINK"
dti form import "$T/late-bad.csv" 2> "$T/err-bad" && die "a late bad form was accepted"
grep -q "late-bad.csv: đợt đánh giá năm 2024 đã đóng lúc 17:00 ngày 01/01/2020" "$T/err-bad" || { cat "$T/err-bad"; die "deadline not said with the other problems"; }
grep -q "late-bad.csv:24 (dx_staff), cột \"Trả lời\": 'Đang làm' không phải câu trả lời Có/Không" "$T/err-bad" || die "the answer's problem not said with the deadline"
grep -q "late-bad.csv: 2 lỗi; không lưu gì từ phiếu này" "$T/err-bad" || die "two problems"
expect_eq "refusals recorded" "$(q "SELECT group_concat(status || ' ' || forced) FROM run")" "failed 0,failed 0"

USER=admin-e2e dti form import --force "$T/late.csv" 2> "$T/err" || { cat "$T/err"; die "forced import refused"; }
grep -q "late.csv: đợt đánh giá năm 2024 đã đóng lúc 17:00 ngày 01/01/2020 (giờ Việt Nam); vẫn lưu (--force, có ghi lại trong lần chạy)" "$T/err" || die "force warning"
expect_eq "stored" "$(q "SELECT count(*) FROM observation")" 18
expect_eq "force recorded" "$(q "SELECT forced || ' ' || user FROM run WHERE status = 'ok'")" "1 admin-e2e"
dti form status | grep -q "^11989	Xã Lạc Đạo	yes	.*	yes	18	" || die "status shows no force"

# A malformed deadline is a configuration error (exit 3).
sed -i 's/"deadline": "2020-01-01T17:00:00+07:00"/"deadline": "31\/12\/2024"/' "$T/dti.json"
rc=0; dti form import "$T/late.csv" 2> "$T/err" || rc=$?
expect_eq "exit status on a bad deadline" "$rc" 3
grep -q "rounds.2024.deadline '31/12/2024' is not a time" "$T/err" || die "bad deadline message"
echo "forms-deadline: ok"
