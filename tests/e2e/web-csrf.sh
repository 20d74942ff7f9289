#!/bin/sh
# Every route that writes refuses a form without its CSRF token, with the
# token of another session, or with a forged one: 403 and nothing stored
# (issue #15, "Attacks tried").  The same forms with the right token work,
# so the refusals are the token's doing.
. "$DTI_ROOT/tests/e2e/web_env"

count() { q "SELECT (SELECT count(*) FROM appraisal) || ' ' || (SELECT count(*) FROM account) || ' ' || (SELECT count(*) FROM round) || ' ' || (SELECT count(*) FROM approval)"; }
dti score 2>/dev/null || die "score"
RUN=$(q "SELECT max(id) FROM scoring_run")
export RUN
before=$(count)
py <<'PY'
import os
from webclient import Client, check
obs, run = os.environ["OBS_OWN"], os.environ["RUN"]
admin, appr, other = Client(), Client(), Client()
check(admin.login("admin", "admin-pass-1").status == 303, "admin login")
check(appr.login("appr", "appr-pass-1").status == 303, "appraiser login")
check(other.login("boss", "boss-pass-1").status == 303, "viewer login")
forms = [
    (appr, "/appraise/item", {"id": obs, "action": "verify"}),
    (appr, "/appraise/item", {"id": obs, "action": "reject", "reason": "sai"}),
    (appr, "/appraise/commune", {"commune": "11989"}),
    (admin, "/admin/accounts/add", {"name": "mallory", "role": "viewer", "password": "mallory-pass"}),
    (admin, "/admin/accounts/disable", {"name": "boss"}),
    (admin, "/admin/rounds", {"change": "close"}),
    (admin, "/admin/approve", {"run": run, "decision": "1/QĐ", "decision_date": "2025-01-02"}),
    (admin, "/logout", {}),
]
for client, path, fields in forms:
    for label, token in (("missing", False), ("another session's", other.csrf),
                         ("forged", "0" * 64), ("empty", ""), ("short", client.csrf[:10])):
        r = client.post(path, fields, csrf=token)
        check(r.status == 403, f"{path} with a {label} token: {r.status}")
        check("CSRF" in r.text, f"{path}: the refusal names the token")
check(admin.get("/admin/status").status == 200, "a refused logout ended the session")
# The query string is not the form: a token there does not count.
r = appr.request("POST", "/appraise/item?csrf=" + appr.csrf, "id=%s&action=verify" % obs,
                 {"Content-Type": "application/x-www-form-urlencoded"})
check(r.status == 403, f"token in the query string: {r.status}")
# Login has its token too (bound to the pre-login cookie).
v = Client()
v.get("/login")
r = v.post("/login", {"username": "admin", "password": "admin-pass-1"}, csrf="1" * 64)
check(r.status == 403 and "dti_session" not in v.cookies, f"login with a forged token: {r.status}")
PY
[ "$(count)" = "$before" ] || die "something was stored: $before -> $(count)"

# With the right token, the same forms store.
py <<'PY'
import os
from webclient import Client, check
obs = os.environ["OBS_OWN"]
appr = Client()
appr.login("appr", "appr-pass-1")
r = appr.post("/appraise/item", {"id": obs, "action": "verify"})
check(r.status == 303, f"verify with the token: {r.status}")
PY
[ "$(q "SELECT by FROM appraisal")" = appr ] || die "the act is not recorded as the account"
echo "web-csrf: ok"
