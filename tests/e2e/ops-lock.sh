#!/bin/sh
# Two nightly runs started together: one runs, the other exits at once
# with 5 (lock held) and does nothing; the lock is free again afterwards.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure fake '[{"name": "portal-slow", "kind": "portal"}]'
start=$(date +%s)
FAKE_SLEEP=3 nightly >/dev/null 2>"$DTI_TMP/a.err" &
a=$!
FAKE_SLEEP=3 nightly >/dev/null 2>"$DTI_TMP/b.err" &
b=$!
# Whichever lost the race must be back long before the slow source ends.
lost=
for _ in $(seq 1 60); do
	for p in $a $b; do
		kill -0 "$p" 2>/dev/null || lost=$p
	done
	[ -n "$lost" ] && break
	sleep 0.05
done
[ -n "$lost" ] || fail "neither run exited within 3 s (both running?)"
early=$(($(date +%s) - start))
wait "$a"
ra=$?
wait "$b"
rb=$?
cat "$DTI_TMP/a.err" "$DTI_TMP/b.err"
if [ "$lost" = "$a" ]; then rl=$ra rw=$rb el=$DTI_TMP/a.err; else rl=$rb rw=$ra el=$DTI_TMP/b.err; fi
[ "$rl" = 5 ] || fail "the second run exited $rl, expected 5 (lock held)"
[ "$rw" = 0 ] || fail "the first run exited $rw, expected 0"
[ "$early" -le 3 ] || fail "the second run took $early s to give up"
grep -q "another nightly run holds" "$el" || fail "the second run did not say why it stopped"
grep -q "another nightly run holds" "$dep/var/log/dti-nightly.log" || fail "the refusal is not in the log"
[ "$(q "SELECT count(*) FROM nightly_run")" = 1 ] || fail "the refused run was recorded"
[ "$(q "SELECT count(*) FROM scoring_run")" = 1 ] || fail "expected one scoring run"
# Lock released: the next run goes ahead (nothing changed: no new scoring).
FAKE_SLEEP=0 nightly 2>"$DTI_TMP/c.err"
rc=$?
[ "$rc" = 0 ] || fail "the run after them exited $rc"
grep -q "not scored again" "$DTI_TMP/c.err" || fail "unchanged inputs were scored again"
echo "lock ok"
