#!/bin/sh
# SIGKILL at random points, many trials: whole nightly runs (the process
# group: the entry point, the import or scoring in progress, the log tee),
# then imports of a large sheet and scoring runs killed at a random point
# of their measured duration.  After every kill the database passes PRAGMA integrity_check and
# holds no partial batch (every ok run has exactly its records_stored
# observations, no observation belongs to a run that is not ok, every ok
# scoring run has its whole score set); the lock is free; and finally a
# run completes and the status is ok.
. "$DTI_ROOT/tests/e2e/ops-common.inc"
# A nightly killed so cannot remove its temporary folder: it is made in
# this test's scratch folder, removed with it, not left in /tmp.
TMPDIR=$DTI_TMP
export TMPDIR

NIGHTLY_TRIALS=${DTI_KILL_NIGHTLY_TRIALS:-8}
TRIALS=${DTI_KILL_TRIALS:-30}
# The kill points are random from one seed, printed so that a failure can be
# replayed: DTI_KILL_SEED=N sh tests/e2e/ops-kill.sh.
SEED=${DTI_KILL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $SEED (replay with DTI_KILL_SEED=$SEED)"
killed=0
configure real '[]'
sheets=$dep/samples/sheets

t0=$(date +%s%N)
nightly 2>/dev/null || fail "the first run failed"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "a full nightly run takes ${ms} ms; killing $NIGHTLY_TRIALS runs at random points"

# wait_for PATTERN: until the run's stderr shows it (at most 10 s).
wait_for() {
	n=0
	while ! grep -q "$1" "$DTI_TMP/k.err" 2>/dev/null && [ "$n" -lt 500 ]; do
		sleep 0.02
		n=$((n + 1))
	done
}

# random_delay TRIAL WINDOW_MS: seconds into the run at which trial TRIAL kills.
random_delay() {
	awk -v s="$SEED" -v i="$1" -v w="$2" 'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * w / 1000 }'
}

# group_gone: waits until no live process (zombies aside) of group $pgid is
# left.  kill -KILL -PGID only sends the signal: each process of the group
# still has to be scheduled to die and close its files (and with them the
# lock), and `wait` reaps only the group's leader.  Gives up after 10 s,
# naming what is left.
group_gone() {
	n=0
	while :; do
		left=
		for st in /proc/[0-9]*/stat; do
			{ read -r line <"$st"; } 2>/dev/null || continue
			# "PID (COMM) STATE PPID PGRP ...": COMM may hold spaces.
			set -- ${line##*) }
			[ "$3" = "$pgid" ] && [ "$1" != Z ] && left="$left ${st#/proc/}"
		done
		[ -z "$left" ] && return 0
		[ "$n" -ge 500 ] && fail "processes of the killed run still alive after 10 s:$left"
		sleep 0.02
		n=$((n + 1))
	done
}

last_sheet=$(ls "$sheets"/*.csv | tail -n 1)
killed_in=
pid=
# A trial left running when this script ends is stopped with it.
trap '[ -n "$pid" ] && kill -KILL "-$pid" 2>/dev/null' EXIT
i=1
while [ "$i" -le "$NIGHTLY_TRIALS" ]; do
	perturb "$i"
	: >"$DTI_TMP/k.err"
	setsid sh "$NIGHTLY" --config "$dep/config/dti.json" >/dev/null 2>"$DTI_TMP/k.err" &
	pid=$!
	# Odd trials die anywhere in the imports; even ones after the last
	# sheet's import, in scoring, publishing or the backup.
	if [ $((i % 2)) = 1 ]; then
		wait_for "dti-nightly: starting"
		window=$ms
	else
		wait_for "$(basename "$last_sheet"): "
		window=400
	fi
	delay=$(random_delay "$i" "$window")
	sleep "$delay"
	kill -KILL "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pgid=$pid
	group_gone
	# What the run was doing when it died (its last log line).
	last=$(tail -n 1 "$DTI_TMP/k.err" | sed 's/^[^ ]* //; s/: .*//; s/^/after /')
	[ "$last" = "after " ] && last="before its first line"
	[ -n "$last" ] || last="before its first line"
	killed_in="$killed_in
$last"
	check_db "trial $i (killed ${delay}s in, $last)"
	# The kernel dropped the lock with the processes.
	flock -n "$dep/var/dti-nightly.lock" true || fail "trial $i: the lock is still held"
	i=$((i + 1))
done
echo "where the nightly kills landed (the run's last log line):"
printf '%s\n' "$killed_in" | sed '/^$/d' | sort | uniq -c

# A wide sheet with a year column: 25 years x 11 communes x 18 values.
big=$DTI_TMP/big.csv
f=$sheets/statistics-office.csv
{
	head -n 1 "$f" | tr -d '\r' | sed 's/^commune_code,commune_name,/commune_code,commune_name,year,/'
	for y in $(seq 2000 2024); do
		tail -n +2 "$f" | tr -d '\r' | awk -F, -v OFS=, -v y="$y" '{ $2 = $2 "," y; print }'
	done
} >"$big"
# timed_ms CMD...: milliseconds one run of CMD takes.
timed_ms() {
	t0=$(date +%s%N)
	"$@" 2>/dev/null || fail "$* failed"
	echo $((($(date +%s%N) - t0) / 1000000))
}
import_ms=$(timed_ms dti import --source big-sheet "$big")
score_ms=$(timed_ms dti score)
echo "importing the large sheet takes ${import_ms} ms, scoring ${score_ms} ms; killing $TRIALS of them"
i=1
while [ "$i" -le "$TRIALS" ]; do
	if [ $((i % 2)) = 1 ]; then
		w=$import_ms what=import
		set -- "$DTI_BIN/dti" --config "$dep/config/dti.json" import --source big-sheet "$big"
	else
		w=$score_ms what=score
		set -- "$DTI_BIN/dti" --config "$dep/config/dti.json" score
	fi
	delay=$(random_delay $((100 + i)) "$w")
	"$@" 2>/dev/null &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null
	check_db "$what trial $i (killed ${delay}s in)"
	i=$((i + 1))
done
echo "$killed of $TRIALS imports and scorings were killed before they ended"

perturb 0
nightly 2>"$DTI_TMP/final.err"
rc=$?
[ "$rc" = 0 ] || fail "the run after the kills exited $rc: $(tail -n 5 "$DTI_TMP/final.err")"
check_db "after the final run"
dti status >"$DTI_TMP/status.out" || fail "status is not ok after the final run: $(cat "$DTI_TMP/status.out")"
interrupted=$(q "SELECT count(*) FROM nightly_run WHERE status = 'interrupted'")
echo "$interrupted killed runs recorded as interrupted"
[ "$(q "SELECT count(*) FROM nightly_run WHERE status = 'running'")" = 0 ] || fail "runs left 'running'"
[ "$(q "SELECT count(*) FROM current_ranking WHERE year = 2024")" = 11 ] || fail "no complete ranking"
echo "kill trials ok"
