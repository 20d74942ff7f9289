#!/bin/sh
# dti-web, two people editing one commune's declaration: both open the
# page, the first saves, the second's save (from the page drawn before) is
# refused with 409 naming who changed what, and nothing of it is stored;
# a submission from a page older than the declaration is refused too.
. "$DTI_ROOT/tests/e2e/web_commune_env"

add_user cb.mot commune --commune 11989
add_user cb.hai commune --commune 11989
web_start

python3 - "$PORT" "$LINK" <<'PY'
import sys
from web_client import Client, page_fields, with_answers
port, LINK = int(sys.argv[1]), sys.argv[2]
def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)
one, two = Client(port), Client(port)
one.login("cb.mot", "correct-horse-battery-9")
two.login("cb.hai", "correct-horse-battery-9")
page1 = page_fields(one.get("/commune").text)
page2 = page_fields(two.get("/commune").text)
csrf2 = two.csrf
r = one.post("/commune/save", with_answers(page1, answer__steering_head="chair", link__steering_head=LINK))
check(r.status == 303, f"first save: {r.status}")
two.csrf = csrf2
r = two.post("/commune/save", with_answers(page2, answer__steering_head="deputy", link__steering_head=LINK,
                                           answer__dx_staff="yes", link__dx_staff=LINK))
check(r.status == 409, f"second save told: {r.status} {r.text[:300]}")
check("cb.mot" in r.text and "Bí thư/Chủ tịch xã/thị trấn" in r.text, "names who and what the answer is now")
check("không có gì được lưu" in r.text, "says nothing was saved")
# The second now sees the first's answer; saving from this page works.
page2 = page_fields(two.get("/commune").text)
check(("answer-steering_head", "chair") in page2, "the current answer shown")
r = two.post("/commune/save", with_answers(page2, answer__dx_staff="yes", link__dx_staff=LINK))
check(r.status == 303, f"save from the current page: {r.status} {r.text[:300]}")
# The first submits from its old page: told, nothing stored.
r = one.post("/commune/submit", with_answers(page1, answer__steering_head="chair", link__steering_head=LINK))
check(r.status == 409, f"stale submission told: {r.status} {r.text[:300]}")
PY
[ $? -eq 0 ] || die "concurrent edits"
expect_eq "the first's answer kept" "$(q "SELECT answer || '|' || saved_by FROM declaration_item WHERE variable = 'steering_head'")" "chair|cb.mot"
expect_eq "the second's later save" "$(q "SELECT answer || '|' || saved_by FROM declaration_item WHERE variable = 'dx_staff'")" "yes|cb.hai"
expect_eq "nothing submitted" "$(q "SELECT count(*) FROM run WHERE program = 'dti-web'")" 0
echo ok
