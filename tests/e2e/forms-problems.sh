#!/bin/sh
# A form with many problems: every problem is listed with its line and item,
# nothing of the form is stored, and the refused run is recorded.
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --commune 11989 --out "$T/forms" > /dev/null
F=$T/forms/form-2024-11989.csv
fill "$F" "$T/bad.csv" contact=default \
  "steering_head=chủ tịch" \
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
check "bad.csv:9 (steering_head): 'chủ tịch' is not one of the answers allowed: \"Bí thư/Chủ tịch xã/thị trấn\""
check "bad.csv:10 (dx_meetings_chaired): indicator 1.2: the numerator (5) is above its denominator dx_meetings_total (3)"
check "bad.csv:12 (portal_dx_section): 'maybe' is not a yes/no answer"
check "bad.csv:13 (portal_dx_posts): '-2' is negative"
check "bad.csv:14 (radio_dx_segment): the proof link is not an http:// or https:// link"
check "bad.csv:14 (radio_dx_segment): indicator 1.4 needs a proof link"
check "bad.csv:15 (radio_dx_frequency): '2.5' is not one of the answers allowed"
check "bad.csv:16 (party_dx_resolution): indicator 2.1 needs a proof link (http/https) to: Nghị quyết, kế hoạch cấp ủy"
check "bad.csv:23 (villages_with_team): '1.5' is not a whole number"
check "bad.csv:24 (dx_staff): the proof link is not an http:// or https:// link"
check "bad.csv:30 (population): not an item of the commune form (its source is district_sheet)"
check "bad.csv:31 (dx_staff): duplicate: already given on line 24"
check "bad.csv:32 (bogus_item): unknown item"
check "14 problems; nothing of this form was stored"
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
grep -q "wrong.csv:5: commune '99999' is not one of the communes assessed" "$T/err2" || die "wrong commune"
grep -q "wrong.csv:7: the form is for 2023 but the round open is 2024" "$T/err2" || die "wrong year"
grep -q "wrong.csv:24 (infosec_doc): .perhaps. is not a yes/no answer" "$T/err2" || die "answers checked with a wrong commune"
grep -q "wrong.csv:1 (sme_dx_doc): the item is missing from the form" "$T/err2" || die "deleted row"
grep -q "wrong.csv:27 (contact.officer): Họ tên is required" "$T/err2" || die "contact"

# A name that is not the code's commune.
fill "$F" "$T/name.csv" contact=default
sed -i 's/^commune_name,Tên xã\/thị trấn,Xã Lạc Đạo/commune_name,Tên xã\/thị trấn,Xã Đình Dù/' "$T/name.csv"
dti form import "$T/name.csv" 2> "$T/err3" && die "a mismatched name was accepted"
grep -q "name.csv:6: 'Xã Đình Dù' is not the name of commune 11989 (Xã Lạc Đạo)" "$T/err3" || { cat "$T/err3"; die "name check"; }
# Not a form at all.
printf 'commune_code,variable,value\n11989,dx_staff,yes\n' > "$T/sheet.csv"
dti form import "$T/sheet.csv" 2> "$T/err4" && die "a sheet was accepted as a form"
grep -q "sheet.csv:1: not a commune form" "$T/err4" || die "not a form"
expect_eq "observations" "$(q "SELECT count(*) FROM observation")" 0
echo "forms-problems: ok ($n problems checked)"
