#!/bin/sh
# Stored and reflected XSS through every field dti-web shows back (issue
# #15, "Attacks tried"): an appraisal's reason (item, history, audit), a
# correction's reason, an approval's decision (approval page, audit), a
# user name typed at login, the audit page's filter, a round's refused
# deadline.  Each payload must come back escaped, never as markup; and
# the pages carry the strict policy that would block a script anyway.
. "$DTI_ROOT/tests/e2e/web_env"
dti score 2>/dev/null || die "score"
RUN=$(q "SELECT max(id) FROM scoring_run")
export RUN
py <<'PY'
import os, html
from webclient import Client, check
obs, run = os.environ["OBS_OWN"], os.environ["RUN"]
payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>',
            "'><svg onload=alert(3)>", '</textarea><b>x</b>']

def clean(r, p, where):
    check(p not in r.text, f"{where}: the payload came back raw")
    for bad in ("<script>alert", "<img src=x", "<svg onload", "<b>x</b>"):
        check(bad not in r.text, f"{where}: {bad} in the page")

appr, admin, boss = Client(), Client(), Client()
appr.login("appr", "appr-pass-1")
admin.login("admin", "admin-pass-1")
boss.login("boss", "boss-pass-1")
for i, p in enumerate(payloads):
    r = appr.post("/appraise/item", {"id": obs, "action": "reject", "reason": p})
    check(r.status == 303, f"reject with payload {i}: {r.status}")
    r = appr.post("/appraise/item", {"id": obs, "action": "correct", "value": "5", "reason": p})
    check(r.status == 303, f"correct with payload {i}: {r.status}")
for who, c in (("appraiser", appr), ("viewer", boss), ("admin", admin)):
    for path in ("/appraise/item?id=" + obs, "/appraise/history", "/appraise"):
        r = c.get(path)
        check(r.status == 200, f"{who} {path}: {r.status}")
        for p in payloads:
            clean(r, p, f"{who} {path}")
r = appr.get("/appraise/history")
check("&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, "the reason is shown, escaped")
r = appr.get("/appraise/item?id=" + obs)
check("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;" in r.text, "the latest reason is shown, escaped")
# An approval's decision.
r = admin.post("/admin/approve", {"run": run, "decision": payloads[1], "decision_date": "2025-01-02"})
check(r.status in (303, 500), f"approve: {r.status}")
for path in ("/admin/approve", "/admin/audit", "/admin/audit?account=" + "%3Cscript%3Ealert(1)%3C/script%3E"):
    r = admin.get(path)
    check(r.status == 200, f"{path}: {r.status}")
    for p in payloads:
        clean(r, p, path)
check("&quot;&gt;&lt;img" in admin.get("/admin/approve").text, "the decision is shown, escaped")
# Reflected: the user name at login, the audit filter.
for p in payloads:
    v = Client()
    r = v.login(p, "whatever-1")
    check(r.status in (401, 429), f"login as a payload: {r.status}")
    clean(r, p, "login form")
r = admin.get("/admin/audit?account=" + "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E")
clean(r, payloads[1], "audit filter")
# A refused round deadline is not shown back at all.
r = admin.post("/admin/rounds", {"change": "deadline", "deadline": payloads[0]})
check(r.status == 400, f"a script as a deadline: {r.status}")
clean(r, payloads[0], "rounds")
# The policy that would stop a script that got through.
check("default-src 'none'" in r.header("content-security-policy"), "strict CSP")
PY
# Stored as typed: escaping is the page's job, not the database's.
[ "$(q "SELECT count(*) FROM appraisal WHERE reason = '<script>alert(1)</script>'")" = 2 ] || die "the reason was altered"
echo "web-xss: ok"
