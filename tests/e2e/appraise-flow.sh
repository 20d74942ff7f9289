#!/bin/sh
# District appraisal end to end: a commune form and feeds, disagreements,
# verify / reject / correct, and the scores in provisional and official mode.
. "$DTI_ROOT/tests/e2e/forms_env"

dti form generate --commune 11989 --out "$T/forms" > /dev/null
fill_good "$T/forms/form-2024-11989.csv" "$T/form.csv"
dti form import "$T/form.csv" 2> /dev/null || die "form refused"
# Feeds: the document system counts 10 meetings (the form says 4), the
# portal 11 posts (the form says 12: within the tolerance), the district
# sheet the villages.
printf 'commune_code,variable,value\n11989,dx_meetings_total,10\n' > "$T/docs.csv"
printf 'commune_code,variable,value\n11989,portal_dx_posts,11\n' > "$T/portal.csv"
printf 'commune_code,variable,value\n11989,villages,8\n' > "$T/sheet.csv"
dti import --source document-system "$T/docs.csv" 2> /dev/null || die "docs import"
dti import --source portal-feed "$T/portal.csv" 2> /dev/null || die "portal import"
dti import "$T/sheet.csv" 2> /dev/null || die "sheet import"

score() { # score MODE ITEM -> "points flags"
  q "SELECT points || ' ' || flags FROM score s JOIN scoring_run r ON r.id = s.scoring_run_id
     WHERE r.id = (SELECT max(id) FROM scoring_run WHERE mode = '$1') AND commune_code = '11989' AND item = '$2'"
}
dti score 2> /dev/null && dti score --official 2> /dev/null || die "scoring failed"
expect_eq "1.1 provisional" "$(score provisional 1.1)" "20.0 "
expect_eq "1.2 provisional (latest source: 3/10)" "$(score provisional 1.2)" "6.0 "
expect_eq "4.2 provisional (5/8)" "$(score provisional 4.2)" "12.5 "
expect_eq "1.1 official, not verified" "$(score official 1.1)" "0.0 missing,unverified"
# district_sheet's villages need no verification: only villages_with_team does.
expect_eq "4.2 official" "$(score official 4.2)" "0.0 missing,unverified"

# Disagreements: the meetings (4 vs 10), not the posts (12 vs 11, tolerance 1).
dti appraise disagreements > "$T/dis" 2> "$T/dis.err" || die "disagreements failed"
cat "$T/dis"
expect_eq "disagreements" "$(tail -n +2 "$T/dis" | cut -f1,3,5,7,9,11)" "11989	dx_meetings_total	4	document-system	10	6.0"
grep -q "1 disagreement beyond the tolerance (absolute 1, relative 0.1)" "$T/dis.err" || die "summary"
expect_eq "view" "$(q "SELECT variable || ' ' || form_value || ' ' || feed_value FROM disagreement")" "dx_meetings_total 4 10"

# Appraisal: reject the document system's count, verify and correct the form.
DOCS=$(q "SELECT o.id FROM observation o JOIN source s ON s.id = o.source_id WHERE s.name = 'document-system'")
dti appraise reject "$DOCS" --reason "Hệ thống đếm cả cuộc họp giao ban" --by "Phạm Thị Lan" 2> /dev/null || die "reject"
expect_eq "disagreement resolved" "$(q "SELECT count(*) FROM disagreement")" 0
dti appraise verify --commune 11989 --variable steering_head --by "Phạm Thị Lan" 2> /dev/null || die "verify by commune"
dti appraise verify --commune 11989 --variable dx_meetings_total --by "Phạm Thị Lan" 2> /dev/null || die "verify total"
dti appraise correct --commune 11989 --variable dx_meetings_chaired 2 --reason "Biên bản chỉ có 2 cuộc" --by "Phạm Thị Lan" 2> /dev/null || die "correct"
SECTION=$(q "SELECT id FROM observation WHERE variable = 'portal_dx_section'")
dti appraise reject "$SECTION" --reason "Chuyên mục không tồn tại" --by "Phạm Thị Lan" 2> /dev/null || die "reject section"
# Refusals: a correction that is not a value, a rejection without reason.
CH=$(q "SELECT id FROM observation WHERE variable = 'dx_meetings_chaired'")
dti appraise correct "$CH" "hai" --reason x --by y 2> "$T/err" && die "a bad correction was accepted"
grep -q "'hai' is not a non-negative number" "$T/err" || die "bad correction message"
dti appraise reject "$CH" --by y 2> "$T/err" && die "a rejection without reason was accepted"
grep -q "a rejection needs a reason" "$T/err" || die "reason message"
dti appraise verify 999999 --by y 2> "$T/err" && die "an unknown observation was verified"
grep -q "no observation 999999" "$T/err" || die "unknown observation message"
expect_eq "acts recorded" "$(q "SELECT group_concat(action || ':' || by || ':' || coalesce(value, '') || ':' || coalesce(reason, ''), '|') FROM (SELECT * FROM appraisal ORDER BY id)")" \
  "reject:Phạm Thị Lan::Hệ thống đếm cả cuộc họp giao ban|verify:Phạm Thị Lan::|verify:Phạm Thị Lan::|correct:Phạm Thị Lan:2:Biên bản chỉ có 2 cuộc|reject:Phạm Thị Lan::Chuyên mục không tồn tại"
