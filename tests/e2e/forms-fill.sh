#!/bin/sh
# Generate Lạc Đạo's form, fill it as an officer would (Vietnamese answers,
# the commune name in decomposed Unicode), import it, check staging; then
# re-submit and check the new answers replace the old with history kept.
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --out "$T/forms" > "$T/generated" || die "generate failed"
expect_eq "forms written" "$(wc -l < "$T/generated" | tr -d ' ')" 11
F=$T/forms/form-2024-11989.csv
[ -f "$F" ] || die "no form for 11989"
# UTF-8 with BOM, Vietnamese headers and questions, only commune items.
head -c 3 "$F" | od -An -tx1 | grep -q 'ef bb bf' || die "no BOM"
grep -q 'Tài liệu kiểm chứng' "$F" || die "no proof column"
grep -q '^steering_head,\[1.1\] Trưởng ban Ban chỉ đạo' "$F" || die "question missing"
grep -q 'Bí thư/Chủ tịch xã/thị trấn | Phó Bí thư' "$F" || die "allowed answers missing"
grep -q '^contact.approver,Lãnh đạo cơ quan duyệt' "$F" || die "contact block missing"
grep -q '^population,' "$F" && die "a district_sheet item is on the commune form"
expect_eq "items on the form" "$(grep -c -E '^[a-z_0-9]+,"?\[[0-9]' "$F")" 18

fill_good "$F" "$T/filled.csv" name=nfd
dti form import "$T/filled.csv" 2> "$T/import.log" || { cat "$T/import.log"; die "import refused"; }
grep -q 'đã lưu phiếu của xã 11989 năm 2024' "$T/import.log" || die "no summary"
# Headings after the first saved decomposed (NFD, as a Mac does): the same form.
python3 - "$T/filled.csv" "$T/nfd-head.csv" <<'PY'
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8-sig", newline="").read().split("\n")
key, rest = lines[0].split(",", 1)
lines[0] = key + "," + unicodedata.normalize("NFD", rest)
assert lines[0] != unicodedata.normalize("NFC", lines[0])
open(sys.argv[2], "w", encoding="utf-8-sig", newline="").write("\n".join(lines))
PY
dti form import --dry-run "$T/nfd-head.csv" 2> "$T/err" || { cat "$T/err"; die "NFD headings refused"; }

expect_eq "observations" "$(q "SELECT count(*) FROM observation")" 18
expect_eq "steering_head" "$(q "SELECT value FROM current_input WHERE commune_code='11989' AND variable='steering_head'")" chair
expect_eq "radio_dx_frequency" "$(q "SELECT value FROM current_input WHERE commune_code='11989' AND variable='radio_dx_frequency'")" monthly
expect_eq "dx_plan_annual" "$(q "SELECT value || '/' || num FROM current_input WHERE commune_code='11989' AND variable='dx_plan_annual'")" "yes/1.0"
expect_eq "infosec_doc" "$(q "SELECT value FROM current_input WHERE commune_code='11989' AND variable='infosec_doc'")" no
expect_eq "villages_with_team" "$(q "SELECT num FROM current_input WHERE commune_code='11989' AND variable='villages_with_team'")" 5.0
expect_eq "source" "$(q "SELECT DISTINCT s.name || ':' || s.kind FROM observation o JOIN source s ON s.id = o.source_id")" "form:11989:form"
expect_eq "proof link" "$(q "SELECT proof_url FROM observation WHERE variable='steering_head'")" "$LINK"
expect_eq "note" "$(q "SELECT note FROM observation WHERE variable='online_meeting_all_devices'")" "Đã triển khai cho 25/25 cán bộ"
expect_eq "contacts" "$(q "SELECT role || '|' || name || '|' || coalesce(email, '') FROM current_contact ORDER BY role")" "approver|Trần Văn Đức|
officer|Nguyễn Thị Hương|huong.nt@example.vn"
expect_eq "payload kept" "$(q "SELECT count(*) FROM run r JOIN payload p ON p.sha256 = r.payload_sha256 WHERE r.status = 'ok'")" 1

# Status: Lạc Đạo submitted, all answered; the others not.
dti form status > "$T/status" 2>/dev/null
grep -q "^11989	Xã Lạc Đạo	yes	.*	no	18	0	18	0	yes	$" "$T/status" || { cat "$T/status"; die "status of 11989"; }
grep -q "^11986	Thị trấn Như Quỳnh	no		no	0	18	0	0	no	steering_head," "$T/status" || die "status of 11986"

# Re-generating pre-fills the answers sent; a re-submission with changed
# answers replaces them for the year, the earlier ones stay in history.
dti form generate --commune 11989 --out "$T/again" > /dev/null
grep -q '^steering_head,.*,Bí thư/Chủ tịch xã/thị trấn,Bí thư' "$T/again/form-2024-11989.csv" || die "not pre-filled"
grep -q '^contact.officer,Chuyên viên cung cấp số liệu,Nguyễn Thị Hương' "$T/again/form-2024-11989.csv" || die "contact not pre-filled"
fill "$T/again/form-2024-11989.csv" "$T/resubmit.csv" "steering_head=Phó Bí thư/Phó Chủ tịch xã/thị trấn" "dx_meetings_chaired=4" "dx_plan_5year=có|$LINK"
dti form import "$T/resubmit.csv" 2> "$T/import2.log" || { cat "$T/import2.log"; die "re-submission refused"; }
# 3 answers changed, and the note of online_meeting_all_devices (notes are
# not pre-filled); the 14 unchanged answers keep their observations.
expect_eq "observations kept" "$(q "SELECT count(*) FROM observation")" 22
grep -q "4 câu trả lời mới hoặc thay đổi, 14 không đổi, 0 để trống" "$T/import2.log" || die "re-submission summary"
expect_eq "new steering_head" "$(q "SELECT value FROM current_input WHERE commune_code='11989' AND variable='steering_head'")" deputy
expect_eq "new meetings" "$(q "SELECT value FROM current_input WHERE commune_code='11989' AND variable='dx_meetings_chaired'")" 4
expect_eq "new 5-year plan" "$(q "SELECT value FROM current_input WHERE commune_code='11989' AND variable='dx_plan_5year'")" yes
expect_eq "history" "$(q "SELECT group_concat(value, ',') FROM (SELECT value FROM observation WHERE variable='steering_head' ORDER BY id)")" "chair,deputy"
expect_eq "contact history" "$(q "SELECT count(*) FROM commune_contact")" 4
expect_eq "form runs" "$(q "SELECT count(*) FROM run WHERE program='dti form import' AND status='ok'")" 2

# Appraising a superseded answer is allowed but said to change nothing.
OLD=$(q "SELECT min(id) FROM observation WHERE variable = 'steering_head'")
dti appraise verify "$OLD" --by e2e 2> "$T/old.log" || die "verify of an old answer refused"
grep -q "observation $OLD is not its source's latest value" "$T/old.log" || die "no warning on a superseded answer"
expect_eq "still raw" "$(q "SELECT state FROM current_input WHERE commune_code='11989' AND variable='steering_head'")" raw

# Last year's answers pre-fill next year's form.
dti --year 2025 form generate --commune 11989 --out "$T/next" > /dev/null
grep -q '^dx_plan_5year,.*,Có,Có / Không' "$T/next/form-2024-11989.csv" 2>/dev/null && die "wrong file name"
grep -q '^dx_plan_5year,.*,Có,Có / Không' "$T/next/form-2025-11989.csv" || die "last year's answer not pre-filled"
grep -q '^year,Năm đánh giá,2025,' "$T/next/form-2025-11989.csv" || die "year row"
# Saved with semicolons and without BOM (as some spreadsheets do): accepted.
fill_good "$F" "$T/semi.csv" delim=';' bom=no
head -c 3 "$T/semi.csv" | od -An -tx1 | grep -q 'ef bb bf' && die "BOM left"
grep -q '^steering_head;' "$T/semi.csv" || die "not semicolons"
dti form import --dry-run "$T/semi.csv" 2> "$T/semi.log" || { cat "$T/semi.log"; die "semicolon form refused"; }
grep -q "chạy thử: xã 11989, 18 câu trả lời hợp lệ" "$T/semi.log" || die "dry run summary"
expect_eq "dry run stores nothing" "$(q "SELECT count(*) FROM observation")" 22
echo "forms-fill: ok"
