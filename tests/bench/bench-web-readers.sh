#!/bin/sh
# dti-web reading a national database (every unit of the list of 1 March
# 2025, scored): 8 viewers at once each open 50 communes' pages, with the
# appraisal queue and the status page between them.  Run with 1 thread
# and with 8 ("web"."threads"); prints each run's time and dti-web's peak
# memory, and the 8 threads' peak as a ratio of the 1 thread's (each
# thread has its own database connection and page cache).
set -eu
T=$DTI_TMP
. "$DTI_ROOT/tests/bench/web.inc"
R=$DTI_ROOT
python3 "$R/tests/bench/national.py" "$R" "$T" >/dev/null
export DTI_AUTH_FAST_HASH=1 # the benchmark measures pages, not Argon2id
for threads in 1 8; do
	cat >"$T/dti-$threads.json" <<JSON
{ "name": "bench", "year": 2024, "database": "dti.db", "output_dir": "out",
  "framework": "$R/config/frameworks/commune-2024.json",
  "admin_units": "$R/config/admin-units-2025-03-01.csv",
  "web": {"threads": $threads} }
JSON
done
dti() { "$DTI_BIN/dti" -q --config "$T/dti-1.json" "$@"; }
dti communes load "$T/communes.csv" >/dev/null
dti import "$T/inputs.csv" >/dev/null
dti score >/dev/null
echo "viewer-pw-123456" | dti user add v1 --role viewer --password-stdin >/dev/null
sqlite3 "$T/dti.db" "SELECT code FROM commune ORDER BY code" | awk 'NR % 25 == 0' | head -n 400 >"$T/codes"
for threads in 1 8; do
	bench_web_start "$T/dti-$threads.json"
	PYTHONPATH="$R/tests/e2e/lib" python3 - "$PORT" "$T/codes" "$threads" "$WEB" "$T/peaks" <<'PY'
import sys, threading, time
from web_client import Client
port, codes, threads, pid = int(sys.argv[1]), open(sys.argv[2]).read().split(), sys.argv[3], sys.argv[4]
errors, pages = [], [0]
lock = threading.Lock()
def viewer(k):
    try:
        c = Client(port)
        c.login("v1", "viewer-pw-123456")
        for i, code in enumerate(codes[k::8]):
            for p in (f"/commune?commune={code}",
                      "/appraise" if i % 10 == 0 else "/admin/status" if i % 10 == 5 else None):
                if p:
                    r = c.get(p)
                    with lock:
                        pages[0] += 1
                        if r.status != 200:
                            errors.append(f"{p}: {r.status}")
    except Exception as e:
        with lock:
            errors.append(f"{type(e).__name__} {e}")
t0 = time.monotonic()
ts = [threading.Thread(target=viewer, args=(k,)) for k in range(8)]
for t in ts: t.start()
for t in ts: t.join()
dt = time.monotonic() - t0
hwm = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM:"))
print(f"dti-web, {threads} thread(s), 8 viewers: {pages[0]} pages in {dt:.1f} s "
      f"({pages[0] / dt:.1f} pages/s), peak {hwm / 1024:.1f} MB, errors {len(errors)}", flush=True)
for e in errors[:3]: print("  error:", e)
open(sys.argv[5], "a").write(f"{threads} {hwm}\n")
PY
	kill "$WEB"
	wait "$WEB" 2>/dev/null || true
	trap - EXIT
done
awk '{ m[$1] = $2 } END { if (m[1]) printf "  peak with 8 threads against 1 thread: %.2fx (each thread its own connection)\n", m[8] / m[1] }' "$T/peaks"
rm -rf "$T"
