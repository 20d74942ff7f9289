#!/bin/sh
# Failed and throttled logins are in the audit trail (issue #15: "an audit
# page lists who did what"): the name as typed and the address, shown
# escaped on the admin's audit page, cut to size; a flood of one name from
# one address adds one row a minute, not one a try.
. "$DTI_ROOT/tests/e2e/web_env"
py <<'PY'
import time
from webclient import Client, check
if time.gmtime().tm_sec > 45:  # the tries below within one minute
    time.sleep(61 - time.gmtime().tm_sec)
c = Client()
check(c.login("appr", "wrong-pass-1").status == 401, "a wrong password")
check(c.login("appr", "wrong-pass-2").status == 401, "a wrong password again")
check(c.login("appr", "wrong-pass-3").status == 401, "a third wrong password")
for i in range(30):
    check(c.login("appr", "wrong-pass-4").status == 429, "throttled")
check(Client().login("<script>alert(1)</script>", "x-pass-123").status == 401, "a hostile name")
check(Client().login("x" * 5000 + "tail", "x-pass-123").status == 401, "a long name")
PY
expect_eq "failed logins of appr" "$(q "SELECT count(*) || ' ' || min(what) FROM audit WHERE action = 'login failed' AND account = 'appr'")" "1 address 127.0.0.1"
expect_eq "throttled logins of appr" "$(q "SELECT count(*) FROM audit WHERE action = 'login throttled' AND account = 'appr'")" 1
expect_eq "the hostile name as typed" "$(q "SELECT count(*) FROM audit WHERE action = 'login failed' AND account = '<script>alert(1)</script>'")" 1
expect_eq "the long name cut" "$(q "SELECT max(length(account)) FROM audit WHERE account LIKE 'xxx%'")" 64
py <<'PY'
from webclient import Client, check
a = Client()
check(a.login("admin", "admin-pass-1").status == 303, "admin login")
r = a.get("/admin/audit")
check(r.status == 200, f"audit page: {r.status}")
check("<script>alert(1)" not in r.text, "the typed name written raw")
check("&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, "the typed name shown escaped")
check("login throttled" in r.text and "login failed" in r.text, "failures on the audit page")
r = a.get("/admin/audit?account=appr")
check(r.text.count("address 127.0.0.1") == 2, "the account's failures by its name")
PY
