#!/bin/sh
# dti-web evidence uploads under attack: an HTML file named .pdf (and sent
# as application/pdf) is refused by its content; an upload above the
# configured size is refused; a file name with path traversal is harmless
# (stored under its SHA-256, the name kept as display text only); a hash
# that is a path reads nothing; an upload without CSRF is refused.
EVIDENCE_MAX=4096
. "$DTI_ROOT/tests/e2e/web_commune_env"

add_user laodao.cb commune --commune 11989
mkdir -p "$T/outside"
web_start

python3 - "$PORT" "$T" <<'PY'
import os, re, sys
from web_client import Client
port, T = int(sys.argv[1]), sys.argv[2]
def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)
a = Client(port)
a.login("laodao.cb", "correct-horse-battery-9")
a.get("/commune")
item = {"commune": "11989", "variable": "steering_head"}
html = b"<!DOCTYPE html><html><body><script>document.write(document.cookie)</script></body></html>"
r = a.upload("/commune/evidence", item, "bien-ban.pdf", html, "application/pdf")
check(r.status == 400 and "PDF, JPEG hoặc PNG" in r.text, f"HTML named .pdf refused: {r.status}")
# A PDF header on HTML: refused too (no end of file).
r = a.upload("/commune/evidence", item, "x.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>")
check(r.status == 400, f"a PDF header on HTML refused: {r.status}")
big = b"%PDF-1.4\n" + b" " * 5000 + b"\n%%EOF\n"
r = a.upload("/commune/evidence", item, "big.pdf", big)
check(r.status == 413, f"oversized upload refused: {r.status}")
pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
evil = "../../../../../../" + T.lstrip("/") + "/outside/evil.pdf"
r = a.upload("/commune/evidence", item, evil, pdf)
check(r.status == 303, f"the traversing name stored harmlessly: {r.status} {r.text[:300]}")
check(os.listdir(f"{T}/outside") == [], "nothing written where the name points")
page = a.get("/commune").text
m = re.search(r'sha=([0-9a-f]{64})">([^<]*)<', page)
check(m and m.group(2) == "evil.pdf", f"the name shown is its last part: {m and m.group(2)}")
check(os.path.isfile(f"{T}/evidence/{m.group(1)[:2]}/{m.group(1)}"), "stored under its SHA-256")
r = a.get(f"/commune/evidence?commune=11989&sha={m.group(1)}")
check(r.status == 200 and 'filename="evil.pdf"' in r.header("Content-Disposition"), "served as evil.pdf")
for bad in ["../../../etc/passwd", "%2e%2e%2fdti.json", m.group(1).upper(), ""]:
    check(a.get(f"/commune/evidence?commune=11989&sha={bad}").status == 404, f"sha={bad!r} reads nothing")
csrf, a.csrf = a.csrf, None
r = a.upload("/commune/evidence", item, "y.pdf", pdf)
check(r.status == 403, f"upload without csrf refused: {r.status}")
a.csrf = csrf
r = a.upload("/commune/evidence", {"commune": "11989", "variable": "population"}, "y.pdf", pdf)
check(r.status == 400, f"not an item of the commune: {r.status}")
PY
[ $? -eq 0 ] || die "uploads"
expect_eq "one evidence row" "$(q "SELECT count(*) || '|' || min(original_name) || '|' || min(type) FROM evidence")" "1|evil.pdf|application/pdf"
expect_eq "one file" "$(find "$T/evidence" -type f | wc -l | tr -d ' ')" 1
expect_eq "evidence folder private" "$(stat -c %a "$T/evidence")" 700

# Evidence inside the published folder, or a size out of bounds: dti-web
# refuses to start (exit 3), naming the key.
web_stop
for web in '{"evidence_dir": "out/evidence"}' '{"evidence_max_bytes": 12}'; do
  python3 - "$T/dti.json" "$T/bad.json" "$web" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["web"] = json.loads(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"))
PY
  set +e
  "$DTI_BIN/dti-web" --config "$T/bad.json" --listen 127.0.0.1:1 2> "$T/bad.log"
  code=$?
  set -e
  expect_eq "exit for $web" "$code" 3
  grep -q "web.evidence_" "$T/bad.log" || { cat "$T/bad.log"; die "the key is not named"; }
done
echo ok
