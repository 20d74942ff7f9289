#!/bin/sh
# The admin's and the appraiser's pages end to end (issue #15, "What each
# person does"): accounts added on the page (with a password, and with an
# invitation link that works once), refused with a reason, disabled; the
# round closed on the page refuses `dti form import` (one deadline for
# forms and the web), reopened accepts it again; an appraiser verifies a
# commune's remaining items at once, as their account, only in their
# units; the admin approves the official result and the viewer reads it.
# An approval waits at most a second for another publish (below).
WEB_EXTRA=', "publish_wait_seconds": 1'
. "$DTI_ROOT/tests/e2e/web_env"
dti score 2>/dev/null || die "score"
RUN=$(q "SELECT max(id) FROM scoring_run")
export RUN
py <<'PY' >"$T/invite"
import re
from webclient import Client, check
a = Client()
check(a.login("admin", "admin-pass-1").status == 303, "admin login")
r = a.get("/admin/accounts")
check(r.status == 200 and 'id="account-add"' in r.text, "accounts page")
for n in ("admin", "boss", "appr", "lacdao"):
    check(f'class="account-name">{n}<' in r.text, f"{n} not listed")
r = a.post("/admin/accounts/add", {"name": "chi", "role": "commune", "commune": "11992",
                                    "password": "chi-pass-12"})
check(r.status == 200 and "Đã thêm" in r.text, f"add with a password: {r.status}")
check(Client().login("chi", "chi-pass-12").status == 303, "the new account logs in")
for fields, why in (({"name": "chi", "role": "viewer", "password": "x-pass-123"}, "taken"),
                    ({"name": "bad name", "role": "viewer", "password": "x-pass-123"}, "name"),
                    ({"name": "dan", "role": "commune", "commune": "99999", "password": "x-pass-123"}, "commune"),
                    ({"name": "dan", "role": "appraiser", "unit": "Phòng Không Có", "password": "x-pass-123"}, "unit"),
                    ({"name": "dan", "role": "appraiser", "password": "x-pass-123"}, "no unit"),
                    ({"name": "dan", "role": "root", "password": "x-pass-123"}, "role"),
                    ({"name": "dan", "role": "viewer", "password": "short"}, "password")):
    r = a.post("/admin/accounts/add", fields)
    check(r.status in (400, 409), f"add refused ({why}): {r.status}")
r = a.post("/admin/accounts/add", [("name", "giang"), ("role", "appraiser"),
                                   ("unit", "Phòng Văn hóa và Thông tin"), ("unit", "Bưu điện huyện")])
m = re.search(r'id="invite-link">(http://dti\.example\.vn/invite\?token=([0-9a-f]{64}))<', r.text)
check(r.status == 200 and m, f"add with an invitation: {r.status}")
print(m.group(2))
r = a.post("/admin/accounts/disable", {"name": "chi"})
check(r.status == 303, f"disable: {r.status}")
check(Client().login("chi", "chi-pass-12").status == 401, "a disabled account logs in")
PY
[ "$(q "SELECT group_concat(unit, '|') FROM (SELECT unit FROM account_unit u JOIN account a ON a.id = u.account_id WHERE a.name = 'giang' ORDER BY unit)")" = "Bưu điện huyện|Phòng Văn hóa và Thông tin" ] || die "units of giang"
[ "$(q "SELECT count(*) FROM account WHERE name = 'dan'")" = 0 ] || die "a refused account was stored"
INVITE=$(cat "$T/invite") py <<'PY'
import os
from webclient import Client, check
t = os.environ["INVITE"]
check(Client().post("/invite", {"token": t, "password": "giang-pass-1"}).status == 200, "invitation")
check(Client().post("/invite", {"token": t, "password": "giang-pass-2"}).status == 400, "invitation reused")
check(Client().login("giang", "giang-pass-1").status == 303, "invited account logs in")
PY