expect_eq "every act has a time" "$(q "SELECT count(*) FROM appraisal WHERE at LIKE '20__-__-__T__:__:__.___Z'")" 5

dti score 2> /dev/null && dti score --official 2> /dev/null || die "scoring failed"
expect_eq "1.1 provisional" "$(score provisional 1.1)" "20.0 "
expect_eq "1.2 provisional: correction 2 over verified 4" "$(score provisional 1.2)" "10.0 "
expect_eq "1.3 provisional: rejected" "$(score provisional 1.3)" "0.0 missing,rejected"
expect_eq "1.1 official: verified" "$(score official 1.1)" "20.0 "
expect_eq "1.2 official: corrected and verified" "$(score official 1.2)" "10.0 "
expect_eq "1.3 official: rejected" "$(score official 1.3)" "0.0 missing,rejected"
expect_eq "1.4 official: not verified" "$(score official 1.4)" "0.0 missing,unverified"
# explain names the rejected value, who rejected it and why.
dti explain 11989 1.3 > "$T/explain" 2> /dev/null || die "explain 1.3"
grep -q "portal_dx_section = (none)  \[rejected\]" "$T/explain" || { cat "$T/explain"; die "explain: rejected input"; }
grep -q "observation $SECTION: .*rejected by Phạm Thị Lan: Chuyên mục không tồn tại" "$T/explain" || { cat "$T/explain"; die "explain: who rejected"; }
expect_eq "score input state" "$(q "SELECT state || ' ' || value FROM score_input WHERE scoring_run_id = (SELECT max(id) FROM scoring_run) AND commune_code = '11989' AND variable = 'dx_meetings_chaired'")" "corrected 2"

# A feed value rejected, a form value verified: status and the pending list.
dti form status > "$T/status" 2> /dev/null
grep -q "^11989	Xã Lạc Đạo	yes	.*	no	17	1	14	1	yes	portal_dx_section$" "$T/status" || { cat "$T/status"; die "status after appraisal"; }
dti appraise list --pending --commune 11989 > "$T/pending" 2> /dev/null
# 14 raw form values, and the portal feed's posts (each source is listed).
expect_eq "pending" "$(tail -n +2 "$T/pending" | wc -l | tr -d ' ')" 15
grep -q "	portal_dx_posts	portal-feed	11	raw	" "$T/pending" || die "feed value not pending"
grep -q "	steering_head	" "$T/pending" && die "a verified value is pending"
# One variable of the queue: its pending rows, the form's and the feed's.
dti appraise list --pending --commune 11989 --variable portal_dx_posts > "$T/pending1" 2> /dev/null
expect_eq "pending of one variable" "$(tail -n +2 "$T/pending1" | cut -f3,4 | tr '\t\n' ' ;')" \
	"portal_dx_posts form:11989;portal_dx_posts portal-feed;"
# The commune re-sends its form with one answer changed: the unchanged
# answers keep their appraisal, the changed one awaits appraisal again.
fill_good "$T/forms/form-2024-11989.csv" "$T/form2.csv" "dx_staff=không"
dti form import "$T/form2.csv" 2> "$T/re.log" || { cat "$T/re.log"; die "re-submission refused"; }
grep -q "1 câu trả lời mới hoặc thay đổi, 17 không đổi" "$T/re.log" || die "re-submission summary"
expect_eq "verified answer kept" "$(q "SELECT state FROM current_input WHERE commune_code = '11989' AND variable = 'steering_head'")" verified
expect_eq "rejected answer kept" "$(q "SELECT state FROM current_input WHERE commune_code = '11989' AND variable = 'portal_dx_section'")" rejected
expect_eq "changed answer raw" "$(q "SELECT state || ' ' || value FROM current_input WHERE commune_code = '11989' AND variable = 'dx_staff'")" "raw no"
# Words disagree when they differ: a district office says the deputy heads
# the committee; the verified form answer is still the one scored.
printf 'commune_code,variable,value\n11989,steering_head,deputy\n' > "$T/office.csv"
dti import --source district-office "$T/office.csv" 2> /dev/null || die "office import"
expect_eq "enum disagreement" "$(q "SELECT variable || ' ' || form_value || ' ' || feed_value || ' ' || coalesce(difference, 'words') FROM disagreement")" "steering_head chair deputy words"
expect_eq "verified beats a newer raw value" "$(q "SELECT value FROM current_input WHERE commune_code = '11989' AND variable = 'steering_head'")" chair
echo "appraise-flow: ok"
