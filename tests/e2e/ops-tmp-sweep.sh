#!/bin/sh
# A nightly run killed outright (SIGKILL, the OOM killer) leaves its
# temporary folder; the next run removes those whose run is gone and
# keeps a live run's, one without a pid file (an earlier version's), one
# whose pid file is not a number or is a FIFO, and a symbolic link, and leaves none of
# its own.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

TMPDIR=$DTI_TMP/tmp
export TMPDIR
mkdir -p "$TMPDIR"
configure fake '[]'

# A process that is gone, and one that lives until the end.
sh -c 'exit 0' &
dead=$!
wait "$dead"
sleep 600 &
live=$!
trap 'kill "$live" 2>/dev/null' EXIT
kill -0 "$dead" 2>/dev/null && fail "process $dead is still there"

plant() { # NAME PID|-: a folder as a run leaves it (a FIFO and the pid)
	mkdir "$TMPDIR/dti-nightly.$1"
	mkfifo "$TMPDIR/dti-nightly.$1/log"
	[ "$2" = - ] || echo "$2" >"$TMPDIR/dti-nightly.$1/pid"
}
plant Gone01 "$dead"
plant Gone02 "$dead"
plant Alive1 "$live"
plant NoPid1 -
plant Bogus1 "12x"
plant FifoP1 -
mkfifo "$TMPDIR/dti-nightly.FifoP1/pid"
mkdir "$DTI_TMP/elsewhere"
echo "$dead" >"$DTI_TMP/elsewhere/pid"
ln -s "$DTI_TMP/elsewhere" "$TMPDIR/dti-nightly.Link01"
# A dead run's folder of another user (another deployment's nightly) is
# theirs to remove: shown by root making one another user's.
others=
if [ "$(id -u)" = 0 ]; then
	plant Other1 "$dead"
	chown -R 65534 "$TMPDIR/dti-nightly.Other1"
	others=Other1
fi

DTI_BIN=$NIGHTLY_BIN timeout 60 sh "$NIGHTLY" --config "$dep/config/dti.json" 2>"$DTI_TMP/n.err" ||
	fail "the nightly run failed (or hung on a FIFO): $(tail -n 5 "$DTI_TMP/n.err")"
for d in Gone01 Gone02; do
	[ ! -e "$TMPDIR/dti-nightly.$d" ] || fail "the folder of a run that is gone was kept: $d"
	grep -q "removed $TMPDIR/dti-nightly.$d, left by a run that was killed" "$DTI_TMP/n.err" ||
		fail "the removal of $d is not logged"
	grep -q "removed $TMPDIR/dti-nightly.$d" "$dep/var/log/dti-nightly.log" ||
		fail "the removal of $d is not in the log file"
done
for d in Alive1 NoPid1 Bogus1 FifoP1 $others; do
	[ -d "$TMPDIR/dti-nightly.$d" ] || fail "the folder $d was removed"
done
[ -L "$TMPDIR/dti-nightly.Link01" ] && [ -f "$DTI_TMP/elsewhere/pid" ] ||
	fail "a symbolic link (or what it points to) was removed"
left=$(ls -A "$TMPDIR" | grep -v -e '^dti-nightly\.Alive1$' -e '^dti-nightly\.NoPid1$' \
	-e '^dti-nightly\.Bogus1$' -e '^dti-nightly\.FifoP1$' -e '^dti-nightly\.Link01$' \
	-e '^dti-nightly\.Other1$' || true)
[ -z "$left" ] || fail "the run left in TMPDIR: $left"

rm -r "$TMPDIR/dti-nightly.FifoP1" # (the search below reads every pid file)

# SIGKILLed after it started: its folder stays until the next run.
setsid sh "$NIGHTLY" --config "$dep/config/dti.json" >/dev/null 2>"$DTI_TMP/k.err" &
pid=$!
for _ in $(seq 1 400); do
	grep -q "dti-nightly: starting" "$DTI_TMP/k.err" && break
	sleep 0.05
done
grep -q "dti-nightly: starting" "$DTI_TMP/k.err" || fail "the run to kill did not start"
kill -KILL "-$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 1 100); do
	pgrep -g "$pid" >/dev/null 2>&1 || break
	sleep 0.05
done
killed=$(grep -l "^$pid\$" "$TMPDIR"/dti-nightly.*/pid 2>/dev/null | head -n 1)
[ -n "$killed" ] || fail "the killed run left no folder with its pid (nothing to sweep)"
nightly 2>"$DTI_TMP/n2.err" || fail "the run after the killed one failed: $(tail -n 5 "$DTI_TMP/n2.err")"
[ ! -e "$(dirname "$killed")" ] || fail "the killed run's folder outlived the next run"
echo "temporary folders swept"
