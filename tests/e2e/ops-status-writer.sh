#!/bin/sh
# Monitoring never waits for writers: while another process holds a write
# transaction (BEGIN IMMEDIATE) on the database, the read-only commands
# (status, runs, explain, export, communes list) answer at once from the
# last committed state, with their usual exit code, well under the 30 s
# busy timeout a writer would wait.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
nightly 2>/dev/null || fail "the first run failed"
dti status >"$DTI_TMP/before.out" 2>&1
before=$?
[ "$before" = 0 ] || fail "status before the writer exited $before: $(cat "$DTI_TMP/before.out")"

# A writer that holds the write lock until told to stop (at most 60 s).
python3 - "$db" "$DTI_TMP/held" "$DTI_TMP/release" <<'PY' &
import os, sqlite3, sys, time
db, held, release = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None, timeout=20)
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE source SET max_age_hours = max_age_hours")
open(held, "w").close()
end = time.time() + 60
while not os.path.exists(release) and time.time() < end:
    time.sleep(0.05)
c.execute("ROLLBACK")
PY
writer=$!
trap 'touch "$DTI_TMP/release"' EXIT
for _ in $(seq 1 200); do
	[ -e "$DTI_TMP/held" ] && break
	sleep 0.05
done
[ -e "$DTI_TMP/held" ] || fail "the writer never took the lock"

check() { # $1: expected exit code, then the dti arguments
	want=$1
	shift
	start=$(date +%s)
	timeout 5 "$DTI_BIN/dti" --config "$dep/config/dti.json" "$@" >"$DTI_TMP/out" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	[ "$rc" != 124 ] || fail "'dti $*' still waiting after 5 s behind a writer"
	[ "$rc" = "$want" ] || fail "'dti $*' exited $rc behind a writer, expected $want: $(tail -n 3 "$DTI_TMP/out")"
	echo "dti $*: exit $rc in ${took}s behind a writer"
}
check 0 status
cmp -s "$DTI_TMP/before.out" "$DTI_TMP/out" || fail "status behind a writer differs: $(diff "$DTI_TMP/before.out" "$DTI_TMP/out")"
check 0 runs --limit 3
check 0 communes list
check 0 explain 11989 TOTAL
check 0 export --out "$DTI_TMP/export"
ls "$DTI_TMP"/export/scores-*.csv >/dev/null 2>&1 || fail "export wrote no scores file"
touch "$DTI_TMP/release"
wait "$writer" || fail "the writer failed"
echo "status behind a writer ok"
