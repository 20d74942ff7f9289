#!/bin/sh
# dti-web's logins (issue #15, "Accounts and access" and "Attacks tried"):
# login and logout (the session ends server-side), session fixation (the
# pre-login cookie is not the session, and a cookie the client made up is
# never taken), brute force throttled per account and per address and
# still throttled after a restart, SQL metacharacters in the user name
# harmless, security headers and cookie attributes on every response, a
# one-time invitation link, a disabled account, Secure cookies behind https.
. "$DTI_ROOT/tests/e2e/web_env"

py <<'PY'
import re
from webclient import Client, check, fail

STRICT_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")

def headers_ok(r, what, authed=False):
    check(r.header("content-security-policy") == STRICT_CSP, f"{what}: CSP {r.header('content-security-policy')}")
    check(r.header("x-content-type-options") == "nosniff", f"{what}: nosniff")
    check(r.header("x-frame-options") == "DENY", f"{what}: frame denial")
    check(r.header("referrer-policy") == "no-referrer", f"{what}: referrer policy")
    check(r.header("cache-control") == "no-store", f"{what}: no-store")

c = Client()
r = c.get("/login")
check(r.status == 200 and 'name="username"' in r.text and 'name="password"' in r.text, "login form")
headers_ok(r, "/login")
pre = c.cookies.get("dti_pre")
check(pre and re.fullmatch(r"[0-9a-f]{64}", pre), "pre-login cookie")
for cookie in r.all("set-cookie"):
    for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
        check(attr in cookie, f"cookie {cookie!r} lacks {attr}")
    check("Secure" not in cookie, "no Secure over a plain http public_url")
for path in ("/static/dti.css", "/no-such-page", "/admin/status"):
    r = c.get(path)
    check(r.header("x-frame-options") == "DENY" and r.header("content-security-policy"), f"headers on {path}")
check(c.get("/static/dti.css").header("content-type").startswith("text/css"), "css type")
check(c.get("/admin/status").status == 303, "no session: GET goes to /login")

# Fixation: a session id planted before login is not the one after it.
c.cookies["dti_session"] = "a" * 64
r = c.post("/login", {"username": "admin", "password": "admin-pass-1"})
check(r.status == 303 and r.header("location") == "/", f"login: {r.status}")
sess = c.cookies.get("dti_session")
check(sess and sess != "a" * 64 and sess != pre, "a new session id at login")
check("dti_pre" not in c.cookies, "the pre-login cookie is cleared")
for cookie in r.all("set-cookie"):
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "session cookie attributes")
r = c.get("/admin/status")
check(r.status == 200 and 'id="account-name">admin<' in r.text, "signed in")
headers_ok(r, "/admin/status", authed=True)
# Logout ends it on the server: the old cookie replayed is no session.
old = c.cookies["dti_session"]
c.home()
r = c.post("/logout", {})
check(r.status == 303, f"logout {r.status}")
replay = Client()
replay.cookies["dti_session"] = old
check(replay.get("/admin/status").status == 303, "the ended session still works")

# Wrong passwords, then the right one, per account: 3 failures throttle.
b = Client()
for i in range(3):
    r = b.login("boss", "wrong-%d" % i)
    check(r.status == 401 and "không đúng" in r.text, f"bad password {i}: {r.status}")
r = b.login("boss", "boss-pass-1")
check(r.status == 429, f"throttled login gave {r.status}")
check("dti_session" not in b.cookies, "no session when throttled")

# SQL metacharacters in the user name: refused like any bad name, nothing broken.
s = Client()
for name in ["admin' --", "admin' OR '1'='1", "x\"; DROP TABLE account; --", "admin%"]:
    r = s.login(name, "admin-pass-1")
    check(r.status in (401, 429) and "dti_session" not in s.cookies, f"{name!r}: {r.status}")
    check("&lt;" in r.text or "<script" not in r.text, "echo escaped")
r = Client().login("admin", "admin-pass-1")
check(r.status == 303, "admin still logs in after the metacharacters")
PY
[ "$(q "SELECT count(*) FROM account")" = 6 ] || die "accounts changed"

# The throttle is stored: a restart forgets nothing.
web_stop
web_start
py <<'PY'
from webclient import Client, check
r = Client().login("boss", "boss-pass-1")
check(r.status == 429, f"after a restart the throttle is gone: {r.status}")
PY
[ "$(q "SELECT failures FROM login_attempt WHERE kind = 'account' AND key = 'boss'")" = 3 ] || die "attempts not stored"

q "UPDATE login_attempt SET failures = 0"

# An invitation: a one-time link; the password it sets logs in; used once.
link=$(dti user invite appr 2>/dev/null) || die "invite"
case $link in http://dti.example.vn/invite\?token=*) ;; *) die "invite link '$link'" ;; esac
token=${link#*token=}
INVITE_TOKEN=$token py <<'PY'
import os
from webclient import Client, check
tok = os.environ["INVITE_TOKEN"]
c = Client()
r = c.get("/invite?token=" + tok)
check(r.status == 200 and tok in r.text, "invite form")
r = c.post("/invite", {"token": tok, "password": "new-appr-pass"})
check(r.status == 200, f"invite accepted: {r.status}")
r = Client().post("/invite", {"token": tok, "password": "other-pass-9"})
check(r.status == 400, f"invite used twice: {r.status}")
check(Client().login("appr", "appr-pass-1").status == 401, "old password still works")
check(Client().login("appr", "new-appr-pass").status == 303, "new password refused")
PY

# Disabled: its session ends at once.
py <<'PY' >"$T/session"
from webclient import Client
c = Client()
c.login("postman", "post-pass-1")
print(c.cookies["dti_session"])
PY
dti user disable postman 2>/dev/null || die "disable"
SESSION=$(cat "$T/session") py <<'PY'
import os
from webclient import Client, check
c = Client()
c.cookies["dti_session"] = os.environ["SESSION"]
check(c.get("/appraise").status == 303, "a disabled account's session lives on")
check(Client().login("postman", "post-pass-1").status == 401, "a disabled account logs in")
PY

# Behind https (the configured public URL), cookies are Secure.
web_stop
sed 's|"http://dti.example.vn"|"https://dti.example.vn"|' "$T/dti.json" >"$T/https.json"
web_start "$T/https.json"
py <<'PY'
from webclient import Client, check
r = Client().get("/login")
check(all("Secure" in c for c in r.all("set-cookie")) and r.all("set-cookie"), "Secure cookies behind https")
PY
grep -q "admin-pass-1\|new-appr-pass" "$T/web.log" && die "a password in the log"
echo "web-auth: ok"
