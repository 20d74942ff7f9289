#!/bin/sh
# tests/compare-behaviour.sh REV — is this tree's behaviour the same as REV's?
#
# Builds REV in a scratch worktree, then runs the same work with REV's
# programs and with this tree's, in the same folder one after the other (so
# that paths written into outputs agree): the nightly run on the bundled
# sample, and load -> import -> score -> export -> publish on the national
# data set that `make bench` builds.  Compares every export, JSON file and
# report page, and a dump of the database's columns that hold no time
# (tests/compare/dump.py).  Exit 0 when all is identical; else prints the
# first differences and exits 1.  For refactors that must change nothing.
set -eu
rev=${1:?usage: tests/compare-behaviour.sh REV   (a commit to compare with, e.g. main)}
root=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/dti-compare.XXXXXX")
cleanup() { git -C "$root" worktree remove --force "$T/ref-src" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT INT TERM
git -C "$root" worktree add -q --detach "$T/ref-src" "$rev"
echo "building $rev and this tree" >&2
make -C "$T/ref-src" -j2 all >"$T/ref-build.log" 2>&1 || { tail -20 "$T/ref-build.log"; exit 2; }
make -C "$root" -j2 all >"$T/new-build.log" 2>&1 || { tail -20 "$T/new-build.log"; exit 2; }

# The national data set, built once, read by both.
python3 "$root/tests/bench/national.py" "$root" "$T/national" >&2

# The sample's configuration with every file of the run under $T/work.
python3 - "$root" "$T" <<'PY'
import json, os, sys
root, t = sys.argv[1:3]
cfg = json.load(open(f'{root}/config/dti.json', encoding='utf-8'))
def absolute(p): return p if p.startswith('/') else os.path.normpath(os.path.join(root, 'config', p))
for k in ('framework', 'admin_units', 'communes_csv'):
    cfg[k] = absolute(cfg[k])
cfg['district_sheets']['dir'] = absolute(cfg['district_sheets']['dir'])
for s in cfg['sources']:
    if s['url'].startswith('file:'):
        s['url'] = 'file:' + absolute(s['url'][5:])
w = f'{t}/work'
cfg.update(database=f'{w}/dti.db', output_dir=f'{w}/out', log_file=f'{w}/nightly.log',
           lock_file=f'{w}/nightly.lock')
cfg['backup']['dir'] = f'{w}/backup'
json.dump(cfg, open(f'{t}/dti.json', 'w', encoding='utf-8'), ensure_ascii=False, indent=1)
PY

# run_all SRC NAME: runs both data sets with SRC's programs, dumps into $T/NAME.
run_all() {
	src=$1 name=$2 w=$T/work
	rm -rf "$w" && mkdir -p "$w"
	DTI_BIN=$src/bin sh "$src/cron/dti-nightly" --config "$T/dti.json" >"$T/$name-nightly.log" 2>&1 || true
	python3 "$root/tests/compare/dump.py" db "$w/dti.db" >"$T/$name.sample.db"
	python3 "$root/tests/compare/dump.py" files "$w/out" >"$T/$name.sample.files"
	rm -rf "$w" && mkdir -p "$w"
	d="$src/bin/dti --config $T/dti.json --db $w/dti.db -q"
	$d communes load "$T/national/communes.csv"
	$d import "$T/national/inputs.csv"
	$d score >/dev/null
	$d export --out "$w/export" >/dev/null
	$d publish --out "$w/out" >/dev/null
	python3 "$root/tests/compare/dump.py" db "$w/dti.db" >"$T/$name.national.db"
	python3 "$root/tests/compare/dump.py" files "$w/export" >"$T/$name.national.export"
	python3 "$root/tests/compare/dump.py" files "$w/out" >"$T/$name.national.files"
}
echo "running $rev" >&2
run_all "$T/ref-src" ref
echo "running this tree" >&2
run_all "$root" new
fail=0
for k in sample.db sample.files national.db national.export national.files; do
	if cmp -s "$T/ref.$k" "$T/new.$k"; then
		echo "same     $k ($(wc -l <"$T/new.$k") lines)"
	else
		echo "DIFFERS  $k"
		diff "$T/ref.$k" "$T/new.$k" | head -n 40
		fail=1
	fi
done
exit $fail
