#!/bin/sh
# Publishes into one folder wait for each other, and each chooses its run
# only once it holds the lock: a publish of the official result that
# started while run A was official, and waited while run B was approved
# (and published elsewhere), publishes B, not the superseded A.  A publish
# waits while another holds the lock, says so, and goes ahead when it is
# released; the lock file is not part of any report, and is readable by
# all whatever the umask.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
outdir=$dep/var/out
lock=$outdir/.publish.lock
nightly 2>"$DTI_TMP/n0.err" || fail "first nightly run failed: $(tail -n 5 "$DTI_TMP/n0.err")"
ra=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
perturb 1
nightly 2>"$DTI_TMP/n1.err" || fail "second nightly run failed: $(tail -n 5 "$DTI_TMP/n1.err")"
rb=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
[ -n "$ra" ] && [ "$rb" != "$ra" ] || fail "expected two scoring runs, got '$ra' and '$rb'"
dti approve "$ra" --decision 1/QĐ-A --decision-date 2025-01-15 --by "Sở" >/dev/null 2>"$DTI_TMP/a.err" ||
	fail "approving run $ra failed: $(cat "$DTI_TMP/a.err")"
off=$outdir/official-2024/report/index.html
grep -q 'Quyết định số 1/QĐ-A' "$off" || fail "the official report is not run $ra's"
[ -f "$lock" ] || fail "the publish left no lock file at $lock"

# wait_for FILE TEXT: until the process writing FILE has said TEXT (a
# publish blocked on the lock says so before it waits).
wait_for() {
	for _ in $(seq 1 400); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no '$2' in $1 within 20 s: $(cat "$1")"
}

# The lock held by another process (flock(1) on the same file): a
# publish of the official result waits, then B is approved and published
# into another folder (whose lock is free) while it waits.
fifo=$DTI_TMP/hold
mkfifo "$fifo"
flock "$lock" sh -c "echo held; read -r _ <'$fifo'" >"$DTI_TMP/hold.out" &
holder=$!
wait_for "$DTI_TMP/hold.out" held
dti publish --official >"$DTI_TMP/p.out" 2>"$DTI_TMP/p.err" &
pub=$!
wait_for "$DTI_TMP/p.err" "another publish is running; waiting for it to finish"
kill -0 "$pub" 2>/dev/null || fail "the publish did not wait for the lock"
grep -q 'Quyết định số 1/QĐ-A' "$off" || fail "the official report changed while the lock was held"
dti approve "$rb" --decision 2/QĐ-B --decision-date 2025-02-15 --by "Sở" --out "$DTI_TMP/elsewhere" \
	>/dev/null 2>"$DTI_TMP/b.err" || fail "approving run $rb failed: $(cat "$DTI_TMP/b.err")"
[ "$(q "SELECT scoring_run_id FROM official_result WHERE year = 2024")" = "$rb" ] ||
	fail "run $rb is not the official result"
kill -0 "$pub" 2>/dev/null || fail "the publish did not wait for the lock"
echo go >"$fifo"
wait "$holder" || fail "the holder of the lock failed"
wait "$pub" || fail "the publish that waited failed: $(cat "$DTI_TMP/p.err")"
grep -q 'Quyết định số 2/QĐ-B' "$off" ||
	fail "the publish that waited published the superseded approval, not run $rb's"
grep -q 'Quyết định số 1/QĐ-A' "$off" && fail "the official report still names run $ra's decision"
grep -q "$outdir/official-2024/report/index.html" "$DTI_TMP/p.out" ||
	fail "the publish did not print its report's path"

