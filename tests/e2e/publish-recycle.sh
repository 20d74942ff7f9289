#!/bin/sh
# dti publish keeps the report it replaces as OUT/.YEAR.spare and starts
# the next publish from it: a file there is written over in place (its
# inode kept: a nightly publish neither makes nor deletes thousands of
# files), what the new report does not hold is removed, and anything that
# is not a plain file of one name is replaced, never written through: a
# hard link's other name and a symbolic link's target keep their bytes, a
# FIFO is not waited on, a folder in a file's place is removed; a kept
# report another user made is not used.  The report is the same as one published afresh.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
fail() {
	echo "FAIL: $*"
	exit 1
}
# $1: folder — a checksum per file, relative names, sorted; a workbook's
# by its parts' bytes (a zip records when each part was written), the data
# quality page with its numbers masked (the sources' ages move with time).
sums() {
	python3 - "$1" <<'PY'
import hashlib, os, re, sys, zipfile
root = sys.argv[1]
for d, _, fs in sorted(os.walk(root)):
    for f in sorted(fs):
        p = os.path.join(d, f)
        h = hashlib.sha256()
        if f.endswith('.xlsx'):
            with zipfile.ZipFile(p) as z:
                for n in sorted(z.namelist()):
                    h.update(n.encode() + b'\0' + z.read(n))
        elif f == 'data-quality.html':
            h.update(re.sub(rb'[0-9]', b'#', open(p, 'rb').read()))
        else:
            h.update(open(p, 'rb').read())
        print(h.hexdigest(), os.path.relpath(p, root))
PY
}
shown() { ls -A "$T/out" | grep -v '^\.publish\.lock$' | tr '\n' ' '; }

dti communes load "$V/communes.csv"
dti import "$V/inputs.csv" >/dev/null
dti score >/dev/null
dti publish --out "$T/out" >/dev/null
[ "$(shown)" = "2024 " ] || fail "after the first publish OUT shows '$(shown)'"
dti publish --out "$T/out" >/dev/null
[ "$(shown)" = ".2024.spare 2024 " ] || fail "the replaced report is not kept: OUT shows '$(shown)'"
S=$T/out/.2024.spare
[ -f "$S/wide-2024.csv" ] && [ -f "$S/report/index.html" ] || fail "the kept report is not whole"
kept=$(stat -c %i "$S/wide-2024.csv")
# What an earlier report held and this one will not, and hostile entries.
echo stale >"$S/report/stale.html"
mkdir -p "$S/gone/deeper" && echo x >"$S/gone/deeper/x.txt"
echo outside >"$T/outside.html"
rm "$S/report/index.html" && ln "$T/outside.html" "$S/report/index.html"
echo target >"$T/target.json"
rm "$S/dti-2024.json" && ln -s "$T/target.json" "$S/dti-2024.json"
rm "$S/ranking-2024.csv" && mkfifo "$S/ranking-2024.csv"
rm "$S/scores-2024.csv" && mkdir -p "$S/scores-2024.csv/inside"
timeout 120 "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" \
	publish --out "$T/out" >"$T/paths" || fail "the publish over the kept report failed (or waited)"
[ "$(cat "$T/outside.html")" = outside ] || fail "a hard link's other name was written through"
[ "$(cat "$T/target.json")" = target ] || fail "a symbolic link was followed"
[ -f "$T/out/2024/report/index.html" ] && [ ! -L "$T/out/2024/dti-2024.json" ] &&
	[ -f "$T/out/2024/ranking-2024.csv" ] && [ -f "$T/out/2024/scores-2024.csv" ] ||
	fail "a hostile entry was kept"
[ ! -e "$T/out/2024/report/stale.html" ] && [ ! -e "$T/out/2024/gone" ] ||
	fail "what the new report does not hold was kept"
[ "$(stat -c %i "$T/out/2024/wide-2024.csv")" = "$kept" ] ||
	fail "a file of the kept report was not written over in place"
[ "$(shown)" = ".2024.spare 2024 " ] || fail "after the third publish OUT shows '$(shown)'"
# The same report as one published into an empty folder.
dti publish --out "$T/fresh" >/dev/null
sums "$T/fresh/2024" >"$T/fresh.sums"
sums "$T/out/2024" >"$T/out.sums"
cmp -s "$T/fresh.sums" "$T/out.sums" || {
	diff "$T/fresh.sums" "$T/out.sums" | head -n 20
	fail "the report written over the kept one differs from a fresh one"
}
[ "$(wc -l <"$T/paths")" = "$(wc -l <"$T/out.sums")" ] || fail "not every file listed"
# A kept report another user made (an administrator's publish as root,
# before the nightly's as dti) is not written in: it is removed and the
# report made afresh.  Shown by root making the kept one another user's.
if [ "$(id -u)" = 0 ]; then
	chown -R 65534 "$S"
	dti publish --out "$T/out" >/dev/null || fail "the publish beside another user's kept report failed"
	# Written in place, a file would have kept its owner.
	[ "$(stat -c %u "$T/out/2024/wide-2024.csv")" = 0 ] ||
		fail "another user's kept report was written in"
	[ "$(stat -c %u "$S")" = 0 ] || fail "the report replaced is not the one kept"
	sums "$T/out/2024" >"$T/out.sums"
	cmp -s "$T/fresh.sums" "$T/out.sums" || fail "the report made afresh differs"
fi
echo "publish wrote over the kept report in place: the same report, nothing written through"
