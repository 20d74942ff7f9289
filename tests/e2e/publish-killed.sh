#!/bin/sh
# dti publish killed (kill -9) part-way leaves the report that was there
# whole (issue #16, item 3): every file of it byte for byte, no half folder
# in its place, nothing new beside it but the hidden folder being written;
# and the next publish puts the new report in place and removes what the
# killed ones left.  The moments of the kills are random fractions of a
# publish's measured time; the seed is printed, DTI_KILL_SEED=N replays it.
set -eu
T=$DTI_TMP
fail() { echo "FAIL: $*"; exit 1; }
dti() { "$DTI_BIN/dti" -q --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
SEED=${DTI_KILL_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "seed $SEED (DTI_KILL_SEED=$SEED to replay)"

# 600 units of the national data set: enough for a publish to take a while.
python3 "$DTI_ROOT/tests/bench/national.py" "$DTI_ROOT" "$T/nat" >/dev/null
python3 - "$T/nat" 600 <<'PY'
import csv, sys
d, n = sys.argv[1], int(sys.argv[2])
rows = list(csv.reader(open(f'{d}/communes.csv', encoding='utf-8')))
keep = {r[0] for r in rows[1:n + 1]}
with open(f'{d}/communes.csv', 'w', encoding='utf-8', newline='') as f:
    csv.writer(f).writerows(rows[:n + 1])
inputs = list(csv.reader(open(f'{d}/inputs.csv', encoding='utf-8')))
with open(f'{d}/inputs.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f); w.writerow(inputs[0])
    w.writerows(r for r in inputs[1:] if r[0] in keep)
PY
dti communes load "$T/nat/communes.csv"
dti import "$T/nat/inputs.csv"
dti score >/dev/null
# The kills are timed by a publish over the report the one before kept
# (OUT/.2024.spare), the fastest kind: a first publish makes every file and
# takes twice as long, so kills timed by it mostly came after a later,
# faster one had ended (3 rounds missed the writing in about 1 run of 8).
dti publish --out "$T/out" >/dev/null
dti publish --out "$T/out" >/dev/null
start=$(date +%s.%N)
dti publish --out "$T/out" >/dev/null
took=$(python3 -c "import sys; print('%.2f' % max(float(sys.argv[2]) - float(sys.argv[1]), 0.2))" \
	"$start" "$(date +%s.%N)")
cp -a "$T/out/2024" "$T/before"
dti score >/dev/null # a second run: another report
# That report, whole: a kill after the swap, while the folder that held the
# old report is being removed, leaves it in place.  A publish of one run is
# the same bytes every time but for the sources' ages on the data-quality
# page (as of the moment it is written), which is compared whole only.
dti publish --out "$T/ref" >/dev/null
is_new() {
	diff -r -x data-quality.html "$T/ref/2024" "$T/out/2024" >/dev/null &&
		grep -q '</html>' "$T/out/2024/report/data-quality.html"
}

# Only the report's own folder may be visible in OUT (hidden ones aside).
visible() { ls "$T/out" | tr '\n' ' '; }
keep_before() { rm -rf "$T/before" && cp -a "$T/out/2024" "$T/before"; }
# At least 3 rounds, and more (up to 10) until a kill lands mid-write.
mid=0
for round in 1 2 3 4 5 6 7 8 9 10; do
	[ "$round" -gt 3 ] && [ "$mid" -gt 0 ] && break
	delay=$(python3 -c "import random, sys
random.seed(int(sys.argv[1]) * 10 + int(sys.argv[2]))
print('%.3f' % (float(sys.argv[3]) * random.uniform(0.1, 0.8)))" "$SEED" "$round" "$took")
	# The program itself, not a shell around it, is what is killed.
	"$DTI_BIN/dti" -q --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" \
		publish --out "$T/out" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [ -d "$T/out/.2024.new.$pid" ]; then
		if diff -r "$T/before" "$T/out/2024" >/dev/null; then
			mid=$((mid + 1))
		else
			is_new ||
				fail "round $round: killed after ${delay}s, the report is neither the one before nor the new one"
			echo "round $round: killed after the swap, the new report whole"
			keep_before
		fi
	elif diff -r "$T/before" "$T/out/2024" >/dev/null; then
		# Killed before its folder was made: nothing changed.
		echo "round $round: killed before writing"
	else
		# The publish ended before the kill: the new report is whole.
		is_new ||
			fail "round $round: no folder left, and the report is neither the one before nor the new one"
		keep_before
	fi
	[ "$(visible)" = "2024 " ] || fail "round $round: OUT shows '$(visible)'"
	echo "round $round: killed after ${delay}s of a ${took}s publish"
done
[ "$mid" -gt 0 ] || fail "no kill landed while the report was being written (publish ${took}s)"

# The next publish puts the new run's report in place, whole.
dti publish --out "$T/out" >/dev/null
[ "$(visible)" = "2024 " ] || fail "after the last publish OUT shows '$(visible)'"
# What the killed ones left behind is gone with their processes.
left=$(ls -A "$T/out" | grep -v '^2024$' | grep -v '^\.2024\.spare$' | grep -v '^\.publish\.lock$' || true)
[ -z "$left" ] || fail "a killed publish's folder outlived the next publish: $left"
run=$(sqlite3 "$T/dti.db" "SELECT max(id) FROM scoring_run")
grep -q "\"id\": $run," "$T/out/2024/dti-2024.json" || fail "the last publish is not of run $run"
python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$T/out/2024/dti-2024.json" ||
	fail "the JSON of the last publish does not parse"
echo "publish killed $mid time(s) mid-write: the report before stayed whole"
