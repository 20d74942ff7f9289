#!/bin/sh
# Analyst queries issued continuously (two readers) while nightly runs
# import every sheet and score again: every query succeeds (WAL, busy
# timeout) and no query sees a half-written batch: in every snapshot the
# partial-batch invariants hold, the ranking is complete and the current
# inputs are all there.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
sheets=$dep/samples/sheets
nightly 2>/dev/null || fail "the first run failed"
inputs=$(q "SELECT count(*) FROM current_input WHERE year = 2024")
[ "$inputs" -gt 0 ] || fail "no inputs after the first run"
expect="0|11|$inputs"
query="SELECT ($INVARIANTS), (SELECT count(*) FROM current_ranking WHERE year = 2024),
       (SELECT count(*) FROM current_input WHERE year = 2024)"

reader() { # $1: its name
	n=0
	while [ ! -e "$DTI_TMP/stop" ]; do
		if ! out=$(sqlite3 -cmd ".timeout 20000" "$db" "$query" 2>&1); then
			echo "$1: query failed: $out" >>"$DTI_TMP/reader-errors"
		elif [ "$out" != "$expect" ]; then
			echo "$1: saw '$out', expected '$expect'" >>"$DTI_TMP/reader-errors"
		fi
		n=$((n + 1))
	done
	echo "$n" >"$DTI_TMP/$1.count"
}
# The readers stop when this script ends, whatever way it ends.
trap 'touch "$DTI_TMP/stop"' EXIT
reader r1 &
p1=$!
reader r2 &
p2=$!
for i in 1 2; do
	# New figures: the changed sheets are stored and the year scored again
	# while the readers read.
	perturb "$i"
	nightly 2>"$DTI_TMP/n$i.err" || fail "nightly $i failed: $(tail -n 5 "$DTI_TMP/n$i.err")"
	grep -q "scoring run [0-9]*: 11 communes" "$DTI_TMP/n$i.err" || fail "nightly $i did not score again"
done
touch "$DTI_TMP/stop"
wait "$p1" "$p2"
n1=$(cat "$DTI_TMP/r1.count") n2=$(cat "$DTI_TMP/r2.count")
echo "readers issued $n1 and $n2 queries during 2 nightly runs"
if [ -s "$DTI_TMP/reader-errors" ]; then
	head -n 20 "$DTI_TMP/reader-errors"
	fail "$(wc -l <"$DTI_TMP/reader-errors") reader queries failed or saw a partial state"
fi
[ "$n1" -ge 20 ] && [ "$n2" -ge 20 ] || fail "too few queries to mean anything ($n1, $n2)"
[ "$(q "SELECT count(*) FROM scoring_run WHERE status = 'ok'")" = 3 ] || fail "expected 3 scoring runs"
echo "readers ok"
