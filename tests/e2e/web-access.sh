#!/bin/sh
# The access matrix (issue #15, "Access, tested as a matrix"): every route
# of dti-web's route table (dti-web --routes, the table web_dispatch
# obeys) x every role (and no session) x own / another commune, the
# expected allow or deny derived from the route's row, then tried against
# the real server.  Denied: 403, or for a page without a session the way
# to /login.  A commune officer reaches only their own commune and its
# observations, an appraiser only the observations of their units, a
# viewer writes nothing (no row that writes lists the viewer), and
# nothing but the public rows answers without a session.
. "$DTI_ROOT/tests/e2e/web_env"
"$DTI_BIN/dti-web" --routes >"$T/routes" || die "dti-web --routes"
[ "$(head -n 1 "$T/routes")" = "$(printf 'method\tpath\troles\tscope\twrites')" ] || die "routes header"
ROUTES=$T/routes py <<'PY'
import os
from webclient import Client, check, fail

routes = [l.rstrip("\n").split("\t") for l in open(os.environ["ROUTES"], encoding="utf-8")][1:]
check(len(routes) >= 20, f"only {len(routes)} routes")
# Who tries: (label, account, password, role, own-commune?, units cover the variable?)
people = [
    ("none", None, None, None),
    ("admin", "admin", "admin-pass-1", "admin"),
    ("viewer", "boss", "boss-pass-1", "viewer"),
    ("appraiser", "appr", "appr-pass-1", "appraiser"),
    ("appraiser-outside-units", "postman", "post-pass-1", "appraiser"),
    ("commune", "lacdao", "lacdao-pass-1", "commune"),
]
variants = {"own": {"commune": "11989", "id": os.environ["OBS_OWN"]},
            "other": {"commune": "11986", "id": os.environ["OBS_OTHER"]}}

def expected(route, person, variant):
    method, path, roles, scope, writes = route
    label, _, _, role = person
    if roles == "public":
        return "allow"
    if role is None or role not in roles.split(","):
        return "deny"
    if scope == "commune" and role == "commune":
        return "allow" if variant == "own" else "deny"
    if scope == "observation":
        if role == "commune":
            return "allow" if variant == "own" else "deny"
        if label == "appraiser-outside-units":
            return "deny"
    return "allow"

def tried(route, person, variant):
    method, path, roles, scope, writes = route
    label, name, password, role = person
    c = Client()
    if name:
        check(c.login(name, password).status == 303, f"{name} cannot log in")
    else:
        c.get("/login")
    params = dict(variants[variant])
    url = path.replace("*", "2024/report/index.html")
    if method == "GET":
        r = c.get(url + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
    else:
        r = c.post(url, params)  # with the client's own CSRF token
    if r.status == 403:
        return "deny", r.status
    if (r.status == 303 and r.header("location") == "/login" and method == "GET" and not name
            and roles != "public"):
        return "deny", r.status
    return "allow", r.status

# Writes first by the others, the admin's and logouts last, so no try
# undoes what a later one needs.
order = sorted(routes, key=lambda r: (r[1] in ("/logout", "/admin/accounts/disable"), r[0] == "POST"))
bad = []
n = 0
for route in order:
    for person in people:
        for variant in ("own", "other"):
            want = expected(route, person, variant)
            got, status = tried(route, person, variant)
            n += 1
            line = f"{route[0]:4} {route[1]:28} {person[0]:24} {variant:5} want {want:5} got {got:5} ({status})"
            print(line)
            if got != want:
                bad.append(line)
for b in bad:
    print("MISMATCH:", b)
check(not bad, f"{len(bad)} of {n} tries not as the table says")
# No row lets a viewer write, and every write needs a role.
for method, path, roles, scope, writes in routes:
    if writes == "yes" and path != "/logout":  # ending one's own session is no write of data
        check("viewer" not in roles.split(","), f"{path}: a viewer writes")
        check(method == "POST", f"{path}: a write that is not a POST")
    if method == "POST":
        check(writes == "yes", f"{path}: a POST not checked for CSRF")
print(f"{n} tries as the table says")
PY
echo "web-access: ok"