# A holder that does not let go (a stopped process, say): a publish gives
# up after --wait seconds, naming the holder and publishing nothing, and
# --wait 0 does not wait at all.  The holder writes its id into the lock
# as dti does.
rm -f "$fifo" && mkfifo "$fifo"
flock "$lock" sh -c "echo \$\$ >'$lock'; echo held \$\$; read -r _ <'$fifo'" >"$DTI_TMP/hold2.out" &
holder=$!
wait_for "$DTI_TMP/hold2.out" held
hpid=$(sed -n 's/^held //p' "$DTI_TMP/hold2.out")
sum=$(cksum <"$off")
for w in 1 0; do
	dti publish --official --wait "$w" >"$DTI_TMP/w.out" 2>"$DTI_TMP/w.err"
	rc=$?
	[ "$rc" = 4 ] || fail "a publish that could not take the lock in $w s exited $rc, expected 4"
	grep -q "another publish (process $hpid) still holds '.*/var/out/.publish.lock' after $w s: not published" "$DTI_TMP/w.err" ||
		fail "no clear message naming the holder $hpid: $(cat "$DTI_TMP/w.err")"
	[ ! -s "$DTI_TMP/w.out" ] || fail "a publish that gave up printed paths: $(cat "$DTI_TMP/w.out")"
	[ "$w" = 0 ] && grep -q "waiting" "$DTI_TMP/w.err" && fail "--wait 0 said it waited"
done
[ "$(cksum <"$off")" = "$sum" ] || fail "a publish that gave up changed the official report"
dti publish --wait soon >/dev/null 2>&1
[ $? = 2 ] || fail "--wait soon was not refused as a usage error"
echo go >"$fifo"
wait "$holder" || fail "the second holder of the lock failed"
# Its id is named only while it lives: the lock free again, the next
# publish writes its own.
dti publish >/dev/null 2>"$DTI_TMP/p4.err" || fail "a publish after the holder left failed: $(cat "$DTI_TMP/p4.err")"
[ "$(cat "$lock")" != "$hpid" ] || fail "the lock still names the holder that left"

# No official result for the year: refused before the folder or its lock
# is made.
dti --year 2023 publish --official --out "$DTI_TMP/new" >/dev/null 2>"$DTI_TMP/n.err"
rc=$?
[ "$rc" = 1 ] || fail "publishing a year with no official result exited $rc, expected 1"
grep -q "no official result for 2023" "$DTI_TMP/n.err" || fail "no clear message: $(cat "$DTI_TMP/n.err")"
[ ! -e "$DTI_TMP/new" ] || fail "a refused publish left $(find "$DTI_TMP/new")"

# Without another holder a publish neither waits nor says so.
dti publish >/dev/null 2>"$DTI_TMP/p2.err" || fail "a publish failed: $(cat "$DTI_TMP/p2.err")"
grep -q "waiting" "$DTI_TMP/p2.err" && fail "a publish with the lock free said it waited"
grep -rq "publish.lock" "$DTI_TMP/p.out" && fail "the lock file was listed as written"
[ ! -e "$outdir/2024/.publish.lock" ] && [ ! -e "$outdir/official-2024/.publish.lock" ] ||
	fail "a lock file inside a report"
# Made under umask 077 (root's, say), the lock is still readable by all,
# so the nightly's user can take it.
rm -f "$lock"
(umask 077 && dti publish >/dev/null 2>"$DTI_TMP/p3.err") || fail "a publish failed: $(cat "$DTI_TMP/p3.err")"
[ "$(stat -c %a "$lock")" = 644 ] || fail "the lock made under umask 077 has mode $(stat -c %a "$lock")"
# A lock file that is not a plain file is refused, clearly, and nothing
# waits on a FIFO or writes through a link.
echo secret >"$DTI_TMP/secret"
chmod 600 "$DTI_TMP/secret"
for kind in fifo link dir hardlink; do
	rm -f "$lock"
	case $kind in
	fifo) mkfifo "$lock" ;;
	link) echo keep >"$DTI_TMP/target" && ln -s "$DTI_TMP/target" "$lock" ;;
	dir) mkdir "$lock" ;;
	hardlink) ln "$DTI_TMP/secret" "$lock" ;;
	esac
	timeout 20 "$DTI_BIN/dti" --config "$dep/config/dti.json" publish >/dev/null 2>"$DTI_TMP/k.err"
	rc=$?
	[ "$rc" = 4 ] || fail "a publish with a $kind as its lock exited $rc, expected 4"
	grep -q "cannot lock '.*/.publish.lock'" "$DTI_TMP/k.err" || fail "no clear message for a $kind: $(cat "$DTI_TMP/k.err")"
	rm -rf "$lock"
done
[ "$(cat "$DTI_TMP/target")" = keep ] || fail "the link's target was changed"
[ "$(stat -c %a "$DTI_TMP/secret")" = 600 ] || fail "a file linked as the lock had its mode changed"
echo "publish lock ok"
