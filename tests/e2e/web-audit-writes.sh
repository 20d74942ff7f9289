#!/bin/sh
# Every route that writes records who did it (issue #15: "every write is
# recorded with the authenticated account … an audit page lists who did
# what"): generated from `dti-web --routes`, each row marked writes=yes is
# done once, successfully, as an account allowed to, and must add an audit
# row naming that account.  A write route this table does not know fails
# the test, so a new one cannot be added without its audit.
. "$DTI_ROOT/tests/e2e/web_env"
dti score 2>/dev/null || die "score"
RUN=$(q "SELECT max(id) FROM scoring_run")
"$DTI_BIN/dti-web" --routes >"$T/routes" || die "dti-web --routes"
export RUN DB
py "$T/routes" <<'PY'
import os, re, sqlite3, sys
from web_client import Client, page_fields, with_answers
from webclient import check

LINK = "https://laocai.example.vn/van-ban/qd-123.pdf"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
db = sqlite3.connect(os.environ["DB"])

def signed(name, password):
    c = Client()
    c.login(name, password)
    return c

def login(_):
    c = Client()
    c.get("/login")
    return c.post("/login", {"username": "lacdao", "password": "lacdao-pass-1"}), "lacdao"

def logout(_):
    c = signed("boss", "boss-pass-1")
    return c.post("/logout", {}), "boss"

def invite(_):
    a = signed("admin", "admin-pass-1")
    a.get("/admin/accounts")
    r = a.post("/admin/accounts/add", {"name": "moi", "role": "viewer"})
    m = re.search(r'/invite\?token=([0-9a-f]{64})', r.text)
    check(m, f"no invitation link: {r.status}")
    c = Client()
    c.get("/invite?token=" + m.group(1))
    return c.post("/invite", {"token": m.group(1), "password": "moi-pass-12"}), "moi"

def admin(path, fields):
    def go(_):
        a = signed("admin", "admin-pass-1")
        return a.post(path, fields), "admin"
    return go

def appraiser(path, fields):
    def go(_):
        c = signed("appr", "appr-pass-1")
        c.get("/appraise")
        return c.post(path, fields), "appr"
    return go

def officer(path, submit):
    def go(_):
        c = signed("lacdao", "lacdao-pass-1")
        f = page_fields(c.get("/commune").text)
        f = with_answers(f, answer__portal_dx_posts="13",
                         **{"contact-officer-name": "Nguyễn Thị Hương",
                            "contact-officer-phone": "0912 345 678",
                            "contact-officer-email": "huong@example.vn",
                            "contact-approver-name": "Trần Văn Đức",
                            "contact-approver-phone": "0987654321"})
        if submit:
            f = with_answers(f, answer__portal_dx_posts="14")
        return c.post(path, f), "lacdao"
    return go

def evidence(_):
    c = signed("lacdao", "lacdao-pass-1")
    c.get("/commune")
    return c.upload("/commune/evidence", {"commune": "11989", "variable": "steering_head"},
                    "qd.pdf", PDF), "lacdao"

# method path -> (what does it once, the audit action it must record)
recipes = {
    "POST /login": (login, "login"),
    "POST /logout": (logout, "logout"),
    "POST /invite": (invite, "invite accepted"),
    "POST /admin/accounts/add": (admin("/admin/accounts/add", {"name": "them", "role": "viewer",
                                 "password": "them-pass-12"}), "user add"),
    "POST /admin/accounts/disable": (admin("/admin/accounts/disable", {"name": "them"}), "user disable"),
    "POST /admin/rounds": (admin("/admin/rounds", {"change": "deadline",
                           "deadline": "2099-06-30T17:00"}), "round"),
    "POST /admin/approve": (admin("/admin/approve", {"run": os.environ["RUN"], "decision": "12/QĐ",
                            "decision_date": "2025-01-15"}), "approve"),
    "POST /appraise/item": (appraiser("/appraise/item", {"id": os.environ["OBS_OWN"],
                            "action": "verify"}), "verify"),
    "POST /appraise/commune": (appraiser("/appraise/commune", {"commune": "11986"}), "verify commune"),
    "POST /commune/save": (officer("/commune/save", False), "declaration.save"),
    "POST /commune/submit": (officer("/commune/submit", True), "declaration.submit"),
    "POST /commune/evidence": (evidence, "evidence.upload"),
}

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
writes = [f"{m} {p}" for m, p, roles, scope, w in rows if w == "yes"]
check(len(writes) >= 12, f"write routes: {writes}")
unknown = [w for w in writes if w not in recipes]
check(not unknown, f"write routes without an audit check here: {unknown}")
for w in writes:
    fn, action = recipes[w]
    last = db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    r, who = fn(w)
    check(r.status in (200, 303), f"{w}: {r.status} {r.text[:400]}")
    got = db.execute("SELECT account, action FROM audit WHERE id > ?", (last,)).fetchall()
    check((who, action) in got, f"{w}: no audit row ({who!r}, {action!r}); rows: {got}")
    print(f"ok {w}: {action} by {who}")
PY
