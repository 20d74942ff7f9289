#!/bin/sh
# dti publish never deletes what is not its own.  OUT/YEAR as a symbolic
# link to another folder (a web root holding other files) or as a plain
# file: publish must not empty the link's target nor delete the file.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }

dti communes load "$V/communes.csv"
dti import "$V/inputs.csv" >/dev/null
dti score >/dev/null
# OUT/2024 -> a folder that holds someone else's files.
mkdir -p "$T/out" "$T/webroot/keep"
echo precious >"$T/webroot/index.html"
echo precious >"$T/webroot/keep/data.txt"
ln -s "$T/webroot" "$T/out/2024"
rc=0
dti publish --out "$T/out" >"$T/link.out" 2>"$T/link.err" || rc=$?
cat "$T/link.err"
[ -f "$T/webroot/index.html" ] && [ -f "$T/webroot/keep/data.txt" ] || {
	echo "FAIL: publish through the symbolic link OUT/2024 deleted the target's files (rc $rc):"
	ls -laR "$T/webroot"
	exit 1
}
# A plain file at OUT/YEAR is not dti's either.
rm -rf "$T/out2"
mkdir -p "$T/out2"
echo "not a folder" >"$T/out2/2024"
rc=0
dti publish --out "$T/out2" >/dev/null 2>"$T/file.err" || rc=$?
cat "$T/file.err"
if [ ! -d "$T/out2/2024" ] || [ "$rc" != 0 ]; then
	[ "$rc" != 0 ] && [ -f "$T/out2/2024" ] ||
		{ echo "FAIL: publish over the file OUT/2024 neither refused nor kept it (rc $rc)"; exit 1; }
else
	echo "FAIL: publish deleted the plain file OUT/2024 and put a folder in its place"
	exit 1
fi
ls -A "$T/out2" | grep -q '^\.2024\.new' && { echo "FAIL: staging folder left behind"; exit 1; }
echo "publish symlink ok"