# The round: closed on the page, `dti form import` is refused; reopened, accepted.
py <<'PY'
from webclient import Client, check
a = Client()
a.login("admin", "admin-pass-1")
check(a.post("/admin/rounds", {"change": "close"}).status == 303, "close")
r = a.get("/admin/rounds")
check("đã đóng" in r.text and 'id="round-reopen"' in r.text, "closed round page")
check(a.post("/admin/rounds", {"change": "close"}).status == 400, "closing twice")
check(a.post("/admin/rounds", {"change": "reopen", "deadline": "2020-01-01T10:00"}).status == 400,
      "reopened into the past")
PY
fill_good "$T/forms/form-2024-11989.csv" "$T/again.csv" dx_meetings_total=5
dti form import "$T/again.csv" 2>"$T/err" && die "a form imported into a closed round"
grep -q "đợt đánh giá năm 2024 đã đóng lúc" "$T/err" || die "closed round message: $(cat "$T/err")"
py <<'PY'
from webclient import Client, check
a = Client()
a.login("admin", "admin-pass-1")
check(a.post("/admin/rounds", {"change": "reopen", "deadline": "2099-06-30T17:00"}).status == 303, "reopen")
check("17:00 ngày 30/06/2099" in a.get("/admin/rounds").text, "the deadline in Vietnam time")
PY
dti form import "$T/again.csv" 2>/dev/null || die "a form refused in a reopened round"
[ "$(q "SELECT deadline FROM round WHERE year = 2024")" = "2099-06-30T17:00:00+07:00" ] || die "round row"

# The appraiser: a commune's remaining items at once, only in their units.
py <<'PY'
from webclient import Client, check
c = Client()
c.login("appr", "appr-pass-1")
r = c.get("/appraise")
check(r.status == 200 and 'id="queue"' in r.text, "queue")
check(c.post("/appraise/commune", {"commune": "11986"}).status == 303, "verify the rest")
r = c.get("/appraise/history")
check(r.text.count('class="account-name">appr<') >= 3, "history of acts")
PY
[ "$(q "SELECT count(DISTINCT by) || ' ' || min(by) FROM appraisal")" = "1 appr" ] || die "acts not by the account"
outside=$(q "SELECT count(*) FROM appraisal a JOIN observation o ON o.id = a.observation_id WHERE o.commune_code <> '11986'")
[ "$outside" = 0 ] || die "acts outside the commune: $outside"
# Every act is within the appraiser's units: the post office's variables are untouched.
python3 - "$R/config/frameworks/commune-2024.json" "$DB" <<'PY'
import json, sqlite3, sys
fw = json.load(open(sys.argv[1]))
office = "Phòng Văn hóa và Thông tin"
mine = set()
for p in fw["pillars"]:
    for ind in p["indicators"]:
        if office in [u.strip() for u in ind.get("verifiers", "").split(",")]:
            rule = ind["rule"]
            for k in ("variable", "gate"):
                if k in rule:
                    mine.add(rule[k])
            for k in ("numerator", "denominator"):
                mine.update(rule.get(k, []))
acted = {r[0] for r in sqlite3.connect(sys.argv[2]).execute(
    "SELECT o.variable FROM appraisal a JOIN observation o ON o.id = a.observation_id")}
if not acted or not acted <= mine:
    sys.exit(f"FAIL: acts outside the office's variables: {sorted(acted - mine)}")
PY

# The official result, approved on the page, read by the viewer.
py <<'PY'
import os
from webclient import Client, check
a = Client()
a.login("admin", "admin-pass-1")
r = a.post("/admin/approve", {"run": os.environ["RUN"], "decision": "123/QĐ-UBND", "decision_date": "2025-01-15"})
check(r.status == 303, f"approve: {r.status}")
check("123/QĐ-UBND" in a.get("/admin/approve").text, "the approval shown")
check(a.post("/admin/approve", {"run": "999", "decision": "x", "decision_date": "2025-01-15"}).status == 404,
      "an unknown run approved")
