#!/bin/sh
# What a program opens at start (lib/app.c, issue #13 items 3 and 4):
#   - a command that only reads creates nothing: on a database that does
#     not exist it fails (exit 4) naming 'dti init', with no folder, file,
#     -wal or -shm left behind; on an older schema it says so and does not
#     migrate;
#   - the default configuration is $DTI_CONFIG, else the build tree's own
#     config/dti.json for a program run from a build tree, else
#     /etc/dti/dti.json, never ./config/dti.json of the current folder.
set -u
T=$DTI_TMP
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" "$@"; }

# --- Read-only commands create nothing -------------------------------------
for cmd in status runs export "explain 11986 1.1" "communes list" "form status"; do
	# shellcheck disable=SC2086 # the subcommand splits on purpose
	dti --db "$T/none/x.db" $cmd >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 4 ] || fail "'$cmd' on a missing database exited $rc, not 4: $(cat "$T/err")"
	grep -q "database '$T/none/x.db' does not exist: run 'dti init' to create it" "$T/err" ||
		fail "'$cmd': no clear message: $(cat "$T/err")"
	[ -e "$T/none" ] && fail "'$cmd' created the database's folder"
	# shellcheck disable=SC2086
	dti --db "$T/x.db" $cmd >/dev/null 2>&1
	for f in x.db x.db-wal x.db-shm x.db-journal; do
		[ -e "$T/$f" ] && fail "'$cmd' created $f"
	done
done

# An older schema: the reader says so, names the command, and migrates
# nothing; the writer (dti init) still upgrades.
dti --db "$T/old.db" -q init || fail "init failed"
have=$(sqlite3 "$T/old.db" "PRAGMA user_version")
older=$((have - 1))
sqlite3 "$T/old.db" "PRAGMA user_version = $older"
dti --db "$T/old.db" status >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 4 ] || fail "status on an older schema exited $rc, not 4"
grep -q "database '$T/old.db' has schema version $older, older than this program's ($have): run 'dti init' to upgrade it" "$T/err" ||
	fail "older schema: no clear message: $(cat "$T/err")"
[ "$(sqlite3 "$T/old.db" "PRAGMA user_version")" = "$older" ] || fail "a reader migrated the database"
# An empty file is no dti database either.
: >"$T/empty.db"
dti --db "$T/empty.db" runs 2>"$T/err" && fail "runs on an empty file succeeded"
grep -q "database '$T/empty.db' is not set up yet: run 'dti init' to create it" "$T/err" ||
	fail "empty file: no clear message: $(cat "$T/err")"
[ -s "$T/empty.db" ] && fail "a reader wrote into the empty file"

# --- The default configuration ---------------------------------------------
# A folder with a config/dti.json of its own (here: a copy of the tree's,
# with another year) that must never be picked up from the current folder.
mkdir -p "$T/work" "$T/inst/bin" "$T/tree/bin"
cp -R "$DTI_ROOT/config" "$T/work/config"
python3 - "$T/work/config/dti.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["year"] = 2019
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
# An installed program: no config/ beside its bin/.
cp "$DTI_BIN/dti" "$T/inst/bin/dti"
# A build tree: <tree>/bin/dti with <tree>/config/dti.json.
cp "$DTI_BIN/dti" "$T/tree/bin/dti"
cp -R "$DTI_ROOT/config" "$T/tree/config"

cd "$T/work" || fail "cd"
env -u DTI_CONFIG "$T/inst/bin/dti" paths >"$T/out" 2>"$T/err"
grep -q "^year	2019$" "$T/out" && fail "an installed dti read ./config/dti.json"
grep -q "/etc/dti/dti.json" "$T/out" "$T/err" || fail "an installed dti did not look at /etc/dti/dti.json: $(cat "$T/out" "$T/err")"
env -u DTI_CONFIG "$T/tree/bin/dti" paths >"$T/out" 2>"$T/err" || fail "the tree's dti: $(cat "$T/err")"
grep -q "^config	$T/tree/config/dti.json$" "$T/out" || fail "a build tree's dti did not read its own configuration: $(cat "$T/out")"
DTI_CONFIG=$T/work/config/dti.json "$T/tree/bin/dti" paths >"$T/out" 2>&1 || fail "DTI_CONFIG: $(cat "$T/out")"
grep -q "^year	2019$" "$T/out" || fail "\$DTI_CONFIG was not read first: $(cat "$T/out")"
# The nightly finds its configuration the same way (through dti paths).
env -u DTI_CONFIG DTI_BIN="$T/inst/bin" sh "$DTI_ROOT/cron/dti-nightly" --dry-run >"$T/out" 2>"$T/err"
grep -q "year 2019" "$T/out" "$T/err" && fail "an installed nightly read ./config/dti.json"
# Every --help names the lookup, never the current folder.
for p in dti dti-collect-telecom; do
	"$DTI_BIN/$p" --help >"$T/help" || fail "$p --help"
	grep -q '\./config' "$T/help" && fail "$p --help names ./config/dti.json"
	grep -q 'build tree' "$T/help" || fail "$p --help does not name the build tree's default"
done
sh "$DTI_ROOT/cron/dti-nightly" --help | grep -q '\./config' && fail "dti-nightly --help names ./config/dti.json"
echo "ok"
