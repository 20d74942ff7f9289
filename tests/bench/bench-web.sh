#!/bin/sh
# dti-web under load: 300 commune officers of Nghệ An (province 40) on
# loopback, each logged in, open their declaration and submit it, all at
# once.  Prints the submissions' p50 / p99 latency, the errors (there must
# be none) and whether every acknowledged submission was stored.
set -eu
T=$DTI_TMP
. "$DTI_ROOT/tests/bench/web.inc"
R=$DTI_ROOT
N=${DTI_BENCH_OFFICERS:-300}
cat > "$T/dti.json" <<JSON
{ "name": "bench", "year": 2024, "database": "dti.db", "output_dir": "out",
  "framework": "$R/config/frameworks/commune-2024.json",
  "admin_units": "$R/config/admin-units-2025-03-01.csv",
  "district": {"province_code": "40"},
  "rounds": {"2024": {"deadline": "2099-12-31T17:00:00+07:00"}},
  "web": {"threads": 8, "max_connections": 1024, "max_connections_per_address": 1024} }
JSON
export DTI_AUTH_FAST_HASH=1 # the benchmark measures submissions, not Argon2id
dti() { "$DTI_BIN/dti" -q --config "$T/dti.json" "$@"; }
dti init > /dev/null 2>&1 || true
sqlite3 "$T/dti.db" "SELECT code FROM commune WHERE active = 1 ORDER BY code LIMIT $N" > "$T/codes"
while read -r c; do
  echo "bench-pw-123456" | dti user add "cb$c" --role commune --commune "$c" --password-stdin > /dev/null
done < "$T/codes"
bench_web_start "$T/dti.json"
PYTHONPATH="$R/tests/e2e/lib" python3 - "$PORT" "$T/codes" "$T/acked" <<'PY'
import sys, threading, time
from web_client import Client, page_fields, with_answers
port, codes, out = int(sys.argv[1]), open(sys.argv[2]).read().split(), sys.argv[3]
L = "https://example.vn/qd.pdf"
clients, pages, lat, errors, acked = {}, {}, [], [], []
lock = threading.Lock()
go = threading.Barrier(len(codes))
def officer(code):
    try:
        c = Client(port)
        c.login(f"cb{code}", "bench-pw-123456")
        f = with_answers(page_fields(c.get("/commune").text), answer__steering_head="chair",
                         link__steering_head=L, answer__portal_dx_section="yes", link__portal_dx_section=L,
                         answer__portal_dx_posts="12", **{"contact-officer-name": "Nguyễn Văn A",
                         "contact-officer-phone": "0912345678", "contact-approver-name": "Trần Thị B",
                         "contact-approver-phone": "0987654321"})
        go.wait()
        t0 = time.monotonic()
        r = c.post("/commune/submit", f)
        dt = time.monotonic() - t0
        with lock:
            lat.append(dt)
            if r.status == 303:
                acked.append(code)
            else:
                errors.append(f"{code}: {r.status}")
    except Exception as e:
        with lock:
            errors.append(f"{code}: {type(e).__name__} {e}")
t0 = time.monotonic()
ts = [threading.Thread(target=officer, args=(c,)) for c in codes]
for t in ts: t.start()
for t in ts: t.join()
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
print(f"{len(codes)} officers submitting at once: p50 {q(0.5)*1000:.0f} ms, p99 {q(0.99)*1000:.0f} ms, "
      f"max {q(1.0)*1000:.0f} ms, errors {len(errors)}")
for e in errors[:5]: print("  error:", e)
open(out, "w").write("\n".join(acked) + "\n")
PY
stored=$(sqlite3 "$T/dti.db" "SELECT count(DISTINCT commune_code) FROM declaration_submission")
echo "submissions acknowledged: $(grep -c . "$T/acked"), stored: $stored"
rm -rf "$T"
