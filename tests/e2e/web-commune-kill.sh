#!/bin/sh
# dti-web killed with SIGKILL while six officers submit, over and over:
# after a restart every submission that was acknowledged (303) is there,
# and none is half-stored (each online submission is one whole run:
# its answers, its contact block and who submitted it, or nothing).
# The moment of the kill is random: the seed is printed, and
# DTI_KILL_SEED=N replays it.
. "$DTI_ROOT/tests/e2e/web_commune_env"

SEED=${DTI_KILL_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "seed $SEED (DTI_KILL_SEED=$SEED replays it)"
CODES="11986 11989 11992 11995 11998 12001"
for c in $CODES; do
  grep -q "^$c," "$R/config/communes-van-lam.csv" || die "commune $c is not in the sample"
  add_user "cb.$c" commune --commune "$c"
done
web_start

python3 - "$PORT" "$LINK" "$T/acked" "$CODES" > "$T/driver.log" 2>&1 <<'PY' &
import sys, threading, time
from web_client import Client, page_fields, with_answers
port, LINK, out, codes = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4].split()
acked, lock = [], threading.Lock()
contact = {"contact-officer-name": "Nguyễn Văn A", "contact-officer-phone": "0912345678",
           "contact-approver-name": "Trần Thị B", "contact-approver-phone": "0987654321"}
def officer(k, code):
    c = Client(port)
    try:
        c.login(f"cb.{code}", "correct-horse-battery-9")
        for i in range(1, 100000):
            n = str(k * 100000 + i)
            f = with_answers(page_fields(c.get("/commune").text), answer__portal_dx_section="yes",
                             link__portal_dx_section=LINK, answer__portal_dx_posts=n, **contact)
            r = c.post("/commune/submit", f)
            if r.status == 303:
                with lock:
                    acked.append((code, n))
            elif r.status != 409:
                print("unexpected", r.status, r.text[:300], flush=True)
    except Exception as e:  # the server was killed
        print(code, "stopped:", type(e).__name__, flush=True)
ts = [threading.Thread(target=officer, args=(k, code)) for k, code in enumerate(codes)]
for t in ts:
    t.start()
for t in ts:
    t.join()
with open(out, "w") as f:
    for code, n in acked:
        f.write(f"{code} {n}\n")
PY
DRIVER=$!
# Kill between 1.5 and 4 s into the submissions.
sleep "$(python3 -c "import random; random.seed($SEED); print(round(random.uniform(1.5, 4), 2))")"
kill -KILL "$WEB_PID"
wait "$WEB_PID" 2>/dev/null || true
WEB_PID=
wait "$DRIVER" || { cat "$T/driver.log"; die "the driver failed"; }
grep -q unexpected "$T/driver.log" && { cat "$T/driver.log"; die "an unexpected answer"; }
n=$(wc -l < "$T/acked" | tr -d ' ')
[ "$n" -gt 0 ] || { cat "$T/driver.log" "$T/web.log"; die "no submission was acknowledged before the kill"; }
echo "$n submissions acknowledged before the kill"

web_start # the database recovers (WAL) as dti-web opens it
while read -r code value; do
  got=$(q "SELECT count(*) FROM observation o JOIN source s ON s.id = o.source_id
           WHERE s.name = 'form:$code' AND o.variable = 'portal_dx_posts' AND o.value = '$value'")
  [ "$got" = 1 ] || die "acknowledged submission $code=$value is not stored"
done < "$T/acked"
expect_eq "no run left running" "$(q "SELECT count(*) FROM run WHERE program = 'dti-web' AND status <> 'ok'")" 0
expect_eq "every run recorded who" "$(q "SELECT count(*) FROM run r WHERE r.program = 'dti-web'
  AND NOT EXISTS (SELECT 1 FROM declaration_submission s WHERE s.run_id = r.id AND s.account = r.user)")" 0
expect_eq "every run whole" "$(q "SELECT count(*) FROM run r WHERE r.program = 'dti-web'
  AND (r.records_stored <> (SELECT count(*) FROM observation o WHERE o.run_id = r.id)
       OR (SELECT count(*) FROM commune_contact k WHERE k.run_id = r.id) <> 2)")" 0
expect_eq "no draft marked by a lost run" "$(q "SELECT count(*) FROM declaration_item i
  WHERE i.submitted_run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM run r WHERE r.id = i.submitted_run_id)")" 0
# And it serves again.
python3 - "$PORT" <<'PY' || die "dti-web after the restart"
import sys
from web_client import Client
c = Client(int(sys.argv[1]))
c.login("cb.11989", "correct-horse-battery-9")
r = c.get("/commune")
if r.status != 200 or "Xã Lạc Đạo" not in r.text:
    raise SystemExit(f"FAIL: the page after the restart: {r.status}")
PY
echo ok
