#!/bin/sh
# dti-web, a commune's declaration end to end: an officer of Lạc Đạo logs
# in, sees the round and the commune's items, saves a draft (the
# provisional score moves), uploads evidence (served back as an attachment),
# fills the contact block and submits: the answers are in the same store as
# a CSV form import, by the account.  An appraiser rejects one; the officer
# sees why and answers it again.  No cross-commune read or write, no staff
# write; what is shown back is escaped.
. "$DTI_ROOT/tests/e2e/web_commune_env"

add_user laodao.cb commune --commune 11989
add_user chidao.cb commune --commune 11992
add_user vt.thamdinh appraiser --unit "Phòng Văn hóa và Thông tin"
add_user lanhdao viewer
web_start

python3 - "$PORT" "$T" "$LINK" <<'PY'
import re, sys, os
from web_client import Client, page_fields, with_answers
port, T, LINK = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)
def total(html):
    return re.search(r'id="provisional-total">([^<]*)<', html).group(1)

a = Client(port)
a.login("laodao.cb", "correct-horse-battery-9")
r = a.get("/commune")
check(r.status == 200, f"declaration page: {r.status}")
html = r.text
check("Xã Lạc Đạo" in html and "11989" in html, "the commune is named")
check('id="deadline">' in html and "giờ Việt Nam" in html, "the deadline in Vietnam time")
check(html.count('class="card item"') == 18, "the 18 items of the commune")
check("Trưởng ban Ban chỉ đạo" in html, "the seed's question")
check("Bí thư/Chủ tịch xã/thị trấn" in html, "allowed answers as choices")
check("(đơn vị: cuộc)" in html, "units")
check("Tài liệu kiểm chứng: Văn bản, tài liệu chứng minh" in html, "expected proof")
check(html.count('name="csrf"') >= 19, "a csrf field on every form")
check('id="where-points"' in html, "where the points are")
check('name="answer-population"' not in html, "no item a feed supplies")
before = total(html)

# A draft: the provisional score counts it, nothing is submitted yet.
f = with_answers(page_fields(html), **{"answer__steering_head": "chair", "link__steering_head": LINK,
                                       "note__steering_head": "<script>alert(1)</script>"})