check(a.post("/admin/approve", {"run": os.environ["RUN"], "decision": "x", "decision_date": "2025-02-30"}).status == 400,
      "an impossible date")
v = Client()
v.login("boss", "boss-pass-1")
r = v.get("/report")
check('id="report-official"' in r.text, "no official report for the viewer")
r = v.get("/report/official-2024/report/index.html")
check(r.status == 200 and "<html" in r.text, f"official report: {r.status}")
csp = r.header("content-security-policy")
check("'sha256-" in csp and "unsafe-inline" not in csp and "script-src" not in csp, f"report policy {csp}")
for bad in ("/report/official-2024/report/../../../dti.json", "/report/2024/report/index.htm",
            "/report/..%2f..%2fdti.json", "/report/2024/../2024/report/index.html"):
    check(v.get(bad).status == 404, f"{bad} served")
check(v.get("/report/2024/dti-2024.json").header("content-disposition") == "attachment", "export as attachment")
PY
# A national report's files are larger than a page dti-web holds in
# memory: they are sent from the file, whole (a 40 MB export, and a 40 MB
# page whose policy still has its inline style's hash).
python3 - "$T/out/2024" <<'PY'
import sys
d = sys.argv[1]
open(d + "/dti-2024.json", "w").write("[" + " " * (40 << 20) + "]")
page = open(d + "/report/index.html", encoding="utf-8").read()
open(d + "/report/data-quality.html", "w", encoding="utf-8").write(
    page.replace("</body>", "<p>" + "x" * (40 << 20) + "</p></body>"))
PY
OUT=$T/out py <<'PY'
import os
from webclient import Client, check
v = Client()
v.login("boss", "boss-pass-1")
d = os.environ["OUT"] + "/2024"
for rel in ("dti-2024.json", "report/data-quality.html"):
    r = v.get("/report/2024/" + rel)
    want = open(f"{d}/{rel}", "rb").read()
    check(r.status == 200 and r.body == want, f"{rel}: {r.status}, {len(r.body)} of {len(want)} bytes")
check("'sha256-" in r.header("content-security-policy"), "the large page's policy")
PY
[ "$(q "SELECT by FROM approval")" = admin ] || die "approval not by the account"
[ -s "$T/out/official-2024/report/index.html" ] || die "no official report published"
[ "$(q "SELECT count(*) FROM audit WHERE account = 'admin' AND action IN ('user add', 'user disable', 'round', 'approve')")" -ge 6 ] || die "audit rows"
# Another publish that does not let go (a stopped nightly, say): the
# approval is recorded, the worker gives up after publish_wait_seconds
# and says so (503), and the official report is left as it was.
mkfifo "$T/hold"
flock "$T/out/.publish.lock" sh -c "echo held; read -r _ <'$T/hold'" >"$T/hold.out" &
holder=$!
for _ in $(seq 1 200); do grep -q held "$T/hold.out" && break; sleep 0.05; done
grep -q held "$T/hold.out" || die "the lock was not taken"
sum=$(cksum <"$T/out/official-2024/report/index.html")
py <<'PY'
import os
from webclient import Client, check
a = Client()
a.login("admin", "admin-pass-1")
r = a.post("/admin/approve", {"run": os.environ["RUN"], "decision": "456/QĐ-UBND", "decision_date": "2025-03-01"})
check(r.status == 503 and "Đã ghi phê duyệt" in r.text and "sau 1 giây" in r.text,
      f"approve while another publish holds the lock: {r.status}")
check(a.get("/admin/approve").status == 200, "the server is still answering")
PY
echo go >"$T/hold"
wait "$holder" || die "the holder of the lock failed"
[ "$(q "SELECT decision FROM official_result WHERE year = 2024")" = "456/QĐ-UBND" ] || die "the approval was not recorded"
[ "$(cksum <"$T/out/official-2024/report/index.html")" = "$sum" ] || die "the official report changed while the lock was held"
echo "web-admin: ok"
