#!/bin/sh
# Collector benchmarks (figures only; never fails because of speed):
#  1. 500 URL-template endpoints on a local server answering after 50 ms
#     each: 16 parallel connections against one after another; the ideal
#     is 500 / 16 x 50 ms.
#  2. The OneTouch export reader on a 1 GiB and a 128 MiB file: throughput
#     against `wc -l` on the same (cached) file, and peak memory.
# Big files are generated in /tmp (BENCH_TMP) and deleted afterwards.
set -u
R=${DTI_ROOT:?}
B=${DTI_BIN:?}
T=${DTI_TMP:-$(mktemp -d)}
BIG=${BENCH_TMP:-/tmp}/dti-bench-onetouch.$$
ENDPOINTS=${BENCH_ENDPOINTS:-500}
GIB=${BENCH_ONETOUCH_MB:-1024}
HTTPD_PID=""
cleanup() {
	[ -n "$HTTPD_PID" ] && kill "$HTTPD_PID" 2>/dev/null
	rm -f "$BIG".*.csv
}
trap cleanup EXIT INT TERM

# ---- 1. parallel fetching ------------------------------------------------
awk -F, -v n="$ENDPOINTS" 'NR > 1 && c < n { print $5 "," $6; c++ }' \
	"$R/config/admin-units-2025-03-01.csv" >"$T/communes.csv"
python3 "$R/tests/e2e/lib/httpd.py" "$T/port" 50 >"$T/httpd.log" 2>&1 &
HTTPD_PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat "$T/port")
block() {
	printf '{"name": "%s", "kind": "telecom", "max_age_hours": 1, "url": "http://127.0.0.1:%s/feed/commune/{commune}", "records": "du_lieu", "commune": {"code": "ma_xa"}, "fields": {"smartphone_users": "tb_smartphone"}, "max_host_connections": %s, "max_connections": %s}' "$1" "$PORT" "$2" "$2"
}
cat >"$T/bench.json" <<CONF
{ "name": "bench", "year": 2024, "database": "$T/bench.db", "output_dir": "$T/out",
  "framework": "$R/config/frameworks/commune-2024.json",
  "admin_units": "$R/config/admin-units-2025-03-01.csv",
  "communes_csv": "$T/communes.csv",
  "collect": {"retries": 0, "timeout_ms": 60000},
  "sources": [ $(block parallel 16), $(block sequential 1) ] }
CONF
secs() { sed -n 's/.* time=\([0-9.]*\)s.*/\1/p'; }
par=$("$B/dti-collect-telecom" --config "$T/bench.json" --dry-run --source parallel 2>&1 | tee "$T/par.txt" | secs)
seq=$("$B/dti-collect-telecom" --config "$T/bench.json" --dry-run --source sequential 2>&1 | tee "$T/seq.txt" | secs)
grep -q "dry_run" "$T/par.txt" || { cat "$T/par.txt"; echo "parallel run failed"; }
awk -v n="$ENDPOINTS" -v p="$par" -v s="$seq" 'BEGIN {
	ideal = n / 16 * 0.050
	printf "fetch: %d endpoints x 50 ms: 16 connections %.2f s (ideal %.2f s, %.2fx ideal); one after another %.2f s (%.1fx slower)\n", n, p, ideal, p / ideal, s, s / p }'
kill "$HTTPD_PID" 2>/dev/null
HTTPD_PID=""

# ---- 2. OneTouch export ----------------------------------------------------
python3 - "$R/samples/feeds/onetouch-learners-2024.csv" "$BIG" "$GIB" <<'PY'
import sys
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(src, 'rb').read().split(b'\r\n')
head, rows = lines[0], [r for r in lines[1:] if r]
block = b'\r\n'.join(rows) + b'\r\n'
for size, name in ((128, 'small'), (mb, 'big')):
    with open('%s.%s.csv' % (out, name), 'wb') as f:
        f.write(head + b'\r\n')
        n = 0
        while n < size << 20:
            f.write(block)
            n += len(block)
PY
for size in small big; do
	f=$BIG.$size.csv
	cat >"$T/ot.json" <<CONF
{ "name": "bench", "year": 2024, "database": "$T/ot.db", "output_dir": "$T/out",
  "framework": "$R/config/frameworks/commune-2024.json",
  "admin_units": "$R/config/admin-units-2025-03-01.csv",
  "communes_csv": "$R/config/communes-van-lam.csv",
  "sources": [ {"name": "onetouch", "kind": "onetouch", "max_age_hours": 1, "url": "file://$f"} ] }
CONF
	bytes=$(wc -c <"$f")
	wc -l "$f" >/dev/null # warm the page cache
	# Best of three for both: the machine is shared, the best run is the
	# one least disturbed.
	wbest=999999
	for i in 1 2 3; do
		w0=$(date +%s.%N); wc -l "$f" >/dev/null; w1=$(date +%s.%N)
		wbest=$(awk "BEGIN { w = $w1 - $w0; print (w < $wbest) ? w : $wbest }")
	done
	best=999999 rss=0 cpu=0
	for i in 1 2 3; do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f "%e %M %U %S" -o "$T/time.txt" "$B/dti-collect-onetouch" --config "$T/ot.json" >"$T/ot.txt" 2>&1
			set -- $(cat "$T/time.txt")
		else
			c0=$(date +%s.%N); "$B/dti-collect-onetouch" --config "$T/ot.json" >"$T/ot.txt" 2>&1; c1=$(date +%s.%N)
			set -- "$(awk "BEGIN { print $c1 - $c0 }")" 0 0 0
		fi
		grep -q ": ok " "$T/ot.txt" || { cat "$T/ot.txt"; echo "onetouch run failed"; }
		if awk "BEGIN { exit !($1 < $best) }"; then best=$1; cpu=$(awk "BEGIN { print $3 + $4 }"); fi
		[ "$2" -gt "$rss" ] && rss=$2
	done
	awk -v b="$bytes" -v w="$wbest" -v e="$best" -v c="$cpu" -v m="$rss" -v rows="$(sed -n 's/.* read=\([0-9]*\).*/\1/p' "$T/ot.txt")" 'BEGIN {
		mb = b / 1048576
		printf "onetouch: %.0f MiB, %d rows: %.2f s (%.0f MiB/s, %.2f s CPU); wc -l %.2f s (%.0f MiB/s); %.0f%% of wc -l; peak memory %s KiB\n", mb, rows, e, mb / e, c, w, mb / w, 100 * w / e, m }'
	rm -f "$f"
done