r = a.post("/commune/save", f)
check(r.status == 303 and "ok=saved" in r.header("Location"), f"save: {r.status} {r.text[:500]}")
html = a.get("/commune").text
check(total(html) != before, f"provisional score moved ({before} -> {total(html)})")
check("&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html, "note escaped")
check("Bản nháp chưa nộp" in html, "the draft is said to be unsubmitted")

# Evidence: uploaded, listed, served back as an attachment, same bytes.
pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
r = a.upload("/commune/evidence", {"commune": "11989", "variable": "steering_head"},
             "Quyết định ban chỉ đạo.pdf", pdf)
check(r.status == 303, f"upload: {r.status} {r.text[:300]}")
html = a.get("/commune").text
m = re.search(r'href="(/commune/evidence\?commune=11989&amp;sha=([0-9a-f]{64}))">([^<]*)<', html)
check(m and m.group(3) == "Quyết định ban chỉ đạo.pdf", "the file listed under its name")
sha = m.group(2)
r = a.get(m.group(1).replace("&amp;", "&"))
check(r.status == 200 and r.body == pdf, "the file served back")
check(r.header("Content-Type") == "application/pdf", "served as PDF")
check(r.header("Content-Disposition").startswith("attachment;"), "as an attachment")
check(r.header("X-Content-Type-Options") == "nosniff", "nosniff")
check(os.path.isfile(f"{T}/evidence/{sha[:2]}/{sha}"), "kept under its SHA-256 in the evidence folder")

# Another commune's officer: no read, no write, no evidence.
b = Client(port)
b.login("chidao.cb", "correct-horse-battery-9")
check(b.get("/commune?commune=11989").status == 403, "cross-commune read refused")
check(b.get(f"/commune/evidence?commune=11989&sha={sha}").status == 403, "cross-commune evidence refused")
check(b.get(f"/commune/evidence?sha={sha}").status == 404, "another commune's file is not found")
b.get("/commune")
r = b.post("/commune/save", [("commune", "11989"), ("revision", "1"), ("version-steering_head", "1"),
                             ("answer-steering_head", "none")])
check(r.status == 403, f"cross-commune write refused: {r.status}")
r = b.upload("/commune/evidence", {"commune": "11989", "variable": "steering_head"}, "x.pdf", pdf)
check(r.status == 403, "cross-commune upload refused")
# Staff read, never write.
v = Client(port)
v.login("lanhdao", "correct-horse-battery-9")
r = v.get("/commune?commune=11989")
check(r.status == 200 and "disabled" in r.text and 'id="save"' not in r.text, "viewer reads, no form")
check(v.get(f"/commune/evidence?commune=11989&sha={sha}").status == 200, "viewer reads evidence")
r = v.post("/commune/save", [("commune", "11989"), ("version-steering_head", "1"), ("answer-steering_head", "none")])
check(r.status == 403, f"viewer write refused: {r.status}")
# No CSRF, no write.
r = a.post("/commune/save", with_answers(page_fields(a.get("/commune").text), answer__steering_head="none"), csrf=False)
check(r.status == 403, f"save without csrf refused: {r.status}")

# Submit refused without the contact block, then with it.
html = a.get("/commune").text
r = a.post("/commune/submit", page_fields(html))
check(r.status == 400 and "Họ tên: chưa điền (bắt buộc)" in r.text, f"submit without contacts, said in Vietnamese: {r.status}")
# A refused answer: said in Vietnamese, the posted answers shown back to correct, nothing saved.
f = with_answers(page_fields(a.get("/commune").text), answer__portal_dx_posts="mười hai",
                 note__portal_dx_posts="giữ lại ghi chú này")
r = a.post("/commune/save", f)
check(r.status == 400 and "Mục 1.3 (portal_dx_posts), Trả lời: &#39;mười hai&#39; không phải số" in r.text,
      f"a refused answer in Vietnamese: {r.status} {r.text[:300]}")
check("giữ lại ghi chú này</textarea>" in r.text, "the posted note shown back")
f = with_answers(page_fields(a.get("/commune").text),
                 **{"contact-officer-name": "Nguyễn Thị Hương", "contact-officer-phone": "0912 345 678",
                    "contact-officer-email": "huong@example.vn", "contact-approver-name": "Trần Văn Đức",
                    "contact-approver-phone": "0987654321", "answer__radio_dx_segment": "yes",
                    "link__radio_dx_segment": LINK})
r = a.post("/commune/submit", f)
check(r.status == 303 and "ok=submitted" in r.header("Location"), f"submit: {r.status} {r.text[:800]}")
html = a.get(r.header("Location")).text
check("Đã nộp phiếu" in html, "told it was submitted")
check(html.count("Chờ thẩm định") >= 2, "items awaiting appraisal")
PY
[ $? -eq 0 ] || die "the officer's flow"

# In the store of a form import, by the account.
expect_eq "source" "$(q "SELECT DISTINCT s.name || ':' || s.kind FROM observation o JOIN source s ON s.id = o.source_id")" "form:11989:form"
expect_eq "answers" "$(q "SELECT group_concat(variable || '=' || value, ',') FROM (SELECT variable, value FROM observation ORDER BY variable)")" "radio_dx_segment=yes,steering_head=chair"
expect_eq "run" "$(q "SELECT program || '|' || user || '|' || status FROM run WHERE program = 'dti-web'")" "dti-web|laodao.cb|ok"
expect_eq "submission" "$(q "SELECT account FROM declaration_submission")" "laodao.cb"
expect_eq "contacts" "$(q "SELECT count(*) FROM current_contact WHERE commune_code = '11989'")" 2
dti form status --commune 11989 2> "$T/status.log" > /dev/null
grep -q "xã 11989: đã nộp phiếu" "$T/status.log" || { cat "$T/status.log"; die "form status sees it"; }
expect_eq "audit" "$(q "SELECT count(*) FROM audit WHERE action IN ('declaration.save', 'declaration.submit', 'evidence.upload')")" 3

# An appraiser rejects one; the officer sees the reason and answers again.
id=$(q "SELECT id FROM observation WHERE variable = 'radio_dx_segment'")
dti appraise reject "$id" --by vt.thamdinh --reason "Chưa có <b>biên bản</b>" > /dev/null 2>&1 || die "reject"
python3 - "$PORT" "$LINK" <<'PY'
import sys
from web_client import Client, page_fields, with_answers
port, LINK = int(sys.argv[1]), sys.argv[2]
def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)
a = Client(port)
a.login("laodao.cb", "correct-horse-battery-9")
html = a.get("/commune").text
check("Bị từ chối" in html and "Chưa có &lt;b&gt;biên bản&lt;/b&gt;" in html, "the rejection and its reason, escaped")
r = a.post("/commune/submit", with_answers(page_fields(html), answer__radio_dx_segment="yes", link__radio_dx_segment=LINK))
check(r.status == 400 and "đã bị từ chối" in r.text, f"the same answer again is refused: {r.status}")
html = a.get("/commune").text
r = a.post("/commune/submit", with_answers(page_fields(html), answer__radio_dx_segment="yes",
                                           link__radio_dx_segment=LINK + "?bien-ban=2"))
check(r.status == 303, f"answered again: {r.status} {r.text[:500]}")
PY
[ $? -eq 0 ] || die "answering a rejected item again"
expect_eq "answered again" "$(q "SELECT state FROM source_value WHERE variable = 'radio_dx_segment'")" raw
expect_eq "runs" "$(q "SELECT count(*) FROM run WHERE program = 'dti-web' AND status = 'ok'")" 2

# The admin closes the round: the declaration is read-only, every write refused.
add_user quantri admin
python3 - "$PORT" <<'PY'
import sys
from web_client import Client, page_fields, with_answers
port = int(sys.argv[1])
def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)
adm = Client(port)
adm.login("quantri", "correct-horse-battery-9")
adm.get("/admin/rounds")
r = adm.post("/admin/rounds", {"change": "close"})
check(r.status in (200, 303), f"the admin closes the round: {r.status} {r.text[:300]}")
a = Client(port)
a.login("laodao.cb", "correct-horse-battery-9")
html = a.get("/commune").text
check('id="closed"' in html and 'id="save"' not in html, "the page says closed, no buttons")
check(not any(k.startswith(("answer-", "link-", "note-", "contact-")) for k, _ in page_fields(html)),
      "no field is editable")
r = a.post("/commune/save", [("commune", "11989"), ("version-steering_head", "99"), ("answer-steering_head", "none")])
check(r.status == 403 and "hết hạn" in r.text, f"save after the deadline: {r.status}")
r = a.post("/commune/submit", [("commune", "11989"), ("revision", "99")])
check(r.status == 403, f"submit after the deadline: {r.status}")
r = a.upload("/commune/evidence", {"commune": "11989", "variable": "steering_head"}, "x.pdf",
             b"%PDF-1.4\n%%EOF\n")
check(r.status == 403, f"upload after the deadline: {r.status}")
PY
[ $? -eq 0 ] || die "after the deadline"
expect_eq "nothing more stored" "$(q "SELECT count(*) FROM run WHERE program = 'dti-web'")" 2
expect_eq "no more evidence" "$(q "SELECT count(*) FROM evidence")" 1
echo ok
